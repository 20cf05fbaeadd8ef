"""Tests that kill markup.py's surviving mutants (README, "Mutation testing"); each was seen to fail with its mutant
applied (`python scripts/mutation.py markup.py --only NAME`)."""

from __future__ import annotations

import pytest

from microsite.markup import sanitize
from test_allow_scripts import HOSTILE, KEPT, SRCSETS

# test_allow_scripts.py's own checks again, under plain numbered ids: mutmut selects tests by id, and cannot
# pass back the escaped ids of that file's hostile snippets, so it runs these instead.


@pytest.mark.parametrize("number", range(len(HOSTILE)))
def test_the_sanitiser_removes_hostile_markup(number):
    snippet, needle = HOSTILE[number]
    assert needle not in sanitize(snippet, allow_scripts=True)
    assert needle not in sanitize(snippet)


@pytest.mark.parametrize("number", range(len(KEPT)))
def test_allow_scripts_keeps_scripts_and_handlers_only_then(number):
    snippet = KEPT[number]
    assert sanitize(snippet, allow_scripts=True) == snippet
    assert "<script" not in sanitize(snippet) and " on" not in sanitize(snippet)


@pytest.mark.parametrize("number", range(len(SRCSETS)))
def test_a_srcset_of_web_urls_is_kept_both_ways(number):
    snippet = SRCSETS[number]
    assert sanitize(snippet) == snippet
    assert sanitize(snippet, allow_scripts=True) == snippet


# --- where a broken link is reported (LinkContext._broken) ---


def _errors(tiny, body: str) -> list[str]:
    """The error lines of a build whose notes page has this body (its first line is line 5 of the file)."""
    from conftest import run_cli, write

    write(tiny / "content/pages/notes.vi.md", f"---\ntitle: Ghi chú\n---\n{body}")
    result = run_cli(tiny)
    return [line.split(" — ")[0] for line in result.err.splitlines() if line.startswith("error:")]


def test_a_broken_link_is_located_where_it_is_written_not_where_its_address_first_appears(tiny):
    """The address written as text first, then as a link: the link's own place is reported; the same broken
    link twice is reported once, at the first place."""
    assert _errors(tiny, "Xem gone.md ở đây.\n\nXem [x](gone.md) và [y](gone.md).\n") == [
        "error: content/pages/notes.vi.md:6:9: link to 'gone.md': there is no page 'gone'"
    ]


def test_a_broken_raw_html_link_is_located_at_its_first_appearance(tiny):
    """Raw HTML has no "(address": the first place the address appears is reported (column 1 at the very
    start), once for two such links."""
    assert _errors(tiny, '/nope/ là sai.\n\n<p><a href="/nope/">a</a> <a href="/nope/">b</a></p>\n') == [
        "error: content/pages/notes.vi.md:4:1: link to '/nope/', which is not a page or file of the site"
    ]


# --- which root-relative links name a page (LinkContext._exists) ---


def test_links_to_a_page_with_or_without_its_slash_or_index_html_are_not_broken(tiny):
    body = "[a](/vi/notes) [b](/vi/notes/) [c](/vi/notes//) [d](/vi/notes/index.html) [e](/) [f](/.)\n"
    assert _errors(tiny, body) == []


def test_a_link_to_a_missing_page_beside_a_real_one_is_broken(tiny):
    assert _errors(tiny, "[a](/vi/nothing)\n\n[b](/Xvi/notes/)\n\n[c](/vi/notesX)\n") == [
        "error: content/pages/notes.vi.md:4:5: link to '/vi/nothing', which is not a page or file of the site",
        "error: content/pages/notes.vi.md:6:5: link to '/Xvi/notes/', which is not a page or file of the site",
        "error: content/pages/notes.vi.md:8:5: link to '/vi/notesX', which is not a page or file of the site",
    ]


# --- raw HTML links (_resolved_tag) ---


