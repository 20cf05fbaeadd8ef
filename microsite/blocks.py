"""A page file cut into blocks (front-matter fields, headings, paragraphs, list items, table rows, code), the
alignment of two versions of a page or of a page and its translation, and word-level diffs: what tells a
translator which paragraph of a long source page changed since the translation was confirmed.

Pure functions of text: nothing here reads a file or knows the project."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from enum import Enum

from .hashing import hash_text

_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?\n)?---[ \t]*(?:\n|\Z)", re.DOTALL)
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_HEADING = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]|$)")
_SETEXT = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
_LIST_ITEM = re.compile(r"^[ \t]*(?:[-*+]|\d{1,9}[.)])(?:[ \t]+|$)")
_TABLE_ROW = re.compile(r"^ {0,3}\|")
_TABLE_DELIMITER = re.compile(r"^ {0,3}\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*$")
_FIELD = re.compile(r"^([A-Za-z_][\w-]*)[ \t]*:")


@dataclass(frozen=True)
class Block:
    """One block of a page file: its kind, where it starts, its exact text and a fingerprint of its words."""

    kind: str  # "field:NAME", "heading1".."heading6", "paragraph", "list-item", "table-row", "code"
    line: int  # 1-based line in the file where the block starts (0 for a block read from a record)
    text: str  # the block's lines as written, without the trailing newline

    @property
    def fingerprint(self) -> str:
        """A short hash of the block's kind and words: a change of spacing or line breaks alone is no change."""
        return block_fingerprint(self.kind, self.text)


def block_fingerprint(kind: str, text: str) -> str:
    """The fingerprint of a block's kind and words (what a confirmation records for each block)."""
    return hash_text(kind + "\0" + " ".join(text.split()), 16)


def split_blocks(text: str) -> list[Block]:
    """Cut a page file into blocks: each front-matter field, then the body's blocks in order (see split_body)."""
    match = _FRONT_MATTER.match(text)
    if not match:
        return split_body(text, 1)
    blocks = _fields(match.group(1) or "", 2)
    return blocks + split_body(text[match.end() :], text.count("\n", 0, match.end()) + 1)


def _fields(front: str, first_line: int) -> list[Block]:
    """Each top-level key of the front matter with its value's lines (a folded value keeps its indented lines)."""
    blocks: list[Block] = []
    start, key, lines = 0, "", list[str]()  # the field being read
    for number, line in enumerate(front.split("\n")[:-1], start=first_line):
        field = _FIELD.match(line)
        if field and not line[:1].isspace():
            if lines:
                blocks.append(Block(f"field:{key}", start, "\n".join(lines).rstrip()))
            start, key, lines = number, field.group(1), [line]
        elif lines:
            lines.append(line)
    if lines:
        blocks.append(Block(f"field:{key}", start, "\n".join(lines).rstrip()))
    return blocks


def split_body(body: str, first_line: int = 1) -> list[Block]:
    """Cut Markdown into blocks: a fenced code block is one block (blank lines and all); an ATX heading is one
    line; each list item (with its continuation lines) and each table row is a block; other lines group into
    paragraphs separated by blank lines (a setext underline makes its paragraph a heading)."""
    blocks: list[Block] = []
    lines = body.split("\n")
    current: list[str] = []
    kind, start, fence = "", 0, ""

    def close() -> None:
        nonlocal current, kind
        if current:
            if kind == "paragraph" and len(current) > 1 and _SETEXT.match(current[-1]):
                kind = "heading1" if current[-1].strip()[0] == "=" else "heading2"
            blocks.append(Block(kind, start, "\n".join(current).rstrip()))
        current, kind = [], ""

    for number, line in enumerate(lines, start=first_line):
        if fence:  # inside a fenced code block: everything up to the closing fence
            current.append(line)
            if line.strip().startswith(fence) and not line.strip().strip(fence[0]):
                fence = ""
                close()
            continue
        opening = _FENCE.match(line)
        heading = _HEADING.match(line)
        if opening:
            close()
            fence, kind, start, current = opening.group(1), "code", number, [line]
        elif not line.strip():
            close()
        elif heading:
            close()
            blocks.append(Block(f"heading{len(heading.group(1))}", number, line.rstrip()))
        elif _is_table_row(lines, number - first_line, kind == "table-row"):
            close()
            kind, start, current = "table-row", number, [line]
            close()
            kind = "table-row"  # a row without a leading pipe may follow
        elif _LIST_ITEM.match(line) and not (kind == "paragraph" and _SETEXT.match(line)):
            close()
            kind, start, current = "list-item", number, [line]
        elif kind in ("paragraph", "list-item"):
            current.append(line)  # a continuation line (lazy or indented)
        else:
            close()
            kind, start, current = "paragraph", number, [line]
    close()  # an unclosed fence runs to the end of the file, as Markdown reads it
    return blocks


def _is_table_row(lines: list[str], index: int, in_table: bool) -> bool:
    """True for a row of a table: it starts with a pipe, or holds one inside a table, or is the first row of a
    table written without leading pipes (`a | b` over `--- | ---`)."""
    line = lines[index]
    if _TABLE_ROW.match(line) or (in_table and "|" in line):
        return True
    following = lines[index + 1] if index + 1 < len(lines) else ""
    return "|" in line and "|" in following and bool(_TABLE_DELIMITER.match(following))


# --- alignment ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Pair:
    """Two aligned positions: an index into each sequence, or None where one side has no counterpart."""

    old: int | None
    new: int | None


def align_versions(old: list[Block], new: list[Block]) -> list[Pair]:
    """Align two versions of one page: blocks with the same fingerprint are the same block (difflib's longest
    matching runs); inside a run that differs, blocks are paired in order while their kinds agree, and the rest
    are added (new only) or removed (old only)."""
    return _align(old, new, [b.fingerprint for b in old], [b.fingerprint for b in new])


