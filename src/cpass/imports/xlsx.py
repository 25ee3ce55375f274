"""An XLSX file's rows for the import engine, its refusals in the person's language.

The rows come from `cpass.imports.sheetxml`. A large sheet (from `PROCESS_FROM_BYTES` of XML) is read in a Python
process of its own (`python -m cpass.imports.sheetxml FILE`), which sends the rows back in pickled batches: reading
XML costs about as much as checking and writing a row, so on a machine with a second core the import goes about
as fast from XLSX as from CSV. The child is the same interpreter (`sys.executable`); where that is not a Python
(an application server embedding one) or `CPASS_IMPORT_READER_PROCESS` is off, the sheet is read in-process.
"""

from __future__ import annotations

import logging
import os
import pickle
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Generator, Iterator
from pathlib import Path
from typing import IO

from django.conf import settings
from django.utils.translation import gettext as _

import cpass
from cpass.imports.framework import FileRejected
from cpass.imports.sheetxml import FRAME_HEADER, SheetError, SheetRows, sheet_size

logger = logging.getLogger(__name__)

#: The size of sheet XML (uncompressed) from which the rows are read in a process of their own: about 3,000
#: item rows. Below it, starting Python costs more than it saves.
PROCESS_FROM_BYTES = 2 << 20
#: The pipe from the reading process (Linux's default is 64 kB): big enough for the reader to run about 10,000 rows
#: ahead while this process waits on the database, when a core is free for it.
_PIPE_BYTES = 1 << 20


class XlsxRows:
    """(row number as Excel shows it, cell texts from column A) for each row of the first sheet with cells, and
    `fraction`, how far the sheet has been read."""

    def __init__(self, stream: IO[bytes]) -> None:
        self.fraction = 0.0
        #: The reading process's peak resident memory, once it has finished (None: read in this process).
        self.reader_peak_kb: int | None = None
        self._rows: Generator[tuple[int, list[str]]]
        try:
            size = sheet_size(stream)
            stream.seek(0)
            if size >= PROCESS_FROM_BYTES and _may_start_process():
                self._rows = self._from_process(stream)
            else:
                self._rows = self._in_process(SheetRows(stream))
        except SheetError as exc:
            raise _rejected(exc) from None
        self._translated = self._refusals_translated()

    def __iter__(self) -> Iterator[tuple[int, list[str]]]:
        return self._translated

    def __next__(self) -> tuple[int, list[str]]:
        return next(self._translated)

    def close(self) -> None:
        """Stop reading (the reading process, if any, is ended)."""
        self._translated.close()
        self._rows.close()

    def _refusals_translated(self) -> Generator[tuple[int, list[str]]]:
        try:
            yield from self._rows
        except SheetError as exc:
            raise _rejected(exc) from None

    def _in_process(self, rows: SheetRows) -> Generator[tuple[int, list[str]]]:
        for row in rows:
            yield row
            self.fraction = rows.fraction

    def _from_process(self, stream: IO[bytes]) -> Generator[tuple[int, list[str]]]:
        with tempfile.TemporaryDirectory(prefix="cpass-xlsx-") as scratch, tempfile.TemporaryFile() as errors:
            path = _on_disk(stream, Path(scratch))
            environment = {**os.environ, "PYTHONPATH": os.pathsep.join(_source_paths())}
            process = subprocess.Popen(  # noqa: S603 - our own module, with a path we chose
                [sys.executable, "-m", "cpass.imports.sheetxml", str(path)],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=errors,
                env=environment,
                pipesize=_PIPE_BYTES,
            )
            assert process.stdout is not None  # noqa: S101 - stdout=PIPE
            try:
                while True:
                    header = process.stdout.read(FRAME_HEADER.size)
                    if len(header) < FRAME_HEADER.size:
                        process.wait()
                        errors.seek(0)
                        message = errors.read().decode(errors="replace").strip()[-2000:]
                        raise RuntimeError(f"The XLSX reading process stopped without an answer: {message}")
                    (length,) = FRAME_HEADER.unpack(header)
                    frame = pickle.loads(process.stdout.read(length))  # noqa: S301 - written by our own child
                    if frame[0] == "rows":
                        self.fraction = frame[1]
                        yield from frame[2]
                    elif frame[0] == "error":
                        raise SheetError(frame[1], **frame[2])
                    else:
                        self.reader_peak_kb = frame[1]["peak_kb"]
                        logger.info(
                            "xlsx sheet read in a process of its own",
                            extra={"rows": frame[1]["rows"], "reader_peak_kb": self.reader_peak_kb},
                        )
                        return
            finally:
                if process.poll() is None:
                    process.kill()
                process.wait()
                process.stdout.close()


def _may_start_process() -> bool:
    return bool(settings.CPASS_IMPORT_READER_PROCESS) and Path(sys.executable).name.startswith("python")


def _source_paths() -> list[str]:
    """Where `cpass` is imported from, first, then the PYTHONPATH already set."""
    paths = [str(Path(cpass.__file__).resolve().parent.parent)]
    if os.environ.get("PYTHONPATH"):
        paths.append(os.environ["PYTHONPATH"])
    return paths


def _on_disk(stream: IO[bytes], scratch: Path) -> Path:
    """A path the reading process can open: the stream's own file, or a copy in `scratch`."""
    name = getattr(stream, "name", None)
    if isinstance(name, str) and os.path.isabs(name) and os.path.isfile(name):
        return Path(name)
    copy = scratch / "upload.xlsx"
    with copy.open("wb") as target:
        shutil.copyfileobj(stream, target, 1 << 20)
    return copy


def _rejected(error: SheetError) -> FileRejected:
    """The refusal, in the person's language."""
    params = error.params
    if error.kind == SheetError.DTD:
        message = _("The sheet declares a DTD, which spreadsheets never do: it is refused.")
    elif error.kind == SheetError.FORMULA:
        message = _("Cell %(cell)s holds a formula. Paste the values instead (Paste Special → Values).") % params
    elif error.kind == SheetError.MERGED:
        message = _("The sheet has merged cells (%(ranges)s). Unmerge them: each row must stand alone.") % params
    elif error.kind == SheetError.VALUE:
        message = _("Cell %(cell)s holds “%(value)s”, which is not a value of its kind: type it again.") % params
    else:
        message = _("The file is not a readable XLSX workbook. Save it again as .xlsx.")
    return FileRejected.because(message)
