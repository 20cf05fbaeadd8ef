"""URLs come from one module: output paths, links under a base path, relative resolution."""

from types import SimpleNamespace

import pytest

from microsite.config import normalise_base_url
from microsite.urls import Urls, page_output_path, page_url_path, resolve_relative


@pytest.mark.parametrize(
    "lang, slug, path, url",
    [
        ("vi", "", "vi/index.html", "vi/"),
        ("fr", "", "fr/index.html", "fr/"),
        ("vi", "chuong-trinh", "vi/chuong-trinh/index.html", "vi/chuong-trinh/"),
        ("fr", "interventions/da-nang", "fr/interventions/da-nang/index.html", "fr/interventions/da-nang/"),
    ],
)
def test_page_paths(lang, slug, path, url):
    assert page_output_path(lang, slug) == path
    assert page_url_path(lang, slug) == url


@pytest.mark.parametrize(
    "base, page_url, absolute, asset",
    [
        ("https://example.org/", "/fr/programme/", "https://example.org/fr/programme/", "/static/style.abc.css"),
        (
            "https://user.github.io/repo/",
            "/repo/fr/programme/",
            "https://user.github.io/repo/fr/programme/",
            "/repo/static/style.abc.css",
        ),
        (
            "http://127.0.0.1:8000/a/b/",
            "/a/b/fr/programme/",
            "http://127.0.0.1:8000/a/b/fr/programme/",
            "/a/b/static/style.abc.css",
        ),
    ],
)
def test_urls_under_base(base, page_url, absolute, asset):
    urls = Urls(base, {"style.css": "style.abc.css"})
    page = SimpleNamespace(lang="fr", slug="programme")
    assert urls.page(page) == page_url
    assert urls.page(page, absolute=True) == absolute
    assert urls.asset("style.css") == asset
    assert urls.path("/vi/") == urls.home("vi")


@pytest.mark.parametrize(
    "given, normal",
    [
        ("https://user.github.io/repo", "https://user.github.io/repo/"),
        ("https://user.github.io/repo//", "https://user.github.io/repo/"),
        ("https://example.org", "https://example.org/"),
    ],
)
def test_base_url_normalised(given, normal):
    assert normalise_base_url(given) == normal


@pytest.mark.parametrize("bad", ["ftp://x.org/", "example.org", "https://x.org/?a=1", ""])
def test_bad_base_url_refused(bad):
    with pytest.raises(ValueError):
        normalise_base_url(bad)


@pytest.mark.parametrize(
    "current, href, result",
    [
        ("/vi/tham-luan/nevers/", "../ha-noi/", "/vi/tham-luan/ha-noi/"),
        ("/vi/", "chuong-trinh/", "/vi/chuong-trinh/"),
        ("/vi/a/", "../../static/x.png", "/static/x.png"),
        ("/vi/a/index.html", "b/", "/vi/a/b/"),  # a file's links are relative to its folder
        ("/vi/a/index.html", "x.png", "/vi/a/x.png"),
        ("/vi/", "../", "/"),  # up to the root: one slash, not two
    ],
)
def test_resolve_relative(current, href, result):
    assert resolve_relative(current, href) == result