def align_translation(source: list[Block], translation: list[Block]) -> list[Pair]:
    """Align a source page with its translation by structure, since their words differ: front-matter fields by
    name, then the body's blocks by the sequence of their kinds (difflib on kinds: headings with headings of
    their level, list items with list items, in order); where the structures differ, blocks are paired in order
    while their kinds agree, and the rest have no counterpart."""
    pairs = [
        Pair(i, next((j for j, t in enumerate(translation) if t.kind == s.kind), None))
        for i, s in enumerate(source)
        if s.kind.startswith("field:")
    ]
    paired = {p.new for p in pairs}
    pairs += [Pair(None, j) for j, t in enumerate(translation) if t.kind.startswith("field:") and j not in paired]
    body_old = [i for i, b in enumerate(source) if not b.kind.startswith("field:")]
    body_new = [j for j, b in enumerate(translation) if not b.kind.startswith("field:")]
    inner = _align(
        [source[i] for i in body_old],
        [translation[j] for j in body_new],
        [source[i].kind for i in body_old],
        [translation[j].kind for j in body_new],
    )
    return pairs + [
        Pair(None if p.old is None else body_old[p.old], None if p.new is None else body_new[p.new]) for p in inner
    ]


def _align(old: list[Block], new: list[Block], old_keys: list[str], new_keys: list[str]) -> list[Pair]:
    """difflib on the blocks' keys, pairing in order inside the runs that differ."""
    matcher = difflib.SequenceMatcher(None, old_keys, new_keys, autojunk=False)
    pairs: list[Pair] = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            pairs += [Pair(i, j) for i, j in zip(range(i1, i2), range(j1, j2), strict=True)]
        else:
            pairs += _pair_by_kind(old, new, range(i1, i2), range(j1, j2))
    return pairs


def _pair_by_kind(old: list[Block], new: list[Block], olds: range, news: range) -> list[Pair]:
    """Pair two runs of blocks in order while their kinds agree; what is left has no counterpart."""
    pairs: list[Pair] = []
    i, j = olds.start, news.start
    while i < olds.stop and j < news.stop:
        if old[i].kind == new[j].kind:
            pairs.append(Pair(i, j))
            i, j = i + 1, j + 1
        elif any(old[i].kind == new[k].kind for k in range(j, news.stop)):
            pairs.append(Pair(None, j))  # new[j] was inserted before old[i]'s counterpart
            j += 1
        else:
            pairs.append(Pair(i, None))
            i += 1
    pairs += [Pair(k, None) for k in range(i, olds.stop)] + [Pair(None, k) for k in range(j, news.stop)]
    return pairs


# --- word diff ---------------------------------------------------------------------------------------------------


class Change(str, Enum):
    """What a stretch of words of a word diff is."""

    SAME = "same"
    REMOVED = "removed"
    ADDED = "added"

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True)
class Words:
    """A stretch of words of a word diff, spaced as written; `spaced` when a space stood before it."""

    change: Change
    text: str
    spaced: bool = True


# A word, with what joins words inside it (l'heure, 35.000, da-nang.md), or a run of punctuation.
_TOKEN = re.compile(r"\w+(?:['’.,:/-]\w+)*|[^\w\s]+")


def _tokens(text: str) -> list[tuple[str, bool]]:
    """The words and punctuation of a text, each with whether whitespace stood before it."""
    return [(m.group(), m.start() > 0 and text[m.start() - 1].isspace()) for m in _TOKEN.finditer(text)]


def word_diff(old: str, new: str) -> tuple[Words, ...]:
    """The words of `old` and `new` as stretches kept, removed and added: difflib on words, with punctuation
    apart from the word it sticks to (so 'phố.' → 'phố mới.' adds one word), spacing and line breaks ignored."""
    a, b = _tokens(old), _tokens(new)
    parts: list[Words] = []
    matcher = difflib.SequenceMatcher(None, [t for t, _ in a], [t for t, _ in b], autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            parts.append(_stretch(Change.SAME, b[j1:j2]))
            continue
        if i2 > i1:
            parts.append(_stretch(Change.REMOVED, a[i1:i2]))
        if j2 > j1:
            parts.append(_stretch(Change.ADDED, b[j1:j2]))
    return tuple(parts)


def _stretch(change: Change, tokens: list[tuple[str, bool]]) -> Words:
    """Tokens joined as they were spaced."""
    text = "".join((" " if spaced and k else "") + token for k, (token, spaced) in enumerate(tokens))
    return Words(change, text, tokens[0][1])


_MARKS = {Change.REMOVED: ("[-", "-]"), Change.ADDED: ("{+", "+}")}
_COLOURS = {Change.REMOVED: "\x1b[31m", Change.ADDED: "\x1b[32m"}


def format_words(parts: tuple[Words, ...], colour: bool = False) -> str:
    """A word diff as one line of text: removed words as [-…-], added as {+…+} (git's --word-diff=plain marks,
    readable without colour); with colour, also red and green."""
    shown = []
    for k, part in enumerate(parts):
        # A replacement reads [-old-]{+new+}, as git diff --word-diff=plain writes it.
        after_removed = part.change == Change.ADDED and k and parts[k - 1].change == Change.REMOVED
        space = " " if part.spaced and k and not after_removed else ""
        if part.change == Change.SAME:
            shown.append(space + part.text)
            continue
        opening, closing = _MARKS[part.change]
        marked = f"{opening}{part.text}{closing}"
        shown.append(space + (f"{_COLOURS[part.change]}{marked}\x1b[0m" if colour else marked))
    return "".join(shown)
