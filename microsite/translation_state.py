"""Translation state, in one place: which version of the source each translation was confirmed against, and
whether each page and interface catalog is ok, missing, stale, untranslated, fuzzy or invalid.

The confirmations live in content/translations.yaml, under version control beside the pages, written only by
`build.py translations --confirm`, never by a build (editors may have the pages open). Beside it,
content/translations/PAGE.yaml keeps the blocks of the source page as confirmed (page_blocks compares them with
today's source, block by block, and aligns the translation's blocks with them). The model gives each page
its state from here; the strict build refuses what is not ok (strict_problems); the `translations` command and
the preview show the report.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING

import jinja2
import yaml
from babel.messages.catalog import Message

from . import i18n
from .blocks import Block, Pair, Words, align_translation, align_versions, block_fingerprint, split_blocks, word_diff
from .config import Config
from .content import load_yaml_file, parse_plain_yaml, read_text, relative
from .errors import ContentError
from .hashing import hash_text
from .schema import fallback_problem

if TYPE_CHECKING:  # the model imports this module: the report only reads a built Site
    from .model import Site

Records = dict[str, dict[str, str]]  # content/translations.yaml: page name -> language -> fingerprint


class State(str, Enum):
    """The translation state of a page or a catalog in one language."""

    OK = "ok"
    MISSING = "missing"  # no translation: a fallback shows the source text
    STALE = "stale"  # the source changed since the translation was confirmed, or it never was
    UNTRANSLATED = "untranslated"  # a catalog lacks strings the templates use
    FUZZY = "fuzzy"  # a catalog holds entries marked fuzzy
    INVALID = "invalid"  # a catalog cannot be read, or breaks a placeholder

    def __str__(self) -> str:
        return self.value

    def __format__(self, spec: str) -> str:
        return format(self.value, spec)


FILE_NAME = "translations.yaml"


def fingerprint(source_text: str) -> str:
    """A short, stable hash of a source page's text: what a confirmation records."""
    normalised = "\n".join(line.rstrip() for line in source_text.strip().split("\n"))
    return hash_text(normalised, 16)


def load_records(content_dir: Path, project: Path) -> Records:
    """Read the recorded fingerprints: {page name: {language: fingerprint}}."""
    path = content_dir / FILE_NAME
    if not (path.exists() or path.is_symlink()):  # a broken link is an error, said by read_text
        return {}
    text = read_text(path, project)  # a located error if the file is not UTF-8
    try:  # a plain, fast parse: this file is written by a command, so its lines need no error positions
        data = parse_plain_yaml(text, relative(path, project)) or {}
    except (yaml.YAMLError, RecursionError):
        data = load_yaml_file(path, project)  # the located loader says where the damage is
    if not isinstance(data, dict) or not all(isinstance(v, dict) for v in data.values()):
        raise ContentError(
            f"content/{FILE_NAME}",
            1,
            1,
            "expected 'page: {language: fingerprint}' lines",
            "delete the file and confirm the translations again",
        )
    return {str(name): {str(k): str(v) for k, v in langs.items()} for name, langs in data.items()}


