"""Markdown pages -> safe HTML: our heading slugs, links resolved to pages, raw HTML sanitised."""

from __future__ import annotations

import difflib
import html
import posixpath
import re
import signal
import threading
import time
import xml.etree.ElementTree as etree
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from types import FrameType
from typing import TYPE_CHECKING, Any, NoReturn
from urllib.parse import unquote, urlsplit

import markdown
import nh3
from markdown import util as markdown_util
from markdown.extensions import Extension
from markdown.extensions.toc import TocExtension, TocTreeprocessor, unique
from markdown.postprocessors import Postprocessor
from markdown.treeprocessors import InlineProcessor, Treeprocessor

from .errors import ContentError
from .text import slugify
from .urls import Urls, page_url_path, resolve_relative

if TYPE_CHECKING:
    from .model import Page, Site

# What editors may embed in raw HTML: figures, video, maps; never scripts or event handlers.
_TAGS = set(nh3.ALLOWED_TAGS) | {
    "figure",
    "figcaption",
    "iframe",
    "video",
    "audio",
    "source",
    "track",
    "picture",
    "details",
    "summary",
    "mark",
    "time",
    "section",
}
_ATTRIBUTES = {
    "*": {"id", "class", "title", "lang", "dir"},
    "a": {"href", "hreflang", "rel", "target"},
    "img": {"src", "alt", "width", "height", "loading", "srcset", "sizes"},
    "iframe": {"src", "title", "width", "height", "allow", "allowfullscreen", "loading", "referrerpolicy"},
    "video": {"src", "controls", "poster", "width", "height", "preload", "muted", "loop", "playsinline"},
    "audio": {"src", "controls", "preload"},
    "source": {"src", "type", "srcset", "media"},
    "track": {"src", "kind", "srclang", "label", "default"},
    "th": {"style", "scope", "colspan", "rowspan"},
    "td": {"style", "colspan", "rowspan"},
    "ol": {"start", "reversed", "type"},
    "time": {"datetime"},
    "abbr": {"title"},
}


# What `allow_scripts: true` adds, and nothing more: <script> elements with their text, and event handlers.
_SCRIPT_ATTRIBUTES = {"src", "type", "async", "defer", "nomodule", "crossorigin", "integrity", "referrerpolicy"}
_RULES: dict[str, Any] = {
    "link_rel": None,
    "strip_comments": True,
    "url_schemes": {"http", "https", "mailto", "tel"},
    "filter_style_properties": {"text-align"},
}


def sanitize(html: str, allow_scripts: bool = False) -> str:
    """Remove scripts, event handlers and javascript: URLs, keeping editors' figures and embeds.

    allow_scripts keeps <script> elements and on* attributes; every other rule stands (no <base>, <meta>,
    <form>, <object>, <embed>, <style>, srcdoc or javascript: URLs, in srcset too)."""
    if allow_scripts:
        # Allowing <script> also keeps its text; <style> must still go with its content, as it does by default.
        return nh3.clean(
            html,
            tags=_TAGS | {"script"},
            clean_content_tags={"style"},
            attributes={**_ATTRIBUTES, "script": _SCRIPT_ATTRIBUTES},
            generic_attribute_prefixes={"on"},
            attribute_filter=_filter_srcset,
            **_RULES,
        )
    return nh3.clean(html, tags=_TAGS, attributes=_ATTRIBUTES, attribute_filter=_filter_srcset, **_RULES)


# nh3 checks the scheme of src and href but not of the URLs listed in srcset: we do, over every word of it.
_SRCSET_WORDS = re.compile(r"[\t\n\f\r ,]+")  # candidates are split by commas, URL and size by spaces
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]*):")
_SRCSET_SCHEMES = {"http", "https"}


def _filter_srcset(element: str, attribute: str, value: str) -> str | None:
    """Drop a srcset any of whose URLs has a scheme other than http(s) (javascript:, data:…); keep the rest."""
    if attribute != "srcset":
        return value
    for word in _SRCSET_WORDS.split(value):
        # A browser strips leading controls and spaces from a URL, so "\x01javascript:" is javascript: too.
        scheme = _SCHEME.match(word.lstrip("".join(map(chr, range(0x21)))))
        if scheme and scheme.group(1).lower() not in _SRCSET_SCHEMES:
            return None
    return value


