"""Text the build writes itself, beside the editors' pages: dates in each language's natural form (or the patterns
site.yaml sets), French typography in every format, the past-event notice, and the marking of editorial titles.
Each test builds the event fixture (real templates and catalogs, made-up content)."""

from __future__ import annotations

import datetime as dt
import json
import re
import xml.etree.ElementTree as ET

import pytest

from conftest import edit, run_cli

NBSP, NNBSP = "\u00a0", "\u202f"
ATOM = "{http://www.w3.org/2005/Atom}"
# The fixture's event is on 2024-10-03: a build date on each side of it, and on the day.
BEFORE = str(int(dt.datetime(2024, 9, 1, tzinfo=dt.timezone.utc).timestamp()))
ON_THE_DAY = str(int(dt.datetime(2024, 10, 3, 12, tzinfo=dt.timezone.utc).timestamp()))
AFTER = str(int(dt.datetime(2025, 1, 1, tzinfo=dt.timezone.utc).timestamp()))


def read(project, rel: str) -> str:
    """A built file's text, its line ends as written (an .ics has CRLF)."""
    return (project / "site" / rel).read_bytes().decode("utf-8")


def build(project, *args: str) -> None:
    """Build the project, failing the test with the build's own message."""
    result = run_cli(project, *args)
    assert result.code == 0, result.err


def meta(html: str, attribute: str, name: str) -> str:
    """The content of <meta name|property="name">."""
    return re.search(rf'<meta {attribute}="{re.escape(name)}" content="([^"]*)"', html).group(1)


def json_ld(html: str) -> dict:
    """The page's JSON-LD, parsed."""
    return json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1))


def ics_value(text: str, name: str) -> str:
    """One property of an .ics file, unfolded and unescaped."""
    unfolded = text.replace("\r\n ", "")
    value = re.search(rf"^{name}(?:;[^:]*)?:(.*)$", unfolded, re.M).group(1).rstrip("\r")
    return value.replace("\\n", "\n").replace("\\,", ",").replace("\\;", ";").replace("\\\\", "\\")


# --- dates ---------------------------------------------------------------------------------------------------


def test_dates_take_the_natural_vietnamese_and_french_forms_by_default(event):
    build(event)
    vi, fr = read(event, "vi/index.html"), read(event, "fr/index.html")
    # Day, month and year with their words, no comma before the year, the part of day in front.
    assert ">Sáng thứ Năm, ngày 3 tháng 10 năm 2024</time>" in vi
    assert ">Le matin du jeudi 3 octobre 2024</time>" in fr
    landing = read(event, "index.html")
    assert "Sáng thứ Năm, ngày 3 tháng 10 năm 2024 · Huế" in landing
    assert "Le matin du jeudi 3 octobre 2024 · Hué" in landing
    for html in (vi, fr, landing):
        assert "(sáng)" not in html and "(le matin)" not in html and "tháng 10, 2024" not in html


def test_date_patterns_set_in_site_yaml_replace_the_defaults(event):
    site_yaml = event / "content/site.yaml"
    site_yaml.write_text(
        site_yaml.read_text(encoding="utf-8")
        + (
            "dates:\n"
            "  vi: {full: \"EEEE 'ngày' dd/MM/y\"}\n"
            '  fr: {full: "EEEE d MMM y", part_of_day: "{date}, {part}"}\n'
        ),
        encoding="utf-8",
    )
    build(event)
    assert ">Sáng thứ Năm ngày 03/10/2024</time>" in read(event, "vi/index.html")
    assert ">Jeudi 3 oct. 2024, le matin</time>" in read(event, "fr/index.html")


def test_a_date_pattern_with_unquoted_words_is_one_located_line(event):
    site_yaml = event / "content/site.yaml"
    site_yaml.write_text(
        site_yaml.read_text(encoding="utf-8") + 'dates:\n  vi: {long: "ngày d tháng M"}\n', encoding="utf-8"
    )
    result = run_cli(event)
    assert result.code == 1
    lines = [line for line in result.err.splitlines() if line.startswith("error:")]
    assert len(lines) == 1 and "content/site.yaml:12:" in lines[0] and "not date fields" in lines[0], result.err


# --- French typography in every format -------------------------------------------------------------------------


def test_french_typography_reaches_meta_json_ld_feed_and_calendar(event):
    edit(event / "content/event.yaml", 'fr: "3e Forum modèle des villes"', 'fr: "3e Forum d\'essai des villes"')
    edit(event / "content/event.yaml", 'fr: "Ville verte – Mobilité propre"', 'fr: "Ville verte : mobilité propre"')
    edit(
        event / "content/pages/index.fr.md",
        'summary: "Un atelier imaginaire sur',
        "summary: \"L'atelier d'essai : « bus » ! Un atelier imaginaire sur",
    )
    build(event)
    home = read(event, "fr/index.html")
    summary = "L’atelier d’essai\u00a0: «\u00a0bus\u00a0»\u202f! Un atelier imaginaire sur"
    assert meta(home, "name", "description").startswith(summary)
    assert meta(home, "property", "og:description").startswith(summary)
    assert meta(home, "name", "twitter:description").startswith(summary)
    data = json_ld(home)
    assert data["description"] == (
        "Site d’essai d’un atelier imaginaire\u00a0: la mobilité propre dans les villes vertes."
    )
    assert data["name"] == "Ville verte\u00a0: mobilité propre"
    assert data["superEvent"]["name"] == "3e Forum d’essai des villes"
    talk = read(event, "fr/exposes/hue/index.html")
    assert meta(talk, "property", "og:title") == "Hué\u00a0: des bus électriques autour de la citadelle"
    assert meta(talk, "name", "twitter:title") == "Hué\u00a0: des bus électriques autour de la citadelle"
    description = meta(talk, "name", "description")
    assert "projet imaginaire d’un bus électrique pour environ 12\u202f000 personnes" in description
    feed = ET.parse(event / "site/fr/feed.xml").getroot()
    titles = [e.findtext(ATOM + "title") for e in feed.iter(ATOM + "entry")]
    summaries = [e.findtext(ATOM + "summary") for e in feed.iter(ATOM + "entry")]
    assert "Hué\u00a0: des bus électriques autour de la citadelle" in titles
    assert any("d’un bus électrique" in s for s in summaries if s)
    assert not any("'" in t or " :" in t for t in titles + [s for s in summaries if s])
    calendar = read(event, "fr/event.ics")
    assert ics_value(calendar, "SUMMARY") == "Ville verte\u00a0: mobilité propre"
    assert ics_value(calendar, "DESCRIPTION").startswith("3e Forum d’essai des villes\n")
    # Vietnamese texts keep their own spacing everywhere.
    assert NBSP not in read(event, "vi/event.ics") and NNBSP not in read(event, "vi/feed.xml")


