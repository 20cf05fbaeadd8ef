"""Translation state, in one place: which version of the source each translation was confirmed against, and
whether each page and interface catalog is ok, missing, stale, untranslated, fuzzy or invalid.

The confirmations live in content/translations.yaml, under version control beside the pages, written only by
`build.py translations --confirm`, never by a build (editors may have the pages open). The model gives each page
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
from .config import Config
from .content import load_yaml_file, parse_plain_yaml, read_text, relative
from .errors import ContentError
from .hashing import hash_text
from .schema import fallback_problem

if TYPE_CHECKING:   # the model imports this module: the report only reads a built Site
    from .model import Site

Records = dict[str, dict[str, str]]   # content/translations.yaml: page name -> language -> fingerprint


class State(str, Enum):
    """The translation state of a page or a catalog in one language."""

    OK = "ok"
    MISSING = "missing"             # no translation: a fallback shows the source text
    STALE = "stale"                 # the source changed since the translation was confirmed, or it never was
    UNTRANSLATED = "untranslated"   # a catalog lacks strings the templates use
    FUZZY = "fuzzy"                 # a catalog holds entries marked fuzzy
    INVALID = "invalid"             # a catalog cannot be read, or breaks a placeholder

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
    if not (path.exists() or path.is_symlink()):   # a broken link is an error, said by read_text
        return {}
    text = read_text(path, project)   # a located error if the file is not UTF-8
    try:   # a plain, fast parse: this file is written by a command, so its lines need no error positions
        data = parse_plain_yaml(text, relative(path, project)) or {}
    except (yaml.YAMLError, RecursionError):
        data = load_yaml_file(path, project)   # the located loader says where the damage is
    if not isinstance(data, dict) or not all(isinstance(v, dict) for v in data.values()):
        raise ContentError(f"content/{FILE_NAME}", 1, 1, "expected 'page: {language: fingerprint}' lines",
                           "delete the file and confirm the translations again")
    return {str(name): {str(k): str(v) for k, v in langs.items()} for name, langs in data.items()}


def save_records(content_dir: Path, records: Records) -> None:
    """Write the fingerprints in a stable order, so version control shows only real changes."""
    ordered = {name: dict(sorted(records[name].items())) for name in sorted(records)}
    header = ("# The source text each translation was last confirmed against.\n"
              "# Written by `python build.py translations --confirm PAGE`; do not edit by hand.\n")
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

    kind: str          # "page", "text" (of a data file) or "catalog"
    name: str
    lang: str
    state: State
    path: str
    detail: str = ""
    errors: tuple[ContentError, ...] = ()   # the located problems behind an invalid catalog


def report(site: Site) -> list[Row]:
    """Every page and catalog of the site, with its translation state."""
    config = site.config
    rows = []
    for page in site.pages:
        path = page.path if not page.is_fallback else f"content/pages/{page.name}.{page.lang}.md"
        detail = {State.MISSING: f"shows the {page.content_lang} text",
                  State.STALE: stale_reason(site.records, page.name, page.lang)}.get(page.state, "")
        rows.append(Row("page", page.name, page.lang, page.state, path, detail))
    for text in site.fallback_texts():   # a data text that lacks a language: warned, refused by --strict
        path, line, _column = text.where
        rows.append(Row("text", f"{path.removeprefix('content/')}:{line}", text.missing, State.MISSING, path,
                        f"shows the {text.lang} text", (fallback_problem(text),)))
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
        return Row("catalog", "messages", lang, State.INVALID, path,
                   f"{len(broken)} broken placeholder{'s' if len(broken) != 1 else ''}: "
                   f"line {broken[0].line}: {broken[0].message}", tuple(broken))
    fuzzy = [m.id for m in catalog if m.id and m.fuzzy]
    if fuzzy:
        return Row("catalog", "messages", lang, State.FUZZY, path, f"{len(fuzzy)} fuzzy: {_first(fuzzy)}")
    # A string the templates use but the catalog lacks shows in the source's words, like an empty msgstr.
    absent = [msgid for context, msgid in used if catalog.get(msgid, context=context) is None]
    if absent:
        return Row("catalog", "messages", lang, State.UNTRANSLATED, path,
                   f"{len(absent)} used by the templates but not in the catalog: {_first(absent)}")
    untranslated = [m.id for m in catalog if m.id and not m.fuzzy and not _translated(m)]
    if untranslated:
        return Row("catalog", "messages", lang, State.UNTRANSLATED, path,
                   f"{len(untranslated)} untranslated: {_first(untranslated)}")
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
    hints = {
        State.MISSING: "write the translation (python build.py new makes both files for a new page)",
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
            problems.append(ContentError(row.path, None, None, message, hints[row.state].format(name=row.name)))
    return problems