def _link_from(page: str, target: str) -> str:
    """A link to page `target` that works from page `page`: relative to its file, or from content/pages/ (/)."""
    relative = posixpath.relpath(target, posixpath.dirname(page) or ".")
    return f"{relative}.md" if relative == target else f"{relative}.md or /{target}.md"


@dataclass
class LinkContext:
    """What resolving the links of one page needs: the page, the site's pages, and the URL builder."""

    page: Page
    site: Site
    urls: Urls
    known_paths: frozenset[str]
    errors: list[ContentError] = field(default_factory=list)
    raw_blocks_done: list[int] = field(default_factory=list)

    def resolve(self, href: str) -> str:
        """Return the URL a Markdown link should have, or record why it is broken."""
        parts = urlsplit(href)
        if parts.scheme or parts.netloc or not parts.path:
            return href  # external, mailto:, or a #fragment on the same page
        parts = parts._replace(path=unquote(parts.path))  # chuong%2Dtrinh/ names the page chuong-trinh/
        suffix = ("?" + parts.query if parts.query else "") + ("#" + parts.fragment if parts.fragment else "")
        if parts.path.endswith(".md"):
            target = self._page_by_file(parts.path)
            return self.urls.page(target) + suffix if target else href
        if parts.path.startswith("/"):
            site_path = parts.path.lstrip("/")
        else:
            here = page_url_path(self.page.lang, self.page.slug)
            site_path = resolve_relative("/" + here, parts.path).lstrip("/")
        if site_path.startswith("static/") and site_path in self.known_paths:
            return self.urls.asset(site_path[len("static/") :]) + suffix
        if not self._exists(site_path):
            self._broken(
                href,
                f"link to {href!r}, which is not a page or file of the site",
                "link to a page by its file, e.g. [Program](program.md), or fix the address",
            )
            return href
        return self.urls.path(parts.path) + suffix if parts.path.startswith("/") else href

    def _exists(self, site_path: str) -> bool:
        """True when a root-relative path names a page or a static file."""
        candidates = {
            site_path,
            site_path.rstrip("/") + "/",
            posixpath.dirname(site_path) + "/" if site_path.endswith("index.html") else site_path,
        }
        return bool(candidates & self.known_paths) or site_path in ("", ".")

    def _page_by_file(self, path: str) -> Page | None:
        """Find the page a link like ../program.md or about.fr.md names, in this page's language by default."""
        name = posixpath.normpath(posixpath.join(posixpath.dirname(self.page.name), path[:-3])).lstrip("/")
        lang = self.page.lang
        stem, _, maybe_lang = name.rpartition(".")
        if stem and maybe_lang in self.site.config.languages:
            name, lang = stem, maybe_lang
        target = self.site.page(name, lang)
        if target is None:
            names = sorted({p.name for p in self.site.pages})
            close = difflib.get_close_matches(name, names, n=1)
            hint = (
                f"did you mean {_link_from(self.page.name, close[0])}?"
                if close
                else "check the page's file name under content/pages/"
            )
            self._broken(path, f"link to {path!r}: there is no page {name!r}", hint)
        return target

    def _broken(self, href: str, message: str, hint: str) -> None:
        """Record a broken link at the line where the editor wrote it."""
        body = self.page.body
        index = body.find(f"({href}")
        index = body.find(href) if index < 0 else index + 1
        line = self.page.body_line + body.count("\n", 0, max(index, 0))
        column = index - body.rfind("\n", 0, index) if index >= 0 else None
        self.errors.append(ContentError(self.page.path, line, column, message, hint))


class _WithContext:
    """A Markdown processor that reads the LinkContext of the page being converted from its extension."""

    def __init__(self, md: markdown.Markdown, extension: _LinkExtension) -> None:
        super().__init__(md)  # type: ignore[call-arg]  # the processor class next in the MRO takes md
        self.extension = extension

    @property
    def context(self) -> LinkContext:
        """The page being converted (set by MarkdownConverter.convert for the length of one conversion)."""
        assert self.extension.context is not None
        return self.extension.context