def save_records(content_dir: Path, records: Records) -> None:
    """Write the fingerprints in a stable order, so version control shows only real changes."""
    ordered = {name: dict(sorted(records[name].items())) for name in sorted(records)}
    header = (
        "# The source text each translation was last confirmed against.\n"
        "# Written by `python build.py translations --confirm PAGE`; do not edit by hand.\n"
    )
    text = header + yaml.safe_dump(ordered, allow_unicode=True, sort_keys=False, default_flow_style=False)
    path = content_dir / FILE_NAME
    tmp = path.with_suffix(".yaml.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)


def stale_reason(records: Records, name: str, lang: str) -> str:
    """Why a translation is stale: its source changed since it was confirmed, or it never was."""
    if lang in records.get(name, {}):
        return "the source page changed since it was confirmed"
    return "it was never confirmed against the source page"


def page_state(records: Records, name: str, lang: str, source_fingerprint: str | None, config: Config) -> State:
    """ok, or stale when the source changed since this translation was confirmed (the source language and a
    page without a source are always ok)."""
    if lang == config.default_language or source_fingerprint is None:
        return State.OK
    return State.OK if records.get(name, {}).get(lang) == source_fingerprint else State.STALE


@dataclass(frozen=True)
class Row:
    """One line of the report: a page or a catalog in one language."""

    kind: str  # "page", "text" (of a data file) or "catalog"
    name: str
    lang: str
    state: State
    path: str
    detail: str = ""
    errors: tuple[ContentError, ...] = ()  # the located problems behind an invalid catalog


def report(site: Site) -> list[Row]:
    """Every page and catalog of the site, with its translation state."""
    config = site.config
    rows = []
    for page in site.pages:
        path = page.path if not page.is_fallback else f"content/pages/{page.name}.{page.lang}.md"
        detail = {
            State.MISSING: f"shows the {page.content_lang} text",
            State.STALE: stale_detail(site, page.name, page.lang) if page.state == State.STALE else "",
        }.get(page.state, "")
        rows.append(Row("page", page.name, page.lang, page.state, path, detail))
    for text in site.fallback_texts():  # a data text that lacks a language: warned, refused by --strict
        path, line, _column = text.where
        rows.append(
            Row(
                "text",
                f"{path.removeprefix('content/')}:{line}",
                text.missing,
                State.MISSING,
                path,
                f"shows the {text.lang} text",
                (fallback_problem(text),),
            )
        )
    used = template_messages(config)
    for lang in config.languages:
        rows.append(_catalog_row(site, lang, used))
    return rows


def _catalog_row(site: Site, lang: str, used: list[tuple[str | None, str]]) -> Row:
    """The state of one language's interface catalog, measured against the strings the templates use."""
    config = site.config
    path = relative(i18n.catalog_path(config.locales_dir, lang), config.project)
    try:
        catalog = i18n.read_catalog(config.locales_dir, lang, config.project)
    except ContentError as exc:
        if not i18n.catalog_path(config.locales_dir, lang).is_file():
            return Row("catalog", "messages", lang, State.MISSING, path, exc.message)
        # A catalog that is there but cannot be read is reported as `i18n update` reports it: at its line.
        return Row("catalog", "messages", lang, State.INVALID, path, exc.message, (exc,))
    broken = i18n.placeholder_errors(catalog, i18n.catalog_path(config.locales_dir, lang), config.project)
    if broken:
        return Row(
            "catalog",
            "messages",
            lang,
            State.INVALID,
            path,
            f"{len(broken)} broken placeholder{'s' if len(broken) != 1 else ''}: "
            f"line {broken[0].line}: {broken[0].message}",
            tuple(broken),
        )
    fuzzy = [m.id for m in catalog if m.id and m.fuzzy]
    if fuzzy:
        return Row("catalog", "messages", lang, State.FUZZY, path, f"{len(fuzzy)} fuzzy: {_first(fuzzy)}")
    # A string the templates use but the catalog lacks shows in the source's words, like an empty msgstr.
    absent = [msgid for context, msgid in used if catalog.get(msgid, context=context) is None]
    if absent:
        return Row(
            "catalog",
            "messages",
            lang,
            State.UNTRANSLATED,
            path,
            f"{len(absent)} used by the templates but not in the catalog: {_first(absent)}",
        )
    untranslated = [m.id for m in catalog if m.id and not m.fuzzy and not _translated(m)]
    if untranslated:
        return Row(
            "catalog",
            "messages",
            lang,
            State.UNTRANSLATED,
            path,
            f"{len(untranslated)} untranslated: {_first(untranslated)}",
        )
    return Row("catalog", "messages", lang, State.OK, path, f"{sum(1 for m in catalog if m.id)} strings")


def template_messages(config: Config) -> list[tuple[str | None, str]]:
    """The (context, msgid) of every interface string the templates use, read by Jinja's own i18n parser; a
    template that cannot be read or parsed is left to the build, which names it."""
    env = jinja2.Environment(extensions=["jinja2.ext.i18n"])
    found = set()
    for name in sorted(config.template_names):
        try:
            source = read_text(config.templates_dir / name, config.project)
            calls = list(env.extract_translations(source))  # type: ignore[attr-defined]  # added by jinja2.ext.i18n
        except (ContentError, jinja2.TemplateSyntaxError):
            continue
        for _line, function, strings in calls:
            strings = strings if isinstance(strings, tuple) else (strings,)
            context, msgid = strings[:2] if function in ("pgettext", "npgettext") else (None, strings[0])
            if isinstance(msgid, str):
                found.add((context, msgid))
    return sorted(found, key=lambda key: (key[1], key[0] or ""))


def _translated(message: Message) -> bool:
    """True when every form of a message has a translation."""
    strings = message.string if isinstance(message.string, (list, tuple)) else [message.string]
    return all(strings)


def _first(ids: Sequence[str | tuple[str, ...] | list[str]]) -> str:
    """Name the first offending msgid, shortened."""
    first = ids[0] if isinstance(ids[0], str) else ids[0][0]
    return repr(first if len(first) < 40 else first[:37] + "...")


def strict_problems(site: Site) -> list[ContentError]:
    """What --strict refuses: each row that is not ok, as an error naming its file (and line, when known)."""
    by_kind = {
        ("catalog", State.MISSING): "run `python build.py i18n update`, which creates it from locales/messages.pot, "
        "then translate it",
        ("text", State.MISSING): "add the text in this language to the mapping, at this line",
    }
    hints = {
        State.MISSING: "create this file: copy the source-language page to this name and translate it",
        State.STALE: "update the translation, then run `python build.py translations --confirm {name}`",
        State.UNTRANSLATED: "translate the empty msgstr entries (`python build.py i18n extract`, then `i18n update`, "
        "adds the strings the templates use but the catalog lacks)",
        State.FUZZY: "check the fuzzy entries and remove their '#, fuzzy' flag",
    }
    problems: list[ContentError] = []
    for row in report(site):
        if row.errors:
            problems.extend(row.errors)
        elif row.state != State.OK:
            message = f"{row.kind} {row.name!r} ({row.lang}) is {row.state}" + (f": {row.detail}" if row.detail else "")
            hint = by_kind.get((row.kind, row.state)) or hints[row.state].format(name=row.name)
            problems.append(ContentError(row.path, None, None, message, hint))
    return problems


# --- block by block: what changed in the source since a translation was confirmed ------------------------------

BLOCKS_DIR = "translations"  # content/translations/PAGE.yaml: the source's blocks as confirmed
_NO_RECORD = "no block record: confirm again to get block-level detail"


class BlockState(str, Enum):
    """How one block of a page stands since its translation was confirmed."""

    OK = "ok"  # the source block is as confirmed
    CHANGED = "changed"  # the source block's words changed
    ADDED = "added"  # the source block is new
    REMOVED = "removed"  # the source block was deleted
    EXTRA = "extra"  # a block of the translation with no counterpart in the confirmed source
    UNRECORDED = "unrecorded"  # no block record to compare with (never confirmed, or confirmed before records)

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True)
class BlockRow:
    """One row of a page's side-by-side view: today's source block, the block as confirmed, the translation's
    block aligned with it (each None where there is none), and the source's word diff (old → new)."""

    state: BlockState
    source: Block | None
    confirmed: Block | None
    translation: Block | None
    words: tuple[Words, ...] = ()


