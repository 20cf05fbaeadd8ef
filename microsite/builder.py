"""The build, top to bottom: config -> content model -> rendered pages -> site/ (only when all succeeded).

What makes a rebuild cheap (the build cache, the build record, dependency keys, memos) lives in incremental/;
with use_cache=False the build reads and renders everything, and never touches it."""

from __future__ import annotations

import functools
import multiprocessing
import os
import signal
import sys
import time
from collections.abc import Callable, Collection, Iterator
from pathlib import Path
from typing import Any, NamedTuple, TypeVar

from . import placeholders
from .config import Config, load_config
from .errors import BuildError, ContentError, ErrorList
from .incremental import engine
from .model import Page, PlainReader, Site, load_site
from .outputs import site_files
from .progress import Progress
from .render import SiteRenderer
from .result import BuildResult
from .translation_state import strict_problems
from .urls import Urls
from .writer import atomic_site, check_output, hashed_names

T = TypeVar("T")


class PageResult(NamedTuple):
    """One rendered page: its HTML (None when it failed), its errors, and its Markdown conversion."""

    page: Page
    html: str | None
    problems: list[ContentError]
    markdown: engine.Conversion | None  # None without a memo


class Output(NamedTuple):
    """One file of the site: where it goes under site/, and its text (or bytes, for an image)."""

    path: str
    content: str | bytes


class ChunkResult(NamedTuple):
    """A page rendered in a worker process, named by its index in site.pages (the parent holds the page)."""

    position: int
    html: str | None
    problems: list[ContentError]
    markdown: engine.Conversion | None


def cache_dir(config: Config) -> Path:
    """Where the build cache lives: .cache/ beside site/."""
    return config.project / ".cache"


def build(
    project: Path,
    out: Path | None = None,
    base_url: str | None = None,
    strict: bool = False,
    use_cache: bool = True,
    jobs: int | None = None,
    progress: bool = False,
    parallel_threshold: int = 200,
    inputs: engine.Inputs | None = None,
    refuse_placeholders: bool = True,
) -> BuildResult:
    """Build the site of `project` into `out` (default site/); raise BuildError listing every problem.

    `strict` refuses what is not translated and, unless refuse_placeholders is False (the content gates report
    them instead), the placeholder text `init` writes.

    `inputs` is the hash of the inputs already taken by the caller (read before anything else, so that an edit
    made during the build is seen by the next one)."""
    started = time.perf_counter()
    project = Path(project).resolve()
    if use_cache and inputs is None:
        inputs = engine.read_inputs(project, base_url, strict)
    file_hashes = inputs.file_hashes if inputs else {}
    config = load_config(project, base_url)
    out = refuse_unsafe_output(Path(out) if out else config.project / "site", config)  # before anything is written
    cache = engine.BuildCache(cache_dir(config), warn=_warn) if use_cache else None
    try:
        sources = engine.MemoReader(store=cache, file_hashes=file_hashes) if cache is not None else PlainReader()
        site = load_site(config, sources)
        left = placeholders.find(config.content_dir, config.project)  # what `init` wrote for the editors
        if strict:
            problems = strict_problems(site) + (left if refuse_placeholders else [])
            if problems:
                raise BuildError(problems)
        warnings = (*site.warnings, *(str(mark) for mark in left))
        meter = Progress(_page_counts(site)) if progress else None
        summary: dict[str, Any] = {"pages": _page_counts(site), "warnings": list(warnings)}
        # An input edited since its hash was taken was built as it is now: the record would pair the site with
        # the older inputs, so there is none, and the next build builds.
        record = functools.partial(_record, project, out, inputs.hash, summary) if use_cache and inputs else None
        if isinstance(sources, engine.MemoReader) and sources.edited:
            record = functools.partial(_forget_record, project)
        cached, _keys = write_site(
            site, config, out, cache, jobs or os.cpu_count() or 1, meter, parallel_threshold, record
        )
        if cache is not None:
            cache.close(prune=True)
    finally:
        if cache is not None:
            cache.close()
    return BuildResult(out, summary["pages"], warnings, time.perf_counter() - started, cached)


def _record(project: Path, out: Path, inputs: str, summary: dict[str, Any], keys: dict[str, str]) -> None:
    """Write the build record of the site just swapped in; if that fails the site stands, and the next build,
    finding no record of it, builds again."""
    try:
        engine.save(project, out, inputs, summary, keys)
    except OSError as exc:
        _warn(
            f"warning: .cache/{engine.FILE_NAME}: the build record could not be written ({exc.strerror or exc}); "
            "the next build will build everything again"
        )
        engine.forget(project)


