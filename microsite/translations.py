"""The translation report: missing and stale pages, untranslated and fuzzy interface strings."""

from __future__ import annotations

from dataclasses import dataclass

from . import fingerprints, i18n
from .content import relative
from .errors import ContentError
from .model import MISSING, OK, STALE, Site, stale_reason


@dataclass(frozen=True)
class Row:
    """One line of the report: a page or a catalog in one language."""

    kind: str          # "page" or "catalog"
    name: str
    lang: str
    state: str         # ok, missing, stale, untranslated, fuzzy
    path: str
    detail: str = ""


def report(site: Site) -> list[Row]:
    """Every page and catalog of the site, with its translation state."""
    config = site.config
    rows = []
    for page in site.pages:
        path = page.path if not page.is_fallback else f"content/pages/{page.name}.{page.lang}.md"
        detail = {MISSING: f"shows the {page.content_lang} text",
                  STALE: stale_reason(site.records, page.name, page.lang)}.get(page.state, "")
        rows.append(Row("page", page.name, page.lang, page.state, path, detail))
    for lang in config.languages:
        rows.append(_catalog_row(site, lang))
    return rows


def _catalog_row(site: Site, lang: str) -> Row:
    """The state of one language's interface catalog."""
    config = site.config
    path = relative(i18n.catalog_path(config.locales_dir, lang), config.project)
    try:
        catalog = i18n.read_catalog(config.locales_dir, lang, config.project)
    except ContentError as exc:
        return Row("catalog", "messages", lang, "missing", path, exc.message)
    untranslated = [m.id for m in catalog if m.id and not m.fuzzy and not _translated(m)]
    fuzzy = [m.id for m in catalog if m.id and m.fuzzy]
    if fuzzy:
        return Row("catalog", "messages", lang, "fuzzy", path, f"{len(fuzzy)} fuzzy: {_first(fuzzy)}")
    if untranslated:
        return Row("catalog", "messages", lang, "untranslated", path,
                   f"{len(untranslated)} untranslated: {_first(untranslated)}")
    return Row("catalog", "messages", lang, OK, path, f"{sum(1 for m in catalog if m.id)} strings")


def _translated(message) -> bool:
    """True when every form of a message has a translation."""
    strings = message.string if isinstance(message.string, (list, tuple)) else [message.string]
    return all(strings)


def _first(ids) -> str:
    """Name the first offending msgid, shortened."""
    first = ids[0] if isinstance(ids[0], str) else ids[0][0]
    return repr(first if len(first) < 40 else first[:37] + "...")


def strict_problems(site: Site) -> list[ContentError]:
    """What --strict refuses: each row that is not ok, as an error naming its file."""
    hints = {
        MISSING: "write the translation (python build.py new makes both files for a new page)",
        STALE: "update the translation, then run `python build.py translations --confirm {name}`",
        "untranslated": "translate the empty msgstr entries",
        "fuzzy": "check the fuzzy entries and remove their '#, fuzzy' flag",
    }
    return [ContentError(row.path, None, None, f"{row.kind} {row.name!r} ({row.lang}) is {row.state}"
                         + (f": {row.detail}" if row.detail else ""), hints[row.state].format(name=row.name))
            for row in report(site) if row.state != OK]


def format_table(rows: list[Row]) -> str:
    """The report as an aligned plain-text table."""
    header = ("KIND", "NAME", "LANG", "STATE", "FILE", "DETAIL")
    cells = [header] + [(r.kind, r.name, r.lang, r.state, r.path, r.detail) for r in rows]
    widths = [max(len(c[i]) for c in cells) for i in range(len(header) - 1)]
    lines = ["  ".join(c[i].ljust(widths[i]) for i in range(len(widths))) + "  " + c[-1] for c in cells]
    return "\n".join(line.rstrip() for line in lines)


def confirm(site: Site, names: list[str]) -> list[str]:
    """Record that the translations of these pages match their current source text; return what was confirmed."""
    config = site.config
    records = {name: dict(langs) for name, langs in site.records.items()}
    known = sorted({p.name for p in site.pages})
    confirmed = []
    for name in names:
        if name not in known:
            raise ContentError("content/pages", None, None, f"there is no page {name!r}",
                               f"known pages: {', '.join(known)}")
        source = site.page(name, config.default_language)
        if source is None or source.is_fallback:
            raise ContentError(f"content/pages/{name}.{config.default_language}.md", None, None,
                               "the source page is missing, so there is nothing to confirm against",
                               "write the source page first")
        for lang in config.languages[1:]:
            page = site.page(name, lang)
            if page is not None and not page.is_fallback:
                records.setdefault(name, {})[lang] = source.fingerprint
                confirmed.append(f"{name} ({lang})")
    fingerprints.save(config.content_dir, records)
    return confirmed