class _LinkProcessor(_WithContext, Treeprocessor):
    """Rewrite links and image sources through the current LinkContext; mark external links."""

    def run(self, root: etree.Element) -> None:
        context = self.context
        for element in root.iter():
            attribute = {"a": "href", "img": "src"}.get(element.tag)
            value = element.get(attribute) if attribute else None
            if attribute is None or value is None:
                continue
            element.set(attribute, context.resolve(value))
            if element.tag == "a" and is_external(value) and not element.get("rel"):
                element.set("rel", "noopener")


def is_external(url: str) -> bool:
    """True for a link that leaves the site (it gets rel="noopener")."""
    return urlsplit(url).scheme in ("http", "https")


_RAW_TAG = re.compile(r"<([a-zA-Z][a-zA-Z0-9]*)\b[^>]*>")
_RAW_URL = re.compile(r"""(\s(?:href|src|poster)\s*=\s*)(["'])(.*?)\2""", re.DOTALL)


class _RawHtmlLinks(_WithContext, Postprocessor):
    """Resolve the links of raw HTML blocks (figures, embeds) like Markdown links, before they are put back."""

    def run(self, text: str) -> str:
        context = self.context
        stash = self.md.htmlStash.rawHtmlBlocks
        # The toc extension runs the postprocessors again for each heading: resolve each block once only.
        for i in range(len(context.raw_blocks_done), len(stash)):
            block = stash[i]
            if isinstance(block, str):  # elements are stashed only by extensions (md_in_html) we do not load
                stash[i] = _RAW_TAG.sub(lambda m: _resolved_tag(m, context), block)
            context.raw_blocks_done.append(i)
        return text


def _resolved_tag(match: re.Match[str], context: LinkContext) -> str:
    """One tag of raw HTML with its href/src/poster resolved; an external link gets rel="noopener"."""
    tag = match.group(0)
    external: list[bool] = []

    def resolve(attribute: re.Match[str]) -> str:
        prefix, quote_char, value = attribute.groups()
        value = html.unescape(value)
        external.append(is_external(value))
        return f"{prefix}{quote_char}{html.escape(context.resolve(value), quote=True)}{quote_char}"

    tag = _RAW_URL.sub(resolve, tag)
    if match.group(1).lower() == "a" and any(external) and not re.search(r"\srel\s*=", tag):
        tag = tag[:-1].rstrip("/ ") + ' rel="noopener">'
    return tag


class _LinkExtension(Extension):
    """Holds the context of the page being converted (one converter converts one page at a time)."""

    context: LinkContext | None = None

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        md.treeprocessors.register(_LinkProcessor(md, self), "site_links", 1)
        # Runs before Markdown's own RawHtmlPostprocessor (priority 30) puts the stashed blocks back.
        md.postprocessors.register(_RawHtmlLinks(md, self), "site_raw_links", 35)


# What can start each of Python-Markdown's inline patterns (across its versions). Text holding none of these
# characters can match no pattern, so it skips the pattern loop, which is most of the cost of converting
# ordinary prose. A pattern not listed here turns the shortcut off.
_INLINE_TRIGGERS = {
    "backtick": "`\\",
    "escape": "\\",
    "footnote": "[",
    "reference": "[",
    "link": "[",
    "image_link": "[",
    "image_reference": "[",
    "short_reference": "[",
    "short_image_ref": "[",
    "autolink": "<",
    "automail": "<",
    "linebreak": "  \n",
    "html": "<",
    "entity": "&",
    "em_strong": "*_",
    "em_strong2": "_",
    "not_strong": "*_",
    "strong": "*_",
    "emphasis": "*_",
    "emphasis2": "_",
    "strong_em": "*_",
    "em_strong_": "_",
}