def _page_counts(site: Site) -> dict[str, int]:
    """How many pages each language has."""
    return {lang: len(site.pages_in(lang)) for lang in site.config.languages}


def _forget_record(project: Path, keys: dict[str, str]) -> None:
    """Leave no build record (the site just swapped in was built from inputs edited during the build)."""
    engine.forget(project)


def refuse_unsafe_output(out: Path, config: Config) -> Path:
    """The real folder to write the site into; a ContentError when the build may not replace it (the output
    folder is swapped out whole, so only a folder the build made, or an empty one, may be)."""
    return check_output(out, config.project)


def _warn(message: str) -> None:
    """Print a cache warning on stderr."""
    print(message, file=sys.stderr)


def write_site(
    site: Site,
    config: Config,
    out: Path,
    cache: engine.BuildCache | None = None,
    jobs: int = 1,
    progress: Progress | None = None,
    parallel_threshold: int = 200,
    record: Callable[[dict[str, str]], None] | None = None,
) -> tuple[int, dict[str, str]]:
    """Render every page and write the whole site atomically, or nothing at all.

    Pages stream to disk as they are rendered, so memory does not grow with the site. With a build cache, each
    output's input key is taken first: a page the previous site holds with the same inputs is linked into the
    new site, not rendered again, and `record` is given the keys right after the new site is swapped in.
    Returns how many pages were linked unchanged from the previous site, and the keys."""
    assets = hashed_names(config.static_dir)
    urls = Urls(config.base_url, assets)
    memo = engine.MarkdownMemo(cache) if cache is not None else None
    renderer = SiteRenderer(site, urls, memo)
    others = site_files(site)
    keys: dict[str, str] = {}
    on_disk: set[str] = set()
    if cache is not None and memo is not None:
        memo.keep_if(engine.url_version(site, urls, renderer.known_paths))
        keys = engine.output_keys(
            site, urls, renderer.known_paths, renderer.envs[config.default_language], [f.path for f in others], cache
        )
        on_disk = engine.unchanged_outputs(config.project, out, keys)
    errors = ErrorList()
    todo = [p for p in site.pages if p.output_path not in on_disk]
    pages = {p.output_path for p in site.pages}
    with atomic_site(out, functools.partial(record, keys) if record else None) as writer:
        for path in sorted(on_disk & pages):
            writer.link(out / path, path)
        if progress:
            for page in site.pages:
                if page.output_path in on_disk:
                    progress.advance(page.lang)
        made: list[engine.Conversion] = []
        for result in render_pages(renderer, todo, jobs, parallel_threshold):
            errors.extend(result.problems)
            if result.html is not None:
                writer.write(result.page.output_path, result.html)
                if result.markdown is not None:
                    made.append(result.markdown)
            if progress:
                progress.advance(result.page.lang)
            if len(made) >= 256:
                _keep(memo, made)
        _keep(memo, made)
        if progress:
            progress.finish()
        for path in sorted(on_disk - pages):  # the sitemap, feeds... when nothing they show changed
            writer.link(out / path, path)
        for rendered in render_site(renderer, errors, pages=[], site_wide=True, skip=on_disk):
            writer.write(rendered.path, rendered.content)
        errors.raise_if_any()
        for source, rel in static_files(config, assets):
            writer.copy(source, rel)
    return len(site.pages) - len(todo), keys


