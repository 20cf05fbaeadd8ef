"""The Jinja environments (one per language, each with its own catalog) and rendering of every page."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

import jinja2
from babel.support import NullTranslations
from markupsafe import Markup, escape

from . import i18n
from .clock import build_date
from .config import Config
from .content import read_text, relative
from .errors import BuildError, ContentError
from .feeds import event_json_ld, is_past, page_alternates, root_alternates
from .markup import LinkContext, MarkdownConverter
from .model import Contribution, Page, Site
from .outputs import site_files
from .text import FallbackText, typeset_html
from .translation_state import State
from .urls import Urls, calendar_path, card_path, feed_path, page_url_path


def make_environment(
    templates_dir: Path, translations: NullTranslations, lang: str, dates: dict[str, dict[str, str]] | None = None
) -> jinja2.Environment:
    """A Jinja environment for one language: autoescaping, its gettext catalog, its locale's filters (dates in
    the patterns `dates` gives, from site.yaml, else the language's defaults)."""
    env = jinja2.Environment(
        # followlinks: templates in a linked folder are listed (for their dependency keys) as they are loaded
        loader=jinja2.FileSystemLoader(str(templates_dir), followlinks=True),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,  # a changed template means a new environment (the preview makes one)
        # No bytecode cache: compiled templates loaded from .cache/ would run as code, and .cache/ may come from
        # elsewhere (CI restores it).
    )
    env.install_gettext_callables(  # type: ignore[attr-defined]  # added by jinja2.ext.i18n
        **escaped_gettext(translations), newstyle=True
    )
    env.filters.update(
        date=lambda value, format="long": i18n.format_date(value, lang, format, dates),
        # The event's day with its part of day: {{ event|event_date("full")|capfirst }}.
        event_date=lambda event, format="full": i18n.format_event_date(
            event.date, lang, event.part_of_day[lang] if event.part_of_day else None, format, dates
        ),
        number=lambda value: i18n.format_number(value, lang),
        country=lambda code: i18n.country_name(code, lang),
        # A data text in the page's language, as text; partials/fallback.html marks one that lacks it.
        t=lambda mapping: mapping[lang] if isinstance(mapping, dict) else mapping,
        capfirst=capfirst,
        direction=i18n.direction,
        # Another language's name inside this language's sentence: "shown in Vietnamese".
        language_name=lambda other: i18n.language_name_in(other, lang),
    )
    # {% if text is fallback %}: a data text that lacks this language and shows the source language's.
    env.tests["fallback"] = lambda value: isinstance(value, FallbackText)
    return env


def capfirst(text: str) -> str:
    """The text with its first letter capitalised; a fallback text stays marked as one."""
    result = text[:1].upper() + text[1:]
    return text.like(result) if isinstance(text, FallbackText) else result


def escaped_gettext(translations: NullTranslations) -> dict[str, Callable[..., Markup]]:
    """The catalog's gettext functions, returning escaped text: a msgstr is text like any other, never markup.

    Jinja's newstyle gettext wraps what they return in Markup under autoescaping, so a raw msgstr would be printed
    as HTML; escaped here, the msgstr stays text, and Markup's `%` still escapes the variables put into it."""
    return {
        "gettext": lambda message: escape(translations.gettext(message)),
        "ngettext": lambda singular, plural, n: escape(translations.ngettext(singular, plural, n)),
        "pgettext": lambda context, message: escape(translations.pgettext(context, message)),
        "npgettext": lambda context, singular, plural, n: escape(translations.npgettext(context, singular, plural, n)),
    }