@dataclass(frozen=True)
class PageBlocks:
    """A page in one language, block by block: the rows a `--diff` prints and a workbench shows."""

    name: str
    lang: str
    state: State
    source_path: str  # the source page's file, relative to the project
    translation_path: str | None  # the translation's file, None when there is none
    recorded: bool  # whether the confirmed source's blocks are known
    ever_confirmed: bool  # whether this translation was ever confirmed
    rows: tuple[BlockRow, ...]

    def count(self, state: BlockState) -> int:
        """How many rows are in that state."""
        return sum(1 for row in self.rows if row.state == state)

    @property
    def changes(self) -> int:
        """How many source blocks changed, were added or removed since the confirmation."""
        return sum(self.count(s) for s in (BlockState.CHANGED, BlockState.ADDED, BlockState.REMOVED))

    @property
    def summary(self) -> str:
        """'2 blocks changed, 1 added, 1 removed', or what stands in place of block-level detail."""
        if self.state == State.MISSING:
            return "no translation yet"
        if not self.recorded:
            return (
                _NO_RECORD
                if self.ever_confirmed
                else ("never confirmed: check the whole translation against the source, then confirm it")
            )
        counts = [(self.count(s), s.value) for s in (BlockState.CHANGED, BlockState.ADDED, BlockState.REMOVED)]
        counts = [(n, what) for n, what in counts if n]
        if not counts:
            return "no block changed (only spacing or blank lines)" if self.state == State.STALE else "up to date"
        (n, what), rest = counts[0], counts[1:]
        return ", ".join([f"{n} block{'s' if n != 1 else ''} {what}"] + [f"{n} {what}" for n, what in rest])


