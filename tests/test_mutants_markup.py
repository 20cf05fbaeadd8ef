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
        "error: content/pages/notes.vi.md:6:9: link to 'gone.md': there is no page 'gone'"]


def test_a_broken_raw_html_link_is_located_at_its_first_appearance(tiny):
    """Raw HTML has no "(address": the first place the address appears is reported (column 1 at the very
    start), once for two such links."""
    assert _errors(tiny, '/nope/ là sai.\n\n<p><a href="/nope/">a</a> <a href="/nope/">b</a></p>\n') == [
        "error: content/pages/notes.vi.md:4:1: link to '/nope/', which is not a page or file of the site"]


# --- which root-relative links name a page (LinkContext._exists) ---

def test_links_to_a_page_with_or_without_its_slash_or_index_html_are_not_broken(tiny):
    body = ("[a](/vi/notes) [b](/vi/notes/) [c](/vi/notes//) [d](/vi/notes/index.html) [e](/) [f](/.)\n")
    assert _errors(tiny, body) == []


def test_a_link_to_a_missing_page_beside_a_real_one_is_broken(tiny):
    assert _errors(tiny, "[a](/vi/nothing)\n\n[b](/Xvi/notes/)\n\n[c](/vi/notesX)\n") == [
        "error: content/pages/notes.vi.md:4:5: link to '/vi/nothing', which is not a page or file of the site",
        "error: content/pages/notes.vi.md:6:5: link to '/Xvi/notes/', which is not a page or file of the site",
        "error: content/pages/notes.vi.md:8:5: link to '/vi/notesX', which is not a page or file of the site"]


# --- raw HTML links (_resolved_tag) ---

def test_a_quote_in_a_raw_html_address_stays_inside_its_attribute(tiny):
    """An address holding ' in a '-quoted attribute is written back escaped, or the tag would break apart."""
    from conftest import run_cli, write

    write(tiny / "content/pages/notes.vi.md", "---\ntitle: Ghi chú\n---\n"
          "<p><a href='https://x.org/?q=&#39;a' title=X>x</a></p>\n")
    result = run_cli(tiny)
    assert result.code == 0, result.err
    html = (tiny / "site/vi/notes/index.html").read_text(encoding="utf-8")
    assert '<a href="https://x.org/?q=\'a" title="X" rel="noopener">x</a>' in html


def test_only_controls_and_spaces_before_a_srcset_scheme_are_skipped():
    """A browser skips controls and spaces before a URL, nothing else: X or ! before it makes another word."""
    kept = '<img alt="x" srcset="!data:x 1x">'            # a relative URL named "!data:x"
    dropped = '<img alt="x" srcset="Xhttps://a.example/a.png 1x">'   # the scheme is xhttps
    assert sanitize(kept) == kept
    assert sanitize(dropped) == '<img alt="x">'


# --- links resolved to pages and files (LinkContext.resolve) ---

def test_links_keep_their_query_and_fragment_and_relative_ones_resolve_from_the_page(tiny):
    """A page file, a static file and a root-relative page link become site URLs with their ?query#fragment; a
    relative link to a file or a page is resolved from the page's own URL (and left as written)."""
    import re

    from conftest import run_cli, write

    write(tiny / "content/pages/notes.vi.md", "---\ntitle: Ghi chú\n---\n"
          "[a](index.md?x=1#top) [b](/static/style.css?v=2) [c](../../static/style.css#f)"
          " [d](/vi/notes/) [e](../notes/)\n")
    result = run_cli(tiny)
    assert result.code == 0, result.err
    css = next((tiny / "site/static").glob("style.*.css")).name
    html = (tiny / "site/vi/notes/index.html").read_text(encoding="utf-8")
    assert re.findall(r'<a href="([^"]*)">[a-e]</a>', html) == [
        "/repo/vi/?x=1#top", f"/repo/static/{css}?v=2", f"/repo/static/{css}#f", "/repo/vi/notes/", "../notes/"]


def test_a_broken_link_after_a_blank_first_line_is_located_on_its_own_line(tiny):
    """A body starting with an empty line: that line break counts, and the link's column is from it."""
    assert _errors(tiny, "\n[x](gone.md)\n") == [
        "error: content/pages/notes.vi.md:5:5: link to 'gone.md': there is no page 'gone'"]


def test_a_broken_link_written_otherwise_than_its_address_gets_the_body_start_and_no_column(tiny):
    """An address written percent-encoded is not found as written: the body's first line, no column."""
    assert _errors(tiny, "\n[x](g%6Fne.md)\n") == [
        "error: content/pages/notes.vi.md:4: link to 'gone.md': there is no page 'gone'"]
