"""Slugs with Vietnamese in mind, NFC, and French typography in text only."""

import unicodedata

import pytest

from microsite.text import french_spacing_html, nfc, slugify, slugify_path

NNBSP, NBSP = "\u202f", "\u00a0"


@pytest.mark.parametrize(
    "text, slug",
    [
        ("Thành phố thông minh – Đà Nẵng", "thanh-pho-thong-minh-da-nang"),
        ("Đà Nẵng", "da-nang"),
        ("ĐỒNG CHỦ TRÌ", "dong-chu-tri"),
        ("Hải Phòng", "hai-phong"),
        ("Hà Nội", "ha-noi"),
        ("À propos", "a-propos"),
        ("Œuvre & cœur", "oeuvre-coeur"),
        ("  Le Havre!  ", "le-havre"),
        ("chương trình", "chuong-trinh"),
        ("2023", "2023"),
    ],
)
def test_slugify_transliterates_vietnamese_and_french(text, slug):
    assert slugify(text) == slug


def test_slugify_gives_the_same_slug_for_nfd_input():
    decomposed = unicodedata.normalize("NFD", "Đà Nẵng")
    assert decomposed != "Đà Nẵng"
    assert slugify(decomposed) == "da-nang"


def test_slugify_path_slugifies_each_folder():
    assert slugify_path("tham luận/Đà Nẵng") == "tham-luan/da-nang"
    assert slugify_path("/exposés//Da Nang/") == "exposes/da-nang"


def test_nfc_composes_what_macos_decomposes():
    assert nfc(unicodedata.normalize("NFD", "Nguyễn Việt Hùng")) == "Nguyễn Việt Hùng"


@pytest.mark.parametrize(
    "source, expected",
    [
        ("<p>Bonjour : oui ; non ! quoi ?</p>", f"<p>Bonjour{NBSP}: oui{NNBSP}; non{NNBSP}! quoi{NNBSP}?</p>"),
        ("<p>« Ville »</p>", f"<p>«{NBSP}Ville{NBSP}»</p>"),
        ("<p>«Ville»</p>", f"<p>«{NBSP}Ville{NBSP}»</p>"),
        (f"<p>déjà{NBSP}: gardé</p>", f"<p>déjà{NBSP}: gardé</p>"),
        ("<p>35 000 habitants</p>", f"<p>35{NNBSP}000 habitants</p>"),
        ("<p>l'été</p>", "<p>l\u2019été</p>"),
    ],
)
def test_french_spacing_in_text(source, expected):
    assert french_spacing_html(source) == expected


@pytest.mark.parametrize(
    "source",
    [
        "<pre><code>a : b ; c ? d !</code></pre>",
        "<p><code>x : y</code></p>",
        '<a href="https://example.org/?a=1&amp;b=2" title="a : b">x</a>',
        '<script type="application/ld+json">{"a" : "b ?"}</script>',
        "<p>https://example.org/path</p>",
        "<p>10:30</p>",
    ],
)
def test_french_spacing_leaves_code_urls_and_attributes_alone(source):
    assert french_spacing_html(source) == source


def test_french_spacing_resumes_after_code():
    html = french_spacing_html("<p><code>a : b</code> puis : c</p>")
    assert html == f"<p><code>a : b</code> puis{NBSP}: c</p>"


@pytest.mark.parametrize(
    "source, expected",
    [
        (
            "<p>Les 12es Assises, le 1er mai, la 2e fois</p>",
            "<p>Les 12<sup>es</sup> Assises, le 1<sup>er</sup> mai, la 2<sup>e</sup> fois</p>",
        ),
        ("<title>Les 12es Assises</title><p>12e</p>", "<title>Les 12es Assises</title><p>12<sup>e</sup></p>"),
        ("<p>2e5, 12em, 3,5e, /fr/2e, <code>12e</code></p>", "<p>2e5, 12em, 3,5e, /fr/2e, <code>12e</code></p>"),
        ('<a title="12e">x</a>', '<a title="12e">x</a>'),
    ],
)
def test_french_ordinals_are_raised_in_text_only(source, expected):
    assert french_spacing_html(source) == expected
