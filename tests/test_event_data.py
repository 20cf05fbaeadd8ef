"""What is particular to one event lives in its content: its time zone, its credited source, its session roles."""

from __future__ import annotations

import re
import subprocess
import sys

from conftest import ROOT, edit, run_cli

TIMEZONE = "timezone: Asia/Ho_Chi_Minh\n"


def one_error(err: str) -> str:
    """The single error line of a failed build (its summary line follows it)."""
    lines = [line for line in err.splitlines() if line.startswith("error: ")]
    assert len(lines) == 1 and "Build failed: 1 error" in err, err
    return lines[0]


# --- the time zone ---------------------------------------------------------------------------------


def test_feed_times_are_given_in_the_events_time_zone(tiny, tmp_path):
    edit(tiny / "content/event.yaml", TIMEZONE, "timezone: Europe/Paris\n")
    result = run_cli(tiny, "--out", str(tmp_path / "out"))
    assert result.code == 0, result.err
    feed = (tmp_path / "out/vi/feed.xml").read_text(encoding="utf-8")
    # 14 April 2023 in Paris is summer time; the fixture's own Hà Nội zone gives +07:00 (the golden copy).
    assert set(re.findall(r"<updated>(.*?)</updated>", feed)) == {"2023-04-14T00:00:00+02:00"}


def test_a_missing_time_zone_is_named_with_the_key_to_add(tiny):
    edit(tiny / "content/event.yaml", TIMEZONE, "")
    result = run_cli(tiny)
    assert result.code == 1
    line = one_error(result.err)
    assert line.startswith('error: content/event.yaml:1:1: timezone is missing — add "timezone:"'), line
    assert "Asia/Ho_Chi_Minh" in line


def test_an_unknown_time_zone_is_located_and_the_close_one_proposed(tiny):
    edit(tiny / "content/event.yaml", TIMEZONE, "timezone: Asia/Ho_Chi_Min\n")
    result = run_cli(tiny)
    assert result.code == 1
    line = one_error(result.err)
    assert line.startswith("error: content/event.yaml:12:11: unknown time zone 'Asia/Ho_Chi_Min'"), line
    assert "did you mean 'Asia/Ho_Chi_Minh'?" in line


def test_a_time_zone_that_names_a_file_outside_the_database_is_refused(tiny):
    edit(tiny / "content/event.yaml", TIMEZONE, "timezone: ../../etc/passwd\n")
    result = run_cli(tiny)
    assert result.code == 1
    assert "content/event.yaml:12:11: unknown time zone '../../etc/passwd'" in one_error(result.err)


# --- the credited source ------------------------------------------------------------------------------

SOURCE = """source:
  title: "Diễn đàn mẫu bàn về giao thông sạch"
  url: https://news.example/dien-dan-mau
  author: "Phóng Viên Thử"
  publisher: "Báo Thử Nghiệm"
  lang: vi
"""


def test_the_source_link_carries_the_reports_own_language(event):
    edit(event / "content/event.yaml", "  lang: vi\n", "  lang: fr\n")
    result = run_cli(event, "--strict")
    assert result.code == 0, result.err
    for page in ("vi/index.html", "fr/index.html", "vi/dien-gia/index.html", "fr/intervenants/index.html"):
        html = (event / "site" / page).read_text(encoding="utf-8")
        assert '<a href="https://news.example/dien-dan-mau" hreflang="fr" lang="fr" rel="noopener">' in html, page
        assert '<span lang="fr">Báo Thử Nghiệm</span>' in html, page
        assert 'lang="vi"' not in html.split("<footer", 1)[1], page


def test_a_site_without_a_source_credits_none(event):
    edit(event / "content/event.yaml", SOURCE, "")
    result = run_cli(event, "--strict")
    assert result.code == 0, result.err
    for page in ("vi/index.html", "fr/index.html", "vi/dien-gia/index.html", "fr/intervenants/index.html"):
        html = (event / "site" / page).read_text(encoding="utf-8")
        assert "news.example" not in html and 'class="source' not in html and 'id="source"' not in html, page
        assert "written from this report" not in html and "rédigés à partir" not in html, page


