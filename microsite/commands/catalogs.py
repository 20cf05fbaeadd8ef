"""The `i18n` command: extract the interface strings into locales/messages.pot, merge it into each language's
catalog, compile the catalogs. (The build reads the catalogs itself, in i18n.py.)"""

from __future__ import annotations

import codecs
import datetime as dt
import io
import re
from collections.abc import Iterable
from configparser import Error as ConfigError
from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir, extract_from_file
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import write_po

from .. import __version__
from ..content import read_text, relative
from ..errors import BuildError, ContentError
from ..i18n import DOMAIN, babel_name, catalog_path, line_of, placeholder_errors, read_catalog, read_po_file
from ..inputs import link_problem

PACKAGE = Path(__file__).resolve().parent.parent  # the generator: its own code holds interface strings too


@dataclass(frozen=True)
class Written:
    """A catalog file that extract or update produced, and whether its bytes changed (a file whose messages did
    not change is left as it was, so that running the command again makes no diff)."""

    path: Path
    changed: bool


# Babel's stand-ins for the translator's fields, which GNU msgfmt -c warns about and which say nothing, and what
# GNU msginit --no-translator writes instead for a catalog nobody has translated yet.
_NO_TRANSLATOR = {"last_translator": "Automatically generated", "language_team": "none"}
_PLACEHOLDER_BUGS_ADDRESS = "EMAIL@ADDRESS"
# The header fields that belong to each translation, not to the template (xgettext writes placeholders there).
_TRANSLATION_FIELDS = (b"Report-Msgid-Bugs-To", b"PO-Revision-Date", b"Last-Translator", b"Language-Team")
# Lines a rewrite changes although no message did: when the template was made, and which Babel wrote it.
_VOLATILE = (b'"POT-Creation-Date: ', b'"Generated-By: ')

_HEADER = (
    "# Interface strings of the microsite's templates and code.\n"
    "# messages.pot is written by `python build.py i18n extract`; the catalogs are merged from it\n"
    "# by `python build.py i18n update`. Translate the msgstr lines; never edit msgid."
)


def extract(project: Path) -> Written:
    """Collect every interface string of the templates and code into locales/messages.pot."""
    catalog = Catalog(project="microsite", version=__version__, charset="utf-8", fuzzy=False, header_comment=_HEADER)
    found, generator = _extracted(project)
    for filename, lineno, message, comments, context in found + generator:
        catalog.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    if not found:
        # An empty template would turn every translation into an obsolete entry at the next update.
        raise ContentError(
            "babel.cfg",
            None,
            None,
            "no interface strings were found in the files it names",
            "name the templates in it: [jinja2: templates/**.html]; locales/messages.pot was kept",
        )
    pot = project / "locales" / f"{DOMAIN}.pot"
    _check_writable([pot], project)
    return _write_catalog(pot, catalog, project, omit=_TRANSLATION_FIELDS)


Extracted = list[tuple[str, int, str | tuple[str, ...], list[str], str | None]]


def _extracted(project: Path) -> tuple[Extracted, Extracted]:
    """Every message of the files babel.cfg names, as Babel extracts them, and those of the generator's own
    code (the 404 page's title), wherever it is installed; a bad babel.cfg is a located error."""
    method_map, options_map = _read_mapping(project)
    current = ["babel.cfg"]  # the file being read, to name it if extraction fails
    try:
        found = list(
            extract_from_dir(
                str(project),
                method_map,
                options_map,
                comment_tags=("Translators:",),
                strip_comment_tags=True,
                callback=lambda filename, method, options: current.__setitem__(0, filename),
            )
        )
        generator: Extracted = []
        for path in sorted(PACKAGE.rglob("*.py")):
            shown = "microsite/" + path.relative_to(PACKAGE).as_posix()
            current[0] = shown
            generator += [
                (shown, line, message, comments, context)
                for line, message, comments, context in extract_from_file(
                    "python", str(path), comment_tags=("Translators:",), strip_comment_tags=True
                )
            ]
        return found, generator
    except (ValueError, LookupError, ImportError, AttributeError, SyntaxError, OSError) as exc:
        raise ContentError(
            current[0],
            None,
            None,
            f"cannot extract interface strings: {exc}",
            "check the section of babel.cfg that names this file",
        ) from None


