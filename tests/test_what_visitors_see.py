"""What a visitor would notice, built with the project's real templates on the event fixture.

Each test here was written against a plausible bug that the rest of the suite let through (a mutation of the
code or of a template), and was seen to fail with that bug in place."""

import json
import re
import xml.etree.ElementTree as ET

from conftest import edit, run_cli, write

ATOM = "{http://www.w3.org/2005/Atom}"


def page_html(project, rel: str) -> str:
    """A built page's text."""
    return (project / "site" / rel).read_text(encoding="utf-8")


def test_french_spacing_is_never_applied_to_vietnamese_pages(event):
    # Characters the French rules act on, in a Vietnamese page: none of them may gain a no-break space.
    edit(event / "content/pages/about.vi.md", "## Nguồn", "Tại sao ? Vì « thử » : 1 000 người l'an!\n\n## Nguồn")
    result = run_cli(event)
    assert result.code == 0, result.err
    html = page_html(event, "vi/gioi-thieu/index.html")
    assert "Tại sao ? Vì « thử » : 1 000 người l'an!" in html
    assert "\u202f" not in html and "\xa0" not in html


def test_french_spacing_is_applied_to_french_pages(event):
    edit(
        event / "content/pages/about.fr.md",
        "## Source",
        "Pourquoi ? Parce que « essai » : 1 000 personnes !\n\n## Source",
    )
    assert run_cli(event).code == 0
    html = page_html(event, "fr/a-propos/index.html")
    assert "Pourquoi\u202f? Parce que «\xa0essai\xa0»\xa0: 1\u202f000 personnes\u202f!" in html


def test_a_missing_translation_shows_the_notice_and_marks_the_fallback_text(event):
    (event / "content/pages/about.fr.md").unlink()
    result = run_cli(event)
    assert result.code == 0, result.err
    html = page_html(event, "fr/gioi-thieu/index.html")
    notice = re.search(r'<div class="notice notice--missing[^"]*" role="note">\s*<p>([^<]+)</p>', html)
    assert notice and "traduite" in notice.group(1)  # the French catalog's wording
    # The fallback shows the Vietnamese text, marked as Vietnamese, inside a French page.
    assert '<html lang="fr" dir="ltr">' in html
    assert re.search(r'<h1 lang="vi" dir="ltr">Giới thiệu</h1>', html)
    assert re.search(r'<div class="prose" lang="vi" dir="ltr">\s*<h2 id="ve-trang-nay">Về trang này</h2>', html)
    # Its translated counterpart exists in Vietnamese only: no notice there.
    assert "notice--missing" not in page_html(event, "vi/gioi-thieu/index.html")


def test_a_stale_translation_shows_the_stale_notice_until_confirmed(event):
    edit(event / "content/pages/about.vi.md", "## Nguồn", "Một câu mới.\n\n## Nguồn")
    assert run_cli(event).code == 0
    html = page_html(event, "fr/a-propos/index.html")
    assert re.search(r'<div class="notice notice--stale[^"]*" role="note">\s*<p>[^<]*original[^<]*</p>', html)
    assert "notice--stale" not in page_html(event, "vi/gioi-thieu/index.html")
    assert run_cli(event, "translations", "--confirm", "about").code == 0
    assert run_cli(event).code == 0
    assert "notice--stale" not in page_html(event, "fr/a-propos/index.html")


def test_the_stale_reason_tells_confirmed_then_changed_from_never_confirmed(event):
    edit(event / "content/pages/about.vi.md", "## Nguồn", "Một câu mới.\n\n## Nguồn")
    changed = run_cli(event, "translations")
    assert changed.code == 1
    row = next(line for line in changed.out.splitlines() if line.split()[:3] == ["page", "about", "fr"])
    assert "changed since it was confirmed" in row and "never" not in row
    records = event / "content/translations.yaml"
    records.write_text(re.sub(r"(?m)^about:\n  fr: \w+\n", "", records.read_text(encoding="utf-8")), encoding="utf-8")
    never = run_cli(event, "translations")
    row = next(line for line in never.out.splitlines() if line.split()[:3] == ["page", "about", "fr"])
    assert "never confirmed" in row


