"""The declared schema of every data file and of page front matter, in one place.

Each field names a check: a function that returns the cleaned value or raises a located
ContentError. `python build.py schema` prints this as the editors' reference.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import re
import zoneinfo
from collections.abc import Callable, Iterable
from dataclasses import dataclass, fields, is_dataclass
from typing import Any, TypeVar

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
    source = where.languages[0] if where.languages else None  # first: the others may need its text
    for lang in where.languages:
        if lang in value:
            try:
                result[lang] = typeset(text(value[lang], where.at(value, lang)), lang)
            except ContentError as exc:
                errors.append(exc)
        elif lang == source:
            errors.append(
                where.error(
                    f"the {lang} text, in the source language, is missing", f"add a line '{lang}: ...' to this mapping"
                )
            )
        elif source in result:
            result[lang] = FallbackText(result[source], source, lang, (where.path, where.line, where.column))
    for key in value:
        if key not in where.languages:
            errors.append(
                where.at(value, key).error(
                    f"unknown language {key!r}", f"the site's languages are {', '.join(where.languages)}"
                )
            )
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
    return ContentError(
        *shown.where,
        f"no {shown.missing} text; the {shown.lang} text is shown in its place",
        f"add a line '{shown.missing}: ...' to this mapping",
    )


def date(value: Any, where: Where) -> dt.date:
    """A calendar date written YYYY-MM-DD."""
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        if not 1000 <= value.year <= 9000:
            raise where.error(f"the date {value.isoformat()} is out of range", "write a year between 1000 and 9000")
        return value
    raise where.error(
        f"expected a date, found {_kind(value)} {value!r}", "write the date as YYYY-MM-DD, e.g. 2023-04-14"
    )


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


def identifiers(value: Any, where: Where) -> tuple[str, ...]:
    """A list of ids."""
    if not isinstance(value, list):
        raise where.error(f"expected a list of ids, found {_kind(value)}", "write [id-one, id-two]")
    if not value:
        raise where.error("this list of ids is empty", "write at least one id, e.g. [id-one, id-two]")
    return tuple(identifier(item, where.at(value, i)) for i, item in enumerate(value))


def language_code(value: Any, where: Where) -> str:
    """A language tag that Babel knows, such as vi, fr or fr-CA (BCP 47, as `lang` attributes write it)."""
    code = text(value, where)
    if "_" in code:  # gettext's spelling; a lang attribute, hreflang and the URLs need the hyphen
        raise where.error(
            f"the language code {code!r} is written with an underscore", f"write it as {code.replace('_', '-')}"
        )
    try:
        Locale.parse(code, sep="-")
    except (ValueError, UnknownLocaleError):
        raise where.error(f"unknown language code {code!r}", "use a code such as vi, fr or fr-CA") from None
    return code


def language_codes(value: Any, where: Where) -> tuple[str, ...]:
    """Two or more language tags that Babel knows (vi, fr, fr-CA: BCP 47, as `lang` attributes write them), the
    first being the source language."""
    if not isinstance(value, list) or len(value) < 2:
        raise where.error("expected a list of at least two languages", "write e.g. [vi, fr]")
    codes: list[str] = []
    for i, item in enumerate(value):
        here = where.at(value, i)
        code = language_code(item, here)
        if code in codes:
            raise here.error(f"language {code!r} is listed twice", "list each language once")
        codes.append(code)
    return tuple(codes)


def page_names(value: Any, where: Where) -> tuple[str, ...]:
    """A list of page names such as index, program, talks/da-nang."""
    if not isinstance(value, list):
        raise where.error(f"expected a list of page names, found {_kind(value)}", "write [index, program, about]")
    if not value:
        raise where.error("this list of page names is empty", "write at least one, e.g. [index, program, about]")
    return tuple(text(item, where.at(value, i)) for i, item in enumerate(value))


def country(value: Any, where: Where) -> str:
    """An ISO 3166 country code (VN, FR), named in each language by Babel."""
    code = text(value, where).upper()
    if code not in Locale("en").territories or not re.fullmatch(r"[A-Z]{2}", code):
        raise where.error(f"unknown country code {value!r}", "use a two-letter ISO code such as VN or FR")
    return code


def time_zone(value: Any, where: Where) -> str:
    """An IANA time zone name such as Asia/Ho_Chi_Minh, known to the time zone database."""
    name = text(value, where)
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):  # OSError: a folder such as Asia
        close = difflib.get_close_matches(name, zoneinfo.available_timezones(), n=1)
        hint = f"did you mean {close[0]!r}?" if close else "write an IANA name such as Asia/Ho_Chi_Minh or Europe/Paris"
        raise where.error(f"unknown time zone {name!r}", hint) from None
    return name


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


def localized_list(value: Any, where: Where) -> tuple[dict[str, str], ...]:
    """A list of per-language texts."""
    if not isinstance(value, list):
        raise where.error(f"expected a list, found {_kind(value)}", "start each item with '- '")
    return tuple(localized(item, where.at(value, i)) for i, item in enumerate(value))


_DATE_FIELDS = set("GyYuUQqMLwWdDFgEec")  # CLDR's date fields; time fields make no sense for a day


def date_pattern(value: object, where: Where) -> str:
    """A Babel (CLDR) date pattern, e.g. "EEEE d MMMM y"; literal words in single quotes."""
    value = text(value, where)
    if value.replace("''", "").count("'") % 2:
        raise where.error(
            f"the date pattern {value!r} leaves a quote open",
            "close every literal word with a quote, e.g. \"'ngày' d 'tháng' M 'năm' y\"",
        )
    fields = re.sub(r"'[^']*'", "", value)
    strange = sorted({c for c in fields if c.isascii() and c.isalpha()} - _DATE_FIELDS)
    if strange:
        raise where.error(
            f"the date pattern {value!r} uses {', '.join(strange)}, which are not date fields",
            "put literal words in single quotes, e.g. \"'ngày' d\"; fields are d, M, MMMM, y, EEEE",
        )
    if not {"d", "y"} & set(fields):
        raise where.error(
            f"the date pattern {value!r} shows neither day nor year",
            "use d for the day, M or MMMM for the month, y for the year",
        )
    return value


def with_part_of_day(value: object, where: Where) -> str:
    """How a part of day joins a date: a text holding {part} and {date}, e.g. "{part} du {date}"."""
    value = text(value, where)
    missing = [name for name in ("{part}", "{date}") if name not in value]
    if missing:
        raise where.error(f"{value!r} lacks {' and '.join(missing)}", 'write e.g. "{part} {date}" or "{date}, {part}"')
    if re.search(r"\{(?!part\}|date\})", value):
        raise where.error(
            f"{value!r} holds a brace that is neither {{part}} nor {{date}}",
            "only {part} and {date} may stand between braces",
        )
    return value


def date_settings(value: Any, where: Where) -> dict[str, dict[str, str]]:
    """Date patterns per language: {vi: {long: ..., full: ..., part_of_day: ...}, fr: {...}}."""
    if not isinstance(value, dict):
        raise where.error(
            f"expected a mapping of languages, found {_kind(value)}", 'write e.g. dates: {fr: {long: "d MMMM y"}}'
        )
    result, errors = {}, []
    for lang, patterns in value.items():
        here = where.at(value, lang)
        if lang not in where.languages:
            errors.append(
                here.error(f"unknown language {lang!r}", f"the site's languages are {', '.join(where.languages)}")
            )
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

    @classmethod
    def of(cls, record: type, doc: str) -> Mapping:
        """The mapping a record is read from: its fields declared with key(), in order."""
        declared = [f for f in dataclasses.fields(record) if "check" in f.metadata]
        return cls(tuple(Field(f.name, f.metadata["check"], f.metadata["doc"], _required(f)) for f in declared), doc)

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


def key(check: Callable[[Any, Where], Any], doc: str, **default: Any) -> Any:
    """Declare a record's field as a key of its file: the check that cleans it and what it means; a default
    makes it optional."""
    return dataclasses.field(metadata={"check": check, "doc": doc}, **default)


def _required(f: dataclasses.Field[Any]) -> bool:
    """True when a declared field has no default, so its key must be written."""
    return f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING


def raise_all(errors: list[ContentError]) -> None:
    """End a check with the errors it found: one alone as itself, several together."""
    if errors:
        raise errors[0] if len(errors) == 1 else BuildError(errors)


def validate(
    value: Any, schema: Mapping | ListOf | Callable[[Any, Where], Any], where: Where
) -> tuple[Any, list[ContentError]]:
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


DATE_PATTERNS = Mapping(
    (
        Field(
            "long",
            date_pattern,
            "a date without weekday; vi default 'ngày' d 'tháng' M 'năm' y, fr d MMMM y",
            required=False,
        ),
        Field(
            "full",
            date_pattern,
            "a date with its weekday; vi default EEEE, 'ngày' d 'tháng' M 'năm' y, fr EEEE d MMMM y",
            required=False,
        ),
        Field(
            "part_of_day",
            with_part_of_day,
            "how a part of day joins a date; vi default {part} {date}, fr {part} du {date}",
            required=False,
        ),
    ),
    doc="one language's date patterns",
)


# --- the content types, each declared once -------------------------------------------------------
# A record's fields declared with key() are read from its file: the check cleans the value, the text is the
# editors' reference (`build.py schema`, the README), and a field with a default is optional. Fields without
# key() are made by the model; a key that names other records (speaker ids) is resolved by the model too.


@dataclass(frozen=True, kw_only=True)
class SiteSettings:
    """What content/site.yaml says (config.Config adds where the project lives)."""

    languages: tuple[str, ...] = key(
        language_codes, "the site's languages; the first is the default and source language"
    )
    base_url: str = key(url, "where the site is published, e.g. https://user.github.io/repo/")  # ends with "/"
    title: dict[str, str] = key(localized, "the site's title, per language")
    description: dict[str, str] = key(localized, "one sentence about the site, per language", default_factory=dict)
    menu: tuple[str, ...] = key(page_names, "the pages of the main menu, by name, in order", default=("index",))
    cname: str | None = key(domain, "a custom domain for GitHub Pages, written to CNAME", default=None)
    dates: dict[str, dict[str, str]] = key(
        date_settings,
        'Babel date patterns per language (long, full, part_of_day), e.g. fr: {long: "d MMMM y"}; '
        "vi and fr have natural defaults, other languages Babel's",
        default_factory=dict,
    )


@dataclass(frozen=True, kw_only=True)
class Credit:
    """The news report the site is written from."""

    title: str = key(text, "the report's title")
    url: str = key(url, "the report's address")
    author: str = key(text, "who wrote it")
    publisher: str | None = key(text, "the newspaper or site that published it", default=None)
    lang: str = key(language_code, "the report's language, e.g. vi: its link says so to readers and browsers")


@dataclass(frozen=True, kw_only=True)
class Speaker:
    """One person who spoke or chaired."""

    id: str = key(identifier, "a unique id used by program.yaml and roles, e.g. ho-ky-minh")
    name: str = key(text, "the person's name, with diacritics")
    role: dict[str, str] = key(localized, "their office, per language")
    city: dict[str, str] | None = key(localized, "the city they speak for, per language", default=None)
    country: str = key(country, "ISO country code, e.g. VN or FR")


@dataclass(frozen=True, kw_only=True)
class Role:
    """A part some speakers played in the session (co-chairs, moderator...), named by the content."""

    title: dict[str, str] = key(localized, "the role as a heading over its people, per language, e.g. Co-chairs")
    label: dict[str, str] = key(
        localized,
        "the role beside one person's name, per language, when it differs "
        "from the title, e.g. Co-chair; default: the title",
        default_factory=dict,
    )
    people: tuple[Speaker, ...] = key(identifiers, "the speaker ids of those who hold it, from speakers.yaml")


@dataclass(frozen=True, kw_only=True)
class Event:
    """The session itself."""

    title: dict[str, str] = key(localized, "the session's name, per language")
    kind: dict[str, str] | None = key(localized, "what sort of session it is, per language", default=None)
    conference: dict[str, str] = key(localized, "the conference the session belongs to, per language")
    date: dt.date = key(date, "the session's date, YYYY-MM-DD")
    part_of_day: dict[str, str] | None = key(
        localized,
        "the part of day as it stands with the date, per language, when known: chiều, l'après-midi",
        default=None,
    )
    city: dict[str, str] = key(localized, "the host city, per language")
    country: str = key(country, "the host country's ISO code, e.g. VN")
    timezone: str = key(
        time_zone,
        "the IANA time zone where the event takes place, e.g. Asia/Ho_Chi_Minh or "
        "Europe/Paris: the feeds' times are given in it",
    )
    roles: tuple[Role, ...] = key(
        ListOf(Mapping.of(Role, "one role")), "the roles speakers held in the session, in order; none: []", default=()
    )
    key_ideas: tuple[dict[str, str], ...] = key(
        localized_list, "the session's key ideas, each per language", default=()
    )
    source: Credit | None = key(
        Mapping.of(Credit, "the news report credited as the source"),
        "the report the site is written from, when there is one, credited in every footer",
        default=None,
    )

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        """The event's time zone (the file gives its name, checked by time_zone)."""
        return zoneinfo.ZoneInfo(self.timezone)


