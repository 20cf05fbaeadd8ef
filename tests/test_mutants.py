"""Tests written to kill mutants that survived the mutation run (README, "Mutation testing")."""

from __future__ import annotations

import os

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


def test_an_element_in_another_language_ends_at_its_own_closing_tag_whatever_it_holds():
    """A Vietnamese fallback holding a line break (a void element, never closed) ends at its </span>: the French
    text after it gets its spacing."""
    html = '<p><span lang="vi">Xin chào<br>bạn ?</span> Pourquoi ?</p>'
    assert french_spacing_html(html) == f'<p><span lang="vi">Xin chào<br>bạn ?</span> Pourquoi{NNBSP}?</p>'


def test_an_element_in_a_third_language_inside_a_foreign_one_does_not_end_it():
    """English inside a Vietnamese block: after the English element the text is still Vietnamese, left as
    written; after the block it is French again."""
    html = '<div lang="vi"><span lang="en">Why?</span> Tại sao ?</div> Quoi ?'
    assert french_spacing_html(html) == f'<div lang="vi"><span lang="en">Why?</span> Tại sao ?</div> Quoi{NNBSP}?'


def test_a_void_element_marked_as_another_language_marks_no_text():
    """An <img lang="vi"> holds no text and has no closing tag: the French after it is French."""
    html = '<p><img alt="Ảnh" lang="vi"> Quoi ?</p>'
    assert french_spacing_html(html) == f'<p><img alt="Ảnh" lang="vi"> Quoi{NNBSP}?</p>'


def test_a_capitalised_fallback_text_keeps_where_it_comes_from():
    """The templates' capfirst filter keeps a fallback text marked as one: its language, the language it stands
    in for and the place of its mapping (what a template or the warning may show)."""
    from microsite.render import capfirst
    from microsite.text import FallbackText

    shown = capfirst(FallbackText("chủ tịch", "vi", "fr", ("content/speakers.yaml", 4, 9)))
    assert (shown, shown.lang, shown.missing, shown.where) == (
        "Chủ tịch",
        "vi",
        "fr",
        ("content/speakers.yaml", 4, 9),
    )


def test_a_fallback_text_comes_back_whole_from_the_build_cache(event, tmp_path):
    """A speaker's role with no French text is kept in the build cache like any parsed data: a later build that
    takes the data from the cache shows the Vietnamese role on the French pages exactly as a clean build does."""
    from conftest import clean_build, edit, snapshot
    from microsite.builder import build

    edit(
        event / "content/speakers.yaml",
        "    fr: \"directrice adjointe d'un service d'essai des transports\"\n",
        "",
    )
    build(event, tmp_path / "site")
    # An edit of the base template renders every page again, with the data files taken from the cache.
    edit(event / "templates/base.html", "<body>", '<body class="edited">')
    again = build(event, tmp_path / "site")
    assert again.linked == 0
    built = snapshot(tmp_path / "site")
    assert built == clean_build(event, tmp_path / "clean")
    assert any(
        '<span class="fallback" lang="vi" dir="ltr">Phó Giám đốc Sở Giao thông thử nghiệm</span>'.encode() in html
        for path, html in built.items()
        if path.startswith("fr/")
    )


# --- URLs (microsite/urls.py) ---


def test_urls_keep_sub_delimiters_readable_and_strip_only_leading_slashes():
    """A static file named logo@2x+dark.png keeps its name in the URL; only leading slashes are dropped."""
    from microsite.urls import Urls

    urls = Urls("https://example.org/repo/")
    assert urls.asset("logo@2x+dark.png") == "/repo/static/logo@2x+dark.png"
    assert urls.path("/Xmas/", absolute=True) == "https://example.org/repo/Xmas/"
    assert urls.path("a b/") == "/repo/a%20b/"


# --- translation state (microsite/translations.py, the state functions of microsite/model.py) ---


def _every_translation_problem(tiny):
    """The tiny site with one of each: a stale page once confirmed, one never confirmed, a missing page, two fuzzy
    strings in vi and two untranslated ones in fr (the first with a msgid too long to show whole)."""
    from conftest import edit

    source = tiny / "content/pages/index.vi.md"
    source.write_text(source.read_text(encoding="utf-8") + "\nMột câu mới.\n", encoding="utf-8")
    edit(tiny / "content/translations.yaml", "talks/da-nang:\n  fr: 8e48e522fb261b7b\n", "")
    vi = tiny / "locales/vi/LC_MESSAGES/messages.po"
    edit(vi, 'msgid "Date"', '#, fuzzy\nmsgid "Date"')
    edit(vi, 'msgid "Enter"', '#, fuzzy\nmsgid "Enter"')
    edit(
        tiny / "locales/fr/LC_MESSAGES/messages.po",
        '#: templates/base.html\nmsgid "Date"\nmsgstr "Date"',
        'msgid "A message far longer than forty characters, to be shortened"\nmsgstr ""\n\n'
        '#: templates/base.html\nmsgid "Date"\nmsgstr ""',
    )
    return tiny


def test_the_translation_report_names_each_problem_exactly(tiny):
    """The report's table, word for word: states, files, why a page is stale, counts and the first offender."""
    from conftest import run_cli

    result = run_cli(_every_translation_problem(tiny), "translations")
    assert result.code == 1
    assert (
        result.out
        == """\
KIND     NAME           LANG  STATE         FILE                                DETAIL
page     index          vi    ok            content/pages/index.vi.md
page     index          fr    stale         content/pages/index.fr.md           the source page changed since it was confirmed; no block record: confirm again to get block-level detail
page     notes          vi    ok            content/pages/notes.vi.md
page     notes          fr    missing       content/pages/notes.fr.md           shows the vi text
page     talks/da-nang  vi    ok            content/pages/talks/da-nang.vi.md
page     talks/da-nang  fr    stale         content/pages/talks/da-nang.fr.md   it was never confirmed against the source page
catalog  messages       vi    fuzzy         locales/vi/LC_MESSAGES/messages.po  2 fuzzy: 'Date'
catalog  messages       fr    untranslated  locales/fr/LC_MESSAGES/messages.po  2 untranslated: 'A message far longer than forty chara...'
3 ok, 5 to do
"""
    )


