"""What is particular to one event lives in its content: its time zone, its credited source, its session roles."""

from __future__ import annotations

import re

from conftest import edit, run_cli

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
    assert line.startswith("error: content/event.yaml:1:1: timezone is missing — add \"timezone:\""), line
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