def inline_gate(md: markdown.Markdown) -> re.Pattern[str] | None:
    """A regex finding anything an inline pattern of `md` could match, or None when a pattern is unknown."""
    names = [item.name for item in md.inlinePatterns._priority]  # type: ignore[attr-defined]  # no public list
    if any(name not in _INLINE_TRIGGERS for name in names):
        return None
    chars = {c for name in names if name != "linebreak" for c in _INLINE_TRIGGERS[name]}
    alternatives = ["[" + re.escape("".join(sorted(chars))) + "]"] if chars else []
    alternatives += [re.escape(_INLINE_TRIGGERS["linebreak"])] if "linebreak" in names else []
    return re.compile("|".join(alternatives)) if alternatives else None


class _GatedInlineProcessor(InlineProcessor):
    """Markdown's inline processor, skipping text that no inline pattern can match (same output, less time)."""

    def __init__(self, md: markdown.Markdown, gate: re.Pattern[str]) -> None:
        super().__init__(md)
        self.gate = gate

    def _InlineProcessor__handleInline(self, data: str, patternIndex: int = 0) -> str:
        if not isinstance(data, markdown_util.AtomicString) and self.gate.search(data) is None:
            return data
        return super()._InlineProcessor__handleInline(data, patternIndex)  # type: ignore[misc, no-any-return]


_UNPLAIN = re.compile(r"[\x02&<>\\]")  # a stashed node, an entity, markup, an escape


class _FastHeadingIds(TocTreeprocessor):
    """The toc extension's heading ids, taken straight from the words of headings that are plain text.

    The extension renders each heading's inner HTML through every postprocessor to find its name, then builds a
    table of contents that no template shows. For a heading of plain words the name is the words themselves;
    any other heading, a [TOC] marker or a toc option we do not use sends the page through the extension."""

    def run(self, doc: etree.Element) -> None:
        headings: list[etree.Element] = []
        used_ids: set[str] = set()
        for element in doc.iter():
            if "id" in element.attrib:
                used_ids.add(element.attrib["id"])
            if isinstance(element.tag, str) and self.header_rgx.match(element.tag):
                headings.append(element)
            elif self.marker and element.text and self.marker in element.text:
                return super().run(doc)
        plain = all(
            len(h) == 0 and "data-toc-label" not in h.attrib and not _UNPLAIN.search(h.text or "") for h in headings
        )
        if not plain or self.base_level != 0 or self.use_anchors or self.use_permalinks:
            return super().run(doc)
        for heading in headings:
            if "id" not in heading.attrib:
                heading.attrib["id"] = unique(self.slugify(" ".join((heading.text or "").split()), self.sep), used_ids)
        return None


class _FastTocExtension(TocExtension):
    """The toc extension with the shortcut above."""

    TreeProcessorClass = _FastHeadingIds


class MarkdownConverter:
    """Converts page bodies to HTML; keep one per process and reuse it.

    fast=False turns off the two shortcuts (inline patterns, heading ids), which tests compare against."""

    def __init__(self, fast: bool = True):
        self._fast = fast
        self._start()

    def _start(self) -> None:
        """Make the Markdown instance, again after a conversion was stopped half-way."""
        fast = self._fast
        self._links = _LinkExtension()
        toc = _FastTocExtension if fast else TocExtension
        self._md = markdown.Markdown(
            extensions=[
                toc(slugify=slugify),
                "tables",
                "attr_list",
                "sane_lists",
                "footnotes",
                self._links,
            ],
            output_format="html",
        )
        gate = inline_gate(self._md) if fast else None
        self.fast_inline = gate is not None and hasattr(InlineProcessor, "_InlineProcessor__handleInline")
        if gate is not None and self.fast_inline:
            self._md.treeprocessors.register(_GatedInlineProcessor(self._md, gate), "inline", 20)

    def convert(self, context: LinkContext) -> str:
        """Render one page's Markdown; broken links end up in context.errors, a page that Markdown cannot
        convert in bounded time is a located error."""
        page = context.page
        refuse_runaway_brackets(page)
        self._links.context = context
        limit = MAX_SECONDS + len(page.body) / 100_000
        try:
            with deadline(limit):
                html = self._md.reset().convert(page.body)
        except TooSlow:
            self._start()  # stopped half-way, Markdown keeps its state (e.g. inside a list) for the next page
            raise ContentError(
                page.path,
                page.body_line,
                None,
                f"converting the Markdown took more than {limit:.1f} s, so it was stopped",
                "look for a long run of one markup character ([ < > * _ `) or very deep nesting, "
                "and delete it or escape each character with \\",
            ) from None
        except RecursionError:
            self._start()
            raise ContentError(
                page.path,
                page.body_line,
                None,
                "the Markdown is nested too deeply to convert",
                "use fewer levels of lists, quotes or brackets inside each other",
            ) from None
        finally:
            self._links.context = None
        return sanitize(html, allow_scripts=page.allow_scripts)