def page_blocks(site: Site, name: str, lang: str) -> PageBlocks:
    """Page `name` in `lang` block by block: today's source against the blocks recorded when the translation was
    confirmed (block states and word diffs), each with the translation's block aligned with it.

    The translation is aligned with the source as confirmed, not as it is today: until the translator revises
    it, the translation follows the confirmed structure, so a paragraph added to the source shows with no
    translation and a removed one shows the translation's paragraph to delete (blocks.align_translation says
    how: front-matter fields by name, the body by the sequence of block kinds)."""
    config = site.config
    source_page, page = site.page(name, config.default_language), site.page(name, lang)
    if source_page is None or page is None or source_page.is_fallback:
        raise ContentError(
            f"content/pages/{name}.{config.default_language}.md",
            None,
            None,
            "the source page is missing, so there is nothing to compare with",
            "write the source page first",
        )
    source = split_blocks(read_text(config.project / source_page.path, config.project))
    has_translation = not page.is_fallback and lang != config.default_language
    translation = split_blocks(read_text(config.project / page.path, config.project)) if has_translation else []
    confirmed = None
    if page.state == State.OK:
        confirmed = source
    elif lang in site.records.get(name, {}):
        confirmed = load_blocks(config, name).get(site.records[name][lang])
    rows = _rows(source, confirmed, translation, page.state == State.STALE)
    return PageBlocks(
        name,
        lang,
        page.state,
        source_page.path,
        page.path if has_translation else None,
        confirmed is not None,
        lang in site.records.get(name, {}),
        rows,
    )


def _rows(
    source: list[Block], confirmed: list[Block] | None, translation: list[Block], stale: bool
) -> tuple[BlockRow, ...]:
    """The rows of page_blocks: the confirmed source's blocks aligned with today's, and the translation's
    aligned with the confirmed ones (with today's when nothing was recorded)."""
    base = confirmed if confirmed is not None else source
    to_translation = {p.old: p.new for p in align_translation(base, translation) if p.old is not None}
    pairs = align_versions(confirmed, source) if confirmed is not None else [Pair(i, i) for i in range(len(source))]
    rows: list[tuple[BlockRow, int | None]] = []
    for pair in pairs:
        old = None if pair.old is None else base[pair.old]
        new = None if pair.new is None else source[pair.new]
        index = None if pair.old is None else to_translation.get(pair.old)
        shown = None if index is None else translation[index]
        if confirmed is None:
            state = BlockState.UNRECORDED if stale else BlockState.OK
            rows.append((BlockRow(state, new, None, shown), index))
        elif old is None or new is None:
            state = BlockState.ADDED if old is None else BlockState.REMOVED
            rows.append(
                (BlockRow(state, new, old, shown, word_diff(old.text if old else "", new.text if new else "")), index)
            )
        elif old.fingerprint != new.fingerprint:
            rows.append((BlockRow(BlockState.CHANGED, new, old, shown, word_diff(old.text, new.text)), index))
        else:
            rows.append((BlockRow(BlockState.OK, new, old, shown), index))
    return tuple(_with_extra_blocks(rows, translation))


def _with_extra_blocks(rows: list[tuple[BlockRow, int | None]], translation: list[Block]) -> list[BlockRow]:
    """The rows, with each translation block that no source block claims placed after the row showing the
    translation block before it."""
    result = [row for row, _index in rows]
    indices = [index for _row, index in rows]
    for extra in sorted(set(range(len(translation))) - {i for i in indices if i is not None}):
        after = max((k for k, index in enumerate(indices) if index is not None and index < extra), default=-1)
        result.insert(after + 1, BlockRow(BlockState.EXTRA, None, None, translation[extra]))
        indices.insert(after + 1, extra)
    return result


