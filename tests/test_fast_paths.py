"""The fast paths change nothing: parallel output equals serial output, cached rebuilds equal clean builds."""

import re
import shutil
import sqlite3

import pytest

from conftest import clean_build, edit, run_cli, snapshot
from microsite.builder import build
from microsite.errors import BuildError


def test_parallel_output_equals_serial_output(event, tmp_path):
    build(event, tmp_path / "serial", use_cache=False, jobs=1)
    build(event, tmp_path / "parallel", use_cache=False, jobs=2, parallel_threshold=0)
    assert snapshot(tmp_path / "parallel") == snapshot(tmp_path / "serial")


def test_a_parallel_build_reports_errors_like_a_serial_one(event, tmp_path):
    page = event / "content/pages/talks/hue.fr.md"
    page.write_text(page.read_text(encoding="utf-8") + "\n[lien](nulle-part.md)\n", encoding="utf-8")
    assert run_cli(event, "--jobs", "1").err.count("error:") == 1
    with pytest.raises(BuildError) as caught:
        build(event, tmp_path / "p", use_cache=False, jobs=2, parallel_threshold=0)
    assert [e.path for e in caught.value.errors] == ["content/pages/talks/hue.fr.md"]


def rename(old, new):
    old.rename(new)


EDITS = {
    "markdown": lambda p: edit(p / "content/pages/talks/grenoble.vi.md", "## ", "Thêm một câu.\n\n## "),
    "page title": lambda p: edit(p / "content/pages/about.vi.md", 'title: "Giới thiệu"', 'title: "Về trang"'),
    "page summary": lambda p: edit(
        p / "content/pages/talks/grenoble.vi.md", 'summary: "Bà Élodie', 'summary: "Ông Élodie'
    ),
    "yaml data": lambda p: edit(p / "content/speakers.yaml", "Phó Giám đốc", "Nguyên Phó Giám đốc"),
    "template": lambda p: edit(p / "templates/talk.html", "talk__kicker", "talk__kicker x"),
    "catalog": lambda p: edit(p / "locales/fr/LC_MESSAGES/messages.po", 'msgstr "Idées clés"', 'msgstr "Idées"'),
    "static file": lambda p: edit(p / "static/style.css", "--radius: 12px;", "--radius: 10px;"),
    "config": lambda p: edit(
        p / "content/site.yaml", "menu: [index, program, speakers, about]", "menu: [index, about]"
    ),
    "page added": lambda p: (p / "content/pages/extra.vi.md").write_text(
        "---\ntitle: Thêm\n---\nMới.\n", encoding="utf-8"
    ),
    "page deleted": lambda p: (p / "content/pages/talks/closing.fr.md").unlink(),
    "page renamed": lambda p: (
        [
            rename(p / f"content/pages/speakers.{lang}.md", p / f"content/pages/people.{lang}.md")
            for lang in ("vi", "fr")
        ]
        and edit(p / "content/site.yaml", "speakers,", "people,")
    ),
}


@pytest.mark.parametrize("kind", EDITS)
def test_a_cached_rebuild_equals_a_clean_build(event, tmp_path, kind):
    first = build(event, tmp_path / "site")
    assert first.linked == 0
    again = build(event, tmp_path / "site")
    assert again.linked == len(list((tmp_path / "site").glob("*/**/index.html")))
    sitemap = (tmp_path / "site/sitemap.xml").stat()
    before = snapshot(tmp_path / "site")
    EDITS[kind](event)
    result = build(event, tmp_path / "site")
    after = snapshot(tmp_path / "site")
    assert after == clean_build(event, tmp_path / "clean")
    assert after != before  # the edit shows: a mistake made on both sides cannot hide behind the equality
    if kind == "markdown":
        # Only the edited page, and its French counterpart if it just became stale, are rendered again;
        # the sitemap and feeds, which show no page's text, are taken as they were.
        assert sum(result.pages.values()) - 2 <= result.linked < sum(result.pages.values())
        assert (tmp_path / "site/sitemap.xml").stat().st_ino == sitemap.st_ino


def test_data_files_are_checked_again_when_the_languages_change(tiny, tmp_path):
    # A data file's bytes did not change, but what it must hold did: a text in every language of the site (one
    # that lacks the new language shows the source's, with a warning).
    build(tiny, tmp_path / "site")
    edit(tiny / "content/site.yaml", "languages: [vi, fr]", "languages: [vi, fr, en]")
    edit(tiny / "content/site.yaml", "fr: Petit site}", "fr: Petit site, en: Small site}")
    shutil.copytree(tiny / "locales/fr", tiny / "locales/en")
    clean = build(tiny, tmp_path / "clean", use_cache=False)
    cached = build(tiny, tmp_path / "site")
    assert any(w.startswith("content/event.yaml:") and "no en text" in w for w in clean.warnings)
    assert cached.warnings == clean.warnings