def _read_mapping(project: Path) -> tuple[list[tuple[str, str]], dict[str, dict[str, str]]]:
    """babel.cfg's extraction methods and options, checked before any file is read."""
    path = project / "babel.cfg"
    hint = "it needs a section such as [jinja2: templates/**.html] with encoding = utf-8"
    if not path.is_file():
        raise ContentError(
            "babel.cfg",
            None,
            None,
            "babel.cfg, which names the files that hold interface strings, is missing or not a file",
            "restore it from version control; " + hint,
        )
    text = read_text(path, project)
    try:
        method_map, options_map = parse_mapping_cfg(  # type: ignore[no-untyped-call]  # Babel leaves it untyped
            io.StringIO(text), "babel.cfg"
        )
    except ConfigError as exc:
        errors = getattr(exc, "errors", None)  # a ParsingError lists (line, text) pairs
        line = errors[0][0] if errors else getattr(exc, "lineno", None)
        what = (
            "this line is neither a [section] nor a key = value"
            if errors
            else re.sub(r"^While reading .*?: ", "", str(exc).splitlines()[0])
        )
        raise ContentError("babel.cfg", line, None, f"invalid: {what}", hint) from None
    except ValueError:  # a section without "method: pattern"
        raise ContentError("babel.cfg", None, None, "invalid: each section is [method: pattern]", hint) from None
    for pattern, options in options_map.items():
        try:
            codecs.lookup(options.get("encoding", "utf-8"))
        except LookupError:
            raise ContentError(
                "babel.cfg",
                line_of(text, "encoding", options["encoding"]),
                None,
                f"unknown encoding {options['encoding']!r} for {pattern}",
                "write encoding = utf-8",
            ) from None
    return method_map, options_map


def update(project: Path, languages: Iterable[str]) -> list[Written]:
    """Merge messages.pot into each language's catalog, keeping translations and never guessing new ones; every
    file is checked before any is written."""
    pot = project / "locales" / f"{DOMAIN}.pot"
    if not pot.is_file():
        raise ContentError(
            f"locales/{DOMAIN}.pot",
            None,
            None,
            "there is no template to update the catalogs from",
            "run `python build.py i18n extract` first",
        )
    template = read_po_file(pot, project)
    if not len(template):
        # Merging an empty template would make every translation obsolete.
        raise ContentError(
            f"locales/{DOMAIN}.pot",
            None,
            None,
            "the template holds no interface strings",
            "run `python build.py i18n extract` to rebuild it; no catalog was changed",
        )
    catalogs = {}
    for lang in languages:
        path = catalog_path(project / "locales", lang)
        catalogs[path] = (
            read_catalog(project / "locales", lang, project)
            if path.exists()
            else Catalog(
                locale=babel_name(lang),
                project="microsite",
                version=__version__,
                charset="utf-8",
                fuzzy=False,
                header_comment=_HEADER,
                revision_date=dt.datetime.now(dt.timezone.utc),
            )
        )
    _check_writable(list(catalogs), project)
    written = []
    for path, catalog in catalogs.items():
        _no_placeholders(catalog, template)
        # A fuzzy guess copied from a similar string is worse than an honest gap.
        catalog.update(template, no_fuzzy_matching=True, update_creation_date=False)
        for key in [key for key in catalog.obsolete if key in catalog]:
            # An obsolete entry that repeats a live msgid makes GNU msgfmt (and Poedit, Weblate) refuse the file.
            del catalog.obsolete[key]
        unknown = catalog.msgid_bugs_address == _PLACEHOLDER_BUGS_ADDRESS
        written.append(_write_catalog(path, catalog, project, omit=(b"Report-Msgid-Bugs-To",) if unknown else ()))
    return written


def _no_placeholders(catalog: Catalog, template: Catalog) -> None:
    """Put what GNU msginit writes for a catalog without a translator where Babel's placeholders stand; a
    translator's own name, team and revision date are kept as they are."""
    if catalog.last_translator == "FULL NAME <EMAIL@ADDRESS>":
        catalog.last_translator = _NO_TRANSLATOR["last_translator"]
    if catalog.language_team.endswith("<LL@li.org>"):  # "LANGUAGE <LL@li.org>", or "fr <LL@li.org>" once read
        catalog.language_team = _NO_TRANSLATOR["language_team"]
    if not isinstance(catalog.revision_date, (dt.datetime, dt.time, int, float)):  # "YEAR-MO-DA HO:MI+ZONE"
        catalog.revision_date = template.creation_date


