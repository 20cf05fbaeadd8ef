"""Re-make microsite/fonts/ (the social card's font) from the Fontsource package of Be Vietnam Pro.

    npm install --prefix /tmp/font @fontsource/be-vietnam-pro@5.3.0
    python -m venv /tmp/font/venv && /tmp/font/venv/bin/pip install fonttools brotli
    /tmp/font/venv/bin/python scripts/font.py /tmp/font/node_modules/@fontsource/be-vietnam-pro

Fontsource ships one woff2 per Unicode subset, and no subset alone is enough (the vietnamese one has no basic
Latin): this merges latin, latin-ext and vietnamese into one TrueType file per weight, which Pillow reads, and
copies the SIL Open Font License beside it. The TTFs are committed, so the build never needs npm, fontTools or
the network; fontTools and brotli are this script's tools only. The output is the same bytes on every run (the
font's dates are the package's, not the time of the run).
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
from pathlib import Path

from fontTools.merge import Merger
from fontTools.ttLib import TTFont

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "microsite" / "fonts"
SUBSETS = ["latin", "latin-ext", "vietnamese"]
WEIGHTS = {400: "BeVietnamPro-Regular.ttf", 700: "BeVietnamPro-Bold.ttf"}


def merge(package: Path, weight: int, out: Path, scratch: Path) -> None:
    """Decompress one weight's subsets to TrueType and merge them into out."""
    parts, created, modified = [], 0, 0
    for subset in SUBSETS:
        font = TTFont(package / "files" / f"be-vietnam-pro-{subset}-{weight}-normal.woff2", recalcTimestamp=False)
        font.flavor = None
        created, modified = max(created, font["head"].created), max(modified, font["head"].modified)
        part = scratch / f"{subset}-{weight}.ttf"
        font.save(part)
        parts.append(str(part))
    merged = Merger().merge(parts)
    # The merger stamps both dates with the time of the run: keep the package's, so a re-run is the same bytes.
    merged["head"].created, merged["head"].modified = created, modified
    merged.recalcTimestamp = False
    merged.save(out)


def main() -> None:
    """Write one merged TTF per weight and the licence into microsite/fonts/."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("package", type=Path, help="the installed @fontsource/be-vietnam-pro folder")
    package = parser.parse_args().package
    OUT.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as scratch:
        for weight, name in WEIGHTS.items():
            merge(package, weight, OUT / name, Path(scratch))
            print(f"{OUT / name}: {(OUT / name).stat().st_size:,} bytes")
    shutil.copyfile(package / "LICENSE", OUT / "OFL.txt")


if __name__ == "__main__":
    main()
