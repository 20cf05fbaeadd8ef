"""The `translations` command: the translation report as a table, and confirming translations."""

from __future__ import annotations

from ..errors import ContentError
from ..model import Site
from ..translation_state import Row, report, save_records

__all__ = ["Row", "confirm", "format_table", "report"]


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
    save_records(config.content_dir, records)
    return confirmed