@dataclass(frozen=True, kw_only=True)
class Contribution:
    """One contribution of the program, in order."""

    number: int  # its place in the program, from 1
    speaker: Speaker = key(identifier, "the speaker's id, from speakers.yaml")
    title: dict[str, str] = key(localized, "the contribution's title, per language")
    page: str = key(text, "the name of the page that covers it, e.g. talks/da-nang")
    editorial: bool = key(
        boolean,
        "true when the site's editors wrote the title (the source gives none); the title is then marked as such",
        default=False,
    )


@dataclass(frozen=True, kw_only=True)
class FrontMatter:
    """What a page file says above its text (model.Page is the page made from it)."""

    title: str = key(text, "the page's title")
    slug: str | None = key(
        text,
        "the URL of the page in this language; transliterated, e.g. 'chương trình' -> "
        f"chuong-trinh; at most {MAX_SLUG_LENGTH} characters",
        default=None,
    )
    summary: str = key(text, "one or two sentences for cards, feeds and search engines", default="")
    updated: dt.date | None = key(
        date, "when the page last changed in substance, YYYY-MM-DD (feeds); default: the event date", default=None
    )
    template: str | None = key(text, "a template from templates/, e.g. program.html", default=None)
    allow_scripts: bool = key(
        boolean,
        "true lets <script> elements and on* event handlers through, nothing else; off by default",
        default=False,
    )
    untranslated: bool = key(
        boolean,
        "true in a translation not written yet (`new` writes it): the page counts as missing, and a "
        "fallback shows the source text; remove it once the page is translated",
        default=False,
    )


