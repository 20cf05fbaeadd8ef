"""The site's files that are not pages, in one list: where each goes, how it is made, whether the sitemap lists
it and whether pages may link to it. The builder writes them, the preview serves them, the link check and the
sitemap read them: a new feed is one entry here."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from . import card, feeds
from .model import Site
from .urls import calendar_path, card_path, feed_path

if TYPE_CHECKING:  # the renderer reads this list to know what pages may link to; it hands itself to `make`
    from .render import SiteRenderer


@dataclass(frozen=True)
class SiteFile:
    """One file of the site that is not a page."""

    path: str  # where it goes under site/
    make: Callable[[SiteRenderer], str | bytes]  # its text (or an image's bytes), made with the build's renderer
    in_sitemap: bool = False
    linkable: bool = True  # a page may link to it

    @property
    def url_path(self) -> str:
        """Its address relative to the site root (a folder's index.html is the folder)."""
        return self.path.removesuffix("index.html")


def site_files(site: Site) -> list[SiteFile]:
    """Every file of the site that is not a page, in the order they are written."""
    files = [
        SiteFile("index.html", lambda r: r.render_landing(), in_sitemap=True),
        SiteFile("404.html", lambda r: r.render_not_found()),
        SiteFile("sitemap.xml", _sitemap),
        SiteFile("robots.txt", lambda r: feeds.robots(r.urls)),
    ]
    for lang in site.config.languages:
        files.append(SiteFile(feed_path(lang), functools.partial(_feed, lang)))
        files.append(SiteFile(calendar_path(lang), functools.partial(_calendar, lang)))
        files.append(SiteFile(card_path(lang), functools.partial(_card, lang)))
    # GitHub Pages must not run Jekyll, which drops folders starting with _
    files.append(SiteFile(".nojekyll", lambda r: "", linkable=False))
    cname = site.config.cname
    if cname:
        files.append(SiteFile("CNAME", lambda r: cname + "\n", linkable=False))
    return files


def _sitemap(renderer: SiteRenderer) -> str:
    """The sitemap: the pages, and the files of this list that it names."""
    listed = [f.url_path for f in site_files(renderer.site) if f.in_sitemap]
    return feeds.sitemap(renderer.site, renderer.urls, listed)


def _feed(lang: str, renderer: SiteRenderer) -> str:
    """A language's Atom feed."""
    return feeds.atom_feed(renderer.site, renderer.urls, lang)


def _calendar(lang: str, renderer: SiteRenderer) -> str:
    """A language's iCalendar file."""
    return feeds.calendar(renderer.site, renderer.urls, lang)


def _card(lang: str, renderer: SiteRenderer) -> bytes:
    """A language's social card, drawn from the event."""
    return _drawn(feeds.social_card(renderer.site, renderer.urls, lang))


@functools.lru_cache(maxsize=32)
def _drawn(social_card: card.Card) -> bytes:
    """A card's PNG, drawn once per process for the same texts (drawing takes a tenth of a second, and the
    preview makes its site-wide files again after every template or data edit)."""
    return card.draw(social_card)
