"""The declared schema of every data file and of page front matter, in one place.

Each field names a check: a function that returns the cleaned value or raises a located
ContentError. `python build.py schema` prints this as the editors' reference.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, fields, is_dataclass
from typing import Any

from babel import Locale, UnknownLocaleError

from .errors import BuildError, ContentError
from .text import MAX_SLUG_LENGTH, FallbackText, typeset


@dataclass(frozen=True)
class Where:
    """Where a value stands (file, line, column) and which languages the site has."""

    path: str
    line: int | None
    column: int | None
    languages: tuple[str, ...]

    def error(self, message: str, hint: str = "") -> ContentError:
        """Make an error located here."""
        return ContentError(self.path, self.line, self.column, message, hint)

    def at(self, container: Any, key: Any) -> Where:
        """Locate container[key], or stay here when YAML gave no position."""
        positions = getattr(container, "positions", {})
        line, column = positions.get(key, (self.line, self.column))
        return Where(self.path, line, column, self.languages)


def locate(container: Any, key: Any, path: str) -> Where:
    """Locate a key or index of a loaded YAML value."""
    start = Where(path, getattr(container, "line", None), getattr(container, "column", None), ())
    return start.at(container, key)


# --- checks: value, where -> cleaned value ----------------------------------------------

def text(value: object, where: Where) -> str:
    """Non-empty text."""
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise where.error(f"expected text, found {_kind(value)}", "write plain text, in quotes if it contains ': '")
    value = str(value).strip()
    if not value:
        raise where.error("this text is empty", "write the text, or remove the key if it is optional")
    return value


def localized(value: Any, where: Where) -> dict[str, str]:
    """Text per language: {vi: ..., fr: ...}; plain text means the same in every language. A language the
    mapping lacks gets the source language's text, as a FallbackText (the page marks it, the build warns)."""
    if not isinstance(value, dict):
        same = text(value, where)
        return {lang: typeset(same, lang) for lang in where.languages}
    result, errors = {}, []
    source = where.languages[0] if where.languages else None   # first: the others may need its text
    for lang in where.languages:
        if lang in value:
            try:
                result[lang] = typeset(text(value[lang], where.at(value, lang)), lang)
            except ContentError as exc:
                errors.append(exc)
        elif lang == source:
            errors.append(where.error(f"the {lang} text, in the source language, is missing",
                                      f"add a line '{lang}: ...' to this mapping"))
        elif source in result:
            result[lang] = FallbackText(result[source], source, lang, (where.path, where.line, where.column))
    for key in value:
        if key not in where.languages:
            errors.append(where.at(value, key).error(
                f"unknown language {key!r}", f"the site's languages are {', '.join(where.languages)}"))
    raise_all(errors)
    return result


def fallback_texts(values: Iterable[Any]) -> list[FallbackText]:
    """Every text of checked data that lacks a language and shows the source language's instead (in records,
    mappings, lists), once each."""
    found: dict[tuple[object, ...], FallbackText] = {}
    todo = list(values)
    while todo:
        value = todo.pop()
        if isinstance(value, FallbackText):
            found.setdefault((value.where, value.missing), value)
        elif isinstance(value, dict):
            todo.extend(value.values())
        elif isinstance(value, (list, tuple)):
            todo.extend(value)
        elif is_dataclass(value) and not isinstance(value, type):
            todo.extend(getattr(value, f.name) for f in fields(value))
    return sorted(found.values(), key=lambda t: (t.where[0], t.where[1] or 0, t.where[2] or 0, t.missing))


def fallback_problem(shown: FallbackText) -> ContentError:
    """What the build says of a text that lacks a language: a warning, or under --strict an error."""
    return ContentError(*shown.where, f"no {shown.missing} text; the {shown.lang} text is shown in its place",
                        f"add a line '{shown.missing}: ...' to this mapping")


def date(value: Any, where: Where) -> dt.date:
    """A calendar date written YYYY-MM-DD."""
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        if not 1000 <= value.year <= 9000:
            raise where.error(f"the date {value.isoformat()} is out of range", "write a year between 1000 and 9000")
        return value
    raise where.error(f"expected a date, found {_kind(value)} {value!r}",
                      "write the date as YYYY-MM-DD, e.g. 2023-04-14")


def url(value: object, where: Where) -> str:
    """An absolute http(s) URL."""
    value = text(value, where)
    if not re.match(r"^https?://[^\s/]+", value):
        raise where.error(f"expected an absolute URL, found {value!r}", "write it with http:// or https://")
    return value