def test_a_strict_build_refuses_each_problem_with_its_hint(tiny):
    """--strict prints one located line per problem, each with what to do."""
    from conftest import run_cli

    result = run_cli(_every_translation_problem(tiny), "--strict")
    assert result.code == 1
    assert [line for line in result.err.splitlines() if line.startswith("error:")] == [
        "error: content/pages/index.fr.md: page 'index' (fr) is stale: the source page changed since it was "
        "confirmed; no block record: confirm again to get block-level detail — update the translation, then run "
        "`python build.py translations --confirm index`",
        "error: content/pages/notes.fr.md: page 'notes' (fr) is missing: shows the vi text — create this file: "
        "copy the source-language page to this name and translate it",
        "error: content/pages/talks/da-nang.fr.md: page 'talks/da-nang' (fr) is stale: it was never confirmed "
        "against the source page — update the translation, then run "
        "`python build.py translations --confirm talks/da-nang`",
        "error: locales/fr/LC_MESSAGES/messages.po: catalog 'messages' (fr) is untranslated: 2 untranslated: "
        "'A message far longer than forty chara...' — translate the empty msgstr entries (`python build.py i18n "
        "extract`, then `i18n update`, adds the strings the templates use but the catalog lacks)",
        "error: locales/vi/LC_MESSAGES/messages.po: catalog 'messages' (vi) is fuzzy: 2 fuzzy: 'Date' — check the "
        "fuzzy entries and remove their '#, fuzzy' flag",
    ]


# --- feeds and calendars (microsite/feeds.py) ---

ATOM = "{http://www.w3.org/2005/Atom}"


def test_the_feed_lists_the_newest_page_first(event):
    """Feed entries go newest first (by each page's `updated`), then by name."""
    import xml.etree.ElementTree as ET

    from conftest import edit, run_cli

    edit(event / "content/pages/program.fr.md", 'slug: "programme"', 'slug: "programme"\nupdated: 2024-12-01')
    edit(event / "content/pages/about.fr.md", 'slug: "à propos"', 'slug: "à propos"\nupdated: 2024-11-15')
    assert run_cli(event).code == 0
    feed = ET.parse(event / "site/fr/feed.xml").getroot()
    entries = [(e.findtext(ATOM + "updated"), e.findtext(ATOM + "title")) for e in feed.iter(ATOM + "entry")]
    assert entries[:2] == [("2024-12-01T00:00:00+07:00", "Programme"), ("2024-11-15T00:00:00+07:00", "À propos")]
    dates = [day for day, _ in entries]
    assert dates == sorted(dates, reverse=True)


def test_only_the_multilingual_landing_gets_the_home_pages_alternates_in_the_sitemap(tiny):
    """The sitemap lists the site's other files by address; the landing at the root ("") is announced with the
    home pages' hreflang alternates, any other address (a future search page, say) with none."""
    import re

    from microsite.config import load_config
    from microsite.feeds import sitemap
    from microsite.model import load_site
    from microsite.urls import Urls

    config = load_config(tiny)
    xml = sitemap(load_site(config), Urls(config.base_url), ["", "plan/"])
    entries = dict(re.findall(r"<url>\n    <loc>([^<]*)</loc>\n((?:    <xhtml:link [^>]*/>\n)*)  </url>", xml))
    assert entries["https://tiny.example/repo/plan/"] == ""
    assert entries["https://tiny.example/repo/"].count("<xhtml:link ") == len(config.languages) + 1  # x-default


def test_the_social_card_says_the_date_as_site_yaml_writes_it_in_the_language_and_direction_of_its_page(tiny):
    """Each language's card: its date in site.yaml's long pattern, its language and writing direction (Arabic
    right to left), and the site's address without the scheme or the final slash, as it was typed."""
    import re

    from conftest import edit
    from microsite.config import load_config
    from microsite.feeds import social_card
    from microsite.model import load_site
    from microsite.urls import Urls

    edit(tiny / "content/site.yaml", "languages: [vi, fr]", "languages: [vi, ar]")
    for page in (tiny / "content/pages").rglob("*.fr.md"):
        page.unlink()
    for name in ("site.yaml", "event.yaml", "speakers.yaml", "program.yaml"):  # no French left, and no Arabic
        path = tiny / "content" / name
        text = re.sub(r', fr: ("[^"]*"|[^,}]+)', "", path.read_text(encoding="utf-8"))
        path.write_text(re.sub(r"(?m)^\s*fr: .*\n", "", text), encoding="utf-8")
    (tiny / "content/translations.yaml").unlink()
    with (tiny / "content/site.yaml").open("a", encoding="utf-8") as site_yaml:
        site_yaml.write('dates: {vi: {long: "d/M/y"}}\n')
    site = load_site(load_config(tiny))
    urls = Urls("https://tiny.example/TEX/")
    vi, ar = social_card(site, urls, "vi"), social_card(site, urls, "ar")
    assert vi.kicker.endswith(" · 14/4/2023")  # the fixture's event is on 2023-04-14
    assert (vi.lang, vi.direction, ar.lang, ar.direction) == ("vi", "ltr", "ar", "rtl")
    assert vi.footer == ar.footer == "tiny.example/TEX"


def test_a_language_with_no_page_of_its_own_has_an_empty_feed_dated_by_the_event(event):
    """No French page at all: the French feed still builds, with no entry, dated the event's day."""
    import xml.etree.ElementTree as ET

    from conftest import run_cli

    for page in (event / "content/pages").rglob("*.fr.md"):
        page.unlink()
    result = run_cli(event)
    assert result.code == 0, result.err
    feed = ET.parse(event / "site/fr/feed.xml").getroot()
    assert feed.findtext(ATOM + "updated") == "2024-10-03T00:00:00+07:00"
    assert list(feed.iter(ATOM + "entry")) == []


def test_calendar_text_escapes_backslashes_semicolons_and_commas(event):
    """RFC 5545 TEXT: \\ ; , and newlines are escaped, so a calendar app shows the title as written."""
    from conftest import edit, run_cli

    edit(event / "content/event.yaml", 'fr: "Ville verte – Mobilité propre"', 'fr: "Ville\\\\verte;propre,sobre"')
    assert run_cli(event).code == 0
    calendar = (event / "site/fr/event.ics").read_bytes().decode("utf-8")
    assert "\r\nSUMMARY;LANGUAGE=fr:Ville\\\\verte\\;propre\\,sobre\r\n" in calendar


# --- links in Markdown and raw HTML (microsite/markup.py) ---


def test_broken_links_are_located_at_line_and_column_with_a_hint(tiny):
    """Each broken link names its file, line and column (where the address starts) and what to do."""
    from conftest import run_cli

    page = tiny / "content/pages/notes.vi.md"
    page.write_text(
        page.read_text(encoding="utf-8") + "\nMột dòng.\n\nXem [trang](nowhere.md) và [ảnh](/static/none.png).\n"
        '\n<p><a href="/nope/">x</a></p>\n\n[n](note.md)\n',
        encoding="utf-8",
    )
    result = run_cli(tiny)
    assert result.code == 1
    assert result.err.splitlines()[:4] == [
        "error: content/pages/notes.vi.md:9:13: link to 'nowhere.md': there is no page 'nowhere' — check the "
        "page's file name under content/pages/",
        "error: content/pages/notes.vi.md:9:34: link to '/static/none.png', which is not a page or file of the "
        "site — link to a page by its file, e.g. [Program](program.md), or fix the address",
        "error: content/pages/notes.vi.md:11:13: link to '/nope/', which is not a page or file of the site — link "
        "to a page by its file, e.g. [Program](program.md), or fix the address",
        "error: content/pages/notes.vi.md:13:5: link to 'note.md': there is no page 'note' — did you mean notes.md?",
    ]