# Python-Markdown is quadratic on some inputs (its link patterns on unclosed [, the standard library's HTML
# parser on unclosed tags, heading ids on thousands of equal headings): a page of 20 KB may take minutes. Runs of
# [ are refused by a linear check that says where they start; the deadline stops any other such page.
MAX_SECONDS = 1.5  # a page of 20 KB converts in about 30 ms; a page of 1 MB gets 11.5 s
MAX_LINK_SCAN = 500_000  # characters the link patterns may scan in one page (about 0.3 s)
_BRACKETS = re.compile(r"\\.|[][()]", re.DOTALL)
_BLANK_LINE = re.compile(r"\n[ \t]*\n")


class TooSlow(Exception):
    """A conversion went past its deadline."""


@contextmanager
def deadline(seconds: float) -> Iterator[None]:
    """Raise TooSlow inside the block once it has run for `seconds` (in the main thread, where signals arrive;
    elsewhere the block runs unbounded). A timer set by someone else is put back as it was."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        yield
        return

    def stop(signum: int, frame: FrameType | None) -> NoReturn:
        raise TooSlow

    previous = signal.signal(signal.SIGALRM, stop)
    started = time.monotonic()
    outer, _ = signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        if outer:
            signal.setitimer(signal.ITIMER_REAL, max(outer - (time.monotonic() - started), 1e-6))


def refuse_runaway_brackets(page: Page) -> None:
    """Refuse square brackets left open or nested so deeply that Markdown's link patterns would take minutes.

    For each [ those patterns scan character by character for the ] that closes it, to the end of the paragraph
    when none does, and after "](" for the closing ): a run of unclosed [ is quadratic (12 KB take 47 s). The
    scans' length is summed here in linear time, brackets escaped with a backslash left out as Markdown does."""
    body = page.body
    if "[" not in body:
        return
    work, worst = 0, (0, 0)
    start = 0
    for end in [m.start() for m in _BLANK_LINE.finditer(body)] + [len(body)]:
        for opened, closed in _bracket_spans(body, start, end):
            work += closed - opened
            worst = max(worst, (closed - opened, -opened))
        start = end
    if work > MAX_LINK_SCAN:
        position = -worst[1]
        line = page.body_line + body.count("\n", 0, position)
        column = position - body.rfind("\n", 0, position)
        raise ContentError(
            page.path,
            line,
            column,
            "too many brackets [ or ( left open or nested in each other from here (converting them would take minutes)",
            "close each [ with ] and each ( with ), or write \\[ for a bracket that is only text",
        )


def _bracket_spans(body: str, start: int, end: int) -> list[tuple[int, int]]:
    """(opening, closing) of each [ ] pair and each ( ) after "]" in one paragraph; an unclosed one ends with it."""
    squares, rounds, spans = [], [], []
    for match in _BRACKETS.finditer(body, start, end):
        char, at = match.group(), match.start()
        if char == "[":
            squares.append(at)
        elif char == "]":
            if squares:
                spans.append((squares.pop(), at))
        elif char == "(":
            rounds.append((at, at > start and body[at - 1] == "]"))
        elif char == ")" and rounds:
            opened, after_link = rounds.pop()
            if after_link:
                spans.append((opened, at))
    spans += [(at, end) for at in squares] + [(at, end) for at, after_link in rounds if after_link]
    return spans