class SiteRenderer:
    """Renders the pages of one site with one set of environments and one Markdown converter."""

    def __init__(self, site: Site, urls: Urls, memo: Memo | None = None) -> None:
        config = site.config
        check_templates(config)
        self.site, self.urls = site, urls
        self.translations = {
            lang: i18n.load_translations(config.locales_dir, lang, config.project) for lang in config.languages
        }
        self.envs = {
            lang: make_environment(config.templates_dir, self.translations[lang], lang, config.dates)
            for lang in config.languages
        }
        self.today = build_date()
        self.converter = MarkdownConverter()
        self.known_paths = frozenset(known_site_paths(site, urls.assets))
        self.memo = memo

    def load_templates(self) -> None:
        """Compile every template into every language's environment now (processes forked afterwards share
        them instead of each compiling its own); a broken template is left for rendering to report."""
        for env in self.envs.values():
            for name in env.list_templates(filter_func=lambda name: name.endswith(".html")):
                with contextlib.suppress(jinja2.TemplateError):
                    env.get_template(name)

    def convert(self, page: Page) -> str:
        """A page's Markdown as HTML, reusing an earlier conversion while no URL of the site changed."""
        if self.memo is not None:
            found = self.memo.get(page)
            if found is not None:
                return found
        context = LinkContext(page, self.site, self.urls, self.known_paths)
        content = self.converter.convert(context)
        if context.errors:
            raise BuildError(context.errors)
        if self.memo is not None:
            self.memo.put(page, content)
        return content

    def render_page(self, page: Page) -> str:
        """Render one page's HTML; broken links and template errors raise ContentError."""
        content = self.convert(page)
        html = self._template(
            page.lang, page.template, page_context(self.site, page, self.urls, Markup(content), self.today)
        )
        return finish(html, page.lang)

    def render_landing(self) -> str:
        """The multilingual page at the site root that links every language's home."""
        context = self._multilingual_context("partials/welcome.html")
        context["alternates"] = root_alternates(self.site, self.urls)
        return self._template(self.site.config.default_language, "landing.html", context)

    def render_not_found(self) -> str:
        """The multilingual 404 page GitHub Pages serves for any missing URL (links are absolute paths)."""
        context = self._multilingual_context("partials/not-found.html")
        for section in context["sections"]:
            section["title"] = self.translations[section["lang"]].gettext("Page not found")
        return self._template(self.site.config.default_language, "404.html", context)

    def _multilingual_context(self, partial: str) -> dict[str, Any]:
        """Render one partial per language, each with its own catalog, for a page that speaks them all."""
        sections = []
        for lang in self.site.config.languages:
            html = finish(
                self._template(lang, partial, common_context(self.site, self.urls, lang, None, self.today)), lang
            )
            sections.append({"lang": lang, "html": Markup(html)})
        context = common_context(self.site, self.urls, self.site.config.default_language, None, self.today)
        context["sections"] = sections
        return context

    def _template(self, lang: str, name: str, context: dict[str, Any]) -> str:
        """Render a template, turning Jinja's errors into located content errors."""
        env = self.envs[lang]
        try:
            return env.get_template(name).render(context)
        except jinja2.TemplateSyntaxError as exc:
            path = relative(Path(exc.filename), self.site.config.project) if exc.filename else f"templates/{name}"
            raise ContentError(
                path, exc.lineno, None, f"template syntax error: {exc.message}", "fix the tag on this line"
            ) from None
        except jinja2.TemplateNotFound as exc:
            raise ContentError(
                f"templates/{name}",
                None,
                None,
                f"template {exc.name!r} not found",
                "create it in templates/ or fix the name",
            ) from None
        except jinja2.UndefinedError as exc:
            raise ContentError(
                *_template_location(exc, self.site.config.project, name),
                f"template error: {exc.message}",
                "check the variable's name",
            ) from None
        except RecursionError:
            raise ContentError(
                f"templates/{name}",
                None,
                None,
                "template error: templates include each other without end",
                "remove the include that loops back",
            ) from None
        except Exception as exc:  # any other runtime error in a template: name the template and line
            raise ContentError(
                *_template_location(exc, self.site.config.project, name),
                f"template error: {type(exc).__name__}: {exc}",
                "fix the expression on this line",
            ) from None


class Memo(Protocol):
    """Conversions of Markdown remembered between renders (the incremental engine's MarkdownMemo)."""

    def get(self, page: Page) -> str | None:
        """The page's Markdown as converted before, or None."""

    def put(self, page: Page, html: str) -> None:
        """Remember a conversion."""


def check_templates(config: Config) -> None:
    """Refuse template files that are not UTF-8, each named with its line (Jinja's own error names no file)."""
    errors: list[ContentError] = []
    for name in sorted(config.template_names):
        try:
            read_text(config.templates_dir / name, config.project)
        except ContentError as exc:
            errors.append(exc)
    if errors:
        raise BuildError(errors)


