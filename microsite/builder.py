"""The build, top to bottom: config -> content model -> rendered pages -> site/ (only when all succeeded)."""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import time
from pathlib import Path
from typing import Iterator

from . import publish, stamp
from .stamp import BuildResult
from .config import Config, load_config
from .errors import BuildError, ContentError, ErrorList
from .cache import BuildCache
from .dependencies import (Versions, catalog_versions, digest, page_keys, site_version, template_versions,
                           url_version)
from .model import Site, SourceCache, load_site
from .output import atomic_site, fingerprinted_assets
from .progress import Progress
from .render import MarkdownCache, Rendered, SiteRenderer, _Several
from .urls import Urls


def cache_dir(config: Config) -> Path:
    """Where the build cache lives: .cache/ beside site/."""
    return config.project / ".cache"


def build(project: Path, out: Path | None = None, base_url: str | None = None, strict: bool = False,
          use_cache: bool = True, jobs: int | None = None, progress: bool = False,
          parallel_threshold: int = 200) -> BuildResult:
    """Build the site of `project` into `out` (default site/); raise BuildError listing every problem."""
    started = time.perf_counter()
    project = Path(project).resolve()
    file_hashes: dict = {}
    digest_before = stamp.inputs_digest(project, stamp.build_options(base_url, strict), file_hashes) \
        if use_cache else None
    config = load_config(project, base_url)
    cache = BuildCache(cache_dir(config), warn=_warn) if use_cache else None
    try:
        site = load_site(config, SourceCache(store=cache, file_hashes=file_hashes))
        if strict:
            from .translations import strict_problems  # the translation report is only needed in strict mode
            problems = strict_problems(site)
            if problems:
                raise BuildError(problems)
        out = Path(out) if out else config.project / "site"
        meter = Progress({lang: len(site.pages_in(lang)) for lang in config.languages}) if progress else None
        cached, keys = write_site(site, config, out, cache, jobs or os.cpu_count() or 1, meter, parallel_threshold)
        if cache is not None:
            cache.close(prune=True)
    finally:
        if cache is not None:
            cache.close()
    pages = {lang: len(site.pages_in(lang)) for lang in config.languages}
    if use_cache:
        stamp.save(project, out, digest_before, {"pages": pages, "warnings": list(site.warnings)}, keys)
    return BuildResult(out, pages, site.warnings, time.perf_counter() - started, cached)


def _warn(message: str) -> None:
    """Print a cache warning on stderr."""
    print(message, file=sys.stderr)


def write_site(site: Site, config: Config, out: Path, cache: BuildCache | None = None, jobs: int = 1,
               progress: Progress | None = None, parallel_threshold: int = 200) -> tuple[int, dict]:
    """Render every page and write the whole site atomically, or nothing at all.

    Returns how many pages came from the cache, and each page's input key (for the next build)."""
    assets = fingerprinted_assets(config.static_dir)
    urls = Urls(config.base_url, assets)
    renderer = SiteRenderer(site, urls, MarkdownCache(), cache_dir(config) / "jinja" if cache is not None else None)
    keys = _page_cache_keys(site, config, renderer) if cache is not None else {}
    # Pages the site on disk already holds with the same inputs are linked into the new site, not rewritten.
    on_disk = stamp.unchanged_outputs(config.project, out, keys) if cache is not None else set()
    stored = cache.get_many("pages", [k for path, k in keys.items() if path not in on_disk]) if cache else {}
    todo = [p for p in site.pages if p.output_path not in on_disk and keys.get(p.output_path) not in stored]
    errors = ErrorList()
    with atomic_site(out) as writer:
        for page in site.pages:
            if page.output_path in on_disk:
                writer.link(out / page.output_path, page.output_path)
            elif page.output_path in keys and keys[page.output_path] in stored:
                writer.write_text(page.output_path, stored[keys[page.output_path]])
            else:
                continue
            if progress:
                progress.advance(page.lang)
        markdown_keys = _preload_markdown(cache, renderer, todo)
        fresh_pages, fresh_markdown = [], []
        for page, html, problems, markdown in render_pages(site, renderer, todo, jobs, parallel_threshold):
            errors.extend(problems)
            if html is not None:
                writer.write_text(page.output_path, html)
                if page.output_path in keys:
                    fresh_pages.append((keys[page.output_path], html))
                if markdown is not None and page in markdown_keys:
                    fresh_markdown.append((markdown_keys[page], markdown))
            if progress:
                progress.advance(page.lang)
        if progress:
            progress.finish()
        for rendered in render_site(site, renderer, errors, pages=[]):
            writer.write_text(rendered.path, rendered.html)
        errors.raise_if_any()
        for source, rel in static_files(config, assets):
            writer.copy(source, rel)
    if cache is not None:
        cache.put_many("pages", fresh_pages)
        cache.put_many("markdown", fresh_markdown)
    return len(site.pages) - len(todo), keys


def _page_cache_keys(site: Site, config: Config, renderer: SiteRenderer) -> dict[str, str]:
    """A hash of every page's inputs (its dependency key), by output path."""
    versions = Versions(site=site_version(config, renderer.urls.assets),
                        urls=url_version(site, renderer.urls, renderer.known_paths),
                        catalogs=catalog_versions(config),
                        templates=template_versions(renderer.envs[config.default_language]))
    return {path: digest(key[:4], key[4].cache_identity(), key[5:]) for path, key in page_keys(site, versions).items()}


