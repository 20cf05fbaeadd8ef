"""Find runs of words the built site shares with its source report: a check that no sentence was copied.

    python scripts/overlap.py REPORT.txt [--site site] [--project .] [-n 10] [--allow PHRASE]...

Every run of n words (10 by default: more than nine) that appears both in the report and in a text of the built
site (page text, meta and JSON-LD strings, feeds, calendars) is printed with the file it was found in; the exit
code is 1 when there is any. Words are compared in lower case, NFC, with punctuation dropped. Names, offices, the
session's and the conference's names, and the titles of the report and of the contributions are taken from
content/*.yaml and do not count: a run is cut where one of them stands.
"""

from __future__ import annotations

import argparse
import html
import re
import sys
import unicodedata
from html.parser import HTMLParser
from pathlib import Path

import yaml

_WORD = re.compile(r"\w+")


def words(text: str) -> list[str]:
    """The words of a text, NFC and lower case, without punctuation."""
    return _WORD.findall(unicodedata.normalize("NFC", text).lower())


class _Text(HTMLParser):
    """The text a page shows or hands to machines: text nodes, JSON-LD, and meta/alt/title/aria-label values."""

    ATTRIBUTES = ("content", "alt", "title", "aria-label")

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.chunks: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag, attrs):
        if tag == "style":
            self.skip += 1
        self.chunks += [value for name, value in attrs if name in self.ATTRIBUTES and value]

    def handle_endtag(self, tag):
        if tag == "style":
            self.skip = max(self.skip - 1, 0)

    def handle_data(self, data):
        if not self.skip:
            self.chunks.append(data)


def site_texts(site: Path) -> dict[str, list[str]]:
    """Each text file of a built site, as the chunks of text it holds."""
    texts = {}
    for path in sorted(site.rglob("*")):
        if path.suffix == ".html":
            parser = _Text()
            parser.feed(path.read_text(encoding="utf-8"))
            texts[path.relative_to(site).as_posix()] = parser.chunks
        elif path.suffix in (".xml", ".ics"):
            raw = path.read_text(encoding="utf-8").replace("\r\n ", "").replace("\\n", "\n").replace("\\", "")
            texts[path.relative_to(site).as_posix()] = [html.unescape(re.sub(r"<[^>]+>", "\n", raw))]
    return texts


def excepted_phrases(project: Path) -> list[list[str]]:
    """Names, offices and titles, which a faithful site repeats: the runs they stand in are cut there."""
    content = project / "content"
    load = lambda name: yaml.safe_load((content / name).read_text(encoding="utf-8"))  # noqa: E731
    event, speakers, program = load("event.yaml"), load("speakers.yaml"), load("program.yaml")
    phrases = [
        *([event["source"]["title"]] if "source" in event else []),
        *event["title"].values(),
        *event["conference"].values(),
    ]
    for speaker in speakers:
        phrases += [speaker["name"], *speaker["role"].values()]
    # A quoted title of a contribution is the speaker's; an editorial one is the site's own text and is checked.
    phrases += [t for item in program if not item.get("editorial") for t in item["title"].values()]
    return sorted((words(p) for p in phrases if words(p)), key=len, reverse=True)


def cut(tokens: list[str], phrases: list[list[str]]) -> list[list[str]]:
    """Split a list of words wherever one of the phrases stands."""
    pieces, current, i = [], [], 0
    while i < len(tokens):
        found = next((p for p in phrases if tokens[i : i + len(p)] == p), None)
        if found:
            pieces.append(current)
            current, i = [], i + len(found)
        else:
            current.append(tokens[i])
            i += 1
    return pieces + [current]


def overlaps(report: list[str], tokens: list[str], n: int) -> list[str]:
    """The maximal runs of at least n words of `tokens` whose every n-gram is in the report."""
    grams = {tuple(report[i : i + n]) for i in range(len(report) - n + 1)}
    runs, start, end = [], None, -1
    for i in range(len(tokens) - n + 1):
        if tuple(tokens[i : i + n]) in grams:
            if start is None or i > end - n + 1:
                if start is not None:
                    runs.append(" ".join(tokens[start:end]))
                start = i
            end = i + n
    if start is not None:
        runs.append(" ".join(tokens[start:end]))
    return runs


def main(argv: list[str] | None = None) -> int:
    """Print every shared run; exit 1 when there is one."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("report", type=Path, help="the source report, as plain text")
    parser.add_argument("--site", type=Path, default=Path("site"), help="the built site (default: site)")
    parser.add_argument("--project", type=Path, default=Path("."), help="where content/ is (default: .)")
    parser.add_argument("-n", type=int, default=10, help="the shortest run that counts (default: 10 words)")
    parser.add_argument(
        "--allow",
        action="append",
        default=[],
        metavar="PHRASE",
        help="another name or official title that may be repeated (repeatable)",
    )
    args = parser.parse_args(argv)
    report = words(args.report.read_text(encoding="utf-8"))
    phrases = sorted(excepted_phrases(args.project) + [words(p) for p in args.allow if words(p)], key=len, reverse=True)
    found = 0
    for name, chunks in site_texts(args.site).items():
        seen = set()
        for chunk in chunks:
            for piece in cut(words(chunk), phrases):
                for run in overlaps(report, piece, args.n):
                    if run not in seen:
                        seen.add(run)
                        found += 1
                        print(f"{name}: {run}")
    print(f"{found} run(s) of {args.n} or more words shared with {args.report.name}", file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