def test_a_quote_in_a_raw_html_address_stays_inside_its_attribute(tiny):
    """An address holding ' in a '-quoted attribute is written back escaped, or the tag would break apart."""
    from conftest import run_cli, write

    write(
        tiny / "content/pages/notes.vi.md",
        "---\ntitle: Ghi chú\n---\n<p><a href='https://x.org/?q=&#39;a' title=X>x</a></p>\n",
    )
    result = run_cli(tiny)
    assert result.code == 0, result.err
    html = (tiny / "site/vi/notes/index.html").read_text(encoding="utf-8")
    assert '<a href="https://x.org/?q=\'a" title="X" rel="noopener">x</a>' in html


def test_only_controls_and_spaces_before_a_srcset_scheme_are_skipped():
    """A browser skips controls and spaces before a URL, nothing else: X or ! before it makes another word."""
    kept = '<img alt="x" srcset="!data:x 1x">'  # a relative URL named "!data:x"
    dropped = '<img alt="x" srcset="Xhttps://a.example/a.png 1x">'  # the scheme is xhttps
    assert sanitize(kept) == kept
    assert sanitize(dropped) == '<img alt="x">'


# --- links resolved to pages and files (LinkContext.resolve) ---


def test_links_keep_their_query_and_fragment_and_relative_ones_resolve_from_the_page(tiny):
    """A page file, a static file and a root-relative page link become site URLs with their ?query#fragment; a
    relative link to a file or a page is resolved from the page's own URL (and left as written)."""
    import re

    from conftest import run_cli, write

    write(
        tiny / "content/pages/notes.vi.md",
        "---\ntitle: Ghi chú\n---\n"
        "[a](index.md?x=1#top) [b](/static/style.css?v=2) [c](../../static/style.css#f)"
        " [d](/vi/notes/) [e](../notes/)\n",
    )
    result = run_cli(tiny)
    assert result.code == 0, result.err
    css = next((tiny / "site/static").glob("style.*.css")).name
    html = (tiny / "site/vi/notes/index.html").read_text(encoding="utf-8")
    assert re.findall(r'<a href="([^"]*)">[a-e]</a>', html) == [
        "/repo/vi/?x=1#top",
        f"/repo/static/{css}?v=2",
        f"/repo/static/{css}#f",
        "/repo/vi/notes/",
        "../notes/",
    ]


def test_a_broken_link_after_a_blank_first_line_is_located_on_its_own_line(tiny):
    """A body starting with an empty line: that line break counts, and the link's column is from it."""
    assert _errors(tiny, "\n[x](gone.md)\n") == [
        "error: content/pages/notes.vi.md:5:5: link to 'gone.md': there is no page 'gone'"
    ]


def test_a_broken_link_written_otherwise_than_its_address_gets_the_body_start_and_no_column(tiny):
    """An address written percent-encoded is not found as written: the body's first line, no column."""
    assert _errors(tiny, "\n[x](g%6Fne.md)\n") == [
        "error: content/pages/notes.vi.md:4: link to 'gone.md': there is no page 'gone'"
    ]


# --- the two shortcuts (inline_gate, _GatedInlineProcessor, _FastHeadingIds): same output, and really taken ---


def _convert(body: str, fast: bool = True, name: str | None = None, converter=None):
    """A page of the tiny fixture (its first, or the one named) with this body, converted: (HTML, error lines)."""
    import dataclasses

    from conftest import TINY
    from microsite.config import load_config
    from microsite.markup import LinkContext, MarkdownConverter
    from microsite.model import load_site
    from microsite.render import SiteRenderer
    from microsite.urls import Urls
    from microsite.writer import hashed_names

    site = load_site(load_config(TINY))
    renderer = SiteRenderer(site, Urls(site.config.base_url, hashed_names(site.config.static_dir)))
    page = next(p for p in site.pages if name is None or (p.name, p.lang) == name)
    context = LinkContext(dataclasses.replace(page, body=body), site, renderer.urls, renderer.known_paths)
    html = (converter or MarkdownConverter(fast=fast)).convert(context)
    return html, [str(error) for error in context.errors]