def test_raw_html_links_are_resolved_like_markdown_links(tiny):
    """In a raw HTML block: a page file becomes its URL, a static file its fingerprinted URL, an external link
    gets rel="noopener" (unless it has a rel), entities in an address survive, mailto: is left alone."""
    import re

    from conftest import run_cli

    page = tiny / "content/pages/notes.vi.md"
    page.write_text(
        page.read_text(encoding="utf-8") + '\n<figure><img src="/static/style.css" alt="a">'
        '<a href="index.md">home</a> <a href="https://x.org/?a=1&amp;b=2">x</a> '
        '<a href="https://y.org/" rel="me">y</a> <a href="http://z.org/"/> '
        '<video poster="index.fr.md" src="mailto:a@b.c"></video></figure>\n',
        encoding="utf-8",
    )
    result = run_cli(tiny)
    assert result.code == 0, result.err
    css = next((tiny / "site/static").glob("style.*.css")).name
    html = (tiny / "site/vi/notes/index.html").read_text(encoding="utf-8")
    assert re.search("<figure>.*</figure>", html).group(0) == (
        f'<figure><img src="/repo/static/{css}" alt="a"><a href="/repo/vi/">home</a> '
        '<a href="https://x.org/?a=1&amp;b=2" rel="noopener">x</a> <a href="https://y.org/" rel="me">y</a> '
        '<a href="http://z.org/" rel="noopener"> <video poster="/repo/fr/" src="mailto:a@b.c"></video></a></figure>'
    )


# --- JSON-LD (microsite/feeds.py) ---


def test_the_event_json_ld_is_exactly_the_event_data(event):
    """Search engines read every key of the Event: its types, names, dates, place, super-event and performers."""
    import json
    import re

    from conftest import run_cli

    assert run_cli(event).code == 0
    html = (event / "site/fr/index.html").read_text(encoding="utf-8")
    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1))
    place = {"@type": "Place", "name": "Hué"}
    assert data == {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": "Ville verte – Mobilité propre",
        "description": "Site d’essai d’un atelier imaginaire\xa0: la mobilité propre dans les villes vertes.",
        "startDate": "2024-10-03",
        "endDate": "2024-10-03",
        "eventStatus": "https://schema.org/EventScheduled",
        "eventAttendanceMode": "https://schema.org/OfflineEventAttendanceMode",
        "inLanguage": "fr",
        "url": "https://example.test/event/fr/",
        "location": {**place, "address": {"@type": "PostalAddress", "addressLocality": "Hué", "addressCountry": "VN"}},
        "superEvent": {"@type": "Event", "name": "3e Forum modèle des villes"},
        "performer": [
            {
                "@type": "Person",
                "name": "Trần Thị Lan",
                "jobTitle": "directrice adjointe d’un service d’essai des transports",
                "homeLocation": place,
            },
            {
                "@type": "Person",
                "name": "Élodie Marchand",
                "jobTitle": "conseillère municipale d’essai",
                "homeLocation": {"@type": "Place", "name": "Grenoble"},
            },
            {"@type": "Person", "name": "Lê Văn Đức", "jobTitle": "urbaniste d’essai"},
        ],
    }


def test_without_a_site_description_the_json_ld_describes_the_conference(event):
    """No description in site.yaml: the Event's description is the conference's name."""
    import json
    import re

    from conftest import run_cli

    site_yaml = event / "content/site.yaml"
    lines = site_yaml.read_text(encoding="utf-8").splitlines(keepends=True)
    at = lines.index("description:\n")
    site_yaml.write_text("".join(lines[:at] + lines[at + 3 :]), encoding="utf-8")
    assert run_cli(event).code == 0
    html = (event / "site/vi/index.html").read_text(encoding="utf-8")
    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1))
    assert data["description"] == "Diễn đàn mẫu các thành phố lần thứ 3"


def test_a_strict_build_names_each_broken_placeholder_where_it_is(tiny):
    """Under --strict, an invalid catalog is reported by its located problems (not as a crash or a summary)."""
    from conftest import run_cli
    from test_catalog_safety import add_entry, strict_clean, use_in_templates

    strict_clean(tiny)
    use_in_templates(tiny, '{{ _("Contribution %(number)s of %(total)s", number=1, total=2) }}')
    line = add_entry(
        tiny, '#, python-format\nmsgid "Contribution %(number)s of %(total)s"\nmsgstr "Intervention sur %(total)s"\n'
    )
    result = run_cli(tiny, "--strict")
    assert result.code == 1 and "Traceback" not in result.err
    errors = [e for e in result.err.splitlines() if e.startswith("error:")]
    assert errors[0].startswith(
        f"error: locales/fr/LC_MESSAGES/messages.po:{line}: the translation of "
        "'Contribution %(number)s of %(total)s' lacks %(number)s"
    ), errors
    assert len(errors) == 2 and "(vi) is untranslated" in errors[1]  # the vi catalog lacks the new string


def test_confirming_needs_a_known_page_with_its_source(tiny):
    """--confirm refuses an unknown page (listing the known ones) and a page whose source language is missing."""
    from conftest import run_cli, write

    result = run_cli(tiny, "translations", "--confirm", "nowhere")
    assert result.code == 1
    assert result.err.splitlines() == [
        "error: content/pages: there is no page 'nowhere' — known pages: index, notes, talks/da-nang"
    ]
    write(tiny / "content/pages/extra.fr.md", "---\ntitle: Extra\n---\nTexte.\n")
    before = (tiny / "content/translations.yaml").read_bytes()
    result = run_cli(tiny, "translations", "--confirm", "extra")
    assert result.code == 1
    assert result.err.splitlines() == [
        "error: content/pages/extra.vi.md: the source page is missing, so there is "
        "nothing to confirm against — write the source page first"
    ]
    assert (tiny / "content/translations.yaml").read_bytes() == before


