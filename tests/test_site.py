"""The event fixture built with the real templates: every page in both languages, links that resolve, switchers
and hreflang that pair up."""

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from conftest import parse_html, resolve_site_url, run_cli
from microsite.config import load_config
from microsite.model import load_site

PAGES = ["index", "program", "speakers", "about", "talks/hue", "talks/grenoble", "talks/closing"]


def built_pages(site: Path) -> list[Path]:
    """Every HTML page of a language (not the landing or 404 page)."""
    return sorted(p for lang in ("vi", "fr") for p in (site / lang).rglob("index.html"))


def base_path_of(site: Path) -> str:
    """The base path the site was built for, read from its canonical link."""
    html = (site / "vi" / "index.html").read_text(encoding="utf-8")
    canonical = re.search(r'<link rel="canonical" href="([^"]+)"', html).group(1)
    return urlsplit(canonical).path[: -len("vi/")]


def test_every_page_exists_in_both_languages(event_site):
    site = load_site(load_config(event_site.parent))
    for name in PAGES:
        for lang in ("vi", "fr"):
            page = site.page(name, lang)
            assert page is not None and not page.is_fallback, f"{name} ({lang})"
            assert (event_site / page.output_path).is_file()
    assert (event_site / "index.html").is_file() and (event_site / "404.html").is_file()


def test_html_lang_matches_the_folder(event_site):
    for path in built_pages(event_site):
        lang = path.relative_to(event_site).parts[0]
        assert parse_html(path).lang == lang, path


def test_every_internal_link_and_asset_resolves(event_site):
    base = base_path_of(event_site)
    checked = 0
    for path in built_pages(event_site) + [event_site / "index.html", event_site / "404.html"]:
        for url, _attributes in parse_html(path).links:
            parts = urlsplit(url)
            if parts.scheme or url.startswith("#"):
                continue
            assert url.startswith(base), f"{path}: {url} is not under the base path {base}"
            target = resolve_site_url(event_site, base, url)
            assert target is not None and target.is_file(), f"{path}: broken link {url}"
            if parts.fragment:
                assert parts.fragment in parse_html(target).ids, f"{path}: no anchor for {url}"
            checked += 1
    assert checked > 150  # the event fixture's pages link to one another, their assets and feeds


def _switcher_and_alternates(path: Path):
    """The page's switcher targets and hreflang alternates, by language."""
    links = parse_html(path).links
    switcher = {
        a["hreflang"]: url
        for url, a in links
        if a["tag"] == "a" and "hreflang" in a and "lang" in a and not urlsplit(url).scheme
    }
    alternates = {
        a["hreflang"]: url for url, a in links if a["tag"] == "link" and a.get("rel") == "alternate" and "hreflang" in a
    }
    return switcher, alternates


def test_switcher_and_hreflang_point_at_the_counterpart_reciprocally(event_site):
    base = base_path_of(event_site)
    for path in built_pages(event_site):
        lang = path.relative_to(event_site).parts[0]
        other = "fr" if lang == "vi" else "vi"
        switcher, alternates = _switcher_and_alternates(path)
        target = resolve_site_url(event_site, base, switcher[other])
        assert target.is_file()
        if path.parent != event_site / lang:
            assert target.parent != event_site / other, f"{path}: switcher leads to the home page"
        # Reciprocal: the counterpart's switcher leads back here.
        back, back_alternates = _switcher_and_alternates(target)
        assert resolve_site_url(event_site, base, back[lang]) == path
        # hreflang: both languages and x-default, absolute, the same set on both sides.
        assert set(alternates) == {"vi", "fr", "x-default"}
        assert alternates == back_alternates
        assert all(urlsplit(href).scheme == "https" and urlsplit(href).netloc for href in alternates.values())
        assert resolve_site_url(event_site, base, urlsplit(alternates[lang]).path) == path


def test_session_date_is_formatted_by_babel_for_each_locale(event_site):
    vi = (event_site / "vi" / "index.html").read_text(encoding="utf-8")
    fr = (event_site / "fr" / "index.html").read_text(encoding="utf-8")
    assert "Sáng thứ Năm, ngày 3 tháng 10 năm 2024" in vi
    assert "Le matin du jeudi 3 octobre 2024" in fr


def test_event_date_change_shows_in_the_pages(event):
    data = event / "content" / "event.yaml"
    data.write_text(data.read_text(encoding="utf-8").replace("2024-10-03", "2023-05-02"), encoding="utf-8")
    assert run_cli(event).code == 0
    assert "ngày 2 tháng 5 năm 2023" in (event / "site" / "vi" / "index.html").read_text(encoding="utf-8")
    assert "mardi 2 mai 2023" in (event / "site" / "fr" / "index.html").read_text(encoding="utf-8")


def test_interface_strings_come_from_the_catalogs(event):
    po = event / "locales" / "fr" / "LC_MESSAGES" / "messages.po"
    text = po.read_text(encoding="utf-8")
    assert 'msgstr "Idées clés"' in text
    po.write_text(text.replace('msgstr "Idées clés"', 'msgstr "Les idées maîtresses"'), encoding="utf-8")
    assert run_cli(event).code == 0
    home = (event / "site" / "fr" / "index.html").read_text(encoding="utf-8")
    assert "Les idées maîtresses" in home and "Idées clés" not in home


def test_french_pages_use_french_typography(event_site):
    page = (event_site / "fr" / "exposes" / "hue" / "index.html").read_text(encoding="utf-8")
    assert "12\u202f000" in page
    assert " :" not in re.sub(r"<[^>]+>", "", page)


def test_numbers_typed_in_vietnamese_pages_are_left_as_written(event_site):
    assert "12.000" in (event_site / "vi" / "bai-noi" / "hue" / "index.html").read_text(encoding="utf-8")


def test_source_is_credited_with_a_link_on_every_page(event_site):
    for path in built_pages(event_site):
        urls = [url for url, _ in parse_html(path).links]
        assert "https://news.example/dien-dan-mau" in urls, path


def test_no_script_and_no_remote_asset_in_the_built_site(event_site):
    for path in event_site.rglob("*.html"):
        html = path.read_text(encoding="utf-8")
        assert "<script src" not in html and "livereload" not in html
        for url, attributes in parse_html(path).links:
            if (
                attributes["tag"] in ("link", "img", "script")
                and attributes.get("rel") != "alternate"
                and attributes.get("rel") != "canonical"
            ):
                assert not urlsplit(url).scheme, f"{path}: remote asset {url}"


def test_content_is_nfc(event_site):
    import unicodedata

    for path in event_site.rglob("*.html"):
        assert unicodedata.is_normalized("NFC", path.read_text(encoding="utf-8")), path


@pytest.mark.parametrize("base", ["https://user.github.io/repo/", "https://conference.example/"])
def test_base_url_override_puts_every_link_under_it(event, base):
    result = run_cli(event, "--base-url", base)
    assert result.code == 0, result.err
    site = event / "site"
    path = urlsplit(base).path
    for page in built_pages(site):
        for url, _attributes in parse_html(page).links:
            if not urlsplit(url).scheme and not url.startswith("#"):
                assert url.startswith(path), f"{page}: {url}"
    assert f'href="{base}vi/"' in (site / "vi" / "index.html").read_text(encoding="utf-8")