SHORTCUT_BODIES = {
    "plain prose": "Đà Nẵng và Hải Phòng, không có gì khác.",
    "hard break": "chữ  \nĐà Nẵng",
    "a break inside prose": "một dòng  \nhai dòng và *nghiêng*",
    "emphasis": "_Đà Nẵng_ và *Hải Phòng* và __đậm__",
    "code": "mã `x  \ny` và `<b>` đây",
    "escape": "a \\[b\\] \\*c\\*",
    "raw html": "chữ <b>đậm</b> &copy; 2023",
    "links": "[trang](index.md) <https://example.org> <a@b.vn>",
    "footnote": "chú thích[^1]\n\n[^1]: ghi chú *đậm*",
    "heading ids": "# Đà Nẵng\n\n## Đà Nẵng\n\n## Đà   Nẵng\n\n## Đà Nẵng {: #da-nang_1 }\n\n#\n\n# _1",
    "heading markup": "# AT&amp;T\n\n# A & B\n\n## *Hải* Phòng\n\n## x {: #y }\n\n### Lê\\_Văn\n\n## a <b>c</b>",
    "heading label": "## Mục {: data-toc-label='Khác' }\n\n## Mục",
    "an id taken before": '<p id="muc">x</p>\n\n## Mục\n\n## Mục',
    "toc marker": "## Mục lục\n\n[TOC]\n\n## Phần một\n\n## Phần hai",
    "toc marker late": "## Phần một\n\n## Phần hai\n\nxem [TOC]",
    "an id set by hand": "## Một {: #hai }\n\n## Hai\n\n## Hai",
    "table": "| a | *b* |\n|---|---|\n| `c` | [d](index.md) |",
    "images": "![a](index.md) ![b](https://img.example/b.png)\n\n## Ảnh",
    "headings of entities only": "# AT&amp;T\n\n# A &lt; B\n\n## C\\_D",
}


@pytest.mark.parametrize("kind", SHORTCUT_BODIES)
def test_the_markdown_shortcuts_give_the_same_page_as_markdown_itself(kind):
    """Each kind of inline pattern and of heading, with the shortcuts and without: the same HTML and errors."""
    body = SHORTCUT_BODIES[kind]
    assert _convert(body, fast=True) == _convert(body, fast=False)


def test_heading_ids_are_the_words_of_the_heading_made_unique():
    html, errors = _convert("## Đà Nẵng\n\n## Đà   Nẵng\n\n## Lịch  trình {: #lich }\n\n## Lịch trình\n\n#\n\n#")
    assert errors == []
    assert html == (
        '<h2 id="da-nang">Đà Nẵng</h2>\n<h2 id="da-nang_1">Đà   Nẵng</h2>\n'
        '<h2 id="lich">Lịch  trình</h2>\n<h2 id="lich-trinh">Lịch trình</h2>\n'
        '<h1 id="_1"></h1>\n<h1 id="_2"></h1>'
    )


