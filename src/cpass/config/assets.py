"""Copy the front-end files C-pass serves from node_modules into the folder staticfiles reads.

Run by `make assets` after `npm install`; the target folder is git-ignored.
"""

from __future__ import annotations

import shutil
import sys

from cpass.config.env import BASE_DIR

#: package file -> path under /static/vendor/
ASSETS = {
    "htmx.org/dist/htmx.min.js": "htmx/htmx.min.js",
    # Noto Sans SC (SIL OFL 1.1) for the PDFs (cpass.customs.printing.fonts): the simplified-Chinese subset,
    # which carries Latin too, and the three small slices holding ‰, ≤ ≥ and →. WOFF, not WOFF2: WeasyPrint
    # unpacks WOFF in milliseconds but WOFF2 in seconds, on every render.
    **{
        f"@fontsource/noto-sans-sc/files/noto-sans-sc-{part}-normal.woff": f"fonts/noto-sans-sc-{part}-normal.woff"
        for part in ("chinese-simplified-400", "chinese-simplified-700", "91-400", "100-400", "109-400")
    },
    "@fontsource/noto-sans-sc/LICENSE": "fonts/noto-sans-sc-LICENSE.txt",
}


def main() -> int:
    source_root = BASE_DIR / "node_modules"
    target_root = source_root / ".cpass-assets"
    for source, target in ASSETS.items():
        src = source_root / source
        if not src.is_file():
            print(f"missing front-end asset {src}: run `make assets`", file=sys.stderr)
            return 1
        dst = target_root / target
        dst.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, dst)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