def test_the_switcher_names_each_language_in_itself_and_leads_to_the_same_page(event):
    assert run_cli(event).code == 0
    html = page_html(event, "vi/bai-noi/hue/index.html")
    switcher = re.search(r'<nav class="switcher"[^>]*>(.*?)</nav>', html, re.S).group(1)
    assert '<span class="switcher__current" lang="vi" dir="ltr" aria-current="true">Tiếng Việt</span>' in switcher
    assert '<a href="/event/fr/exposes/hue/" hreflang="fr" lang="fr" dir="ltr">Français</a>' in switcher


def test_every_page_credits_the_source_with_its_link_title_and_author(event):
    assert run_cli(event).code == 0
    for rel in ("vi/chuong-trinh/index.html", "fr/exposes/grenoble/index.html"):
        credit = re.search(r'<p class="source">(.*?)</p>', page_html(event, rel), re.S).group(1)
        assert '<a href="https://news.example/dien-dan-mau"' in credit
        assert "Diễn đàn mẫu bàn về giao thông sạch" in credit and "Phóng Viên Thử" in credit
        assert "Báo Thử Nghiệm" in credit


def test_markup_in_the_event_title_cannot_break_out_of_the_json_ld(event):
    title = "Ville </script><script>alert(1)</script> & <b>verte</b>"
    edit(event / "content/event.yaml", 'fr: "Ville verte – Mobilité propre"}', f'fr: "{title}"}}')
    result = run_cli(event)
    assert result.code == 0, result.err
    html = page_html(event, "fr/index.html")
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert len(blocks) == 1 and "<" not in blocks[0] and ">" not in blocks[0] and "&" not in blocks[0]
    assert json.loads(blocks[0])["name"] == title
    assert "<script>alert(1)" not in html


def test_the_feed_is_updated_when_its_newest_page_was(event):
    edit(event / "content/pages/about.fr.md", 'summary: "', 'updated: 2025-02-01\nsummary: "')
    edit(event / "content/pages/talks/hue.fr.md", 'summary: "', 'updated: 2024-11-15\nsummary: "')
    assert run_cli(event).code == 0
    feed = ET.parse(event / "site/fr/feed.xml").getroot()
    entries = {e.find(ATOM + "title").text: e.find(ATOM + "updated").text for e in feed.findall(ATOM + "entry")}
    assert entries["À propos"].startswith("2025-02-01T")
    assert feed.find(ATOM + "updated").text == entries["À propos"] == max(entries.values())


def test_an_editors_html_comment_is_never_published(event):
    edit(event / "content/pages/about.vi.md", "## Nguồn", "<!-- ghi chú nội bộ: chưa duyệt -->\n\n## Nguồn")
    edit(event / "content/pages/about.fr.md", "Toutes", "Toutes <!-- note interne --> les")
    assert run_cli(event).code == 0
    assert "ghi chú nội bộ" not in page_html(event, "vi/gioi-thieu/index.html")
    assert "note interne" not in page_html(event, "fr/a-propos/index.html")


def test_a_forbidden_character_is_reported_on_its_own_line(tiny):
    write(tiny / "content/pages/notes.vi.md", "---\ntitle: Ghi chú\nsummary: a\x07b\n---\nNội dung.\n")
    result = run_cli(tiny)
    assert result.code == 1
    assert "content/pages/notes.vi.md:3: the character U+0007 is not allowed" in result.err
    write(
        tiny / "content/speakers.yaml",
        "- id: an\n  name: Nguyễn An\n  role: {vi: Chủ tịch, fr: présidente}\n"
        "  city: {vi: Đà Nẵng, fr: Da Nang}\n  country: VN\x0c\n",
    )
    result = run_cli(tiny)
    assert "content/speakers.yaml:5: the character U+000C is not allowed" in result.err


def test_the_home_page_credits_the_source_once(event):
    assert run_cli(event).code == 0
    for lang in ("vi", "fr"):
        html = page_html(event, f"{lang}/index.html")
        assert html.count('href="https://news.example/dien-dan-mau"') == 1
        assert 'class="source-section' in html and '<p class="source">' not in html