def test_the_shortcuts_are_taken_by_default_and_left_when_asked():
    """A converter takes the inline shortcut unless fast=False; the gate skips plain words, never markup."""
    import markdown
    from markdown.inlinepatterns import SimpleTagInlineProcessor

    from microsite.markup import MarkdownConverter, inline_gate

    assert MarkdownConverter().fast_inline is True
    assert MarkdownConverter(fast=False).fast_inline is False
    gate = inline_gate(markdown.Markdown())
    assert gate is not None
    assert gate.search("Đà Nẵng và Hải Phòng, một hai ba.") is None
    assert gate.search("dòng\nmới") is None  # a line break alone is no hard break
    for markup in ("a  \nb", "*a*", "_a_", "`a`", "\\a", "[a]", "<a>", "&amp;"):
        assert gate.search(markup) is not None, markup
    assert gate.search("Xin chào") is None
    unknown = markdown.Markdown()
    unknown.inlinePatterns.register(SimpleTagInlineProcessor(r"(~~)(.+?)~~", "del"), "strike", 175)
    assert inline_gate(unknown) is None  # a pattern it does not know: no shortcut
    no_breaks = markdown.Markdown()
    no_breaks.inlinePatterns.deregister("linebreak")
    assert inline_gate(no_breaks).search("a  \nb") is None and inline_gate(no_breaks).search("*a*")
    only_breaks = markdown.Markdown()
    for name in [item.name for item in only_breaks.inlinePatterns._priority if item.name != "linebreak"]:
        only_breaks.inlinePatterns.deregister(name)
    assert inline_gate(only_breaks).search("a  \nb") and inline_gate(only_breaks).search("*a* [b] <c>") is None
    only_breaks.inlinePatterns.deregister("linebreak")
    assert inline_gate(only_breaks) is None  # no pattern at all: nothing to look for


# --- brackets left open (refuse_runaway_brackets, _bracket_spans): the work is counted exactly ---


def _refused(body: str) -> str | None:
    """Where and why the notes page with this body is refused before conversion, or None."""
    import dataclasses

    from conftest import TINY
    from microsite.config import load_config
    from microsite.errors import ContentError
    from microsite.markup import refuse_runaway_brackets
    from microsite.model import load_site

    page = next(p for p in load_site(load_config(TINY)).pages if p.name == "notes")
    try:
        refuse_runaway_brackets(dataclasses.replace(page, body=body))
    except ContentError as error:
        return str(error)
    return None


def test_brackets_are_refused_only_past_the_limit_and_from_where_they_start():
    """An unclosed [ scans to the end of its paragraph: MAX_LINK_SCAN characters pass, one more is refused, at
    the [ itself (line and column of the file, the body starting on line 5)."""
    from microsite.markup import MAX_LINK_SCAN

    before = "Một dòng.\nHai "
    assert _refused(before + "[" + "x" * (MAX_LINK_SCAN - 1)) is None
    assert _refused(before + "[" + "x" * MAX_LINK_SCAN) == (
        "content/pages/notes.vi.md:6:5: too many brackets [ or ( left open or nested in each other from here "
        "(converting them would take minutes) — close each [ with ] and each ( with ), or write \\[ for a bracket "
        "that is only text"
    )


def test_brackets_after_a_blank_first_line_are_located_on_their_own_line():
    from microsite.markup import MAX_LINK_SCAN

    assert _refused("\n[" + "x" * MAX_LINK_SCAN).startswith("content/pages/notes.vi.md:6:1: too many brackets")


def test_each_paragraph_ends_the_scans_of_its_brackets():
    """Two paragraphs of 300 000 characters, each with one [: each scan stops at its blank line (even one of
    spaces), so the page passes; without the blank line it is one scan too long."""
    half = "[" + "x" * 300_000
    assert _refused(half + "\n \t\n" + "y" * 250_000) is None
    assert _refused(half + "\n" + "y" * 250_000).startswith("content/pages/notes.vi.md:5:1: too many brackets")
    assert _refused("Đầu.\n\n[" + "x" * 300_000 + "]") is None  # a later paragraph's pair is counted once


def test_of_equally_long_scans_the_first_is_named():
    span = "[" + "x" * 300_000 + "]"
    assert _refused("Đầu.\n\n" + span + "\n\n" + span).startswith("content/pages/notes.vi.md:7:1: ")


def test_the_longest_scan_is_named_not_the_first():
    assert _refused("a [b] c\n\n" + "[x] " * 10 + "[" + "y" * 600_000).startswith("content/pages/notes.vi.md:7:41: ")