def identifier(value: object, where: Where) -> str:
    """An id: lowercase ASCII letters, digits and hyphens."""
    value = text(value, where)
    if not re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", value):
        raise where.error(f"invalid id {value!r}", "use lowercase letters, digits and hyphens, e.g. ho-ky-minh")
    return value


def identifiers(value: Any, where: Where) -> list[str]:
    """A list of ids."""
    if not isinstance(value, list) or not value:
        raise where.error(f"expected a list of ids, found {_kind(value)}", "write [id-one, id-two]")
    return [identifier(item, where.at(value, i)) for i, item in enumerate(value)]


def language_codes(value: Any, where: Where) -> tuple[str, ...]:
    """Two or more language tags that Babel knows (vi, fr, fr-CA: BCP 47, as `lang` attributes write them), the
    first being the source language."""
    if not isinstance(value, list) or len(value) < 2:
        raise where.error("expected a list of at least two languages", "write e.g. [vi, fr]")
    codes = []
    for i, item in enumerate(value):
        here = where.at(value, i)
        code = text(item, here)
        if "_" in code:   # gettext's spelling; a lang attribute, hreflang and the URLs need the hyphen
            raise here.error(f"the language code {code!r} is written with an underscore",
                             f"write it as {code.replace('_', '-')}")
        try:
            Locale.parse(code, sep="-")
        except (ValueError, UnknownLocaleError):
            raise here.error(f"unknown language code {code!r}", "use a code such as vi, fr or fr-CA") from None
        if code in codes:
            raise here.error(f"language {code!r} is listed twice", "list each language once")
        codes.append(code)
    return tuple(codes)


def page_names(value: Any, where: Where) -> list[str]:
    """A list of page names such as index, program, talks/da-nang."""
    if not isinstance(value, list) or not value:
        raise where.error(f"expected a list of page names, found {_kind(value)}", "write [index, program, about]")
    return [text(item, where.at(value, i)) for i, item in enumerate(value)]


def country(value: Any, where: Where) -> str:
    """An ISO 3166 country code (VN, FR), named in each language by Babel."""
    code = text(value, where).upper()
    if code not in Locale("en").territories or not re.fullmatch(r"[A-Z]{2}", code):
        raise where.error(f"unknown country code {value!r}", "use a two-letter ISO code such as VN or FR")
    return code


def boolean(value: Any, where: Where) -> bool:
    """true or false."""
    if not isinstance(value, bool):
        raise where.error(f"expected true or false, found {value!r}", "write true or false")
    return value


def domain(value: object, where: Where) -> str:
    """A bare host name such as conference.example.org."""
    value = text(value, where)
    if not re.fullmatch(r"[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+", value):
        raise where.error(f"invalid domain {value!r}", "write only the host name, e.g. www.example.org")
    return value.lower()


def localized_list(value: Any, where: Where) -> list[dict[str, str]]:
    """A list of per-language texts."""
    if not isinstance(value, list):
        raise where.error(f"expected a list, found {_kind(value)}", "start each item with '- '")
    return [localized(item, where.at(value, i)) for i, item in enumerate(value)]


_DATE_FIELDS = set("GyYuUQqMLwWdDFgEec")   # CLDR's date fields; time fields make no sense for a day


def date_pattern(value: object, where: Where) -> str:
    """A Babel (CLDR) date pattern, e.g. "EEEE d MMMM y"; literal words in single quotes."""
    value = text(value, where)
    if value.replace("''", "").count("'") % 2:
        raise where.error(f"the date pattern {value!r} leaves a quote open",
                          "close every literal word with a quote, e.g. \"'ngày' d 'tháng' M 'năm' y\"")
    fields = re.sub(r"'[^']*'", "", value)
    strange = sorted({c for c in fields if c.isascii() and c.isalpha()} - _DATE_FIELDS)
    if strange:
        raise where.error(f"the date pattern {value!r} uses {', '.join(strange)}, which are not date fields",
                          "put literal words in single quotes, e.g. \"'ngày' d\"; fields are d, M, MMMM, y, EEEE")
    if not {"d", "y"} & set(fields):
        raise where.error(f"the date pattern {value!r} shows neither day nor year",
                          "use d for the day, M or MMMM for the month, y for the year")
    return value