def fill_from_msgids(project: Path, lang: str) -> Path:
    """Translate a catalog into the language the msgids are written in: every msgstr becomes its msgid."""
    path = catalog_path(project / "locales", lang)
    catalog = read_catalog(project / "locales", lang, project)
    for message in catalog:
        if message.id and not message.string:
            message.string = message.id if isinstance(message.id, str) else tuple(message.id)
    _write_catalog(path, catalog, project, omit=())
    return path


def compile_catalogs(project: Path, languages: Iterable[str]) -> list[Path]:
    """Write .mo files beside the catalogs, for tools that want them (the build compiles in memory)."""
    catalogs, problems = {}, []
    for lang in languages:  # every catalog checked before any file is written
        path = catalog_path(project / "locales", lang)
        catalogs[path.with_suffix(".mo")] = catalog = read_catalog(project / "locales", lang, project)
        problems += placeholder_errors(catalog, path, project)
    problems += _write_problems(list(catalogs), project)
    if problems:
        raise BuildError(problems)
    for path, catalog in catalogs.items():
        buffer = io.BytesIO()
        write_mo(buffer, catalog, use_fuzzy=False)
        _write_file(path, buffer.getvalue(), project)
    return list(catalogs)


def _check_writable(paths: list[Path], project: Path) -> None:
    """Refuse to write any file of the catalogs when one of them may not be written."""
    problems = _write_problems(paths, project)
    if len(problems) == 1:
        raise problems[0]  # one line, as for any other single bad input
    if problems:
        raise BuildError(problems)


def _write_problems(paths: list[Path], project: Path) -> list[ContentError]:
    """Why files of the catalogs may not be written: a link on the way leads outside the project (or nowhere, or
    into .git), the rule the build reads inputs by, or something other than a file stands in a file's place."""
    problems = []
    for path in paths:
        link = link_problem(path, project)
        if link is not None:
            problems.append(
                ContentError(
                    link.path,
                    None,
                    None,
                    f"{link.message}; nothing was written",
                    "replace the link with a real folder or file of the project",
                )
            )
        elif path.exists() and not path.is_file():
            problems.append(
                ContentError(
                    relative(path, project),
                    None,
                    None,
                    "cannot write the file: a folder or other non-file stands in its place; nothing was written",
                    "remove or rename it",
                )
            )
    return problems


def _write_catalog(path: Path, catalog: Catalog, project: Path, omit: tuple[bytes, ...]) -> Written:
    """Write a catalog without the line numbers that make every template edit a catalog diff, without the
    header fields `omit` names, and only when something other than its creation date and Babel's version
    changed."""
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=100, include_lineno=False, sort_output=True)
    data = _without_header_fields(buffer.getvalue(), omit)
    try:
        old = path.read_bytes() if path.is_file() else None
    except OSError:
        old = None  # unreadable: written anew (and _write_file says so if that fails too)
    if old is not None and _stable(old) == _stable(data):
        return Written(path, changed=False)
    _write_file(path, data, project)
    return Written(path, changed=True)


def _without_header_fields(data: bytes, names: tuple[bytes, ...]) -> bytes:
    """A catalog as Babel wrote it, without the header lines (the first entry's, up to the first blank line)
    of the fields named; Babel always writes them, with placeholders where it knows no value."""
    header, blank, rest = data.partition(b"\n\n")
    kept = [line for line in header.split(b"\n") if not any(line.startswith(b'"' + name + b": ") for name in names)]
    return b"\n".join(kept) + blank + rest


def _stable(data: bytes) -> list[bytes]:
    """A catalog's lines without those that change at every run."""
    return [line for line in data.split(b"\n") if not line.startswith(_VOLATILE)]


def _write_file(path: Path, data: bytes, project: Path) -> None:
    """Write a file of the catalogs, or say in one line what stands in the way."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    except OSError as exc:
        raise ContentError(
            relative(path, project),
            None,
            None,
            f"cannot write the file ({exc.strerror})",
            "remove what stands in its place (a folder of that name?) or make it writable",
        ) from None