def test_the_report_names_a_plural_by_its_singular_and_shortens_from_forty_characters(tiny):
    """A plural entry with one empty form is untranslated and named by its singular; a msgid of exactly 40
    characters is shortened, one of 39 is not."""
    from conftest import edit, run_cli

    forty, thirty_nine = "A" * 40, "B" * 39
    edit(
        tiny / "locales/fr/LC_MESSAGES/messages.po",
        '#: templates/base.html\nmsgid "Date"',
        'msgid "One talk"\nmsgid_plural "%(n)s talks"\nmsgstr[0] "Un exposé"\nmsgstr[1] ""\n\n'
        '#: templates/base.html\nmsgid "Date"',
    )
    edit(
        tiny / "locales/vi/LC_MESSAGES/messages.po",
        '#: templates/base.html\nmsgid "Date"',
        f'#, fuzzy\nmsgid "{forty}"\nmsgstr "x"\n\n#: templates/base.html\nmsgid "Date"',
    )
    rows = {
        line.split()[2]: line for line in run_cli(tiny, "translations").out.splitlines() if line.startswith("catalog")
    }
    assert rows["fr"].endswith("1 untranslated: 'One talk'")
    assert rows["vi"].endswith(f"1 fuzzy: '{'A' * 37}...'")
    edit(tiny / "locales/vi/LC_MESSAGES/messages.po", forty, thirty_nine)
    rows = {
        line.split()[2]: line for line in run_cli(tiny, "translations").out.splitlines() if line.startswith("catalog")
    }
    assert rows["vi"].endswith(f"1 fuzzy: '{thirty_nine}'")


def test_a_missing_catalog_is_a_row_of_the_report(tiny):
    """No French catalog: the report says so on the catalog's own row, naming its file."""
    from conftest import run_cli

    (tiny / "locales/fr/LC_MESSAGES/messages.po").unlink()
    result = run_cli(tiny, "translations")
    assert result.code == 1
    assert result.out.splitlines()[-3:-1] == [
        "catalog  messages       vi    ok       locales/vi/LC_MESSAGES/messages.po  5 strings",
        "catalog  messages       fr    missing  locales/fr/LC_MESSAGES/messages.po  the fr interface catalog is missing",
    ]


def test_an_invalid_catalog_row_counts_its_broken_placeholders_and_shows_the_first(tiny):
    """One broken placeholder, then two: the row says how many (singular, plural) and where the first is."""
    from conftest import run_cli
    from test_catalog_safety import add_entry, use_in_templates

    use_in_templates(tiny, '{{ _("Contribution %(number)s of %(total)s", number=1, total=2) }}')
    line = add_entry(
        tiny, '#, python-format\nmsgid "Contribution %(number)s of %(total)s"\nmsgstr "Intervention sur %(total)s"\n'
    )
    row = (
        "catalog  messages       fr    invalid       locales/fr/LC_MESSAGES/messages.po  {}: line "
        f"{line}: the translation of 'Contribution %(number)s of %(total)s' lacks %(number)s"
    )
    assert run_cli(tiny, "translations").out.splitlines()[-2] == row.format("1 broken placeholder")
    add_entry(tiny, '#, python-format\nmsgid "Page %(n)s"\nmsgstr "Page"\n')
    assert run_cli(tiny, "translations").out.splitlines()[-2] == row.format("2 broken placeholders")


def test_a_string_with_a_context_is_found_in_the_catalog_by_its_context(tiny):
    """pgettext("menu", "Agenda") is translated by the catalogs' msgctxt "menu" entry: both catalogs are ok."""
    from conftest import run_cli
    from test_catalog_safety import use_in_templates

    use_in_templates(
        tiny, '{{ pgettext("menu", "Agenda") }} {{ npgettext("menu", "%(num)s talk", "%(num)s talks", 2) }}'
    )
    forms = {"vi": 'msgstr[0] "%(num)s x"\n', "fr": 'msgstr[0] "%(num)s x"\nmsgstr[1] "%(num)s xs"\n'}
    for lang, text in (("vi", "Chương trình"), ("fr", "Programme")):
        po = tiny / f"locales/{lang}/LC_MESSAGES/messages.po"
        po.write_text(
            po.read_text(encoding="utf-8") + f'\nmsgctxt "menu"\nmsgid "Agenda"\nmsgstr "{text}"\n'
            '\nmsgctxt "menu"\nmsgid "%(num)s talk"\nmsgid_plural "%(num)s talks"\n' + forms[lang],
            encoding="utf-8",
        )
    rows = [line.split()[2:4] for line in run_cli(tiny, "translations").out.splitlines() if line.startswith("catalog")]
    assert rows == [["vi", "ok"], ["fr", "ok"]]
    # A template that cannot be parsed is left to the build: the templates after it are still read.
    (tiny / "templates/a-broken.html").write_text("{% if %}", encoding="utf-8")
    use_in_templates(tiny, '{{ _("A string no catalog has") }}')
    rows = [line.split()[2:4] for line in run_cli(tiny, "translations").out.splitlines() if line.startswith("catalog")]
    assert rows == [["vi", "untranslated"], ["fr", "untranslated"]]


def test_a_build_warns_of_each_stale_and_missing_translation_exactly(tiny):
    """The build's warnings name the file, the reason and the command or file that ends the warning."""
    from conftest import run_cli

    result = run_cli(_every_translation_problem(tiny))
    assert result.code == 0, result.err
    assert [line for line in result.err.splitlines() if line.startswith("warning:")] == [
        "warning: content/pages/index.fr.md: translation is stale — the source page changed since it was confirmed; "
        "see what changed with `python build.py translations --diff index`, revise it, then run "
        "`python build.py translations --confirm index`",
        "warning: content/pages/talks/da-nang.fr.md: translation is stale — it was never confirmed against the "
        "source page; see what changed with `python build.py translations --diff talks/da-nang`, revise it, then "
        "run `python build.py translations --confirm talks/da-nang`",
        "warning: content/pages/notes.vi.md: no fr translation — a fallback page shows the vi text; create "
        "content/pages/notes.fr.md",
    ]  # grouped by kind, each kind in the order of its first warning


def test_a_site_without_its_home_page_is_one_line(tiny):
    """No index page in any language: one error that says which file to create."""
    from conftest import edit, run_cli

    for page in (tiny / "content/pages").glob("index.*.md"):
        page.unlink()
    edit(tiny / "content/site.yaml", "menu: [index, notes]", "menu: [notes]")
    result = run_cli(tiny)
    assert result.code == 1
    assert result.err.splitlines() == [
        "error: content/pages: the home page is missing — create content/pages/index.vi.md",
        "Build failed: 1 error; site/ was left as it was.",
    ]