def _preload_markdown(cache: BuildCache | None, renderer: SiteRenderer, pages: list) -> dict:
    """Put stored Markdown conversions of these pages into the renderer; return the persistent key of each page."""
    if cache is None or not pages:
        return {}
    version = renderer.markdown_cache.version
    keys = {page: digest(version, page.path, page.lang, page.allow_scripts, page.body) for page in pages}
    found = cache.get_many("markdown", list(set(keys.values())))
    for page, key in keys.items():
        if key in found:
            renderer.markdown_cache.entries[renderer.markdown_key(page)] = found[key]
    return {page: key for page, key in keys.items() if key not in found}


def render_pages(site: Site, renderer: SiteRenderer, pages: list, jobs: int = 1,
                 parallel_threshold: int = 200) -> Iterator[tuple]:
    """Yield (page, html or None, errors, converted Markdown) for each page, in order; in parallel when it pays."""
    if jobs > 1 and len(pages) >= max(parallel_threshold, 1) and "fork" in multiprocessing.get_all_start_methods():
        yield from _render_in_pool(site, renderer, pages, jobs)
        return
    for page in pages:
        yield (page, *_render_one(renderer, page))


def _render_one(renderer: SiteRenderer, page) -> tuple:
    """Render a page: (html or None, errors, the page's converted Markdown)."""
    try:
        html = renderer.render_page(page).html
    except _Several as several:
        return None, several.errors, None
    except ContentError as exc:
        return None, [exc], None
    return html, [], renderer.markdown_cache.entries.get(renderer.markdown_key(page))


# Set in each worker process by _start_worker; forked workers inherit the site instead of unpickling it.
_WORKER_RENDERER: SiteRenderer | None = None


def _start_worker(site: Site, urls: Urls, markdown: dict, bytecode_dir: Path | None) -> None:
    """Give a worker process its own renderer (Jinja environments are not shared between processes)."""
    global _WORKER_RENDERER
    # The parent turns SIGTERM into KeyboardInterrupt and handles Ctrl-C; a worker just stops when told to.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _WORKER_RENDERER = SiteRenderer(site, urls, MarkdownCache(), bytecode_dir)
    _WORKER_RENDERER.markdown_cache.entries.update(markdown)


def _render_chunk(indices: list[int]) -> list[tuple]:
    """Render some pages in a worker: (index, html, errors, markdown) each."""
    pages = _WORKER_RENDERER.site.pages
    return [(i, *_render_one(_WORKER_RENDERER, pages[i])) for i in indices]


def _render_in_pool(site: Site, renderer: SiteRenderer, pages: list, jobs: int) -> Iterator[tuple]:
    """Render pages in a pool of forked processes, yielding results in the pages' order."""
    index = {id(page): i for i, page in enumerate(site.pages)}
    positions = [index[id(page)] for page in pages]
    size = max(8, min(64, len(positions) // (jobs * 8) or 1))
    chunks = [positions[i:i + size] for i in range(0, len(positions), size)]
    context = multiprocessing.get_context("fork")
    pool = context.Pool(jobs, initializer=_start_worker,
                        initargs=(site, renderer.urls, renderer.markdown_cache.entries, renderer.bytecode_dir))
    finished = False
    try:
        for results in pool.imap(_render_chunk, chunks):
            for i, html, problems, markdown in results:
                yield site.pages[i], html, problems, markdown
        finished = True
    finally:
        # Let idle workers exit on their own; only an interrupted build kills them.
        pool.close() if finished else pool.terminate()
        pool.join()


def render_site(site: Site, renderer: SiteRenderer, errors: ErrorList, pages=None,
                site_wide: bool = True) -> Iterator[Rendered]:
    """Yield every text file of the site (or only `pages`; site-wide files unless told not), collecting errors."""
    for page in site.pages if pages is None else pages:
        try:
            yield renderer.render_page(page)
        except _Several as several:
            errors.extend(several.errors)
        except ContentError as exc:
            errors.add(exc)
    if not site_wide:
        return
    for special in (renderer.render_landing, renderer.render_not_found):
        try:
            yield special()
        except ContentError as exc:
            errors.add(exc)
    urls = renderer.urls
    yield Rendered("sitemap.xml", publish.sitemap(site, urls))
    yield Rendered("robots.txt", publish.robots(urls))
    for lang in site.config.languages:
        yield Rendered(publish.feed_path(lang), publish.atom_feed(site, urls, lang))
        yield Rendered(publish.calendar_path(lang), publish.calendar(site, urls, lang))
    yield Rendered(".nojekyll", "")   # GitHub Pages must not run Jekyll, which drops folders starting with _
    if site.config.cname:
        yield Rendered("CNAME", site.config.cname + "\n")


def static_files(config: Config, assets: dict[str, str]) -> list[tuple[Path, str]]:
    """Each static file and where its fingerprinted copy goes under site/."""
    return [(config.static_dir / name, f"static/{hashed}") for name, hashed in assets.items()]
