"""The build, top to bottom: config -> content model -> rendered pages -> site/ (only when all succeeded)."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from . import publish
from .config import Config, load_config
from .errors import BuildError, ContentError, ErrorList
from .model import Site, load_site
from .output import atomic_site, fingerprinted_assets
from .render import Rendered, SiteRenderer, _Several
from .urls import Urls


@dataclass(frozen=True)
class BuildResult:
    """What a build did, for the one-line summary."""

    out: Path
    pages: dict          # language -> number of pages
    warnings: tuple[str, ...]
    seconds: float

    def summary(self) -> str:
        """One line: pages per language, warnings, time."""
        counts = ", ".join(f"{n} {lang}" for lang, n in self.pages.items())
        warned = f"{len(self.warnings)} warning{'s' if len(self.warnings) != 1 else ''}"
        return f"Built {sum(self.pages.values())} pages ({counts}), {warned}, in {self.seconds:.2f} s -> {self.out}"


def build(project: Path, out: Path | None = None, base_url: str | None = None, strict: bool = False) -> BuildResult:
    """Build the site of `project` into `out` (default site/); raise BuildError listing every problem."""
    started = time.perf_counter()
    config = load_config(project, base_url)
    site = load_site(config)
    if strict:
        from .translations import strict_problems  # the translation report is only needed in strict mode
        problems = strict_problems(site)
        if problems:
            raise BuildError(problems)
    out = Path(out) if out else config.project / "site"
    write_site(site, config, out)
    pages = {lang: len(site.pages_in(lang)) for lang in config.languages}
    return BuildResult(out, pages, site.warnings, time.perf_counter() - started)


def write_site(site: Site, config: Config, out: Path) -> None:
    """Render every page and write the whole site atomically, or nothing at all."""
    assets = fingerprinted_assets(config.static_dir)
    renderer = SiteRenderer(site, Urls(config.base_url, assets))
    errors = ErrorList()
    with atomic_site(out) as writer:
        for rendered in render_site(site, renderer, errors):
            writer.write_text(rendered.path, rendered.html)
        errors.raise_if_any()
        for source, rel in static_files(config, assets):
            writer.copy(source, rel)


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
