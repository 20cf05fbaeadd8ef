"""Tests written to kill mutants that survived the mutation run (README, "Mutation testing")."""

from __future__ import annotations

from microsite.text import french_spacing_html, french_spacing_text, typeset

NNBSP, NBSP = "\u202f", "\u00a0"


# --- text rules (microsite/text.py) ---

def test_each_high_punctuation_mark_alone_gets_its_narrow_space():
    """A sentence with only a ; (or only a ?) still gets its narrow no-break space."""
    assert french_spacing_text("Pause ; café") == f"Pause{NNBSP}; café"
    assert french_spacing_text("Pourquoi ?") == f"Pourquoi{NNBSP}?"
    assert french_spacing_text("Enfin !") == f"Enfin{NNBSP}!"


def test_an_escaped_apostrophe_alone_becomes_the_typographic_one():
    """Markdown writes ' as &#39;: a text holding only that form still gets l’été."""
    assert french_spacing_text("l&#39;été") == "l\u2019été"
    assert french_spacing_text("l'été") == "l\u2019été"


def test_typeset_applies_french_rules_to_french_only_whatever_the_region():
    """Vietnamese keeps its text as written; fr and fr-CA both get French spacing."""
    assert typeset("Tại sao ?", "vi") == "Tại sao ?"
    assert typeset("Pourquoi ?", "fr") == f"Pourquoi{NNBSP}?"
    assert typeset("Pourquoi ?", "fr-CA") == f"Pourquoi{NNBSP}?"


def test_a_self_closing_code_tag_does_not_turn_the_rest_into_code():
    """<code/> opens nothing: the prose after it still gets French spacing."""
    assert french_spacing_html("<p><code/>Pause ; café</p>") == f"<p><code/>Pause{NNBSP}; café</p>"


def test_prose_between_nested_code_closings_stays_raw():
    """Text still inside <pre> after </code> is code: no spacing is added there."""
    html = "<pre><code>x</code> a ;</pre> b ;"
    assert french_spacing_html(html) == f"<pre><code>x</code> a ;</pre> b{NNBSP};"


def test_an_unclosed_angle_bracket_is_left_as_typed():
    """A '<' with no '>' after it is not text: it stays exactly as written."""
    assert french_spacing_html("<p>x</p>< a ; b") == "<p>x</p>< a ; b"


# --- URLs (microsite/urls.py) ---

def test_urls_keep_sub_delimiters_readable_and_strip_only_leading_slashes():
    """A static file named logo@2x+dark.png keeps its name in the URL; only leading slashes are dropped."""
    from microsite.urls import Urls

    urls = Urls("https://example.org/repo/")
    assert urls.asset("logo@2x+dark.png") == "/repo/static/logo@2x+dark.png"
    assert urls.path("/Xmas/", absolute=True) == "https://example.org/repo/Xmas/"
    assert urls.path("a b/") == "/repo/a%20b/"