def test_a_page_written_only_in_french_falls_back_the_other_way(tiny):
    """A page with no Vietnamese source: the vi page shows the French text, marked fr; the fr page is ok."""
    from conftest import run_cli, write

    write(tiny / "content/pages/extra.fr.md", "---\ntitle: Extra\n---\nTexte.\n")
    result = run_cli(tiny)
    assert result.code == 0, result.err
    assert (
        "warning: content/pages/extra.fr.md: no vi translation — a fallback page shows the fr text; create "
        "content/pages/extra.vi.md"
    ) in result.err.splitlines()
    html = (tiny / "site/vi/extra/index.html").read_text(encoding="utf-8")
    assert '<html lang="vi">' in html and '<div lang="fr">' in html and "Texte." in html
    rows = [line for line in run_cli(tiny, "translations").out.splitlines() if line.startswith("page     extra")]
    assert rows == [
        "page     extra          vi    missing  content/pages/extra.vi.md           shows the fr text",
        "page     extra          fr    ok       content/pages/extra.fr.md",
    ]


def test_the_calendar_description_uses_the_date_patterns_of_site_yaml(event):
    """The date written in the calendar's description follows site.yaml's patterns, like the pages."""
    from conftest import run_cli
    from test_generated_text import ics_value

    site_yaml = event / "content/site.yaml"
    site_yaml.write_text(
        site_yaml.read_text(encoding="utf-8")
        + ('dates:\n  fr: {full: "EEEE d MMM y", part_of_day: "{date}, {part}"}\n'),
        encoding="utf-8",
    )
    assert run_cli(event).code == 0
    calendar = (event / "site/fr/event.ics").read_bytes().decode("utf-8")
    assert ics_value(calendar, "DESCRIPTION").split("\n")[1] == "Jeudi 3 oct. 2024, le matin"


def test_strings_the_catalogs_lack_are_counted_and_the_first_by_msgid_is_named(tiny):
    """Template strings absent from the catalogs are counted once each (a context makes another string), the
    first in msgid order is named, and a call with a variable (no literal string) is not a string to translate."""
    from conftest import run_cli
    from test_catalog_safety import use_in_templates

    use_in_templates(
        tiny,
        '{{ _("Zebra") }} {{ pgettext("b", "Alpha") }} {{ pgettext("a", "Alpha") }} '
        '{{ _("Zebra") }} {{ _("Alpha") }} {{ _(page.title) }}',
    )
    rows = [line for line in run_cli(tiny, "translations").out.splitlines() if line.startswith("catalog")]
    assert [row.split("  ")[-1] for row in rows] == ["4 used by the templates but not in the catalog: 'Alpha'"] * 2


def test_confirming_a_page_records_only_its_real_translations(tiny):
    """Confirming a page whose French is a fallback confirms nothing and records nothing for French."""
    from conftest import run_cli

    result = run_cli(tiny, "translations", "--confirm", "notes")
    assert "confirmed" not in result.out
    assert "notes" not in (tiny / "content/translations.yaml").read_text(encoding="utf-8")
    assert "page     notes          fr    missing" in result.out


def test_absolute_urls_carry_the_whole_base_url():
    """What social cards, feeds and sitemaps link to: the root, a home page and an asset, absolute."""
    from microsite.urls import Urls

    urls = Urls("https://example.org/repo/", {"social-card.png": "social-card.0123abcd.png"})
    assert urls.root(absolute=True) == "https://example.org/repo/"
    assert urls.home("fr", absolute=True) == "https://example.org/repo/fr/"
    assert urls.asset("social-card.png", absolute=True) == "https://example.org/repo/static/social-card.0123abcd.png"
    assert (urls.root(), urls.home("fr"), urls.asset("x.svg")) == ("/repo/", "/repo/fr/", "/repo/static/x.svg")


# --- the build date (microsite/feeds.py) ---


def test_source_date_epoch_is_read_as_a_utc_day_whatever_the_local_zone(monkeypatch):
    """18:00 UTC on 3 October is already the 4th in Hà Nội: the build date is the UTC day, the 3rd."""
    import datetime as dt
    import time

    from microsite.clock import build_date

    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(dt.datetime(2024, 10, 3, 18, tzinfo=dt.timezone.utc).timestamp())))
    monkeypatch.setenv("TZ", "Asia/Ho_Chi_Minh")
    time.tzset()
    try:
        assert build_date() == dt.date(2024, 10, 3)
    finally:
        monkeypatch.undo()
        time.tzset()


def test_a_source_date_epoch_that_is_not_a_time_is_one_exact_line(tiny, monkeypatch):
    """The line names the variable, its value and what to set instead."""
    from conftest import run_cli

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "soon")
    result = run_cli(tiny)
    assert result.code == 1
    assert result.err.splitlines()[0] == (
        "error: SOURCE_DATE_EPOCH: 'soon' is not a Unix time — set it to a number "
        "of seconds such as 1681430400, or unset it"
    )


# --- the output guard and the atomic writer (microsite/writer.py) ---


def _refusal(out, project, action="write the site there"):
    """The one line check_output() refuses `out` with."""
    import pytest

    from microsite.errors import ContentError
    from microsite.writer import check_output

    with pytest.raises(ContentError) as refused:
        if action == "write the site there":
            check_output(out, project)
        else:
            check_output(out, project, action)
    return str(refused.value)


def test_each_refusal_of_the_output_guard_is_worded_exactly(tiny, tmp_path):
    """Each reason to refuse an output folder, and the hint that goes with it, word for word."""
    import microsite

    own = "choose an output folder of its own, such as site/"
    (tmp_path / "file.txt").write_text("a file\n", encoding="utf-8")
    assert _refusal(tmp_path / "file.txt/site", tiny) == (
        f"{tmp_path / 'file.txt/site'}: refusing to write the site there: {tmp_path / 'file.txt'} is not a folder"
        " — choose a folder for the output, such as site/"
    )
    assert _refusal(tiny, tiny) == (
        f"{tiny}: refusing to write the site there: it holds the project itself — {own} (the default)"
    )
    package = os.path.dirname(microsite.__file__)
    for code in (package, os.path.join(package, "templates"), os.path.dirname(package)):
        assert (
            _refusal(code, tiny)
            == f"{code}: refusing to write the site there: it holds the generator's own code — {own}"
        )
    assert _refusal(tiny / "content/x", tiny) == (
        f"{tiny / 'content/x'}: refusing to write the site there: it lies in the project's content/ — {own}"
    )
    (tmp_path / "repo/.git").mkdir(parents=True)
    assert _refusal(tmp_path / "repo/.git/x", tiny) == (
        f"{tmp_path / 'repo/.git/x'}: refusing to write the site there: it lies in a git repository's own folder — {own}"
    )
    (tiny / ".git").mkdir()
    assert _refusal(tiny / ".git/x", tiny) == (
        f"{tiny / '.git/x'}: refusing to write the site there: it lies in the project's .git/ — {own}"
    )
    (tmp_path / "worktree/sub").mkdir(parents=True)
    (tmp_path / "worktree/sub/.git").write_text("gitdir: elsewhere\n", encoding="utf-8")  # a .git file
    assert "it holds a git repository (sub/.git)" in _refusal(tmp_path / "worktree", tiny)
    (tmp_path / "deep/sub/.git").mkdir(parents=True)
    assert _refusal(tmp_path / "deep", tiny) == (
        f"{tmp_path / 'deep'}: refusing to write the site there: it holds a git repository (sub/.git), which "
        f"replacing the folder would delete — {own}"
    )
    (tmp_path / "foreign").mkdir()
    (tmp_path / "foreign/thesis.tex").write_text("years of work\n", encoding="utf-8")
    assert _refusal(tmp_path / "foreign", tiny) == (
        f"{tmp_path / 'foreign'}: refusing to write the site there: the folder is not empty and was not made by this"
        " generator (it has no .microsite-output file) — choose an empty or new folder, or empty this one yourself"
    )
    assert _refusal(tmp_path / "foreign", tiny, "delete it") == (
        f"{tmp_path / 'foreign'}: refusing to delete it: the folder is not empty and was not made by this generator"
        " (it has no .microsite-output file) — move what you want to keep out of it, or delete the folder yourself"
    )


