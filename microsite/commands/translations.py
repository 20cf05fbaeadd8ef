"""The `translations` command: the translation report as a table, a stale page's changes block by block
(`--diff`), and confirming translations."""

from __future__ import annotations

from ..blocks import Block, format_words
from ..content import read_text
from ..errors import ContentError
from ..model import Page, Site
from ..translation_state import BlockRow, BlockState, PageBlocks, Row, page_blocks, report, save_blocks, save_records

__all__ = ["Row", "confirm", "diff_pages", "format_diff", "format_table", "report"]


def format_table(rows: list[Row]) -> str:
    """The report as an aligned plain-text table."""
    header = ("KIND", "NAME", "LANG", "STATE", "FILE", "DETAIL")
    cells = [header] + [(r.kind, r.name, r.lang, r.state, r.path, r.detail) for r in rows]
    widths = [max(len(c[i]) for c in cells) for i in range(len(header) - 1)]
    lines = ["  ".join(c[i].ljust(widths[i]) for i in range(len(widths))) + "  " + c[-1] for c in cells]
    return "\n".join(line.rstrip() for line in lines)


def confirm(site: Site, names: list[str], languages: list[str] | None = None) -> list[str]:
    """Record that the translations of these pages (in these languages; all when None) match their current
    source text, with the source's blocks (for the next `--diff`); return what was confirmed."""
    config = site.config
    records = {name: dict(langs) for name, langs in site.records.items()}
    confirmed, sources = [], {}
    for name in names:
        source = _source_page(site, name)
        for lang in config.languages[1:] if languages is None else languages:
            page = site.page(name, lang)
            if page is not None and not page.is_fallback:
                records.setdefault(name, {})[lang] = source.fingerprint
                sources[name] = source.path
                confirmed.append(f"{name} ({lang})")
    for name, path in sources.items():  # the blocks first: a record without its blocks is still read correctly
        save_blocks(config, name, records, read_text(config.project / path, config.project))
    save_records(config.content_dir, records)
    return confirmed


def _source_page(site: Site, name: str) -> Page:
    """The source-language page of that name, or a one-line error naming the known pages."""
    config = site.config
    known = sorted({p.name for p in site.pages})
    if name not in known:
        raise ContentError(
            "content/pages", None, None, f"there is no page {name!r}", f"known pages: {', '.join(known)}"
        )
    source = site.page(name, config.default_language)
    if source is None or source.is_fallback:
        raise ContentError(
            f"content/pages/{name}.{config.default_language}.md",
            None,
            None,
            "the source page is missing, so there is nothing to confirm against",
            "write the source page first",
        )
    return source


def diff_pages(site: Site, name: str, lang: str | None) -> list[PageBlocks]:
    """Page `name` block by block in `lang`, or in every translation language."""
    config = site.config
    _source_page(site, name)
    languages = config.languages[1:]
    if lang is not None and lang not in languages:
        what = "is the source language" if lang == config.default_language else "is not a language of the site"
        raise ContentError(
            "--lang", None, None, f"{lang!r} {what}", f"name a translation language: {', '.join(languages)}"
        )
    return [page_blocks(site, name, each) for each in ([lang] if lang else languages)]


def format_diff(blocks: PageBlocks, colour: bool = False) -> str:
    """A page's changed, added and removed source blocks (word diff, old → new), each with the translation's
    block aligned with it, with files and lines; unchanged blocks are left out."""
    lines = [
        f"{blocks.name} ({blocks.lang}): {blocks.state} — {blocks.summary}",
        f"  source:      {blocks.source_path}",
        f"  translation: {blocks.translation_path or '(none: the page shows the source text)'}",
    ]
    shown = [row for row in blocks.rows if row.state in (BlockState.CHANGED, BlockState.ADDED, BlockState.REMOVED)]
    for row in shown:
        lines += [
            "",
            _row_heading(blocks, row),
            *_indented("source:", format_words(row.words, colour)),
            *_translation_lines(blocks, row),
        ]
    return "\n".join(lines)


def _row_heading(blocks: PageBlocks, row: BlockRow) -> str:
    """'changed paragraph at content/pages/x.vi.md:7' (a removed block: where it stood)."""
    block = row.source or row.confirmed
    assert block is not None  # a changed, added or removed row has a source block on one side
    kind = block.kind.replace("field:", "field ")
    if row.source is not None:
        return f"{row.state} {kind} at {blocks.source_path}:{row.source.line}"
    after = _previous_source_line(blocks, row)
    where = f"after line {after} of" if after else "at the start of"
    return f"{row.state} {kind} ({where} {blocks.source_path})"


def _previous_source_line(blocks: PageBlocks, row: BlockRow) -> int:
    """The line of the last source block before a removed row (0 when none)."""
    line = 0
    for other in blocks.rows:
        if other is row:
            return line
        if other.source is not None:
            line = other.source.line
    return line


def _translation_lines(blocks: PageBlocks, row: BlockRow) -> list[str]:
    """The translation's block aligned with a row, or what to do where it has none."""
    if blocks.translation_path is None:
        return []
    block: Block | None = row.translation
    if block is None:
        todo = "translate it" if row.state == BlockState.ADDED else "none found"
        return [f"  {blocks.lang}: (no block of the translation corresponds: {todo})"]
    return _indented(f"{blocks.lang} at {blocks.translation_path}:{block.line}:", block.text)


def _indented(label: str, text: str) -> list[str]:
    """A label and a block's text, each line indented under it."""
    return [f"  {label}"] + [f"      {line}" for line in text.split("\n")]
