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