def test_a_folder_tracked_by_git_is_refused_even_with_a_marker(tiny):
    """A planted marker does not make a folder of the sources replaceable; the project's own site/ stays allowed."""
    import subprocess

    from microsite.writer import MARKER, check_output

    subprocess.run(["git", "init", "-q", str(tiny)], check=True)
    (tiny / "docs").mkdir()
    (tiny / "docs/notes.txt").write_text("notes\n", encoding="utf-8")
    (tiny / "docs" / MARKER).write_text("planted", encoding="utf-8")
    assert check_output(tiny / "docs", tiny) == tiny / "docs"  # not tracked yet
    subprocess.run(["git", "-C", str(tiny), "add", "docs"], check=True)
    assert _refusal(tiny / "docs", tiny) == (
        f"{tiny / 'docs'}: refusing to write the site there: it holds files tracked by git, which replacing the "
        "folder would delete — choose an output folder of its own, such as site/"
    )
    (tiny / "site").mkdir()
    (tiny / "site/old.html").write_text("old\n", encoding="utf-8")
    subprocess.run(["git", "-C", str(tiny), "add", "site"], check=True)
    assert check_output(tiny / "site", tiny) == tiny / "site"  # the default output, even tracked and unmarked


def test_the_output_guard_accepts_what_the_build_made_and_returns_the_real_folder(tiny, tmp_path):
    """An empty folder, a new one, a marked one, and a link to one: the real folder comes back."""
    from microsite.writer import MARKER, check_output

    (tmp_path / "empty").mkdir()
    (tmp_path / "to-empty").symlink_to(tmp_path / "empty", target_is_directory=True)
    assert check_output(tmp_path / "to-empty", tiny) == tmp_path / "empty"
    assert check_output(tmp_path / "new/out", tiny) == tmp_path / "new/out"
    (tmp_path / "made").mkdir()
    (tmp_path / "made/index.html").write_text("x", encoding="utf-8")
    (tmp_path / "made" / MARKER).write_text("", encoding="utf-8")
    assert check_output(tmp_path / "made", tiny) == tmp_path / "made"
    (tmp_path / "made" / MARKER).unlink()
    (tmp_path / "made" / MARKER).symlink_to(tmp_path / "made/index.html")  # a link is no marker
    assert "it has no .microsite-output file" in _refusal(tmp_path / "made", tiny)


def test_static_files_get_their_hash_before_the_extension_in_folder_order(tmp_path):
    """style.css -> style.HASH.css (ten hex digits of SHA-256), x.min.js -> x.min.HASH.js; a name without an
    extension, or a dot only in its folder's name, gets .HASH at the end; a/b sorts before a-b/x."""
    import hashlib

    from microsite.writer import hashed_names

    static = tmp_path / "static"
    files = {"style.css": b"body{}", "x.min.js": b"1", "LICENSE": b"MIT", "a.b/c": b"c", "a/b": b"b", "a-b/x": b"x"}
    for rel, data in files.items():
        (static / rel).parent.mkdir(parents=True, exist_ok=True)
        (static / rel).write_bytes(data)
    digest = {rel: hashlib.sha256(data).hexdigest()[:10] for rel, data in files.items()}
    assets = hashed_names(static, tmp_path)
    assert assets == {
        "style.css": f"style.{digest['style.css']}.css",
        "x.min.js": f"x.min.{digest['x.min.js']}.js",
        "LICENSE": f"LICENSE.{digest['LICENSE']}",
        "a.b/c": f"a.b/c.{digest['a.b/c']}",
        "a/b": f"a/b.{digest['a/b']}",
        "a-b/x": f"a-b/x.{digest['a-b/x']}",
    }
    assert list(assets) == ["LICENSE", "a/b", "a-b/x", "a.b/c", "style.css", "x.min.js"]
    assert hashed_names(static) == assets  # the project defaults to the static folder's parent


def test_the_site_writer_refuses_a_second_writer_of_one_path(tmp_path, monkeypatch):
    """Two outputs claiming one file is a bug, said with the file's name; a file is written exactly as given."""
    monkeypatch.chdir(tmp_path)  # a mutant deleting the working folder deletes only this test's folder
    import pytest

    from microsite.writer import atomic_site

    with (
        pytest.raises(RuntimeError, match=r"^two outputs claim site/a/x\.html$"),
        atomic_site(tmp_path / "site") as writer,
    ):
        writer.write("a/x.html", "one\r\nété")
        assert (writer.tmp / "a/x.html").read_bytes() == "one\r\nété".encode()
        writer.write("a/x.html", "two")
    assert not (tmp_path / "site").exists()
    assert [p.name for p in tmp_path.iterdir()] == []


def test_an_atomic_site_is_linked_copied_and_swapped_in_whole(tmp_path, monkeypatch):
    """A linked file shares the old one's data, a copied one is equal; the block's files replace the old site, the
    marker with its text is there, and after_swap runs once the new site is in place."""
    monkeypatch.chdir(tmp_path)  # a mutant deleting the working folder deletes only this test's folder
    from microsite.writer import MARKER, MARKER_TEXT, atomic_site

    source = tmp_path / "old.css"
    source.write_text("css", encoding="utf-8")
    (tmp_path / "site").mkdir()
    (tmp_path / "site/stale.html").write_text("stale", encoding="utf-8")
    seen = []
    with atomic_site(tmp_path / "site", after_swap=lambda: seen.append(sorted(os.listdir(tmp_path / "site")))) as w:
        w.link(source, "static/a.css")
        w.copy(source, "static/b.css")
        w.write("index.html", "home")
    site = tmp_path / "site"
    assert seen == [[MARKER, "index.html", "static"]]
    assert os.path.samefile(site / "static/a.css", source)
    assert (site / "static/b.css").read_text(encoding="utf-8") == "css"
    assert not os.path.samefile(site / "static/b.css", source)
    assert (site / MARKER).read_text(encoding="utf-8") == MARKER_TEXT
    assert sorted(p.name for p in tmp_path.iterdir()) == ["old.css", "site"], "no temporary or old folder is left"


