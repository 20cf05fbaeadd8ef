"""The ONLY place that turns a page or an asset into an output path or a URL."""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from typing import Protocol
from urllib.parse import quote, urlsplit


class Located(Protocol):
    """Anything with a language and a slug: a page, or a stand-in for one."""

    @property
    def lang(self) -> str: ...

    @property
    def slug(self) -> str: ...


def page_output_path(lang: str, slug: str) -> str:
    """Where a page is written inside site/: <lang>/index.html or <lang>/<slug>/index.html."""
    return f"{lang}/{slug}/index.html" if slug else f"{lang}/index.html"


def page_url_path(lang: str, slug: str) -> str:
    """A page's URL relative to the site root: <lang>/ or <lang>/<slug>/."""
    return f"{lang}/{slug}/" if slug else f"{lang}/"


@dataclass(frozen=True)
class Urls:
    """Builds every link of one build from the base URL and the static files' hashed names."""

    base_url: str  # ends with "/"
    assets: dict[str, str] = field(default_factory=dict)  # "style.css" -> "style.3f2a9c1e.css"

    @property
    def base_path(self) -> str:
        """The path the site lives under, e.g. "/" or "/repo/"."""
        return urlsplit(self.base_url).path

    def path(self, site_path: str, absolute: bool = False) -> str:
        """URL of a path relative to the site root, root-relative under the base path (or absolute)."""
        prefix = self.base_url if absolute else self.base_path
        return prefix + quote(site_path.lstrip("/"), safe="/-._~!$&'()*+,;=:@")

    def page(self, page: Located, absolute: bool = False) -> str:
        """URL of a page (anything with .lang and .slug)."""
        return self.path(page_url_path(page.lang, page.slug), absolute)

    def home(self, lang: str, absolute: bool = False) -> str:
        """URL of a language's home page."""
        return self.path(page_url_path(lang, ""), absolute)

    def root(self, absolute: bool = False) -> str:
        """URL of the multilingual landing page."""
        return self.path("", absolute)

    def asset(self, name: str, absolute: bool = False) -> str:
        """URL of a static file, by its name under static/, by its hashed name when it was copied so."""
        return self.path("static/" + self.assets.get(name, name), absolute)


def feed_path(lang: str) -> str:
    """Where a language's Atom feed is written."""
    return f"{lang}/feed.xml"


def calendar_path(lang: str) -> str:
    """Where a language's iCalendar file is written."""
    return f"{lang}/event.ics"


def card_path(lang: str) -> str:
    """Where a language's social card (the image social networks show for its pages) is written."""
    return f"{lang}/social-card.png"


def resolve_relative(current_url_path: str, href: str) -> str:
    """Resolve a relative link against the URL path of the page that contains it."""
    base = current_url_path if current_url_path.endswith("/") else posixpath.dirname(current_url_path) + "/"
    joined = posixpath.normpath(posixpath.join(base, href))
    return joined + "/" if href.endswith("/") and not joined.endswith("/") else joined