def test_only_brackets_that_markdown_scans_are_counted():
    """Escaped brackets, ] with no [ before it and ( that does not follow ] scan nothing; a closing ) ends the
    scan of a link's address; a ( at the very start follows no ], whatever the page ends with."""
    from microsite.markup import MAX_LINK_SCAN

    rest = "x" * MAX_LINK_SCAN
    assert _refused("\\[" + rest) is None
    assert _refused("]][" + rest[: MAX_LINK_SCAN - 4] + "]") is None
    assert _refused("a (" + rest) is None
    assert _refused("(" + rest + "[]") is None
    assert _refused("[a](b" + rest[:400_000] + ")" + rest[:200_000]) is None
    assert _refused("[a](" + rest).startswith("content/pages/notes.vi.md:5:4: ")
    assert _refused("[a](\\*" + rest).startswith("content/pages/notes.vi.md:5:4: ")  # an escape closes nothing
    assert _refused("[a] (" + rest) is None
    assert _refused("\\\\[" + rest).startswith("content/pages/notes.vi.md:5:3: ")  # \\ escapes itself


def test_a_page_without_brackets_or_with_few_is_never_refused():
    assert _refused("x" * 1_000_001) is None
    assert _refused(("[a](b) " * 20 + "\n\n") * 50) is None


# --- links in Markdown (LinkContext, _LinkProcessor, _RawHtmlLinks) ---


def _built(tiny, body: str, page: str = "notes.vi.md") -> str:
    """Build the tiny site with this body on a page and return that page's HTML."""
    import re

    from conftest import run_cli, write

    write(tiny / "content/pages" / page, "---\ntitle: Ghi chú\n---\n" + body)
    result = run_cli(tiny)
    assert result.code == 0, result.err
    name, lang = re.fullmatch(r"(.*)\.(\w+)\.md", page).groups()
    return (tiny / "site" / lang / name / "index.html").read_text(encoding="utf-8")


def test_a_page_file_named_from_the_root_or_with_dots_in_its_name_is_found(tiny):
    """/talks/da-nang.md names the page from content/pages/; a page named lich.2026 is linked as lich.2026.md
    (in the page's language) or lich.2026.fr.md (in French); Xuan.md names the page Xuan."""
    import re

    from conftest import write

    for lang in ("vi", "fr"):
        write(tiny / f"content/pages/lich.2026.{lang}.md", "---\ntitle: Lịch\n---\nx\n")
    write(tiny / "content/pages/Xuan.vi.md", "---\ntitle: Xuân\n---\nx\n")
    html = _built(tiny, "[a](/talks/da-nang.md) [b](lich.2026.md) [c](lich.2026.fr.md) [d](Xuan.md)\n")
    assert re.findall(r'<a href="([^"]*)">[a-d]</a>', html) == [
        "/repo/vi/tham-luan/da-nang/",
        "/repo/vi/lich-2026/",
        "/repo/fr/lich-2026/",
        "/repo/vi/xuan/",
    ]


def test_a_link_to_a_page_named_like_a_language_names_that_page(tiny):
    """fr.md is a page called fr in the page's own language, not the French version of a page with no name."""
    assert _errors(tiny, "[x](fr.md)\n") == [
        "error: content/pages/notes.vi.md:4:5: link to 'fr.md': there is no page 'fr'"
    ]


def test_images_get_the_published_name_of_their_file_and_external_links_noopener(tiny):
    """An image's src is resolved like a link (to the fingerprinted file); only external links get
    rel="noopener", an image never does, and a rel the editor wrote is kept."""
    import re

    (tiny / "static/logo.png").write_bytes(b"\x89PNG\r\n\x1a\nnot really")
    html = _built(
        tiny,
        "![Logo](/static/logo.png) ![Ảnh](https://img.example/a.png)\n\n"
        "[a](https://news.example/a) [b](https://me.example/){: rel=me } [c](index.md)\n",
    )
    logo = next((tiny / "site/static").glob("logo.*.png")).name
    assert f'<img alt="Logo" src="/repo/static/{logo}">' in html
    assert '<img alt="Ảnh" src="https://img.example/a.png">' in html
    assert re.findall(r"<a [^>]*>[a-c]</a>", html) == [
        '<a href="https://news.example/a" rel="noopener">a</a>',
        '<a href="https://me.example/" rel="me">b</a>',
        '<a href="/repo/vi/">c</a>',
    ]


