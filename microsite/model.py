"""The site as frozen data: event, speakers, program and pages, paired across languages and cross-checked."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Protocol, TypeVar

from . import i18n, schema
from .config import Config
from .content import PageFile, load_yaml_file, page_files, parse_page, read_text, relative
from .errors import ContentError, ErrorList
from .hashing import hash_text

# The content records are declared in schema.py (their fields are the files' keys); they are the model's too.
from .schema import Contribution as Contribution
from .schema import Credit, FrontMatter, Role
from .schema import Event as Event
from .schema import Speaker as Speaker
from .text import MAX_SLUG_LENGTH, FallbackText, slugify_path, typeset
from .translation_state import FILE_NAME, Records, State, fingerprint, load_records, page_state, stale_reason
from .urls import page_output_path, page_url_path

Paired = TypeVar("Paired")  # what Reader.pair remembers: one page name's pages and warnings


@dataclass(frozen=True, kw_only=True)
class Page:
    """One page in one language; a fallback carries another language's text."""

    name: str
    lang: str
    content_lang: str
    path: str
    title: str
    slug: str
    summary: str
    body: str
    body_line: int
    template: str
    allow_scripts: bool
    state: State = State.OK
    updated: dt.date = dt.date.min  # always given: the front matter's date, else the event's
    text_hash: str = ""  # a hash of the exact text of the file the page comes from
    slug_line: int = 1  # where its slug is written, or the file's first line (for errors only)
    fingerprint: str = ""  # the translation fingerprint of its file's text (what --confirm records)

    def identity(self) -> tuple[object, ...]:
        """Every field, with the body stood for by a hash of its file's text: cheap to hash, just as unique."""
        return (
            self.name,
            self.lang,
            self.content_lang,
            self.path,
            self.title,
            self.slug,
            self.summary,
            self.text_hash,
            self.body_line,
            self.template,
            self.allow_scripts,
            self.state,
            self.updated,
        )

    @property
    def is_fallback(self) -> bool:
        """True when this language has no translation and shows another language's text."""
        return self.content_lang != self.lang

    @property
    def is_home(self) -> bool:
        """True for a language's home page."""
        return self.name == "index"

    @functools.cached_property  # asked for every page at every rebuild of the preview
    def output_path(self) -> str:
        """Where the page is written inside site/."""
        return page_output_path(self.lang, self.slug)


@dataclass(frozen=True)
class Site:
    """Everything a build renders."""

    config: Config
    event: Event
    speakers: tuple[Speaker, ...]
    program: tuple[Contribution, ...]
    pages: tuple[Page, ...]
    warnings: tuple[str, ...] = ()
    records: Records = field(default_factory=dict, compare=False, repr=False)  # content/translations.yaml
    _index: dict[tuple[str, str], Page] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        self._index.update({(p.name, p.lang): p for p in self.pages})

    def page(self, name: str, lang: str) -> Page | None:
        """The page of that name in that language, or None."""
        return self._index.get((name, lang))

    def counterparts(self, page: Page) -> list[Page]:
        """The same page in every language, in the site's language order (fallbacks included)."""
        return [p for p in (self.page(page.name, lang) for lang in self.config.languages) if p]

    def alternates(self, page: Page) -> list[Page]:
        """The real translations of a page, for hreflang: fallbacks are never announced."""
        return [p for p in self.counterparts(page) if not p.is_fallback]

    def contribution(self, page: Page) -> Contribution | None:
        """The program entry a page covers, if any."""
        return next((c for c in self.program if c.page == page.name), None)

    def pages_in(self, lang: str) -> list[Page]:
        """Every page of one language."""
        return [p for p in self.pages if p.lang == lang]

    def fallback_texts(self) -> list[FallbackText]:
        """Every text of the settings and data files that lacks a language and shows the source's instead."""
        return _fallback_texts(self.config, self.event, self.speakers, self.program)


def _fallback_texts(
    config: Config, event: Event, speakers: Iterable[Speaker], program: Iterable[Contribution]
) -> list[FallbackText]:
    """The data texts shown in the source language because they lack a language (warned; --strict refuses)."""
    return schema.fallback_texts([config.title, config.description, event, tuple(speakers), tuple(program)])


