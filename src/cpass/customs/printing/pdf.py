"""HTML → PDF with WeasyPrint: the bundled Noto Sans SC font, a fetcher that reads only the files we name,
and a clear `PdfUnavailable` when WeasyPrint or its system libraries (Pango) cannot be loaded.

WeasyPrint is imported on first use, not at import time, so every other page keeps working on a machine
without Pango and only the PDF links answer 503 with a message saying why.
"""

from __future__ import annotations

import logging
import mimetypes
import threading
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import urlsplit
from urllib.request import url2pathname

from django.conf import settings
from django.contrib.staticfiles import finders
from django.utils.translation import gettext_lazy as _

from cpass.core.errors import ServiceError

logger = logging.getLogger(__name__)

#: The family name the print CSS uses; the @font-face rules below give it the bundled files.
FONT_FAMILY = "CPass Sans"
#: (static path under vendor/, family, weight, unicode-range or "") of the Noto Sans SC files `make assets`
#: installs (package.json: @fontsource/noto-sans-sc; copied by cpass.config.assets). Each slice holding a few
#: symbols has a family of its own: WeasyPrint embeds one font per family and style, so two files under one
#: family and weight would mix up their glyphs.
FONT_FILES = (
    ("fonts/noto-sans-sc-chinese-simplified-400-normal.woff", FONT_FAMILY, 400, ""),
    ("fonts/noto-sans-sc-chinese-simplified-700-normal.woff", FONT_FAMILY, 700, ""),
    ("fonts/noto-sans-sc-91-400-normal.woff", f"{FONT_FAMILY} Symbols 1", 400, "U+2030"),
    ("fonts/noto-sans-sc-100-400-normal.woff", f"{FONT_FAMILY} Symbols 2", 400, "U+2264-2265"),
    ("fonts/noto-sans-sc-109-400-normal.woff", f"{FONT_FAMILY} Symbols 3", 400, "U+2192"),
)
FONT_FAMILIES = frozenset(family for _path, family, _weight, _range in FONT_FILES)
#: Tried after the bundled font: the system's Noto CJK (Debian's fonts-noto-cjk), then any sans-serif.
FALLBACK_FAMILIES = '"Noto Sans CJK SC", "Noto Sans SC", "DejaVu Sans", sans-serif'


class PdfUnavailable(ServiceError):
    """PDFs cannot be made on this machine (WeasyPrint or Pango missing): 503 with the reason."""

    status = 503
    title = _("PDFs are unavailable")


@dataclass(frozen=True)
class Pdf:
    """A rendered document: its bytes, page count and the file name to offer."""

    content: bytes
    pages: int
    filename: str
    #: The font families embedded (for checks: Chinese text must come from the bundled font).
    fonts: frozenset[str] = frozenset()


def _import_weasyprint() -> ModuleType:
    # Loads Pango through cffi (an OSError when the library is missing): only when a PDF is asked for.
    import weasyprint
    import weasyprint.text.fonts
    import weasyprint.urls

    return weasyprint


def weasyprint_module() -> ModuleType:
    """WeasyPrint, or PdfUnavailable naming what is missing (the Debian packages are in docs/operations.md)."""
    try:
        return _import_weasyprint()
    except (ImportError, OSError) as exc:
        logger.error("PDF rendering is unavailable: %s", exc)
        raise PdfUnavailable(
            _(
                "PDFs cannot be made on this server: the PDF renderer (WeasyPrint with the Pango library) is "
                "not installed. Ask the administrator to install it (see the operations guide, “PDF rendering”)."
            )
        ) from exc


def _font_path(name: str) -> Path | None:
    found = finders.find(f"vendor/{name}")
    if isinstance(found, str):
        return Path(found)
    collected = Path(settings.STATIC_ROOT) / "vendor" / name
    return collected if collected.is_file() else None


@cache
def _warn_missing_fonts(missing: tuple[str, ...]) -> None:
    logger.warning(
        "PDF fonts missing (%s): run `make assets`; PDFs fall back to the system's fonts (fonts-noto-cjk)",
        ", ".join(missing),
    )