def test_a_raw_html_link_is_resolved_once_even_when_headings_reread_the_page(tiny):
    """Headings with markup make Markdown run the raw HTML blocks through again: a block's link, already
    resolved to /repo/vi/, is not resolved a second time (as a link to a page /repo/vi/ that does not exist)."""
    html = _built(tiny, '<p><a href="index.md">về trang chủ</a></p>\n\n## Một *hai*\n\n## Ba `bốn`\n')
    assert '<a href="/repo/vi/">về trang chủ</a>' in html
    assert '<h2 id="mot-hai">Một <em>hai</em></h2>' in html


def test_a_root_relative_link_that_climbs_above_the_site_is_broken(tiny):
    """/../vi/ would leave the base path /repo/ once published: reported, although the page vi/ exists."""
    assert _errors(tiny, "[x](/../vi/)\n") == [
        "error: content/pages/notes.vi.md:4:5: link to '/../vi/', which is not a page or file of the site"
    ]


# --- a page Markdown cannot convert in bounded time or depth (MarkdownConverter.convert) ---


def test_a_page_too_slow_to_convert_is_stopped_at_its_limit_and_located():
    """18 000 characters of unclosed tags: stopped after 1.5 s plus 0.1 s per 10 000 characters (1.68 s)."""
    from microsite.errors import ContentError

    with pytest.raises(ContentError) as caught:
        _convert("<a " * 6000)
    assert str(caught.value) == (
        "content/pages/index.vi.md:4: converting the Markdown took more than 1.7 s, so it was stopped — look for a "
        "long run of one markup character ([ < > * _ `) or very deep nesting, and delete it or escape each character "
        "with \\"
    )


def test_a_page_nested_deeper_than_python_can_follow_is_located():
    """Lists nested past Python's recursion limit (lowered here, so a few levels do) are one located error, and
    the converter still converts the next page."""
    import sys

    from microsite.errors import ContentError
    from microsite.markup import MarkdownConverter

    converter = MarkdownConverter()
    body = "".join("    " * i + "- x\n" for i in range(100))
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(250)
    try:
        with pytest.raises(ContentError) as caught:
            _convert(body, converter=converter)
    finally:
        sys.setrecursionlimit(limit)
    assert str(caught.value) == (
        "content/pages/index.vi.md:4: the Markdown is nested too deeply to convert — use "
        "fewer levels of lists, quotes or brackets inside each other"
    )
    assert _convert("[a](notes.md)", converter=converter) == ('<p><a href="/repo/vi/notes/">a</a></p>', [])


def test_a_page_that_allows_scripts_keeps_them_and_one_that_does_not_loses_them():
    import dataclasses

    from conftest import TINY
    from microsite.config import load_config
    from microsite.markup import LinkContext, MarkdownConverter
    from microsite.model import load_site
    from microsite.render import SiteRenderer
    from microsite.urls import Urls
    from microsite.writer import hashed_names

    site = load_site(load_config(TINY))
    renderer = SiteRenderer(site, Urls(site.config.base_url, hashed_names(site.config.static_dir)))
    body = '<script src="https://map.example/embed.js"></script>\n\n<p onclick="go()">x</p>'
    converted = {}
    for allowed in (True, False):
        page = dataclasses.replace(site.pages[0], body=body, allow_scripts=allowed)
        converted[allowed] = MarkdownConverter().convert(LinkContext(page, site, renderer.urls, renderer.known_paths))
    assert converted[True] == body
    assert converted[False] == "\n\n<p>x</p>"