def load_site(config: Config, cache: Reader | None = None) -> Site:
    """Read every content file, check it, pair translations; raise one BuildError listing all problems.

    The build and the preview pass the incremental engine's MemoReader, so that unchanged files are not
    parsed again."""
    errors = ErrorList()
    cache = cache if cache is not None else PlainReader()
    data = {}
    for name, spec in schema.DATA_FILES[1:]:  # site.yaml is the Config, already loaded
        load = functools.partial(_load_data, config, name, spec)
        data[name], problems = cache.remember(config.content_dir / name, load, config.languages)
        errors.extend(problems)
    speakers = _speakers(config, data["speakers.yaml"], errors)
    sources, page_names = _read_pages(config, errors, cache)
    event = _event(config, data["event.yaml"], speakers, errors)
    program = _program(config, data["program.yaml"], speakers, page_names, errors)
    records, problems = cache.remember(config.content_dir / FILE_NAME, lambda: _load_records(config))
    errors.extend(problems)
    _check_menu(config, page_names, errors)
    errors.raise_if_any()
    assert event is not None  # a missing or invalid event.yaml was reported just above
    pages, warnings = _pair_pages(config, sources, {c.page for c in program}, records, errors, event.date, cache)
    _check_unique_urls(pages, errors)
    errors.raise_if_any()
    warnings = [
        str(schema.fallback_problem(text)) for text in _fallback_texts(config, event, speakers.values(), program)
    ] + warnings
    warnings += i18n.missing_catalogs(config.locales_dir, config.languages, config.project)
    return Site(config, event, tuple(speakers.values()), tuple(program), tuple(pages), tuple(warnings), records)


def _load_data(
    config: Config, name: str, spec: schema.Mapping | schema.ListOf
) -> tuple[tuple[Any, Any] | None, list[ContentError]]:
    """Load and validate one YAML data file: ((raw, cleaned) or None, errors)."""
    path = config.content_dir / name
    rel = relative(path, config.project)
    try:
        raw = load_yaml_file(path, config.project)
    except ContentError as exc:
        return None, [exc]
    cleaned, problems = schema.validate(raw, spec, schema.Where(rel, 1, 1, config.languages))
    return ((raw, cleaned) if not problems else None), problems


def _load_records(config: Config) -> tuple[Records, list[ContentError]]:
    """The translation fingerprints: (records, errors)."""
    try:
        return load_records(config.content_dir, config.project), []
    except ContentError as exc:
        return {}, [exc]


def _speakers(config: Config, loaded: tuple[Any, Any] | None, errors: ErrorList) -> dict[str, Speaker]:
    """Build speakers by id, refusing an id used twice."""
    if loaded is None:
        return {}
    raw, items = loaded
    rel = relative(config.content_dir / "speakers.yaml", config.project)
    speakers: dict[str, Speaker] = {}
    for i, item in enumerate(items):
        if item["id"] in speakers:
            where = schema.locate(raw[i], "id", rel)
            errors.add(where.error(f"speaker id {item['id']!r} is used twice", "give each speaker a unique id"))
            continue
        speakers[item["id"]] = schema.make(Speaker, item)
    return speakers


def _event(
    config: Config, loaded: tuple[Any, Any] | None, speakers: dict[str, Speaker], errors: ErrorList
) -> Event | None:
    """Build the event, checking that everyone holding a role is a known speaker."""
    if loaded is None:
        return None
    raw, e = loaded
    rel = relative(config.content_dir / "event.yaml", config.project)
    roles = []
    for i, role in enumerate(e.get("roles", ())):
        people = []
        for j, speaker_id in enumerate(role["people"]):
            if speaker_id in speakers:
                people.append(speakers[speaker_id])
            elif speakers:
                errors.add(
                    schema.locate(raw["roles"][i]["people"], j, rel).error(
                        f"unknown speaker id {speaker_id!r} in roles", _known("speaker ids", speakers)
                    )
                )
        roles.append(schema.make(Role, role, people=tuple(people), label=role.get("label") or role["title"]))
    source = schema.make(Credit, e["source"]) if "source" in e else None
    return schema.make(Event, e, roles=tuple(roles), source=source)