def write_under_umask(out, mask: int, rel: str) -> None:
    """Write one file through the atomic writer while the process runs under `mask`."""
    from microsite.writer import atomic_site

    old = os.umask(mask)
    try:
        with atomic_site(out) as writer:
            writer.write(rel, "x")
    finally:
        os.umask(old)


def test_a_site_is_readable_by_all_even_under_a_strict_umask(tmp_path, monkeypatch):
    """Folders 0755, files 0644, whatever umask the build ran under."""
    monkeypatch.chdir(tmp_path)  # a mutant deleting the working folder deletes only this test's folder
    import stat

    write_under_umask(tmp_path / "site", 0o077, "a/b/index.html")
    site = tmp_path / "site"
    for path, mode in [
        (site, 0o755),
        (site / "a", 0o755),
        (site / "a/b", 0o755),
        (site / "a/b/index.html", 0o644),
        (site / ".microsite-output", 0o644),
    ]:
        assert stat.S_IMODE(path.stat().st_mode) == mode, path


def test_a_failed_write_names_the_output_and_says_the_site_was_left(tmp_path, monkeypatch):
    """A full disk is one line; another error names the file (a copy's target, which comes second), or the output
    when the file is in the build's temporary folder; the old site stays."""
    import errno

    import pytest

    from microsite.errors import ContentError
    from microsite.writer import atomic_site

    monkeypatch.chdir(tmp_path)
    (tmp_path / "site").mkdir()
    (tmp_path / "site/index.html").write_text("old", encoding="utf-8")
    hint = "check the folder's permissions and free space, then build again"
    cases = [
        (
            OSError(errno.ENOSPC, "No space left on device"),
            "site: the disk is full; the site was left as it was — free some disk space and build again",
        ),
        (
            OSError(
                errno.EACCES, "Permission denied", str(tmp_path / "static/x.css"), None, str(tmp_path / "elsewhere")
            ),
            f"elsewhere: cannot write the site (Permission denied); the site was left as it was — {hint}",
        ),
        (
            OSError(errno.EACCES, "Permission denied", str(tmp_path / "static/x.css")),
            f"static/x.css: cannot write the site (Permission denied); the site was left as it was — {hint}",
        ),
        (
            OSError(errno.EACCES, "Permission denied", str(tmp_path / f".site.tmp-{os.getpid()}/b.html")),
            f"site: cannot write the site (Permission denied); the site was left as it was — {hint}",
        ),
        (
            OSError(errno.EACCES, "Permission denied", str(tmp_path / f".site.tmp-{os.getpid()}/fr/a/b.html")),
            f"site: cannot write the site (Permission denied); the site was left as it was — {hint}",
        ),
        (
            OSError(errno.EACCES, "Permission denied", str(tmp_path / f".site.tmp-{os.getpid()}")),
            f"site: cannot write the site (Permission denied); the site was left as it was — {hint}",
        ),
        (OSError("odd"), f"site: cannot write the site (odd); the site was left as it was — {hint}"),
    ]
    for exc, line in cases:
        with pytest.raises(ContentError) as failed, atomic_site(tmp_path / "site"):
            raise exc
        assert str(failed.value) == line
    assert (tmp_path / "site/index.html").read_text(encoding="utf-8") == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]
    outside = tmp_path.parent / "elsewhere-out"
    with pytest.raises(ContentError) as failed, atomic_site(outside):
        raise OSError(errno.ENOSPC, "No space left on device")
    assert failed.value.path == outside.as_posix()


def test_recovery_touches_only_the_leftovers_of_ended_builds_of_this_generator(tmp_path, monkeypatch):
    """A site moved aside comes back when the output is missing; stale temporary, old and trash folders of ended
    builds go (a trash folder even without its marker), and so do those of this very process; a folder of a build
    still running, a name that is no process id, a folder without the marker, a link and a file stay."""
    monkeypatch.chdir(tmp_path)  # a mutant deleting the working folder deletes only this test's folder
    from microsite.writer import MARKER, recover

    dead, alive = 99999999, os.getppid()

    def folder(name, marker=True, extra=True):
        path = tmp_path / name
        path.mkdir()
        if marker:
            (path / MARKER).write_text("", encoding="utf-8")
        if extra:
            (path / "index.html").write_text(name, encoding="utf-8")
        return path

    folder(f".site.old-{dead}")
    folder(f".site.tmp-{dead}")
    folder(f".site.tmp-{os.getpid()}")
    folder(f".site.trash-{dead}", marker=False)
    folder(f".site.tmp-{dead + 1}", marker=False, extra=False)  # empty: ours
    kept = [
        folder(f".site.tmp-{alive}"),
        folder(f".site.old-{alive}"),
        folder(".site.tmp-notes"),
        folder(f".site.tmp-{dead + 2}", marker=False),
        folder(f".site.old-{dead + 3}", marker=False),
    ]
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere/keep.txt").write_text("keep", encoding="utf-8")
    (tmp_path / f".site.trash-{dead + 4}").symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    (tmp_path / f".site.tmp-{dead + 5}").symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    (tmp_path / f".site.old-{dead + 6}").write_text("a file", encoding="utf-8")
    (tmp_path / f".other.tmp-{dead}").mkdir()
    recover(tmp_path / "site")
    assert (tmp_path / "site/index.html").read_text(encoding="utf-8") == f".site.old-{dead}"
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [
            *(p.name for p in kept),
            "elsewhere",
            "site",
            f".site.trash-{dead + 4}",
            f".site.tmp-{dead + 5}",
            f".site.old-{dead + 6}",
            f".other.tmp-{dead}",
        ]
    )
    assert (tmp_path / "elsewhere/keep.txt").is_file(), "a link is removed, never followed"
    folder(f".site.old-{dead}")
    recover(tmp_path / "site")  # the output is there: an old copy is deleted, not put back
    assert (tmp_path / "site/index.html").read_text(encoding="utf-8") == f".site.old-{dead}"
    assert not (tmp_path / f".site.old-{dead}").exists()