# --- session roles --------------------------------------------------------------------------------------

ROLES = """roles:
  - title: {vi: "Đồng chủ trì", fr: "Coprésidents"}
    label: {vi: "Đồng chủ trì", fr: "Coprésidence"}
    people: [tran-thi-lan, elodie-marchand]
"""


def section(html: str, heading: str) -> str:
    """The home page's section under a heading, up to the next section."""
    start = html.index(f">{heading}</h2>")
    return html[start : html.index("</section>", start)]


def test_session_roles_and_their_titles_come_from_event_yaml(event):
    edit(
        event / "content/event.yaml",
        ROLES,
        ROLES
        + """  - title: {vi: "Người điều phối", fr: "Animation"}
    people: [elodie-marchand]
""",
    )
    result = run_cli(event, "--strict")
    assert result.code == 0, result.err
    home = (event / "site/fr/index.html").read_text(encoding="utf-8")
    chairs, moderation = section(home, "Coprésidents"), section(home, "Animation")
    assert "Trần Thị Lan" in chairs and "Élodie Marchand" in chairs
    assert "Élodie Marchand" in moderation and "Trần Thị Lan" not in moderation
    assert home.index(">Coprésidents</h2>") < home.index(">Animation</h2>")
    speakers = (event / "site/fr/intervenants/index.html").read_text(encoding="utf-8")
    assert speakers.count("<li>Coprésidence</li>") == 2 and speakers.count("<li>Animation</li>") == 1
    vi_speakers = (event / "site/vi/dien-gia/index.html").read_text(encoding="utf-8")
    assert vi_speakers.count("<li>Đồng chủ trì</li>") == 2 and vi_speakers.count("<li>Người điều phối</li>") == 1


def test_a_session_without_roles_builds_and_shows_none(event):
    edit(event / "content/event.yaml", ROLES, "roles: []\n")
    result = run_cli(event, "--strict")
    assert result.code == 0, result.err
    home = (event / "site/vi/index.html").read_text(encoding="utf-8")
    before_contributions = home.split("<main", 1)[1].split('id="contributions"')[0]
    assert 'id="role-' not in home and "Trần Thị Lan" not in before_contributions


def test_a_role_without_people_is_refused_with_what_to_write(event):
    edit(event / "content/event.yaml", "    people: [tran-thi-lan, elodie-marchand]", "    people: []")
    result = run_cli(event)
    assert result.code == 1
    line = one_error(result.err)
    assert line.startswith("error: content/event.yaml:14:13: this list of ids is empty"), line
    assert "found a list" not in line


def test_an_unknown_speaker_in_a_role_is_located(event):
    edit(event / "content/event.yaml", "people: [tran-thi-lan, ", "people: [tran-thi-lam, ")
    result = run_cli(event)
    assert result.code == 1
    line = one_error(result.err)
    assert line.startswith("error: content/event.yaml:14:14: unknown speaker id 'tran-thi-lam' in roles"), line


def test_an_empty_menu_says_it_is_empty(tiny):
    edit(tiny / "content/site.yaml", "menu: [index, notes]", "menu: []")
    result = run_cli(tiny)
    assert result.code == 1
    line = one_error(result.err)
    assert "this list of page names is empty" in line and "found a list" not in line, line


# --- the generator's own words ------------------------------------------------------------------------------

GENERIC = "static site generator for multilingual event microsites"


def test_the_generator_describes_itself_and_no_one_event():
    import tomllib

    import microsite

    help_text = subprocess.run(
        [sys.executable, str(ROOT / "build.py"), "--help"], capture_output=True, text=True, check=True
    ).stdout
    description = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["description"]
    for text in (help_text, description, microsite.__doc__ or ""):
        assert GENERIC in text, text
        assert "bilingual" not in text.lower() and "conference" not in text.lower(), text
