"""Compile every committed .po catalogue to .mo with Babel (no GNU gettext needed)."""

from __future__ import annotations

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from cpass.config.env import BASE_DIR


def main() -> int:
    count = 0
    for po_path in sorted((BASE_DIR / "src" / "cpass").glob("**/locale/*/LC_MESSAGES/*.po")):
        with po_path.open("rb") as po_file:
            catalog = read_po(po_file)
        with po_path.with_suffix(".mo").open("wb") as mo_file:
            write_mo(mo_file, catalog)
        count += 1
    print(f"compiled {count} translation catalogue(s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
