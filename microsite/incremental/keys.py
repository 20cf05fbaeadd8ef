"""Dependency keys: what each output file depends on, as one hash per file.

The preview uses it to re-render only what an edit affects; the build cache uses it to reuse what did not
change. Inputs that whole groups of pages share are reduced to version hashes; the rest of a page's key is the
page itself and the few facts of other pages that appear in it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import jinja2
import jinja2.meta

from ..clock import build_date
from ..config import Config
from ..feeds import is_past
from ..hashing import hash_values
from ..i18n import catalog_path
from ..inputs import is_editor_junk
from ..model import Site
from ..urls import Urls
from .salt import generator_salt
from .store import BuildCache


@dataclass
class Versions:
    """Hashes of the inputs shared by groups of pages."""

    site: str = ""  # settings, data files, static files: every page
    urls: str = ""  # every address: links, switcher, hreflang
    catalogs: dict[str, str] = field(default_factory=dict)  # language -> its catalog
    templates: dict[str, str] = field(default_factory=dict)  # template -> it and everything it extends or includes


def site_version(config: Config, assets: dict[str, str]) -> str:
    """The inputs every page depends on: settings, data files, static files."""
    parts: list[object] = [generator_salt(), repr(config), sorted(assets.items())]
    for path in sorted(config.content_dir.glob("*.yaml")):
        if path.name != "translations.yaml":  # confirmations change page states, which page keys hold
            parts += [path.name, path.read_bytes()]
    return hash_values(*parts)  # a new generator or library version renders pages differently


def catalog_versions(config: Config) -> dict[str, str]:
    """Each language's catalog: a French msgstr re-renders only French pages."""
    versions = {}
    for lang in config.languages:
        path = catalog_path(config.locales_dir, lang)
        versions[lang] = hash_values(path.read_bytes() if path.exists() else b"")
    return versions


def template_versions(env: jinja2.Environment, store: BuildCache | None = None) -> dict[str, str]:
    """Each template with every template it extends, includes or imports.

    A build cache (`store`) keeps the answer for a given set of template sources: parsing them all costs more
    than the rest of a one-page rebuild's bookkeeping."""
    loader, sources = env.loader, {}
    assert loader is not None  # the renderer's environments load from templates/
    for name in loader.list_templates():
        if is_editor_junk(name.rsplit("/", 1)[-1]) or name.rsplit("/", 1)[-1].startswith("."):
            continue
        sources[name] = loader.get_source(env, name)[0]
    key = hash_values("template versions", sorted(sources.items()))
    found = store.get_many("parsed", [key], _versions) if store is not None else {}
    if key not in found:
        found[key] = _template_versions(env, sources)
        if store is not None:
            store.put_many("parsed", [(key, found[key])])
    versions: dict[str, str] = found[key]
    return versions


def _versions(value: object) -> bool:
    """True for what template_versions stores: {template name: hash}."""
    return isinstance(value, dict) and all(isinstance(k, str) and isinstance(v, str) for k, v in value.items())


def _template_versions(env: jinja2.Environment, sources: dict[str, str]) -> dict[str, str]:
    """Hash each template together with everything it extends, includes or imports."""
    references = {}
    for name, source in sources.items():
        try:
            references[name] = {r for r in jinja2.meta.find_referenced_templates(env.parse(source)) if r}
        except jinja2.TemplateSyntaxError:
            references[name] = set()  # the build reports the syntax error itself
    versions = {}
    for name in sources:
        seen, todo = set(), [name]
        while todo:
            current = todo.pop()
            if current not in seen and current in sources:
                seen.add(current)
                todo.extend(references[current])
        versions[name] = hash_values(*(sources[n] for n in sorted(seen)))
    return versions


def url_version(site: Site, urls: Urls, known_paths: Iterable[str]) -> str:
    """What resolved links depend on: the base URL, every page's address, every static file."""
    return hash_values(
        urls.base_url,
        sorted(urls.assets.items()),
        sorted((p.name, p.lang, p.slug) for p in site.pages),
        sorted(known_paths),
    )


class PageKey(NamedTuple):
    """Everything one page's output depends on."""

    site: str  # Versions.site
    urls: str  # Versions.urls
    template: str | None  # the page's template with everything it extends or includes
    catalog: str | None  # the page's language's catalog
    page: tuple[object, ...]  # the page itself (Page.identity)
    counterparts: tuple[tuple[str, bool], ...]  # (language, is a fallback) of each of its translations
    menu: tuple[tuple[str, str], ...]  # (page name, title) of each menu entry in its language
    past: bool  # whether the event is over (the home offers a calendar only before it)


def page_keys(site: Site, versions: Versions) -> dict[str, PageKey]:
    """Everything each page's output depends on, by output path."""
    # Other pages enter a page's output only by their address (links, switcher, hreflang: the URL version),
    # by whether they are fallbacks (switcher, hreflang), and by their titles in the menu.
    menus = {
        lang: tuple((p.name, p.title) for p in (site.page(n, lang) for n in site.config.menu) if p)
        for lang in site.config.languages
    }
    counterparts: dict[str, tuple[tuple[str, bool], ...]] = {}
    keys = {}
    past = is_past(site.event, build_date())
    for page in site.pages:
        if page.name not in counterparts:
            counterparts[page.name] = tuple((p.lang, p.is_fallback) for p in site.counterparts(page))
        keys[page.output_path] = PageKey(
            versions.site,
            versions.urls,
            versions.templates.get(page.template),
            versions.catalogs.get(page.lang),
            page.identity(),
            counterparts[page.name],
            menus[page.lang],
            past,
        )
    return keys


def output_keys(
    site: Site,
    urls: Urls,
    known_paths: Iterable[str],
    env: jinja2.Environment,
    site_wide: Iterable[str],
    store: BuildCache | None = None,
) -> dict[str, str]:
    """A hash of every output file's inputs, by output path: each page's own, and one shared by the files that
    are not pages (they list every page, as the sitemap and feeds do, or speak every language)."""
    config = site.config
    versions = Versions(
        site=site_version(config, urls.assets),
        urls=url_version(site, urls, known_paths),
        catalogs=catalog_versions(config),
        templates=template_versions(env, store),
    )
    keys = {path: hash_values(*key) for path, key in page_keys(site, versions).items()}
    everything = hash_values(
        versions.site,
        versions.urls,
        sorted(versions.catalogs.items()),
        sorted(versions.templates.items()),
        listing_key(site),
    )
    keys.update((path, everything) for path in site_wide)
    return keys


def listing_key(site: Site) -> tuple[tuple[Any, ...], ...]:
    """What the sitemap and feeds show of every page: address, title, summary, date."""
    return tuple((p.name, p.lang, p.slug, p.title, p.summary, p.updated, p.is_fallback) for p in site.pages)
