"""Babel: gettext catalogs per language, compiled in memory; dates, numbers and countries per locale."""

from __future__ import annotations

import codecs
import datetime as dt
import decimal
import io
import re
from functools import cache
from pathlib import Path
from typing import NamedTuple

from babel import Locale
from babel.core import get_global
from babel.dates import format_date as _format_date
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import PoFileError, read_po
from babel.numbers import format_decimal
from babel.support import NullTranslations, Translations

from .content import read_text, relative
from .errors import BuildError, ContentError
from .text import FallbackText, typeset

DOMAIN = "messages"


def catalog_path(locales_dir: Path, lang: str) -> Path:
    """Where a language's catalog lives: locales/<lang>/LC_MESSAGES/messages.po."""
    return locales_dir / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def read_catalog(locales_dir: Path, lang: str, project: Path) -> Catalog:
    """Parse one .po file into a Babel catalog, with errors that name the line."""
    path = catalog_path(locales_dir, lang)
    if not path.is_file():
        raise ContentError(
            relative(path, project),
            None,
            None,
            f"the {lang} interface catalog is missing",
            "run `python build.py i18n update` to create it",
        )
    return read_po_file(path, project, lang)


def read_po_file(path: Path, project: Path, lang: str | None = None) -> Catalog:
    """Parse a .po or .pot file, refusing what Babel would garble or fail on later (bad lines, header, charset)."""
    name = relative(path, project)
    text = read_text(path, project)  # a located error when the file is not UTF-8
    _check_po_syntax(text, name)
    try:
        catalog = read_po(io.StringIO(text), locale=babel_name(lang) if lang else None, abort_invalid=True)
        catalog.plural_expr  # noqa: B018 — a malformed Plural-Forms header fails here, not half-way through a build
    except PoFileError as exc:
        raise _po_file_error(exc, text, name) from None
    except (ValueError, SyntaxError) as exc:
        raise ContentError(
            name, None, None, f"invalid catalog header: {exc}", 'check the "Plural-Forms" line near the top of the file'
        ) from None
    _check_charset(catalog.charset, text, name)
    return catalog


def _po_file_error(exc: PoFileError, text: str, name: str) -> ContentError:
    """Babel's complaint about a catalog, at the line it concerns (Babel counts lines from 0)."""
    if "num_plurals" in str(exc):  # a msgstr[N] beyond the forms the header's Plural-Forms allows
        count = exc.catalog.num_plurals
        for number, line in enumerate(text.split("\n"), start=1):
            index = re.match(r"\s*msgstr\[(\d+)\]", line)
            if number > exc.lineno and index and int(index.group(1)) >= count:
                return ContentError(
                    name,
                    number,
                    None,
                    f"msgstr[{index.group(1)}] is beyond the {count} plural forms of the catalog",
                    'delete it, or correct nplurals in the "Plural-Forms" line at the top of the file',
                )
    return ContentError(
        name,
        exc.lineno + 1,
        None,
        f"invalid catalog: {str(exc).rsplit(' on ', 1)[0]}",
        "check the quotes of this msgid/msgstr",
    )


def _check_charset(charset: str, text: str, name: str) -> None:
    """Refuse a header naming a charset other than UTF-8: the file was read as UTF-8, and Babel would write and
    compile it in the charset the header names (an unknown one fails; another one garbles Vietnamese)."""
    try:
        utf8 = codecs.lookup(charset).name == "utf-8"
    except LookupError:
        utf8 = False
    if not utf8:
        raise ContentError(
            name,
            line_of(text, '"Content-Type:'),
            None,
            f"the header names the charset {charset!r}, but catalogs are UTF-8",
            'write "Content-Type: text/plain; charset=utf-8\\n" in the header',
        )


def line_of(text: str, needle: str, containing: str = "") -> int | None:
    """The number of the first line that starts with `needle` (and holds `containing`), if any."""
    for number, line in enumerate(text.split("\n"), start=1):
        if line.lstrip().startswith(needle) and containing in line:
            return number
    return None