def with_part_of_day(value: object, where: Where) -> str:
    """How a part of day joins a date: a text holding {part} and {date}, e.g. "{part} du {date}"."""
    value = text(value, where)
    missing = [name for name in ("{part}", "{date}") if name not in value]
    if missing:
        raise where.error(f"{value!r} lacks {' and '.join(missing)}", 'write e.g. "{part} {date}" or "{date}, {part}"')
    if re.search(r"\{(?!part\}|date\})", value):
        raise where.error(f"{value!r} holds a brace that is neither {{part}} nor {{date}}",
                          "only {part} and {date} may stand between braces")
    return value


def date_settings(value: Any, where: Where) -> dict[str, dict[str, str]]:
    """Date patterns per language: {vi: {long: ..., full: ..., part_of_day: ...}, fr: {...}}."""
    if not isinstance(value, dict):
        raise where.error(f"expected a mapping of languages, found {_kind(value)}",
                          "write e.g. dates: {fr: {long: \"d MMMM y\"}}")
    result, errors = {}, []
    for lang, patterns in value.items():
        here = where.at(value, lang)
        if lang not in where.languages:
            errors.append(here.error(f"unknown language {lang!r}",
                                     f"the site's languages are {', '.join(where.languages)}"))
            continue
        checked, found = validate(patterns, DATE_PATTERNS, here)
        errors.extend(found)
        if not found:
            result[lang] = checked
    raise_all(errors)
    return result


# --- structure ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Field:
    """One key of a mapping: its check, whether it is required, and what it means."""

    name: str
    check: Callable[[Any, Where], Any]
    doc: str
    required: bool = True


@dataclass(frozen=True)
class Mapping:
    """A YAML mapping with declared keys; unknown keys are refused (they are usually typos)."""

    fields: tuple[Field, ...]
    doc: str = ""

    def __call__(self, value: Any, where: Where) -> dict[str, Any]:
        """Check a mapping field by field, reporting every problem."""
        if not isinstance(value, dict):
            raise where.error(f"expected a mapping of 'key: value' lines, found {_kind(value)}")
        result: dict[str, Any] = {}
        errors: list[ContentError] = []
        names = [f.name for f in self.fields]
        for f in self.fields:
            if f.name not in value or value[f.name] is None:
                if f.required:
                    errors.append(where.error(f"{f.name} is missing", f'add "{f.name}:" ({f.doc})'))
                continue
            checked, found = validate(value[f.name], f.check, where.at(value, f.name))
            errors.extend(found)
            if not found:
                result[f.name] = checked
        for key in value:
            if key not in names:
                close = difflib.get_close_matches(str(key), names, n=1)
                hint = f"did you mean {close[0]!r}?" if close else f"known keys: {', '.join(names)}"
                errors.append(where.at(value, key).error(f"unknown key {key!r}", hint))
        raise_all(errors)
        return result


@dataclass(frozen=True)
class ListOf:
    """A YAML list whose items all follow one schema."""

    item: Mapping
    doc: str = ""

    def __call__(self, value: Any, where: Where) -> list[dict[str, Any]]:
        """Check each item, reporting every problem."""
        if not isinstance(value, list):
            raise where.error(f"expected a list of items starting with '- ', found {_kind(value)}")
        result: list[dict[str, Any]] = []
        errors: list[ContentError] = []
        for i, item in enumerate(value):
            checked, found = validate(item, self.item, where.at(value, i))
            errors.extend(found)
            if not found:
                result.append(checked)
        raise_all(errors)
        return result




def raise_all(errors: list[ContentError]) -> None:
    """End a check with the errors it found: one alone as itself, several together."""
    if errors:
        raise errors[0] if len(errors) == 1 else BuildError(errors)


def validate(value: Any, schema: Mapping | ListOf | Callable[[Any, Where], Any],
             where: Where) -> tuple[Any, list[ContentError]]:
    """Check a loaded YAML value against its schema: (cleaned value or None, errors)."""
    try:
        return schema(value, where), []
    except BuildError as many:
        return None, many.errors
    except ContentError as exc:
        return None, [exc]