def stale_detail(site: Site, name: str, lang: str) -> str:
    """The report's detail for a stale translation: never confirmed, or how many blocks changed since."""
    reason = stale_reason(site.records, name, lang)
    if lang not in site.records.get(name, {}):
        return reason
    try:
        blocks = page_blocks(site, name, lang)
    except ContentError as exc:  # a damaged block record: the page is stale all the same, and the file is named
        return f"{reason} ({exc.path}: {exc.message})"
    if not blocks.recorded or not blocks.changes:
        return f"{reason}; {blocks.summary}"
    return f"{reason}: {blocks.summary} (see `python build.py translations --diff {name}`)"


def blocks_path(config: Config, name: str) -> Path:
    """Where the confirmed source blocks of a page are kept: content/translations/NAME.yaml."""
    return config.content_dir / BLOCKS_DIR / f"{name}.yaml"


def load_blocks(config: Config, name: str) -> dict[str, list[Block]]:
    """The recorded source blocks of a page: {source fingerprint: blocks}, empty when none were recorded."""
    path = blocks_path(config, name)
    if not (path.exists() or path.is_symlink()):
        return {}
    rel = relative(path, config.project)
    data = load_yaml_file(path, config.project)
    hint = (
        f"delete the file and confirm the page's translations again (`python build.py translations --confirm {name}`)"
    )
    if not isinstance(data, dict):
        raise ContentError(rel, 1, 1, "expected 'fingerprint: [blocks]'", hint)
    recorded: dict[str, list[Block]] = {}
    for version, items in data.items():
        blocks = []
        for item in items if isinstance(items, list) else [None]:
            if not (isinstance(item, dict) and {"kind", "fingerprint", "text"} <= set(item)):
                raise ContentError(
                    rel, getattr(items, "line", 1), None, "each block needs kind, fingerprint and text", hint
                )
            if block_fingerprint(str(item["kind"]), str(item["text"])) != str(item["fingerprint"]):
                raise ContentError(
                    rel,
                    getattr(item, "line", None),
                    None,
                    "a block's text does not match its fingerprint (edited by hand?)",
                    hint,
                )
            blocks.append(Block(str(item["kind"]), 0, str(item["text"])))
        recorded[str(version)] = blocks
    return recorded


def save_blocks(config: Config, name: str, records: Records, source_text: str) -> None:
    """Record the blocks of a page's source as confirmed now, keeping those of versions another language is
    still confirmed against; one file per page, blocks in page order, so a diff of it reads like the page's."""
    current = fingerprint(source_text)
    try:
        recorded = load_blocks(config, name)
    except ContentError:  # a damaged record is replaced, which is what its error message advises
        recorded = {}
    kept = {
        version: blocks
        for version, blocks in recorded.items()
        if version in records.get(name, {}).values() and version != current
    }
    kept[current] = split_blocks(source_text)
    data = {
        version: [{"kind": b.kind, "fingerprint": b.fingerprint, "text": b.text} for b in kept[version]]
        for version in sorted(kept)
    }
    header = (
        f"# The blocks of the source page {name!r} as its translations were last confirmed, by source\n"
        "# fingerprint (see translations.yaml): what `python build.py translations --diff` compares with.\n"
        "# Written by `python build.py translations --confirm`; do not edit by hand.\n"
    )
    path = blocks_path(config, name)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".yaml.tmp")
    tmp.write_text(
        header
        + yaml.dump(
            data, Dumper=_BlockDumper, allow_unicode=True, sort_keys=False, default_flow_style=False, width=_NO_FOLDING
        ),
        encoding="utf-8",
    )
    tmp.replace(path)


_NO_FOLDING = 1 << 30  # a paragraph stays on its lines, as in the page, so a diff of the record is the page's


class _BlockDumper(yaml.SafeDumper):
    """YAML with a block's lines written as lines (a literal | block), so that a diff shows the changed line."""


def _represent_text(dumper: yaml.SafeDumper, text: str) -> yaml.ScalarNode:
    """A multi-line string as a literal block; any other string as PyYAML would write it."""
    style = "|" if "\n" in text else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", text, style=style)


_BlockDumper.add_representer(str, _represent_text)