def test_an_old_site_holding_links_and_folders_is_removed_without_following_them(tmp_path, monkeypatch):
    """The site replaced by a build goes whole, its marker last; what its links point to stays."""
    monkeypatch.chdir(tmp_path)  # a mutant deleting the working folder deletes only this test's folder
    from microsite.writer import atomic_site

    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere/keep.txt").write_text("keep", encoding="utf-8")
    with atomic_site(tmp_path / "site") as writer:
        writer.write("a/b/c.html", "one")
    (tmp_path / "site/link").symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    (tmp_path / "site/file-link").symlink_to(tmp_path / "elsewhere/keep.txt")
    with atomic_site(tmp_path / "site") as writer:
        writer.write("index.html", "two")
    assert sorted(os.listdir(tmp_path / "site")) == [".microsite-output", "index.html"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["elsewhere", "site"]
    assert (tmp_path / "elsewhere/keep.txt").read_text(encoding="utf-8") == "keep"


def test_a_site_keeps_a_group_writable_umask(tmp_path, monkeypatch):
    """Under umask 003 (nothing hidden from others) nothing is changed: folders 0774, files 0664, as created."""
    import stat

    monkeypatch.chdir(tmp_path)
    write_under_umask(tmp_path / "site", 0o003, "a/index.html")
    assert stat.S_IMODE((tmp_path / "site/a").stat().st_mode) == 0o774
    assert stat.S_IMODE((tmp_path / "site/a/index.html").stat().st_mode) == 0o664


def test_a_file_that_cannot_be_linked_is_copied(tmp_path, monkeypatch):
    """Where hard links fail (another file system), the previous site's file is copied."""
    from microsite.writer import atomic_site

    monkeypatch.chdir(tmp_path)
    source = tmp_path / "old.css"
    source.write_text("css", encoding="utf-8")

    def no_link(*args):
        raise OSError("cross-device link")

    monkeypatch.setattr(os, "link", no_link)
    with atomic_site(tmp_path / "site") as writer:
        writer.link(source, "static/a.css")
    assert (tmp_path / "site/static/a.css").read_text(encoding="utf-8") == "css"


def test_recovery_leaves_a_running_build_and_its_process_alone(tmp_path, monkeypatch):
    """The folder of a build still running stays, and that process is not signalled; a process of another user
    (kill says PermissionError) counts as running."""
    import subprocess

    from microsite.writer import MARKER, recover

    monkeypatch.chdir(tmp_path)
    running = subprocess.Popen(["sleep", "30"])
    try:
        for pid in (running.pid, 99999999):
            (tmp_path / f".site.tmp-{pid}").mkdir()
            (tmp_path / f".site.tmp-{pid}" / MARKER).write_text("", encoding="utf-8")
        recover(tmp_path / "site")
        import time

        time.sleep(0.3)
        assert running.poll() is None, "the running build was not signalled"
        assert sorted(p.name for p in tmp_path.iterdir()) == [f".site.tmp-{running.pid}"]

        def not_permitted(pid, sig):
            raise PermissionError(1, "Operation not permitted")

        (tmp_path / ".site.tmp-99999999").mkdir()
        with monkeypatch.context() as patched:
            patched.setattr(os, "kill", not_permitted)
            recover(tmp_path / "site")
        assert {p.name for p in tmp_path.iterdir()} == {".site.tmp-99999999", f".site.tmp-{running.pid}"}
    finally:
        running.kill()
        running.wait()


def test_leftovers_of_an_output_with_a_dash_in_its_name_are_recovered(tmp_path, monkeypatch):
    """For my-site/, .my-site.old-PID is found and put back: the process id is what follows the last dash."""
    from microsite.writer import MARKER, recover

    monkeypatch.chdir(tmp_path)
    old = tmp_path / ".my-site.old-99999999"
    old.mkdir()
    (old / MARKER).write_text("", encoding="utf-8")
    recover(tmp_path / "my-site")
    assert sorted(os.listdir(tmp_path)) == ["my-site"]


def test_the_search_for_a_git_below_the_output_has_a_limit_and_follows_no_link(tiny, tmp_path, monkeypatch):
    """Past the limit of entries the output is refused, naming it; up to it, and with a link to a repository inside
    (not followed), a folder the build made is accepted; a folder that cannot be read is refused as such."""
    import microsite.writer
    from microsite.writer import MARKER, check_output

    monkeypatch.setattr(microsite.writer, "_WALK_LIMIT", 3)
    (tmp_path / "repo/.git").mkdir(parents=True)
    made = tmp_path / "made"
    made.mkdir()
    (made / MARKER).write_text("", encoding="utf-8")
    (made / "a.html").write_text("a", encoding="utf-8")
    (made / "repo").symlink_to(tmp_path / "repo", target_is_directory=True)
    assert check_output(made, tiny) == made  # three entries, the link not followed
    (made / "b.html").write_text("b", encoding="utf-8")
    assert _refusal(made, tiny) == (
        f"{made}: refusing to write the site there: it holds more than 3 files, too many"
        " to check for a .git — choose an empty or new folder for the output"
    )

    def unreadable(*args):
        raise PermissionError(13, "Permission denied")

    (made / "b.html").unlink()
    monkeypatch.setattr(os, "scandir", unreadable)
    assert _refusal(made, tiny) == (
        f"{made}: refusing to write the site there: it cannot be examined (Permission "
        "denied) — choose a folder you can read and write"
    )


def test_the_build_cache_is_no_place_for_the_site(tiny):
    own = "choose an output folder of its own, such as site/"
    assert _refusal(tiny / ".cache/site", tiny) == (
        f"{tiny / '.cache/site'}: refusing to write the site there: it lies in the project's .cache/ — {own}"
    )


def test_the_guard_counts_the_entries_of_the_whole_folder_not_of_each_level(tiny, tmp_path, monkeypatch):
    """The walk for a .git gives up after so many entries in all; none of these levels alone reaches the limit."""
    from microsite import writer

    monkeypatch.setattr(writer, "_WALK_LIMIT", 10)
    out = tmp_path / "big"
    for part in ("a", "b"):
        for number in range(6):
            (out / part / str(number)).mkdir(parents=True)
    (out / writer.MARKER).write_text("written by the generator\n", encoding="utf-8")
    assert _refusal(out, tiny) == (
        f"{out}: refusing to write the site there: it holds more than 10 files, too many to check for a .git — "
        "choose an empty or new folder for the output"
    )


def test_pages_are_written_in_utf_8_under_a_locale_that_is_not(tiny):
    """On a machine whose locale is plain ASCII (LC_CTYPE=C, no UTF-8 mode), a Vietnamese page is still written,
    in UTF-8. (In this process, so that the mutation run sees which test reaches the writer.)"""
    import locale

    from conftest import run_cli

    before = locale.setlocale(locale.LC_CTYPE)
    locale.setlocale(locale.LC_CTYPE, "C")
    try:
        built = run_cli(tiny, "--no-cache")
    finally:
        locale.setlocale(locale.LC_CTYPE, before)
    assert built.code == 0, built.err
    assert "<title>Trang chủ</title>" in (tiny / "site/vi/index.html").read_text(encoding="utf-8")