def _kind(value: Any) -> str:
    """Name a YAML value's type the way an editor would."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dt.date):
        return "a date"
    if isinstance(value, bytes):
        return "binary data"
    return "text"


DATE_PATTERNS = Mapping((
    Field("long", date_pattern, "a date without weekday; vi default 'ngày' d 'tháng' M 'năm' y, fr d MMMM y",
          required=False),
    Field("full", date_pattern, "a date with its weekday; vi default EEEE, 'ngày' d 'tháng' M 'năm' y, "
          "fr EEEE d MMMM y", required=False),
    Field("part_of_day", with_part_of_day, "how a part of day joins a date; vi default {part} {date}, "
          "fr {part} du {date}", required=False),
), doc="one language's date patterns")


# --- the schema of each file ------------------------------------------------------------------

SITE = Mapping((
    Field("languages", language_codes, "the site's languages; the first is the default and source language"),
    Field("base_url", url, "where the site is published, e.g. https://user.github.io/repo/"),
    Field("title", localized, "the site's title, per language"),
    Field("description", localized, "one sentence about the site, per language", required=False),
    Field("menu", page_names, "the pages of the main menu, by name, in order", required=False),
    Field("cname", domain, "a custom domain for GitHub Pages, written to CNAME", required=False),
    Field("dates", date_settings, "Babel date patterns per language (long, full, part_of_day), e.g. "
          "fr: {long: \"d MMMM y\"}; vi and fr have natural defaults, other languages Babel's", required=False),
), doc="content/site.yaml: the site's settings")

SOURCE = Mapping((
    Field("title", text, "the report's title"),
    Field("url", url, "the report's address"),
    Field("author", text, "who wrote it"),
    Field("publisher", text, "the newspaper or site that published it", required=False),
), doc="the news report credited as the source")


EVENT = Mapping((
    Field("title", localized, "the session's name, per language"),
    Field("kind", localized, "what sort of session it is, per language", required=False),
    Field("conference", localized, "the conference the session belongs to, per language"),
    Field("date", date, "the session's date, YYYY-MM-DD"),
    Field("part_of_day", localized, "the part of day as it stands with the date, per language, when known: "
          "chiều, l'après-midi", required=False),
    Field("city", localized, "the host city, per language"),
    Field("country", country, "the host country's ISO code, e.g. VN"),
    Field("chairs", identifiers, "the co-chairs' speaker ids, from speakers.yaml"),
    Field("key_ideas", localized_list, "the session's key ideas, each per language",
          required=False),
    Field("source", SOURCE, "the news report credited as the source: title, url, author"),
), doc="content/event.yaml: the session")

SPEAKER = Mapping((
    Field("id", identifier, "a unique id used by program.yaml and chairs, e.g. ho-ky-minh"),
    Field("name", text, "the person's name, with diacritics"),
    Field("role", localized, "their office, per language"),
    Field("city", localized, "the city they speak for, per language", required=False),
    Field("country", country, "ISO country code, e.g. VN or FR"),
), doc="one speaker")

SPEAKERS = ListOf(SPEAKER, doc="content/speakers.yaml: a list of speakers")

CONTRIBUTION = Mapping((
    Field("speaker", identifier, "the speaker's id, from speakers.yaml"),
    Field("title", localized, "the contribution's title, per language"),
    Field("page", text, "the name of the page that covers it, e.g. talks/da-nang"),
    Field("editorial", boolean, "true when the site's editors wrote the title (the source gives none); "
          "the title is then marked as such", required=False),
), doc="one contribution")

PROGRAM = ListOf(CONTRIBUTION, doc="content/program.yaml: the contributions, in order")

FRONT_MATTER = Mapping((
    Field("title", text, "the page's title"),
    Field("slug", text, "the URL of the page in this language; transliterated, e.g. 'chương trình' -> chuong-trinh; "
          f"at most {MAX_SLUG_LENGTH} characters",
          required=False),
    Field("summary", text, "one or two sentences for cards, feeds and search engines", required=False),
    Field("updated", date, "when the page last changed in substance, YYYY-MM-DD (feeds); default: the event date",
          required=False),
    Field("template", text, "a template from templates/, e.g. program.html", required=False),
    Field("allow_scripts", boolean,
          "true lets <script> elements and on* event handlers through, nothing else; off by default", required=False),
), doc="the front matter of content/pages/<name>.<lang>.md")


DATA_FILES = (("site.yaml", SITE), ("event.yaml", EVENT), ("speakers.yaml", SPEAKERS), ("program.yaml", PROGRAM))


def reference() -> str:
    """Describe every file's keys, for editors (printed by `build.py schema`, copied into the README)."""
    lines = []
    for _name, schema in DATA_FILES + (("pages/<name>.<lang>.md", FRONT_MATTER),):
        lines.append(f"{schema.doc}")
        mapping = schema.item if isinstance(schema, ListOf) else schema
        for f in mapping.fields:
            need = "required" if f.required else "optional"
            lines.append(f"  {f.name:<14} {need:<9} {f.doc}")
            if f.check is date_settings:   # the keys each language's patterns take
                lines += [f"    <lang>.{p.name:<12} {p.doc}" for p in DATE_PATTERNS.fields]
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"
