"""Translation state: each page and interface catalog is ok, missing, stale, untranslated, fuzzy or invalid.

Part of the core: the strict build refuses what is not ok (strict_problems); the `translations` command shows it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import jinja2
from babel.messages.catalog import Message

from . import i18n
from .config import Config
from .content import read_text, relative
from .errors import ContentError
from .model import MISSING, OK, STALE, Site, stale_reason


@dataclass(frozen=True)
class Row:
    """One line of the report: a page or a catalog in one language."""

    kind: str          # "page" or "catalog"
    name: str
    lang: str
    state: str         # ok, missing, stale, untranslated, fuzzy, invalid
    path: str
    detail: str = ""
    errors: tuple[ContentError, ...] = ()   # the located problems behind an invalid catalog


def report(site: Site) -> list[Row]:
    """Every page and catalog of the site, with its translation state."""
    config = site.config
    rows = []
    for page in site.pages:
        path = page.path if not page.is_fallback else f"content/pages/{page.name}.{page.lang}.md"
        detail = {MISSING: f"shows the {page.content_lang} text",
                  STALE: stale_reason(site.records, page.name, page.lang)}.get(page.state, "")
        rows.append(Row("page", page.name, page.lang, page.state, path, detail))
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
            return Row("catalog", "messages", lang, "missing", path, exc.message)
        # A catalog that is there but cannot be read is reported as `i18n update` reports it: at its line.
        return Row("catalog", "messages", lang, "invalid", path, exc.message, (exc,))
    broken = i18n.placeholder_errors(catalog, i18n.catalog_path(config.locales_dir, lang), config.project)
    if broken:
        return Row("catalog", "messages", lang, "invalid", path,
                   f"{len(broken)} broken placeholder{'s' if len(broken) != 1 else ''}: "
                   f"line {broken[0].line}: {broken[0].message}", tuple(broken))
    fuzzy = [m.id for m in catalog if m.id and m.fuzzy]
    if fuzzy:
        return Row("catalog", "messages", lang, "fuzzy", path, f"{len(fuzzy)} fuzzy: {_first(fuzzy)}")
    # A string the templates use but the catalog lacks shows in the source's words, like an empty msgstr.
    absent = [msgid for context, msgid in used if catalog.get(msgid, context=context) is None]
    if absent:
        return Row("catalog", "messages", lang, "untranslated", path,
                   f"{len(absent)} used by the templates but not in the catalog: {_first(absent)}")
    untranslated = [m.id for m in catalog if m.id and not m.fuzzy and not _translated(m)]
    if untranslated:
        return Row("catalog", "messages", lang, "untranslated", path,
                   f"{len(untranslated)} untranslated: {_first(untranslated)}")
    return Row("catalog", "messages", lang, OK, path, f"{sum(1 for m in catalog if m.id)} strings")


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
        MISSING: "write the translation (python build.py new makes both files for a new page)",
        STALE: "update the translation, then run `python build.py translations --confirm {name}`",
        "untranslated": "translate the empty msgstr entries (`python build.py i18n extract`, then `i18n update`, "
                        "adds the strings the templates use but the catalog lacks)",
        "fuzzy": "check the fuzzy entries and remove their '#, fuzzy' flag",
    }
    problems: list[ContentError] = []
    for row in report(site):
        if row.errors:
            problems.extend(row.errors)
        elif row.state != OK:
            message = f"{row.kind} {row.name!r} ({row.lang}) is {row.state}" + (f": {row.detail}" if row.detail else "")
            problems.append(ContentError(row.path, None, None, message, hints[row.state].format(name=row.name)))
    return problems