def _program(
    config: Config,
    loaded: tuple[Any, Any] | None,
    speakers: dict[str, Speaker],
    page_names: set[str],
    errors: ErrorList,
) -> list[Contribution]:
    """Build the program, checking its speaker ids and page names."""
    if loaded is None:
        return []
    raw, items = loaded
    rel = relative(config.content_dir / "program.yaml", config.project)
    program: list[Contribution] = []
    seen_pages: set[str] = set()
    for i, item in enumerate(items):
        if item["speaker"] not in speakers:
            if speakers:
                errors.add(
                    schema.locate(raw[i], "speaker", rel).error(
                        f"unknown speaker id {item['speaker']!r}", _known("speaker ids", speakers)
                    )
                )
            continue
        if item["page"] not in page_names:
            errors.add(
                schema.locate(raw[i], "page", rel).error(
                    f"page {item['page']!r} does not exist",
                    f"create content/pages/{item['page']}.{config.default_language}.md or fix the name",
                )
            )
            continue
        if item["page"] in seen_pages:
            errors.add(
                schema.locate(raw[i], "page", rel).error(
                    f"page {item['page']!r} already covers another contribution", "give each contribution its own page"
                )
            )
            continue
        seen_pages.add(item["page"])
        program.append(schema.make(Contribution, item, number=len(program) + 1, speaker=speakers[item["speaker"]]))
    return program


def _check_menu(config: Config, page_names: set[str], errors: ErrorList) -> None:
    """Every menu entry in site.yaml must name an existing page."""
    for name in config.menu:
        if name not in page_names:
            errors.add(
                ContentError(
                    "content/site.yaml",
                    config.menu_line,
                    None,
                    f"menu names the page {name!r}, which does not exist",
                    _known("pages", page_names),
                )
            )


def _known(what: str, names: Iterable[str]) -> str:
    """A hint listing the valid names."""
    return f"known {what}: {', '.join(sorted(names))}"


class Reader(Protocol):
    """How load_site reads files: PlainReader reads them each time; the incremental engine's MemoReader
    remembers them between builds and preview rebuilds."""

    listing: list[tuple[Path, str, str]] | None  # every page file: (path, page name, language)
    entries: dict[Path, tuple[PageFile | None, list[ContentError]]]  # each read page file: read_page's answer

    def read(self, config: Config, files: list[tuple[Path, str, str]]) -> None:
        """Give every listed page file an entry."""

    def remember(self, path: Path, load: Callable[[], Any], depends: Iterable[str] = ()) -> Any:
        """The result of load() for a data file."""

    def pair(self, key: Hashable, make: Callable[[], Paired]) -> Paired:
        """make() for one page name's languages; `key` holds every input of the result."""


class PlainReader:
    """Reads every file each time it is asked."""

    def __init__(self) -> None:
        self.listing: list[tuple[Path, str, str]] | None = None
        self.entries: dict[Path, tuple[PageFile | None, list[ContentError]]] = {}

    def read(self, config: Config, files: list[tuple[Path, str, str]]) -> None:
        """Read and check every listed page file."""
        for path, name, lang in files:
            self.entries[path] = read_page(config, path, name, lang)

    def remember(self, path: Path, load: Callable[[], Any], depends: Iterable[str] = ()) -> Any:
        """load(), every time."""
        return load()

    def pair(self, key: Hashable, make: Callable[[], Paired]) -> Paired:
        """make(), every time."""
        return make()


def _read_pages(config: Config, errors: ErrorList, cache: Reader) -> tuple[list[PageFile], set[str]]:
    """Read and parse every page file, checking its language and front matter; also name every page found."""
    sources: list[PageFile] = []
    names: set[str] = set()
    pages_dir = config.content_dir / "pages"
    if not pages_dir.is_dir():
        errors.add(
            ContentError(
                relative(pages_dir, config.project),
                None,
                None,
                "the pages folder is missing",
                "create content/pages/ with index.<lang>.md for each language",
            )
        )
        return sources, names
    if cache.listing is None:
        cache.listing = page_files(pages_dir, config.project)
    cache.read(config, cache.listing)
    for path, name, _lang in cache.listing:
        names.add(name)
        source, problems = cache.entries[path]
        errors.extend(problems)
        if source is not None:
            sources.append(source)
    return sources, names


