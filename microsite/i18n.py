"""Babel: gettext catalogs per language, compiled in memory; dates, numbers and countries per locale."""

from __future__ import annotations

import datetime as dt
import io
import re
from functools import lru_cache
from pathlib import Path

from babel import Locale
from babel.core import get_global
from babel.dates import format_date as _format_date
from babel.messages.mofile import write_mo
from babel.messages.pofile import PoFileError, read_po
from babel.numbers import format_decimal
from babel.support import Translations

from . import __version__
from .content import read_text, relative
from .errors import ContentError

DOMAIN = "messages"


def catalog_path(locales_dir: Path, lang: str) -> Path:
    """Where a language's catalog lives: locales/<lang>/LC_MESSAGES/messages.po."""
    return locales_dir / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def read_catalog(locales_dir: Path, lang: str, project: Path):
    """Parse one .po file into a Babel catalog, with errors that name the line."""
    path = catalog_path(locales_dir, lang)
    name = relative(path, project)
    if not path.is_file():
        raise ContentError(name, None, None, f"the {lang} interface catalog is missing",
                           "run `python build.py i18n update` to create it")
    text = read_text(path, project)   # a located error when the file is not UTF-8
    _check_po_syntax(text, name)
    try:
        catalog = read_po(io.StringIO(text), locale=lang, abort_invalid=True)
        catalog.plural_expr   # a malformed Plural-Forms header fails here, not half-way through a build
        return catalog
    except PoFileError as exc:
        raise ContentError(name, getattr(exc, "lineno", None), None, f"invalid catalog: {exc}",
                           "check the quotes of this msgid/msgstr") from None
    except (ValueError, SyntaxError) as exc:
        raise ContentError(name, None, None, f"invalid catalog header: {exc}",
                           'check the "Plural-Forms" line near the top of the file') from None


_PO_LINE = re.compile(r'^(?:(?:msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?)\s+)?"(?:[^"\\]|\\.)*"\s*$')


def _check_po_syntax(text: str, name: str) -> None:
    """Refuse a malformed .po line; Babel's reader would silently garble it (an unclosed quote eats a letter)."""
    for number, line in enumerate(text.split("\n"), start=1):
        stripped = line.strip()
        if stripped and not stripped.startswith("#") and not _PO_LINE.match(stripped):
            raise ContentError(name, number, None, f"invalid catalog line: {stripped[:60]}",
                               'each line is msgid "...", msgstr "..." or a "..." continuation, quotes closed')


def load_translations(locales_dir: Path, lang: str, project: Path) -> Translations:
    """Compile a language's catalog in memory; fuzzy entries are left out, as gettext does."""
    catalog = read_catalog(locales_dir, lang, project)
    buffer = io.BytesIO()
    try:
        write_mo(buffer, catalog, use_fuzzy=False)
        buffer.seek(0)
        return Translations(buffer, domain=DOMAIN)
    except (ValueError, SyntaxError, TypeError) as exc:
        raise ContentError(relative(catalog_path(locales_dir, lang), project), None, None,
                           f"the catalog cannot be compiled: {exc}",
                           'check the "Plural-Forms" line near the top of the file') from None


@lru_cache(maxsize=None)
def locale(lang: str) -> Locale:
    """The Babel locale of a language, parsed once (parsing lists Babel's data folder every time)."""
    return Locale.parse(lang)


def format_date(value: dt.date, lang: str, format: str = "long") -> str:
    """A date as the page's locale writes it: 14 tháng 4, 2023 / 14 avril 2023."""
    return _format_date(value, format=format, locale=locale(lang))


def format_number(value, lang: str) -> str:
    """A number as the page's locale writes it: 35.000 / 35 000."""
    return format_decimal(value, locale=locale(lang))


def country_name(code: str, lang: str) -> str:
    """A country's name in the page's language, from the CLDR data Babel ships."""
    return locale(lang).territories.get(code, code)


@lru_cache(maxsize=None)
def language_name(lang: str) -> str:
    """A language's name in that language, capitalised for a switcher: Tiếng Việt, Français."""
    name = locale(lang).get_display_name(lang) or lang
    return name[:1].upper() + name[1:]


@lru_cache(maxsize=None)
def open_graph_locale(lang: str) -> str:
    """The Open Graph locale of a language (vi_VN, fr_FR), from CLDR's likely subtags."""
    likely = Locale.parse(get_global("likely_subtags").get(lang, lang))
    return f"{likely.language}_{likely.territory}" if likely.territory else likely.language


# --- catalog maintenance: extract, update, compile ------------------------------------------

_HEADER = ("# Interface strings of the microsite's templates and code.\n"
           "# messages.pot is written by `python build.py i18n extract`; the catalogs are merged from it\n"
           "# by `python build.py i18n update`. Translate the msgstr lines; never edit msgid.")


def extract(project: Path) -> Path:
    """Collect every interface string of the templates and code into locales/messages.pot."""
    from babel.messages.catalog import Catalog
    from babel.messages.extract import extract_from_dir
    from babel.messages.frontend import parse_mapping_cfg
    from babel.messages.pofile import write_po

    with (project / "babel.cfg").open(encoding="utf-8") as fp:
        method_map, options_map = parse_mapping_cfg(fp)
    catalog = Catalog(project="microsite", version=__version__, charset="utf-8", fuzzy=False,
                      header_comment=_HEADER)
    for filename, lineno, message, comments, context in extract_from_dir(
            str(project), method_map, options_map, comment_tags=("Translators:",), strip_comment_tags=True):
        catalog.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    pot = project / "locales" / f"{DOMAIN}.pot"
    pot.parent.mkdir(parents=True, exist_ok=True)
    _write_catalog(pot, catalog, write_po)
    return pot


def update(project: Path, languages) -> list[Path]:
    """Merge messages.pot into each language's catalog, keeping translations and never guessing new ones."""
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import write_po

    pot = project / "locales" / f"{DOMAIN}.pot"
    if not pot.is_file():
        raise ContentError(f"locales/{DOMAIN}.pot", None, None, "there is no template to update the catalogs from",
                           "run `python build.py i18n extract` first")
    with pot.open("rb") as fp:
        template = read_po(fp)
    written = []
    for lang in languages:
        path = catalog_path(project / "locales", lang)
        if path.exists():
            catalog = read_catalog(project / "locales", lang, project)
        else:
            catalog = Catalog(locale=lang, project="microsite", version=__version__, charset="utf-8", fuzzy=False,
                              header_comment=_HEADER)
        # A fuzzy guess copied from a similar string is worse than an honest gap.
        catalog.update(template, no_fuzzy_matching=True, update_creation_date=False)
        path.parent.mkdir(parents=True, exist_ok=True)
        _write_catalog(path, catalog, write_po)
        written.append(path)
    return written


def compile_catalogs(project: Path, languages) -> list[Path]:
    """Write .mo files beside the catalogs, for tools that want them (the build compiles in memory)."""
    written = []
    for lang in languages:
        catalog = read_catalog(project / "locales", lang, project)
        path = catalog_path(project / "locales", lang).with_suffix(".mo")
        with path.open("wb") as fp:
            write_mo(fp, catalog, use_fuzzy=False)
        written.append(path)
    return written


def _write_catalog(path: Path, catalog, write_po) -> None:
    """Write a catalog without the line numbers that make every template edit a catalog diff."""
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=100, include_lineno=False, sort_output=True)
    path.write_bytes(buffer.getvalue())