def test_french_ordinals_are_raised_in_html_but_not_in_the_title_element(event):
    build(event)
    home = read(event, "fr/index.html")
    assert "3<sup>e</sup> Forum modèle des villes" in home
    assert re.search(r"<title>[^<]*3e Forum modèle des villes</title>", home)
    assert "<sup>" not in read(event, "vi/index.html")


def test_the_calendar_description_starts_with_a_capital_not_a_part_of_day(event):
    build(event)
    for lang, when in (("vi", "Sáng thứ Năm, ngày 3 tháng 10 năm 2024"), ("fr", "Le matin du jeudi 3 octobre 2024")):
        description = ics_value(read(event, f"{lang}/event.ics"), "DESCRIPTION")
        assert description[0].isupper() or description[0].isdigit(), description
        assert when in description.split("\n")


def test_the_event_json_ld_names_no_organizer(event):
    build(event)
    for lang in ("vi", "fr"):
        assert "organizer" not in json_ld(read(event, f"{lang}/index.html"))


# --- past events -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("when", [BEFORE, ON_THE_DAY])
def test_an_event_still_to_come_offers_its_calendar(event, monkeypatch, when):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", when)
    build(event)
    for lang, done in (("vi", "Sự kiện này đã diễn ra."), ("fr", "Cet événement a déjà eu lieu.")):
        home = read(event, f"{lang}/index.html")
        assert f'href="/event/{lang}/event.ics" download' in home
        assert done not in home


def test_a_past_event_says_it_took_place_and_offers_no_calendar(event, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", AFTER)
    build(event)
    for lang, done, offer in (
        ("vi", "Sự kiện này đã diễn ra.", "Thêm vào lịch"),
        ("fr", "Cet événement a déjà eu lieu.", "Ajouter à l’agenda"),
    ):
        home = read(event, f"{lang}/index.html")
        assert done in home
        assert offer not in home and "event.ics" not in home
        assert (event / "site" / lang / "event.ics").is_file()  # the file stays, for whoever wants it


def test_a_cached_build_follows_the_build_date(event, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", BEFORE)
    build(event)
    # Another page changes, so this is not a no-change build: the home's key must hold the build date's verdict.
    edit(event / "content/pages/about.vi.md", "\n## ", "\nMột câu mới.\n\n## ")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", AFTER)
    build(event)
    assert "Sự kiện này đã diễn ra." in read(event, "vi/index.html")


def test_a_day_passing_with_no_edit_is_not_up_to_date(event, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", BEFORE)
    build(event)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", AFTER)  # nothing was edited, but the event is now past
    result = run_cli(event)
    assert result.code == 0 and not result.out.startswith("Up to date"), result.out
    assert "Sự kiện này đã diễn ra." in read(event, "vi/index.html")


def test_a_source_date_epoch_that_is_not_a_time_is_one_line(event, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    result = run_cli(event)
    assert result.code == 1
    assert result.err.count("\n") <= 2 and "SOURCE_DATE_EPOCH" in result.err and "Unix time" in result.err, result.err


# --- editorial titles ------------------------------------------------------------------------------------------


def test_editorial_titles_are_marked_on_the_programme_and_the_talk_page(event):
    build(event, "--strict")  # the fixture marks the closing remarks' title as the editors'
    marks = {"vi": "Tiêu đề do ban biên tập trang đặt", "fr": "Titre donné par la rédaction du site"}
    for lang, program, closing, other in (
        ("vi", "vi/chuong-trinh/index.html", "vi/bai-noi/be-mac/index.html", "vi/bai-noi/hue/index.html"),
        ("fr", "fr/programme/index.html", "fr/exposes/cloture/index.html", "fr/exposes/hue/index.html"),
    ):
        html = read(event, program)
        assert html.count(marks[lang]) == 1
        items = html.split('class="program__item"')[1:]
        assert marks[lang] in items[-1] and not any(marks[lang] in item for item in items[:-1])
        assert marks[lang] in read(event, closing)
        assert marks[lang] not in read(event, other)


def test_the_first_of_a_month_is_an_ordinal_in_french_only(event):
    edit(event / "content/event.yaml", "date: 2024-10-03", "date: 2024-10-01")
    build(event)
    fr, vi = read(event, "fr/index.html"), read(event, "vi/index.html")
    assert "Le matin du mardi 1<sup>er</sup> octobre 2024" in fr
    assert "ngày 1 tháng 10 năm 2024" in vi and "1er" not in vi
    assert "1er octobre 2024" in read(event, "fr/event.ics").replace("\r\n ", "")