_PO_LINE = re.compile(r'^(?:(?:msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?)\s+)?"(?:[^"\\]|\\.)*"\s*$')


def _check_po_syntax(text: str, name: str) -> None:
    """Refuse a malformed .po line; Babel's reader would silently garble it (an unclosed quote eats a letter)."""
    for number, line in enumerate(text.split("\n"), start=1):
        stripped = line.strip()
        if stripped and not stripped.startswith("#") and not _PO_LINE.match(stripped):
            raise ContentError(
                name,
                number,
                None,
                f"invalid catalog line: {stripped[:60]}",
                'each line is msgid "...", msgstr "..." or a "..." continuation, quotes closed',
            )


def load_translations(locales_dir: Path, lang: str, project: Path) -> NullTranslations:
    """Compile a language's catalog in memory; fuzzy entries are left out, as gettext does. A language without
    a catalog shows the interface's source strings (the build warns, `translations` reports it missing,
    --strict refuses it; `i18n update` creates it)."""
    if not catalog_path(locales_dir, lang).is_file():
        return NullTranslations()
    catalog = read_catalog(locales_dir, lang, project)
    problems = placeholder_errors(catalog, catalog_path(locales_dir, lang), project)
    if problems:
        raise BuildError(problems)
    buffer = io.BytesIO()
    try:
        write_mo(buffer, catalog, use_fuzzy=False)
        buffer.seek(0)
        return Translations(buffer, domain=DOMAIN)
    except (ValueError, SyntaxError, TypeError) as exc:
        raise ContentError(
            relative(catalog_path(locales_dir, lang), project),
            None,
            None,
            f"the catalog cannot be compiled: {exc}",
            'check the "Plural-Forms" line near the top of the file',
        ) from None


def missing_catalogs(locales_dir: Path, languages: tuple[str, ...], project: Path) -> list[str]:
    """A warning for each language that has no catalog: its pages show the interface's source strings."""
    return [
        f"{relative(catalog_path(locales_dir, lang), project)}: the {lang} interface catalog is missing — its "
        "pages show the interface in the templates' own words; run `python build.py i18n update` to create "
        "it, then translate it"
        for lang in languages
        if not catalog_path(locales_dir, lang).is_file()
    ]


# --- placeholders: Jinja's newstyle gettext formats every msgstr with `%`, so each one must be well formed ---

# A placeholder as the templates pass them: %(name)s, with optional flags, width and precision (but no space
# flag: in "%(number) sur" the space is a typo, and Python would format it as "3ur"). "%%" is a literal %.
_PLACEHOLDER = re.compile(r"%(?:%|\(([A-Za-z_]\w*)\)[#0+-]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa])")

_MALFORMED = re.compile(r"%(?:\([^)]*\))?.{0,2}", re.DOTALL)  # what to quote of a broken one: "%(number) s"


class Placeholders(NamedTuple):
    """The placeholders of one string, and the % signs in it that start none."""

    found: frozenset[str]
    malformed: tuple[str, ...]


def placeholders(text: str) -> Placeholders:
    """Find the %(name)s placeholders of a string, and every % that is neither one of them nor %%."""
    found, malformed, position = set(), [], text.find("%")
    while position != -1:
        match = _PLACEHOLDER.match(text, position)
        if match and match.group(1):
            found.add(match.group(0))
        elif not match:
            bad = _MALFORMED.match(text, position)
            assert bad is not None  # it matches at any %
            malformed.append(bad.group(0))
        position = text.find("%", match.end() if match else position + 1)
    return Placeholders(frozenset(found), tuple(malformed))