def test_a_corrupt_cache_is_ignored_with_a_warning(event, tmp_path):
    assert run_cli(event).code == 0
    database = event / ".cache" / "build.sqlite3"
    for suffix in ("-wal", "-shm"):
        (event / ".cache" / f"build.sqlite3{suffix}").unlink(missing_ok=True)
    database.write_bytes(b"this is not a database" * 100)
    (event / ".cache/last-build.json").unlink()  # so that the build does not stop at "nothing changed"
    result = run_cli(event)
    assert result.code == 0
    assert "build cache is unreadable" in result.err
    assert "0 linked unchanged" in result.out
    assert snapshot(event / "site") == clean_build(event, tmp_path / "clean")
    # The cache works again: after an edit, the pages it does not touch are linked unchanged.
    page = event / "content/pages/talks/hue.vi.md"
    page.write_text(page.read_text(encoding="utf-8") + "\nThêm.\n", encoding="utf-8")
    reused = int(re.search(r"(\d+) linked unchanged", run_cli(event).out).group(1))
    assert reused == 12  # the 14 pages of the event fixture, less the edited page and its stale translation


def tamper(project, statement):
    """Build, then change the build cache behind the generator's back."""
    assert run_cli(project).code == 0
    db = sqlite3.connect(project / ".cache" / "build.sqlite3")
    db.execute(statement)
    db.commit()
    db.close()
    (project / ".cache/last-build.json").unlink()  # so that the build does not stop at "nothing changed"


def test_a_damaged_entry_is_rebuilt(event, tmp_path):
    tamper(event, "UPDATE markdown SET value = X'00010203'")
    (event / "templates/talk.html").write_text((event / "templates/talk.html").read_text() + "\n")
    result = run_cli(event)
    assert result.code == 0 and "damaged build cache entry" in result.err
    assert snapshot(event / "site") == clean_build(event, tmp_path / "clean")


def test_a_changed_byte_in_a_stored_page_is_caught(event, tmp_path):
    # One flipped letter inside a stored text would still unpickle; the checksum must catch it.
    assert run_cli(event).code == 0
    db = sqlite3.connect(event / ".cache" / "build.sqlite3")
    key, blob = db.execute("SELECT key, value FROM parsed ORDER BY length(value) DESC LIMIT 1").fetchone()
    middle = len(blob) // 2
    damaged = blob[:middle] + bytes([blob[middle] ^ 0x01]) + blob[middle + 1 :]
    db.execute("UPDATE parsed SET value = ? WHERE key = ?", (damaged, key))
    db.commit()
    db.close()
    (event / ".cache/last-build.json").unlink()
    result = run_cli(event)
    assert result.code == 0 and "damaged build cache entry" in result.err
    assert snapshot(event / "site") == clean_build(event, tmp_path / "clean")


def test_a_foreign_cache_is_discarded(event, tmp_path):
    tamper(event, "UPDATE meta SET value = 'another-version' WHERE name = 'salt'")
    result = run_cli(event)
    assert result.code == 0 and "0 linked unchanged" in result.out and "another version" in result.err


def test_no_cache_and_clean(event):
    assert run_cli(event, "--no-cache").code == 0
    assert not (event / ".cache").exists()
    assert run_cli(event).code == 0 and (event / ".cache").exists()
    result = run_cli(event, "clean")
    assert result.code == 0 and not (event / ".cache").exists() and not (event / "site").exists()


def test_nothing_changed_means_nothing_to_do(event, tmp_path):
    assert run_cli(event).code == 0
    before = snapshot(event / "site")
    result = run_cli(event)
    assert result.code == 0 and result.out.startswith("Up to date: 14 pages")
    assert snapshot(event / "site") == before
    # Any input, option, or a hand-edited output means a real build.
    for change in ("input", "option", "output"):
        if change == "input":
            page = event / "content/pages/about.fr.md"
            page.write_text(page.read_text(encoding="utf-8") + "\nUne phrase.\n", encoding="utf-8")
            args = ()
        elif change == "option":
            args = ("--base-url", "https://user.github.io/other/")
        else:
            (event / "site/vi/index.html").write_text("edited by hand", encoding="utf-8")
            args = ("--base-url", "https://user.github.io/other/")
        result = run_cli(event, *args)
        assert result.out.startswith("Built 14 pages"), change
        assert run_cli(event, *args).out.startswith("Up to date"), change
    assert "edited by hand" not in (event / "site/vi/index.html").read_text(encoding="utf-8")


def test_a_hard_break_edit_is_not_mistaken_for_no_change(event, tmp_path):
    page = event / "content/pages/about.vi.md"
    text = page.read_text(encoding="utf-8")
    page.write_text(text + "\nDòng một  \nDòng hai\n", encoding="utf-8")
    build(event, tmp_path / "site")
    assert "Dòng một<br" in (tmp_path / "site/vi/gioi-thieu/index.html").read_text(encoding="utf-8")
    page.write_text(text + "\nDòng một\nDòng hai\n", encoding="utf-8")
    build(event, tmp_path / "site")
    assert snapshot(tmp_path / "site") == clean_build(event, tmp_path / "clean")


def test_editor_swap_files_are_ignored(event, tmp_path):
    (event / "templates/.base.html.swp").write_bytes(b"\xff\xfe binary swap")
    (event / "static/style.css~").write_text("old backup")
    assert run_cli(event).code == 0
    assert not list((event / "site/static").glob("style.css*"))