def read_page(config: Config, path: Path, name: str, lang: str) -> tuple[PageFile | None, list[ContentError]]:
    """Read one page file: (the checked source, or None; its errors)."""
    rel = relative(path, config.project)
    try:
        rel.encode("utf-8")
    except UnicodeEncodeError:
        shown = rel.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
        return None, [
            ContentError(
                shown,
                None,
                None,
                "the file name is not valid UTF-8",
                "rename the file with your editor or file manager",
            )
        ]
    if lang not in config.languages:
        return None, [
            ContentError(
                rel,
                None,
                None,
                "the file name does not end with a site language",
                f"name it <page>.{'.md or <page>.'.join(config.languages)}.md",
            )
        ]
    try:
        text = read_text(path, config.project)
        source = parse_page(text, name, lang, rel)
    except ContentError as exc:
        return None, [exc]
    meta, problems = schema.validate(source.meta, schema.FRONT_MATTER, schema.Where(rel, 2, 1, config.languages))
    if problems:
        return None, problems
    template = meta.get("template")
    if template and template not in config.template_names:
        return None, [
            schema.locate(source.meta, "template", rel).error(
                f"template {template!r} does not exist", "name a file in templates/, e.g. page.html"
            )
        ]
    too_long = _slug_length_error(meta, source.meta, name, rel)
    if too_long:
        return None, [too_long]
    lines = {key: line for key, (line, _) in getattr(source.meta, "positions", {}).items()}
    return PageFile(name, lang, rel, meta, source.body, source.body_line, fingerprint(text), hash_text(text), lines), []


def _slug_length_error(meta: dict[str, Any], raw: Any, name: str, rel: str) -> ContentError | None:
    """A slug longer than MAX_SLUG_LENGTH, located at its `slug:` line, or at the file when the name gives it."""
    slug = _slug(name, meta.get("slug"))
    if len(slug) <= MAX_SLUG_LENGTH:
        return None
    what = f"the slug is {len(slug)} characters long; the limit is {MAX_SLUG_LENGTH}"
    if "slug" in meta:
        return schema.locate(raw, "slug", rel).error(what, "write a shorter slug")
    return ContentError(
        rel,
        None,
        None,
        f"{what} (it comes from the file name)",
        "rename the file, or give the page a shorter 'slug:' in its front matter",
    )


def _pair_pages(
    config: Config,
    sources: list[PageFile],
    contribution_pages: set[str],
    records: Records,
    errors: ErrorList,
    default_date: dt.date,
    cache: Reader,
) -> tuple[list[Page], list[str]]:
    """Pair each page with its translations; fill a missing language with a marked fallback."""
    by_name: dict[str, dict[str, PageFile]] = {}
    for s in sources:
        by_name.setdefault(s.name, {})[s.lang] = s
    if "index" not in by_name:
        errors.add(
            ContentError(
                "content/pages",
                None,
                None,
                "the home page is missing",
                f"create content/pages/index.{config.default_language}.md",
            )
        )
    pages: list[Page] = []
    warnings: list[str] = []
    templates = frozenset(name for name in config.template_names if "/" not in name and name.endswith(".html"))
    for name in sorted(by_name):
        files = by_name[name]
        contribution = name in contribution_pages
        # Everything the name's pages are made of: its files' text, the settings and templates that choose their
        # template and state, its translation records and the default date (the preview's MemoReader keeps the
        # result while they stay the same: at 1,000 pages per language, pairing is half of a page edit's rebuild).
        key = (
            name,
            tuple(sorted((lang, f.path, f.text_hash) for lang, f in files.items())),
            config.languages,
            config.default_language,
            templates,
            contribution,
            tuple(sorted(records.get(name, {}).items())),
            default_date,
        )
        make = functools.partial(_pair_name, config, name, files, templates, contribution, records, default_date)
        made, said = cache.pair(key, make)
        pages += made
        warnings += said
    return pages, warnings