SITE = Mapping.of(SiteSettings, "content/site.yaml: the site's settings")
EVENT = Mapping.of(Event, "content/event.yaml: the session")
SPEAKERS = ListOf(Mapping.of(Speaker, "one speaker"), doc="content/speakers.yaml: a list of speakers")
PROGRAM = ListOf(Mapping.of(Contribution, "one contribution"), doc="content/program.yaml: the contributions, in order")
FRONT_MATTER = Mapping.of(FrontMatter, "the front matter of content/pages/<name>.<lang>.md")

DATA_FILES = (("site.yaml", SITE), ("event.yaml", EVENT), ("speakers.yaml", SPEAKERS), ("program.yaml", PROGRAM))

R = TypeVar("R")


def make(record: type[R], cleaned: dict[str, Any], **made: Any) -> R:
    """A record from its file's cleaned mapping, by keyword; `made` gives (or replaces) what the model makes."""
    return record(**{**cleaned, **made})


def reference() -> str:
    """Describe every file's keys, for editors (printed by `build.py schema`, copied into the README)."""
    lines = []
    for _name, schema in DATA_FILES + (("pages/<name>.<lang>.md", FRONT_MATTER),):
        lines.append(f"{schema.doc}")
        mapping = schema.item if isinstance(schema, ListOf) else schema
        for f in mapping.fields:
            need = "required" if f.required else "optional"
            lines.append(f"  {f.name:<14} {need:<9} {f.doc}")
            if f.check is date_settings:  # the keys each language's patterns take
                lines += [f"    <lang>.{p.name:<12} {p.doc}" for p in DATE_PATTERNS.fields]
            elif isinstance(f.check, (Mapping, ListOf)):  # the keys of a nested mapping, or of each item
                inner, prefix = (f.check.item, "- ") if isinstance(f.check, ListOf) else (f.check, "")
                lines += [
                    f"    {prefix + p.name:<12} {'required' if p.required else 'optional':<9} {p.doc}"
                    for p in inner.fields
                ]
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"