def placeholder_errors(catalog: Catalog, path: Path, project: Path) -> list[ContentError]:
    """Every published msgstr whose placeholders differ from its msgid's or are malformed, located in the .po."""
    found = []  # (msgid line, plural form or None, msgid, problems)
    for message in catalog:
        if not message.id or message.fuzzy:  # the header, and entries never published
            continue
        ids = message.id if isinstance(message.id, (list, tuple)) else (message.id,)
        strings = message.string if isinstance(message.string, (list, tuple)) else (message.string,)
        expected = [placeholders(text).found for text in ids]
        allowed, required = frozenset.union(*expected), frozenset.intersection(*expected)
        for index, string in enumerate(strings):
            problems = _placeholder_problems(placeholders(string), allowed, required) if string else []
            if problems:
                found.append((message.lineno, index if len(ids) > 1 else None, ids[0], problems))
    if not found:
        return []
    name, lines = relative(path, project), read_text(path, project).split("\n")
    return [
        ContentError(
            name,
            _msgstr_line(lines, lineno, index),
            None,
            f"the translation of {msgid!r} " + "; ".join(problems),
            "keep every %(name)s of the msgid exactly as it is, and write a literal % as %%",
        )
        for lineno, index, msgid, problems in found
    ]


def _placeholder_problems(found: Placeholders, allowed: frozenset[str], required: frozenset[str]) -> list[str]:
    """What is wrong with one msgstr's placeholders, in words."""
    problems = [f"lacks {p}" for p in sorted(required - found.found)]
    problems += [f"has {p}, which the msgid has not" for p in sorted(found.found - allowed)]
    return problems + [f"has a malformed placeholder {m!r}" for m in found.malformed]


def _msgstr_line(lines: list[str], msgid_line: int | None, index: int | None) -> int | None:
    """The line of a message's msgstr (or msgstr[index]), searched from its msgid's line."""
    if msgid_line is None:
        return None
    keyword = "msgstr" if index is None else f"msgstr[{index}]"
    for number in range(msgid_line, len(lines) + 1):
        if lines[number - 1].startswith(keyword + " ") or lines[number - 1].startswith(keyword + '"'):
            return number
    return msgid_line


@cache
def locale(lang: str) -> Locale:
    """The Babel locale of a language tag (vi, fr-CA, zh-Hant: BCP 47, as `lang` attributes write it), parsed
    once (parsing lists Babel's data folder every time)."""
    return Locale.parse(lang, sep="-")


def babel_name(lang: str) -> str:
    """A language tag as Babel and gettext name locales: fr-CA -> fr_CA."""
    return str(locale(lang))


class DatePatterns(NamedTuple):
    """How one language writes a day: without and with its weekday (Babel patterns), and with a part of day."""

    long: str
    full: str
    part_of_day: str  # "{part} {date}": where the part of day ("chiều", "l'après-midi") stands


# Natural forms where CLDR's read as machine output: Vietnamese writes the words ngày, tháng, năm and no comma
# before the year, and puts the part of day in front ("chiều thứ Sáu, ngày 14 tháng 4 năm 2023"); French writes
# "l'après-midi du vendredi 14 avril 2023", never the part of day in brackets.
DEFAULT_DATE_PATTERNS = {
    "vi": DatePatterns("'ngày' d 'tháng' M 'năm' y", "EEEE, 'ngày' d 'tháng' M 'năm' y", "{part} {date}"),
    "fr": DatePatterns("d MMMM y", "EEEE d MMMM y", "{part} du {date}"),
}

# Vietnamese writes the weekday in lower case inside a sentence, its number capitalised (thứ Sáu), and Sunday
# as Chủ nhật; CLDR capitalises both words. Monday first, as date.weekday() counts.
_WEEKDAYS_IN_TEXT = {"vi": ("thứ Hai", "thứ Ba", "thứ Tư", "thứ Năm", "thứ Sáu", "thứ Bảy", "Chủ nhật")}


def date_patterns(lang: str, settings: dict[str, dict[str, str]] | None = None) -> DatePatterns:
    """A language's date patterns: those site.yaml sets, else the built-in ones, else Babel's own."""
    base = DEFAULT_DATE_PATTERNS.get(lang.split("-")[0])
    if base is None:
        formats = locale(lang).date_formats
        base = DatePatterns(formats["long"].pattern, formats["full"].pattern, "{date}, {part}")
    return base._replace(**(settings or {}).get(lang, {}))