def _pair_name(
    config: Config,
    name: str,
    by_lang: dict[str, PageFile],
    templates: frozenset[str],
    contribution: bool,
    records: Records,
    default_date: dt.date,
) -> tuple[tuple[Page, ...], tuple[str, ...]]:
    """One page name in every language: its translations, a marked fallback where one is missing, the warnings."""
    pages, warnings = [], []
    # A translation marked untranslated (as `new` writes it) counts as not written.
    marked = {lang: f for lang, f in by_lang.items() if f.meta.get("untranslated") and lang != config.default_language}
    files = {lang: f for lang, f in by_lang.items() if lang not in marked}
    original = next(files[lang] for lang in config.languages if lang in files)
    source_lang = files.get(config.default_language)
    for lang in config.languages:
        if lang in files:
            state = page_state(records, name, lang, source_lang.fingerprint if source_lang else None, config)
            pages.append(_page(files[lang], lang, name, templates, contribution, state, default_date))
            if state == State.STALE:
                why = stale_reason(records, name, lang)
                warnings.append(
                    f"{files[lang].path}: translation is stale — {why}; see what changed with "
                    f"`python build.py translations --diff {name}`, revise it, then run "
                    f"`python build.py translations --confirm {name}`"
                )
        else:
            fallback = _page(original, lang, name, templates, contribution, State.MISSING, default_date)
            if lang in marked and marked[lang].meta.get("slug"):  # the address the translation will have
                fallback = replace(fallback, slug=_slug(name, marked[lang].meta["slug"]))
            pages.append(fallback)
            if lang in marked:
                warnings.append(
                    f"{marked[lang].path}: no {lang} translation — it is marked untranslated, and "
                    f"a fallback page shows the {original.lang} text; translate it, then remove "
                    "'untranslated: true'"
                )
            else:
                warnings.append(
                    f"{original.path}: no {lang} translation — a fallback page shows the "
                    f"{original.lang} text; create content/pages/{name}.{lang}.md"
                )
    return tuple(pages), tuple(warnings)


def _page(
    source: PageFile,
    lang: str,
    name: str,
    templates: frozenset[str],
    contribution: bool,
    state: State,
    default_date: dt.date,
) -> Page:
    """Make the Page for one language from one source file."""
    front = schema.make(FrontMatter, source.meta)
    named = name.replace("/", "-") + ".html"
    if front.template:
        template = front.template
    elif contribution:
        template = "talk.html"
    else:  # the template named after the page (index.html for the home, program.html...), else page.html
        template = named if named in templates else "page.html"
    # Titles and summaries reach attributes, feeds and JSON-LD, which the HTML typography pass never sees.
    return Page(
        name=name,
        lang=lang,
        content_lang=source.lang,
        path=source.path,
        title=typeset(front.title, source.lang),
        slug=_slug(name, front.slug),
        summary=typeset(front.summary, source.lang),
        body=source.body,
        body_line=source.body_line,
        template=template,
        allow_scripts=front.allow_scripts,
        state=state,
        updated=front.updated or default_date,
        text_hash=source.text_hash,
        slug_line=source.lines.get("slug", 1),
        fingerprint=source.fingerprint,
    )


def _slug(name: str, slug: str | None) -> str:
    """A page's slug: its front matter's `slug:`, else its name, transliterated; the home page has none."""
    return "" if name == "index" else slugify_path(slug or name)


def _check_unique_urls(pages: list[Page], errors: ErrorList) -> None:
    """Refuse two pages that would be written to the same place, naming both files."""
    seen: dict[str, Page] = {}
    for page in pages:
        if page.slug == "" and page.name != "index":
            errors.add(
                ContentError(
                    page.path,
                    page.slug_line,
                    None,
                    "the slug is empty after transliteration",
                    "write a slug with letters or digits",
                )
            )
            continue
        other = seen.setdefault(page.output_path, page)
        if other is not page:
            errors.add(
                ContentError(
                    page.path,
                    page.slug_line,
                    None,
                    f"the URL /{page_url_path(page.lang, page.slug)} is also used by {other.path}",
                    "give one of the two pages another slug",
                )
            )