@dataclass(frozen=True)
class FontFile:
    path: Path
    family: str
    weight: int
    unicode_range: str


def font_files() -> list[FontFile]:
    """The bundled font files found on this machine, with their family, weight and unicode range."""
    found: list[FontFile] = []
    missing: list[str] = []
    for name, family, weight, unicode_range in FONT_FILES:
        path = _font_path(name)
        if path is None:
            missing.append(name)
        else:
            found.append(FontFile(path, family, weight, unicode_range))
    if missing:
        _warn_missing_fonts(tuple(missing))
    return found


def font_face_css(fonts: list[FontFile]) -> str:
    """@font-face rules for the bundled files (file:// URLs: nothing is fetched over the network)."""
    rules = []
    for font in fonts:
        rule = f'@font-face {{ font-family: "{font.family}"; src: url("{font.path.resolve().as_uri()}"); '
        rule += f"font-weight: {font.weight};"
        if font.unicode_range:
            rule += f" unicode-range: {font.unicode_range};"
        rules.append(rule + " }")
    return "\n".join(rules)


def font_stack() -> str:
    """The CSS font-family list: the bundled families, then the system's fallbacks."""
    families = ", ".join(f'"{family}"' for family in dict.fromkeys(f[1] for f in FONT_FILES))
    return f"{families}, {FALLBACK_FAMILIES}"


def page_counter_content(template: str) -> str:
    """A CSS `content` value from a translated "Page %(page)s of %(pages)s": the text around the placeholders
    as CSS strings, the placeholders as the page counters."""
    parts: list[str] = []
    rest = template
    while rest:
        at = min((i for i in (rest.find("%(page)s"), rest.find("%(pages)s")) if i >= 0), default=-1)
        if at < 0:
            parts.append(css_string(rest))
            break
        if at > 0:
            parts.append(css_string(rest[:at]))
        if rest.startswith("%(pages)s", at):
            parts.append("counter(pages)")
            rest = rest[at + len("%(pages)s") :]
        else:
            parts.append("counter(page)")
            rest = rest[at + len("%(page)s") :]
    return " ".join(parts)


def css_string(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ")
    return f'"{escaped}"'


def _fetcher_class(weasyprint: ModuleType) -> Any:
    base = weasyprint.urls.URLFetcher
    response = weasyprint.urls.URLFetcherResponse

    class LocalFiles(base):  # type: ignore[misc,valid-type]
        """Reads only the files this render named (fonts, the logo); any other URL is refused."""

        def __init__(self, allowed: set[Path]) -> None:
            super().__init__(allowed_protocols={"file"}, allow_redirects=False)
            self.allowed = {path.resolve() for path in allowed}

        def fetch(self, url: str, headers: Any = None) -> Any:
            parts = urlsplit(url)
            path = Path(url2pathname(parts.path)).resolve() if parts.scheme == "file" else None
            if path is None or path not in self.allowed:
                raise ValueError(f"not a file of this document: {url[:200]}")
            content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return response(url, path.read_bytes(), {"Content-Type": content_type})

    return LocalFiles


_local = threading.local()


def _font_config(weasyprint: ModuleType) -> Any:
    """One FontConfiguration per thread, kept between renders: it unpacks and registers each @font-face file
    once (a few hundred milliseconds for the CJK font), not on every PDF. Not shared across threads."""
    config = getattr(_local, "font_config", None)
    if config is None:
        config = _local.font_config = weasyprint.text.fonts.FontConfiguration()
    return config


def write_pdf(html: str, *, files: set[Path], filename: str) -> Pdf:
    """Render `html` (which may refer to `files` by file:// URL and to nothing else) to a PDF."""
    weasyprint = weasyprint_module()
    fetcher = _fetcher_class(weasyprint)(files)
    font_config = _font_config(weasyprint)
    document = weasyprint.HTML(string=html, url_fetcher=fetcher).render(font_config=font_config)
    content = document.write_pdf()
    fonts = frozenset(str(font.family) for font in document.fonts.values())
    return Pdf(content=content, pages=len(document.pages), filename=filename, fonts=fonts)
