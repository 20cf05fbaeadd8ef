"""Any set of languages: the event fixture with a third language (vi, fr, en) and with a right-to-left one
(vi, ar), built with the real templates: lang and dir everywhere, a switcher and hreflang for every language,
dates and names from Babel, typography only where a language needs it, and a data text that lacks a language
shown in the source language with a notice, a warning, and an error under --strict."""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from conftest import edit, event_project, parse_html, resolve_site_url, run_cli, write
from microsite import i18n, text
from microsite.commands.check import check_alternates
from microsite.config import load_config
from microsite.urls import Urls

THREE = ("vi", "fr", "en")

# English for the fixture's French texts; the others are copied from French (the tests read only these).
ENGLISH = {
    "Ville verte – Mobilité propre": "Green city – Clean transport",
    "Site d'essai d'un atelier imaginaire : la mobilité propre dans les villes vertes.": "A test site about an imaginary workshop: clean transport in green cities.",
    "Atelier": "Workshop",
    "3e Forum modèle des villes": "3rd Model Forum of Cities",
    "le matin": "in the morning",
    "Hué": "Hue",
    "conseillère municipale d'essai": "test city councillor",
}

# The one data text left without English: the last speaker's office, in content/speakers.yaml.
UNTRANSLATED_ROLE = "Chuyên gia quy hoạch thử nghiệm"

ENGLISH_PAGES = {
    "index": '---\ntitle: "Green city – Clean transport"\nsummary: "An imaginary workshop for the tests."\n---\n'
    "This is test content: how can cities reduce pollution? Read the [program](program.md).\n",
    "about": '---\ntitle: "About"\nslug: "about"\nsummary: "A test site and its source."\n---\n'
    "Everything here is imaginary: written for the tests.\n",
    "talks/hue": '---\ntitle: "Hue: electric buses around the citadel"\nslug: "talks/hue"\n'
    'summary: "An imaginary electric bus."\n---\nAbout 12 000 people go to work each day.\n',
}


def add_english(text: str) -> str:
    """Give every {vi, fr} mapping of a data file an en line (flow or block style), except UNTRANSLATED_ROLE's."""
    lines, out = text.split("\n"), []
    for index, line in enumerate(lines):
        flow = re.search(r'fr: ("[^"]*"|[^,}]+)\}', line)
        if flow:
            french = flow.group(1).strip().strip('"')
            line = line[: flow.end() - 1] + f', en: "{ENGLISH.get(french, french)}"' + line[flow.end() - 1 :]
        out.append(line)
        block = re.match(r"^(\s*)fr: (.*)$", line)
        if block and not flow and UNTRANSLATED_ROLE not in lines[index - 1]:
            french = block.group(2).strip().strip('"')
            out.append(f'{block.group(1)}en: "{ENGLISH.get(french, french)}"')
    return "\n".join(out)


def three_language_project(target: Path) -> Path:
    """The event fixture in vi, fr and en: English data (but for one speaker's office), three English pages (the
    others fall back to Vietnamese), and no English interface catalog."""
    project = event_project(target)
    content = project / "content"
    edit(content / "site.yaml", "languages: [vi, fr]", "languages: [vi, fr, en]")
    for name in ("site.yaml", "event.yaml", "speakers.yaml", "program.yaml"):
        path = content / name
        path.write_text(add_english(path.read_text(encoding="utf-8")), encoding="utf-8")
    for name, page in ENGLISH_PAGES.items():
        write(content / "pages" / f"{name}.en.md", page)
    assert not (project / "locales" / "en").exists()
    return project


@pytest.fixture(scope="module")
def three(tmp_path_factory):
    """The three-language fixture, built once (not strictly: it lacks translations on purpose)."""
    project = three_language_project(tmp_path_factory.mktemp("three") / "project")
    result = run_cli(project)
    assert result.code == 0, result.err
    return project, result


