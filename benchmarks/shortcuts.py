"""What the Markdown shortcuts earn: the converter with and without them, on the benchmark corpus's pages.

    python benchmarks/shortcuts.py              # 300 pages of about 600 words, best of 5 runs
    python benchmarks/shortcuts.py --pages 1000

microsite/markup.py keeps two shortcuts (the toc extension's heading ids taken from plain headings, and inline
patterns skipped for text that holds none of their first characters); a property test (tests/test_fuzz.py) checks
they give the same HTML as Markdown alone. This prints what each saves, so that a shortcut that stops earning its
lines can go. Prints a table; never a timed test.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import markdown  # noqa: E402
from markdown.extensions.toc import TocExtension  # noqa: E402

from corpus import body  # noqa: E402
from microsite.markup import (  # noqa: E402
    _FastTocExtension,
    _GatedInlineProcessor,
    inline_gate,
)
from microsite.text import slugify  # noqa: E402


def converter(fast_ids: bool, fast_inline: bool) -> markdown.Markdown:
    """Python-Markdown with the extensions the generator uses, each shortcut on or off."""
    toc = _FastTocExtension if fast_ids else TocExtension
    md = markdown.Markdown(extensions=[toc(slugify=slugify), "tables", "attr_list", "sane_lists"])
    gate = inline_gate(md) if fast_inline else None
    if gate is not None:
        md.treeprocessors.register(_GatedInlineProcessor(md, gate), "inline", 20)
    return md


def best(md: markdown.Markdown, bodies: list[str], runs: int) -> float:
    """The fastest of `runs` conversions of every body, in seconds."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        for text in bodies:
            md.reset()
            md.convert(text)
        times.append(time.perf_counter() - started)
    return min(times)


def main() -> None:
    """Print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=300)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    rng = random.Random(2023)
    bodies = [body(rng, "vi" if i % 2 else "fr", i, args.pages) for i in range(args.pages)]
    plain = best(converter(False, False), bodies, args.runs)
    print(f"{'converter':<34} {'seconds':>8} {'saved':>7}")
    for name, ids, inline in [
        ("Markdown alone", False, False),
        ("heading ids shortcut", True, False),
        ("inline patterns shortcut", False, True),
        ("both (the generator's)", True, True),
    ]:
        seconds = plain if not (ids or inline) else best(converter(ids, inline), bodies, args.runs)
        print(f"{name:<34} {seconds:8.3f} {(1 - seconds / plain) * 100:6.1f} %")


if __name__ == "__main__":
    main()