def _batches(items: list[T], size: int) -> Iterator[list[T]]:
    """Consecutive slices of a list."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _keep(memo: engine.MarkdownMemo | None, made: list[engine.Conversion]) -> None:
    """Store new Markdown conversions, keep the reused ones, and let go of them.

    Rendered pages themselves are not stored: the previous site/ holds them, and unchanged ones are linked."""
    if memo is not None:
        memo.keep(made)
    made.clear()


def render_pages(
    renderer: SiteRenderer, pages: list[Page], jobs: int = 1, parallel_threshold: int = 200
) -> Iterator[PageResult]:
    """Render each page, in order; in parallel when it pays. Stored Markdown conversions are looked up a batch
    at a time."""
    if jobs > 1 and len(pages) >= max(parallel_threshold, 1) and "fork" in multiprocessing.get_all_start_methods():
        yield from _render_in_pool(renderer, pages, jobs)
        return
    for batch in _batches(pages, 64):
        yield from _render_batch(renderer, batch)


def _render_batch(renderer: SiteRenderer, pages: list[Page]) -> list[PageResult]:
    """Render some pages, reusing remembered Markdown conversions; with a build cache, forget them afterwards to
    keep memory flat."""
    memo = renderer.memo if isinstance(renderer.memo, engine.MarkdownMemo) else None
    keys = memo.fetch(pages) if memo is not None else []
    results: list[PageResult] = []
    for index, page in enumerate(pages):
        html: str | None
        problems: list[ContentError]
        try:
            html, problems = renderer.render_page(page), []
        except BuildError as several:
            html, problems = None, several.errors
        except ContentError as exc:
            html, problems = None, [exc]
        results.append(PageResult(page, html, problems, memo.made(keys[index]) if memo is not None else None))
    if memo is not None:
        memo.drop(keys)
    return results


# Set in each worker process by _start_worker; forked workers inherit the site instead of unpickling it.
_WORKER: SiteRenderer | None = None


def _start_worker(renderer: SiteRenderer, cache_folder: Path | None) -> None:
    """Set up a forked worker: the parent's renderer (a copy, with its compiled templates), with its own
    read-only connection to the build cache (an SQLite connection must not cross a fork)."""
    global _WORKER
    # The parent turns SIGTERM into KeyboardInterrupt and handles Ctrl-C; a worker just stops when told to.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if isinstance(renderer.memo, engine.MarkdownMemo):
        renderer.memo.store = engine.BuildCache(cache_folder, warn=_warn, read_only=True) if cache_folder else None
    _WORKER = renderer


def _render_chunk(indices: list[int]) -> list[ChunkResult]:
    """Render some pages in a worker."""
    assert _WORKER is not None  # set by _start_worker
    pages = _WORKER.site.pages
    results = _render_batch(_WORKER, [pages[i] for i in indices])
    return [ChunkResult(i, r.html, r.problems, r.markdown) for i, r in zip(indices, results, strict=True)]


def _render_in_pool(renderer: SiteRenderer, pages: list[Page], jobs: int) -> Iterator[PageResult]:
    """Render pages in a pool of forked processes, yielding results in the pages' order."""
    site = renderer.site
    index = {id(page): i for i, page in enumerate(site.pages)}
    positions = [index[id(page)] for page in pages]
    chunks = list(_batches(positions, max(8, min(64, len(positions) // (jobs * 8) or 1))))
    memo = renderer.memo if isinstance(renderer.memo, engine.MarkdownMemo) else None
    cache = memo.store if memo is not None else None
    if cache is not None:
        cache.release()  # workers read it through their own connections; none may inherit this one
    renderer.load_templates()
    context = multiprocessing.get_context("fork")
    try:
        pool = context.Pool(jobs, initializer=_start_worker, initargs=(renderer, cache.path.parent if cache else None))
    finally:
        if cache is not None:
            cache.reopen()
    finished = False
    try:
        for results in pool.imap(_render_chunk, chunks):
            for result in results:
                yield PageResult(site.pages[result.position], result.html, result.problems, result.markdown)
        finished = True
    finally:
        # Let idle workers exit on their own; only an interrupted build kills them.
        pool.close() if finished else pool.terminate()
        pool.join()


def render_site(
    renderer: SiteRenderer, errors: ErrorList, pages: list[Page], site_wide: bool, skip: Collection[str] = frozenset()
) -> Iterator[Output]:
    """Yield the text files of `pages`, then (when `site_wide`) the files that are not pages except those in
    `skip`, collecting errors."""
    for result in _render_batch(renderer, pages):
        errors.extend(result.problems)
        if result.html is not None:
            yield Output(result.page.output_path, result.html)
    if not site_wide:
        return
    for file in site_files(renderer.site):
        if file.path in skip:
            continue
        try:
            yield Output(file.path, file.make(renderer))
        except ContentError as exc:
            errors.add(exc)


def static_files(config: Config, assets: dict[str, str]) -> list[tuple[Path, str]]:
    """Each static file and where its copy, under its hashed name, goes under site/."""
    return [(config.static_dir / name, f"static/{hashed}") for name, hashed in assets.items()]