def pages_of(site: Path, langs) -> list[Path]:
    """Every page of these languages (not the landing or the 404 page)."""
    return sorted(p for lang in langs for p in (site / lang).rglob("index.html"))


def html_of(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def html_tag(html: str) -> str:
    return re.search(r"<html[^>]*>", html).group(0)


def switcher_items(html: str) -> list[str]:
    """The items of the language switcher, as HTML."""
    nav = re.search(r'<nav class="switcher".*?</nav>', html, re.DOTALL).group(0)
    return re.findall(r"<li>(.*?)</li>", nav, re.DOTALL)


# --- lang and dir -----------------------------------------------------------------------------------------


def test_every_page_of_three_languages_has_lang_and_dir(three):
    project, _ = three
    site = project / "site"
    for path in pages_of(site, THREE):
        lang = path.relative_to(site).parts[0]
        assert f'<html lang="{lang}" dir="ltr">' in html_of(path), path
    for path in (site / "index.html", site / "404.html"):
        html = html_of(path)
        assert html_tag(html) == '<html lang="vi" dir="ltr">'
        sections = re.findall(r'<section class="landing__section" lang="([^"]+)" dir="([^"]+)">', html)
        assert sections == [(lang, "ltr") for lang in THREE], path
    assert (
        "<title>Đô thị xanh – Giao thông sạch · Ville verte – Mobilité propre · Green city – Clean transport</title>"
    ) in html_of(site / "index.html")


def test_a_fallback_page_marks_the_text_it_shows_with_its_lang_and_dir(three):
    project, _ = three
    html = html_of(project / "site" / "en" / "chuong-trinh" / "index.html")  # no program.en.md: Vietnamese shown
    assert html_tag(html) == '<html lang="en" dir="ltr">'
    assert '<h1 lang="vi" dir="ltr">Chương trình</h1>' in html
    assert '<div class="prose" lang="vi" dir="ltr">' in html


def test_right_to_left_pages_say_so_and_their_left_to_right_fallbacks_too(tmp_path):
    project = event_project(tmp_path / "rtl")
    edit(project / "content" / "site.yaml", "languages: [vi, fr]", "languages: [vi, ar]")
    for path in (project / "content" / "pages").rglob("*.fr.md"):
        path.unlink()
    for name in ("site.yaml", "event.yaml", "speakers.yaml", "program.yaml"):  # no French: nothing in Arabic
        path = project / "content" / name
        text = re.sub(r', fr: ("[^"]*"|[^,}]+)', "", path.read_text(encoding="utf-8"))
        path.write_text(re.sub(r"(?m)^\s*fr: .*\n", "", text), encoding="utf-8")
    write(project / "content" / "pages" / "index.ar.md", '---\ntitle: "مدينة خضراء"\n---\nنص تجريبي.\n')
    (project / "content" / "translations.yaml").unlink()
    result = run_cli(project)
    assert result.code == 0, result.err
    site = project / "site"
    home = html_of(site / "ar" / "index.html")
    assert html_tag(home) == '<html lang="ar" dir="rtl">'
    # The event's texts have no Arabic: they are shown in Vietnamese, marked left to right inside the page.
    assert '<span class="fallback" lang="vi" dir="ltr">Đô thị xanh – Giao thông sạch</span>' in home
    about = sorted((site / "ar").glob("*/index.html"))
    assert about
    for path in about:
        html = html_of(path)
        assert html_tag(html) == '<html lang="ar" dir="rtl">', path
        assert 'class="prose" lang="vi" dir="ltr"' in html, path
    vi = html_of(site / "vi" / "index.html")
    assert html_tag(vi) == '<html lang="vi" dir="ltr">'
    landing = html_of(site / "index.html")
    sections = re.findall(r'<section class="landing__section" lang="([^"]+)" dir="([^"]+)">', landing)
    assert sections == [("vi", "ltr"), ("ar", "rtl")]
    assert "<title>Đô thị xanh – Giao thông sạch</title>" in landing  # once, though both languages show it


# --- switcher, hreflang, sitemap --------------------------------------------------------------------------


def test_the_switcher_lists_every_language_and_leads_to_the_same_page(three):
    project, _ = three
    site, base = project / "site", "/event/"
    for path in pages_of(site, THREE):
        lang = path.relative_to(site).parts[0]
        html = html_of(path)
        items = switcher_items(html)
        assert len(items) == 3, path
        assert [re.search(r'lang="([^"]+)"', item).group(1) for item in items] == list(THREE), path
        current = [item for item in items if 'aria-current="true"' in item]
        assert len(current) == 1 and f'lang="{lang}"' in current[0], path
        for item in items:
            href = re.search(r'href="([^"]+)"', item)
            if href is None:
                continue
            target = resolve_site_url(site, base, href.group(1))
            assert target is not None and target.is_file(), (path, href.group(1))
            # The same page: the target's switcher leads back here.
            back = [re.search(r'href="([^"]+)"', i) for i in switcher_items(html_of(target))]
            assert path in [resolve_site_url(site, base, b.group(1)) for b in back if b], (path, target)


def test_the_switcher_marks_the_languages_that_show_a_fallback(three):
    project, _ = three
    program = switcher_items(html_of(project / "site" / "fr" / "programme" / "index.html"))
    english = next(item for item in program if 'lang="en"' in item)
    assert 'class="switcher__fallback"' in english and "pas encore traduit" in english
    assert not any("switcher__fallback" in item for item in program if 'lang="en"' not in item)
    # On the fallback page itself, the current language is marked too.
    current = switcher_items(html_of(project / "site" / "en" / "chuong-trinh" / "index.html"))
    assert any('aria-current="true"' in item and "switcher__fallback" in item for item in current)
    index = switcher_items(html_of(project / "site" / "fr" / "index.html"))
    assert not any("switcher__fallback" in item for item in index)


def test_hreflang_is_reciprocal_across_three_languages(three):
    project, _ = three
    site = project / "site"
    urls = Urls(load_config(project).base_url)
    parsed = {path: parse_html(path) for path in sorted(site.rglob("*.html"))}
    assert check_alternates(site, urls, parsed) == []
    about = parse_html(site / "en" / "about" / "index.html").alternates
    assert set(about) == {"vi", "fr", "en", "x-default"}
    assert about["x-default"] == about["vi"]  # the source language
    program = parse_html(site / "vi" / "chuong-trinh" / "index.html").alternates
    assert set(program) == {"vi", "fr", "x-default"}  # the English fallback is never announced
    assert parse_html(site / "en" / "chuong-trinh" / "index.html").alternates == {}


def test_the_sitemap_lists_the_alternates_of_three_languages(three):
    project, _ = three
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
    root = ET.parse(project / "site" / "sitemap.xml").getroot()
    entries = {
        u.find("s:loc", ns).text: {link.get("hreflang"): link.get("href") for link in u.findall("x:link", ns)}
        for u in root.findall("s:url", ns)
    }
    base = "https://example.test/event/"
    about = entries[base + "en/about/"]
    assert set(about) == {"vi", "fr", "en", "x-default"}
    for lang, href in about.items():
        if lang != "x-default":
            assert entries[href] == about  # each alternate lists the same set
    assert base + "en/chuong-trinh/" not in entries  # a fallback is not announced
    assert set(entries[base]) == {"vi", "fr", "en", "x-default"}


# --- dates, numbers, names --------------------------------------------------------------------------------


def test_english_pages_get_english_dates_and_country_names(three):
    project, _ = three
    home = html_of(project / "site" / "en" / "index.html")
    assert "Thursday, October 3, 2024, in the morning" in home
    assert "Hue, Vietnam" in home
    landing = html_of(project / "site" / "index.html")
    assert "Thursday, October 3, 2024, in the morning" in landing


@pytest.mark.parametrize(
    ("lang", "full", "number"),
    [
        ("en", "Saturday, April 1, 2023", "35,000"),
        ("de", "Samstag, 1. April 2023", "35.000"),
        ("fr-CA", "samedi 1er avril 2023", "35\xa0000"),
        ("pt-BR", "sábado, 1 de abril de 2023", "35.000"),
        ("ar", "السبت، 1 أبريل 2023", "35,000"),
    ],
)
def test_dates_and_numbers_of_any_locale_come_from_babel(lang, full, number):
    assert i18n.format_date(dt.date(2023, 4, 1), lang, "full") == full
    assert i18n.format_number(35000, lang).replace("\u202f", "\xa0").replace("\u066c", ",") == number


def test_regional_languages_have_names_and_locales():
    assert i18n.language_name("fr-CA") == "Français (Canada)"
    assert i18n.open_graph_locale("fr-CA") == "fr_CA"
    assert i18n.open_graph_locale("en") == "en_US"
    assert i18n.country_name("VN", "pt-BR") == "Vietnã"
    assert i18n.direction("ar") == "rtl" and i18n.direction("fr-CA") == "ltr"


def test_a_regional_language_code_builds_and_an_underscore_is_refused(tmp_path):
    project = event_project(tmp_path / "regional")
    content = project / "content"
    for path in content.rglob("*.fr.md"):
        path.rename(path.with_name(path.name.replace(".fr.md", ".fr-CA.md")))
    for name in ("site.yaml", "event.yaml", "speakers.yaml", "program.yaml", "translations.yaml"):
        path = content / name
        path.write_text(re.sub(r"\bfr:", "fr-CA:", path.read_text(encoding="utf-8")), encoding="utf-8")
    edit(content / "site.yaml", "languages: [vi, fr]", "languages: [vi, fr-CA]")
    (project / "locales" / "fr").rename(project / "locales" / "fr-CA")
    result = run_cli(project, "--strict")
    assert result.code == 0, result.err
    html = html_of(project / "site" / "fr-CA" / "exposes" / "hue" / "index.html")
    assert html_tag(html) == '<html lang="fr-CA" dir="ltr">'
    assert "12\u202f000" in html and "Qui prendra cette ligne\u202f?" in html  # French typography
    edit(content / "site.yaml", "languages: [vi, fr-CA]", "languages: [vi, fr_CA]")
    refused = run_cli(project)
    assert refused.code == 1
    assert "content/site.yaml:2:" in refused.err and "write it as fr-CA" in refused.err


# --- typography -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["fr", "fr-CA", "fr-BE"])
def test_french_typography_for_every_french_locale(lang):
    assert text.typeset("Pourquoi ? « Oui »", lang) == "Pourquoi\u202f? «\xa0Oui\xa0»"
    assert text.typeset_html("<p>Pourquoi ? Le 12e</p>", lang) == "<p>Pourquoi\u202f? Le 12<sup>e</sup></p>"


@pytest.mark.parametrize("lang", ["vi", "en", "de", "ar", "pt-BR"])
def test_no_typography_is_invented_for_other_languages(lang):
    written = "Why ? « Yes » : 12 000 l'été, the 12e"
    assert text.typeset(written, lang) == written
    assert text.typeset_html(f"<p>{written}</p>", lang) == f"<p>{written}</p>"


def test_english_pages_keep_their_spacing_as_written(three):
    project, _ = three
    html = html_of(project / "site" / "en" / "talks" / "hue" / "index.html")
    assert "About 12 000 people" in html and "\u202f" not in re.sub(r"<[^>]+>", "", html.split("<main")[1])


# --- a data text without a language -----------------------------------------------------------------------


def test_a_data_text_without_english_is_shown_in_the_source_language_with_a_notice(three):
    project, _ = three
    html = html_of(project / "site" / "en" / "dien-gia" / "index.html")  # a fallback page: speakers.vi.md
    assert (
        f'<span class="fallback" lang="vi" dir="ltr">{UNTRANSLATED_ROLE}</span>'
        ' <span class="fallback__note">(shown in Vietnamese)</span>'
    ) in html
    # Other texts of the same list are English, unmarked.
    assert "Test city councillor" in html and 'lang="vi" dir="ltr">Test city' not in html
    # The French and Vietnamese pages have their own texts.
    assert "Urbaniste d’essai" in html_of(project / "site" / "fr" / "intervenants" / "index.html")


def test_a_data_text_without_english_warns_with_its_file_and_line(three):
    project, result = three
    lines = (project / "content" / "speakers.yaml").read_text(encoding="utf-8").split("\n")
    line = next(n for n, written in enumerate(lines, start=1) if UNTRANSLATED_ROLE in written)
    warnings = [w for w in result.err.splitlines() if "speakers.yaml" in w]
    assert len(warnings) == 1, result.err
    assert warnings[0].startswith(f"warning: content/speakers.yaml:{line}:5: no en text")
    assert "the vi text is shown" in warnings[0]
    assert "add a line 'en: ...'" in warnings[0]


def test_strict_refuses_a_data_text_without_a_language(tmp_path):
    project = three_language_project(tmp_path / "strict")
    result = run_cli(project, "--strict")
    assert result.code == 1
    assert re.search(r"error: content/speakers\.yaml:\d+:\d+: no en text", result.err), result.err


def test_a_missing_source_text_and_an_unknown_language_stay_errors(tmp_path):
    project = three_language_project(tmp_path / "errors")
    data = project / "content" / "event.yaml"
    edit(data, 'city: {vi: "Huế", ', "city: {")
    edit(data, 'kind: {vi: "Phiên thảo luận"', 'kind: {de: "Sitzung", vi: "Phiên"')
    lines = data.read_text(encoding="utf-8").split("\n")
    city = next(n for n, line in enumerate(lines, start=1) if line.startswith("city:"))
    result = run_cli(project)
    assert result.code == 1
    assert f"content/event.yaml:{city}:7: the vi text, in the source language, is missing" in result.err
    assert "content/event.yaml:2:12: unknown language 'de'" in result.err


# --- an interface catalog that is not there --------------------------------------------------------------


def test_a_language_without_a_catalog_builds_with_the_source_strings_and_says_so(three):
    project, result = three
    assert "locales/en/LC_MESSAGES/messages.po: the en interface catalog is missing" in result.err
    home = html_of(project / "site" / "en" / "index.html")
    assert "Key ideas" in home and "Skip to content" in home
    report = run_cli(project, "translations")
    assert re.search(r"catalog\s+messages\s+en\s+missing", report.out), report.out


def test_strict_refuses_a_missing_catalog_until_i18n_update_creates_it(tmp_path):
    project = three_language_project(tmp_path / "catalog")
    strict = run_cli(project, "--strict")
    assert strict.code == 1 and "locales/en/LC_MESSAGES/messages.po" in strict.err
    line = next(line for line in strict.err.splitlines() if "catalog 'messages' (en) is missing" in line)
    assert "run `python build.py i18n update`, which creates it" in line  # not `new`, which makes pages
    assert run_cli(project, "i18n", "update").code == 0
    assert (project / "locales" / "en" / "LC_MESSAGES" / "messages.po").is_file()
    report = run_cli(project, "translations")
    assert re.search(r"catalog\s+messages\s+en\s+untranslated", report.out), report.out


def test_a_fallback_text_survives_the_build_cache(tmp_path):
    project = three_language_project(tmp_path / "cached")
    assert run_cli(project).code == 0
    page = project / "content" / "pages" / "about.vi.md"  # any edit: the data files come from the cache
    page.write_text(page.read_text(encoding="utf-8") + "\nThêm.\n", encoding="utf-8")
    again = run_cli(project)
    assert again.code == 0 and "cache" not in again.err, again.err
    assert "content/speakers.yaml:" in again.err and "no en text" in again.err
    html = html_of(project / "site" / "en" / "dien-gia" / "index.html")
    assert f'<span class="fallback" lang="vi" dir="ltr">{UNTRANSLATED_ROLE}</span>' in html


def test_french_typography_leaves_text_in_another_language_as_written():
    html = (
        '<p>Oui ? « A »</p><div class="prose" lang="vi" dir="ltr"><p>Gì ? 12 000 <span>l\'x ?</span></p>'
        '<div>Ừ ?</div></div><p lang="fr-CA">Non ?</p><p>Fin ?</p>'
    )
    assert text.typeset_html(html, "fr") == (
        '<p>Oui\u202f? «\xa0A\xa0»</p><div class="prose" lang="vi" dir="ltr"><p>Gì ? 12 000 <span>l\'x ?</span></p>'
        '<div>Ừ ?</div></div><p lang="fr-CA">Non\u202f?</p><p>Fin\u202f?</p>'
    )


def test_a_french_page_shows_a_vietnamese_fallback_as_written(tmp_path):
    project = event_project(tmp_path / "fallback")
    (project / "content" / "pages" / "about.fr.md").unlink()
    edit(project / "content" / "pages" / "about.vi.md", "## Nguồn", "Hỏi ? Khoảng 12 000 người.\n\n## Nguồn")
    assert run_cli(project).code == 0
    html = html_of(project / "site" / "fr" / "gioi-thieu" / "index.html")
    assert "Hỏi ? Khoảng 12 000 người." in html


def test_the_stylesheet_lays_out_right_to_left_pages_too():
    # Physical sides (left, right) stay put when dir="rtl" flips the page: a notice's border, a list's indent and
    # the next-contribution link would sit on the wrong side. Logical ones (inline-start, end) follow the page.
    css = (Path(__file__).resolve().parent.parent / "static" / "style.css").read_text(encoding="utf-8")
    physical = re.findall(r"[\w-]*\b(?:left|right)\b[\w-]*\s*:[^;}]*|text-align:\s*(?:left|right)", css)
    assert physical == []


def test_i18n_update_creates_the_catalog_of_a_regional_language(tmp_path):
    project = event_project(tmp_path / "pt")
    edit(project / "content" / "site.yaml", "languages: [vi, fr]", "languages: [vi, fr, pt-BR]")
    result = run_cli(project, "i18n", "update")
    assert result.code == 0, result.err
    catalog = (project / "locales" / "pt-BR" / "LC_MESSAGES" / "messages.po").read_text(encoding="utf-8")
    assert '"Language: pt_BR\\n"' in catalog and 'msgid "Key ideas"' in catalog
    assert run_cli(project, "i18n", "compile").code == 0


def test_a_part_of_day_that_lacks_the_language_is_left_out_of_the_date():
    day = dt.date(2024, 10, 3)
    borrowed = text.FallbackText("sáng", "vi", "en", ("content/event.yaml", 7, 14))
    assert i18n.format_event_date(day, "en", borrowed) == "Thursday, October 3, 2024"
    assert i18n.format_event_date(day, "en", "in the morning") == "Thursday, October 3, 2024, in the morning"


def test_the_translation_report_lists_a_data_text_that_lacks_a_language(three):
    project, _ = three
    report = run_cli(project, "translations")
    assert report.code == 1
    rows = [line.split() for line in report.out.splitlines() if line.startswith("text ")]
    assert len(rows) == 1, report.out
    name, lang, state, path = rows[0][1:5]
    assert (lang, state, path) == ("en", "missing", "content/speakers.yaml") and name.startswith("speakers.yaml:")
    assert "shows the vi text" in " ".join(rows[0])


def test_the_menu_marks_the_title_of_a_page_shown_in_another_language(three):
    project, _ = three
    menu = re.search(
        r'<nav class="menu".*?</nav>', html_of(project / "site" / "en" / "about" / "index.html"), re.DOTALL
    ).group(0)
    assert '<a href="/event/en/chuong-trinh/" lang="vi" dir="ltr">Chương trình</a>' in menu
    assert '<a href="/event/en/about/" aria-current="page">About</a>' in menu