def _template_location(exc: Exception, project: Path, name: str) -> tuple[str, int | None, None]:
    """Find the template file and line a runtime error happened at, from its traceback."""
    tb = exc.__traceback__
    found: tuple[str, int | None, None] = (f"templates/{name}", None, None)
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.endswith(".html") and Path(filename).exists():
            found = (relative(Path(filename), project), tb.tb_lineno, None)
        tb = tb.tb_next
    return found


def finish(html: str, lang: str) -> str:
    """Last touches on a rendered page: the typography its language needs (text.py)."""
    return typeset_html(html, lang)


def known_site_paths(site: Site, assets: dict[str, str]) -> set[str]:
    """Every path under site/ a link may point at: page URLs, the linkable files that are not pages (outputs.py)
    and the static files that are published (`assets`, by their names in static/)."""
    paths = {page_url_path(p.lang, p.slug) for p in site.pages}
    paths |= {f.path for f in site_files(site) if f.linkable}
    return paths | {"static/" + name for name in assets}


def common_context(
    site: Site, urls: Urls, lang: str, page: Page | None, today: dt.date | None = None
) -> dict[str, Any]:
    """What every template can use; `today` (default: the build date) tells whether the event is over."""
    return {
        "event_is_past": is_past(site.event, today or build_date()),
        "site": site,
        "config": site.config,
        "event": site.event,
        "speakers": site.speakers,
        "program": site.program,
        "urls": urls,
        "lang": lang,
        "dir": i18n.direction(lang),
        "page": page,
        "languages": site.config.languages,
        "menu": [p for p in (site.page(name, lang) for name in site.config.menu) if p],
    }


def page_context(site: Site, page: Page, urls: Urls, content: Markup, today: dt.date | None = None) -> dict[str, Any]:
    """What a page's template gets: the page, its content, its language links and notices."""
    contribution = site.contribution(page)
    context = common_context(site, urls, page.lang, page, today)
    context.update(
        content=content,
        content_lang=page.content_lang,
        content_dir=i18n.direction(page.content_lang),
        switcher=switcher(site, page, urls),
        alternates=page_alternates(site, page, urls),
        og=open_graph(site, page, urls),
        json_ld=Markup(event_json_ld(site, urls, page.lang)) if page.is_home else None,
        canonical=canonical(site, page, urls),
        missing=page.state == State.MISSING,
        stale=page.state == State.STALE,
        contribution=contribution,
        previous=_neighbour(site, contribution, page.lang, -1),
        next=_neighbour(site, contribution, page.lang, +1),
        page_for=lambda name: site.page(name, page.lang),
    )
    return context


def switcher(site: Site, page: Page, urls: Urls) -> list[dict[str, Any]]:
    """One entry per language, leading to this same page in that language."""
    return [
        {
            "lang": other.lang,
            "name": i18n.language_name(other.lang),
            "url": urls.page(other),
            "current": other.lang == page.lang,
            "fallback": other.is_fallback,
        }
        for other in site.counterparts(page)
    ]


def open_graph(site: Site, page: Page, urls: Urls) -> dict[str, Any]:
    """What social networks show of a page: its locale and the other real languages, the card image."""
    config = site.config
    return {
        "type": "website" if page.is_home else "article",
        "locale": i18n.open_graph_locale(page.lang),
        "alternate_locales": [i18n.open_graph_locale(p.lang) for p in site.alternates(page) if p.lang != page.lang],
        "image": urls.path(card_path(page.lang), absolute=True),
        "description": page.summary or config.description.get(page.lang, ""),
        "feed": urls.path(feed_path(page.lang)),
        "calendar": urls.path(calendar_path(page.lang)),
    }


def canonical(site: Site, page: Page, urls: Urls) -> str:
    """The page's own absolute URL; a fallback points at the text it shows."""
    if page.is_fallback:
        shown = site.page(page.name, page.content_lang)
        assert shown is not None  # a fallback is made from that page
        return urls.page(shown, absolute=True)
    return urls.page(page, absolute=True)


def _neighbour(site: Site, contribution: Contribution | None, lang: str, step: int) -> dict[str, Any] | None:
    """The previous or next contribution in program order, with its page in this language."""
    if contribution is None:
        return None
    index = contribution.number - 1 + step
    if not 0 <= index < len(site.program):
        return None
    other = site.program[index]
    return {"contribution": other, "page": site.page(other.page, lang)}