def format_date(
    value: dt.date, lang: str, format: str = "long", settings: dict[str, dict[str, str]] | None = None
) -> str:
    """A date in a page's language: format is long (no weekday), full (with it) or a Babel pattern; `settings`
    are site.yaml's date patterns. Vietnamese: ngày 14 tháng 4 năm 2023 / thứ Sáu, ngày 14 tháng 4 năm 2023."""
    patterns = date_patterns(lang, settings)
    pattern = getattr(patterns, format) if format in ("long", "full") else format
    weekdays = _WEEKDAYS_IN_TEXT.get(lang.split("-")[0])
    if weekdays:
        pattern = _literal_field(pattern, r"E{4}", weekdays[value.weekday()])
    first = _FIRST_OF_MONTH.get(lang.split("-")[0])
    if first and value.day == 1:
        pattern = _literal_field(pattern, r"(?<!d)d{1,2}(?!d)", first)
    return _format_date(value, format=pattern, locale=locale(lang))


def format_event_date(
    value: dt.date, lang: str, part: str | None, format: str = "full", settings: dict[str, dict[str, str]] | None = None
) -> str:
    """A date with its part of day when one is known, as the language joins them: chiều thứ Sáu, ngày 14 tháng
    4 năm 2023 / l'après-midi du vendredi 14 avril 2023. In lower case: capitalise it where a sentence starts.
    A part of day that lacks this language (a FallbackText) is left out: another language inside the date's
    phrase would garble it, and the date alone is right."""
    day = format_date(value, lang, format, settings)
    if not part or isinstance(part, FallbackText):
        return day
    return typeset(date_patterns(lang, settings).part_of_day.replace("{part}", part).replace("{date}", day), lang)


# French writes the first day of a month as an ordinal (1er avril), which no CLDR pattern can say.
_FIRST_OF_MONTH = {"fr": "1er"}


def _literal_field(pattern: str, field: str, text: str) -> str:
    """Put fixed text in place of a field of a date pattern (a regex such as E{4}), outside its quoted literals."""
    parts = re.split(r"('(?:[^']|'')*')", pattern)
    quoted = "'" + text.replace("'", "''") + "'"
    return "".join(p if p.startswith("'") else re.sub(field, quoted, p) for p in parts)


def format_number(value: float | decimal.Decimal | str, lang: str) -> str:
    """A number as the page's locale writes it: 35.000 / 35 000."""
    return format_decimal(value, locale=locale(lang))


def country_name(code: str, lang: str) -> str:
    """A country's name in the page's language, from the CLDR data Babel ships."""
    name: str = locale(lang).territories.get(code, code)
    return name


@cache
def language_name(lang: str) -> str:
    """A language's name in that language, capitalised for a switcher: Tiếng Việt, Français, Français (Canada)."""
    name = locale(lang).get_display_name(locale(lang)) or lang
    return name[:1].upper() + name[1:]


@cache
def language_name_in(lang: str, other: str) -> str:
    """A language's name as another language writes it inside a sentence: Vietnamese, vietnamien."""
    return locale(lang).get_display_name(locale(other)) or lang


@cache
def direction(lang: str) -> str:
    """The direction a language is written in, for `dir`: rtl for Arabic, Hebrew, Persian…, else ltr."""
    return "rtl" if locale(lang).character_order == "right-to-left" else "ltr"


@cache
def open_graph_locale(lang: str) -> str:
    """The Open Graph locale of a language (vi_VN, fr_FR, fr_CA): its own territory, else CLDR's likely one."""
    own, subtags = locale(lang), get_global("likely_subtags")
    likely = own if own.territory else Locale.parse(subtags.get(str(own)) or subtags.get(own.language, own.language))
    return f"{likely.language}_{likely.territory}" if likely.territory else likely.language
