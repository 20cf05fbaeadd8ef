"""Bad input ends the build with located one-line errors, no traceback, and site/ untouched."""

import subprocess
import sys

import pytest

from conftest import ROOT, edit, run_cli, snapshot

# (file under the project, text to replace, replacement, expected "path:line" and words in the message)
BREAKAGES = [
    ("content/event.yaml", "  author: Tác Giả", "\tauthor: Tác Giả", "content/event.yaml:10", "tab"),
    ("content/event.yaml", "date: 2023-04-14", "date: 2023-02-30", "content/event.yaml:3", "impossible date"),
    ("content/event.yaml", "date: 2023-04-14\n", "", "content/event.yaml", "date is missing"),
    ("content/event.yaml", "date: 2023-04-14", "date: 14/4/2023", "content/event.yaml:3", "expected a date"),
    ("content/event.yaml", "people: [an]", "people: [ann]", "content/event.yaml:6", "unknown speaker id 'ann'"),
    (
        "content/event.yaml",
        "title: {vi: Phiên thử, fr: Séance d'essai}",
        "title: {fr: Séance d'essai}",
        "content/event.yaml:1",
        "the vi text, in the source language, is missing",
    ),
    ("content/event.yaml", "  author: Tác Giả", "  author: 'Tác Giả", "content/event.yaml:", "invalid YAML"),
    ("content/program.yaml", "speaker: an", "speaker: bob", "content/program.yaml:1", "unknown speaker id 'bob'"),
    (
        "content/program.yaml",
        "page: talks/da-nang",
        "page: talks/nowhere",
        "content/program.yaml:3",
        "page 'talks/nowhere' does not exist",
    ),
    (
        "content/speakers.yaml",
        "  country: VN",
        "  country: VN\n- id: an\n  name: B\n  role: x\n  country: FR",
        "content/speakers.yaml:6",
        "speaker id 'an' is used twice",
    ),
    ("content/site.yaml", "menu: [index, notes]", "menu: [index, nots]", "content/site.yaml:4", "nots"),
    ("content/pages/notes.vi.md", "title: Ghi chú\n", "", "content/pages/notes.vi.md:2", "title is missing"),
    (
        "content/pages/notes.vi.md",
        "title: Ghi chú",
        "title: Ghi chú\ntitel: x",
        "content/pages/notes.vi.md:3",
        "unknown key 'titel'",
    ),
    (
        "content/pages/notes.vi.md",
        "Trang này",
        "[x](nowhere.md) Trang này",
        "content/pages/notes.vi.md:5",
        "no page 'nowhere'",
    ),
    (
        "content/pages/notes.vi.md",
        "Trang này",
        "[x](../talks/nowhere/) Trang này",
        "content/pages/notes.vi.md:5",
        "not a page or file",
    ),
    (
        "content/pages/notes.vi.md",
        "title: Ghi chú",
        "title: Ghi chú\n\tsummary: x",
        "content/pages/notes.vi.md:3",
        "tab",
    ),
    ("content/pages/notes.vi.md", "title: Ghi chú", "title: 'Ghi chú", "content/pages/notes.vi.md:", "invalid YAML"),
    (
        "content/pages/notes.vi.md",
        "title: Ghi chú",
        "title: [Ghi, chú]",
        "content/pages/notes.vi.md:2",
        "expected text, found a list",
    ),
    ("content/speakers.yaml", "  name: Nguyễn An", "   name: Nguyễn An", "content/speakers.yaml:", "invalid YAML"),
    (
        "content/pages/notes.vi.md",
        "title: Ghi chú",
        "title: Ghi chú\nslug: Tham luận/Đà Nẵng",
        "content/pages/talks/da-nang.vi.md:3",
        "the URL /vi/tham-luan/da-nang/ is also used by content/pages/notes.vi.md",
    ),
    (
        "content/pages/notes.vi.md",
        "title: Ghi chú",
        'title: Ghi chú\n# đường dẫn\nslug: "«»"',
        "content/pages/notes.vi.md:4",
        "the slug is empty after transliteration",
    ),
    (
        "templates/index.html",
        "{% for item in program %}",
        "{% for item in program %",
        "templates/index.html:3",
        "template syntax error",
    ),
    (
        "templates/talk.html",
        "contribution.speaker.name",
        "contribution.speaker.nam",
        "templates/talk.html:2",
        "template error",
    ),
    (
        "locales/fr/LC_MESSAGES/messages.po",
        'msgstr "Entrer"',
        'msgstr "Entrer',
        "locales/fr/LC_MESSAGES/messages.po:",
        "invalid catalog line",
    ),
]


@pytest.mark.parametrize("file, old, new, where, words", BREAKAGES, ids=[b[4] for b in BREAKAGES])
def test_bad_input_gives_a_located_error_and_keeps_the_site(tiny, file, old, new, where, words):
    assert run_cli(tiny).code == 0
    before = snapshot(tiny / "site")
    edit(tiny / file, old, new)
    result = run_cli(tiny)
    assert result.code == 1
    errors = [line for line in result.err.splitlines() if line.startswith("error: ")]
    assert any(line.startswith(f"error: {where}") and words in line for line in errors), result.err
    assert "Traceback" not in result.err
    assert snapshot(tiny / "site") == before


def test_all_errors_of_a_build_are_reported_together(tiny):
    edit(tiny / "content/program.yaml", "speaker: an", "speaker: bob")
    edit(tiny / "content/pages/notes.vi.md", "title: Ghi chú\n", "")
    edit(tiny / "content/event.yaml", "date: 2023-04-14", "date: 2023-02-30")
    result = run_cli(tiny)
    assert result.code == 1
    for where in ("content/program.yaml:1", "content/pages/notes.vi.md:2", "content/event.yaml:3"):
        assert f"error: {where}" in result.err
    assert "3 errors" in result.err


def test_non_utf8_page(tiny):
    assert run_cli(tiny).code == 0
    before = snapshot(tiny / "site")
    (tiny / "content/pages/notes.vi.md").write_bytes(b"---\ntitle: caf\xe9\n---\n")
    result = run_cli(tiny)
    assert result.code == 1 and "error: content/pages/notes.vi.md:2:11: the file is not valid UTF-8" in result.err
    assert snapshot(tiny / "site") == before


@pytest.mark.parametrize("options", [[], ["--no-cache"]])
def test_non_utf8_template(tiny, options):
    # Jinja's own error names no file; ours does, even for a template no page uses yet.
    (tiny / "templates/old.html").write_bytes(b'{% extends "base.html" %}\ncaf\xe9\n')
    result = run_cli(tiny, *options)
    assert result.code == 1 and "error: templates/old.html:2:4: the file is not valid UTF-8" in result.err
    assert "Traceback" not in result.err


def test_non_utf8_template_in_a_parallel_build(tiny, tmp_path):
    from microsite.builder import build
    from microsite.errors import BuildError

    (tiny / "templates/old.html").write_bytes(b'{% extends "base.html" %}\ncaf\xe9\n')
    with pytest.raises(BuildError) as caught:
        build(tiny, tmp_path / "out", use_cache=False, jobs=2, parallel_threshold=0)
    assert [str(e) for e in caught.value.errors] == [
        "templates/old.html:2:4: the file is not valid UTF-8 — save it with the UTF-8 encoding in your editor"
    ]


def test_an_alias_bomb_in_front_matter_is_refused_at_its_line(tiny):
    levels = ["&a [" + ", ".join(["x"] * 10) + "]"]
    for anchor, alias in zip("bcdef", "abcde", strict=True):
        levels.append(f"&{anchor} [" + ", ".join([f"*{alias}"] * 10) + "]")
    bomb = "bomb: [" + ", ".join(levels) + ", [" + ", ".join(["*f"] * 10) + "]]"
    (tiny / "content/pages/notes.vi.md").write_text(
        f"---\ntitle: T\nx: 1\ny: 2\n{bomb}\n---\nText.\n", encoding="utf-8"
    )
    result = run_cli(tiny)
    assert result.code == 1 and "error: content/pages/notes.vi.md:5: the YAML expands to too many values" in result.err


def test_non_utf8_catalog(tiny):
    path = tiny / "locales/fr/LC_MESSAGES/messages.po"
    path.write_bytes(path.read_bytes().replace("périmée".encode(), "périmée".encode("latin-1"), 1))
    result = run_cli(tiny)
    assert result.code == 1
    assert "error: locales/fr/LC_MESSAGES/messages.po:" in result.err and "not valid UTF-8" in result.err


def test_a_link_to_an_unpublished_static_file_is_broken(tiny):
    # Editor backups in static/ are not published, so a link to one leads nowhere.
    (tiny / "static/notes.txt~").write_text("old", encoding="utf-8")
    edit(tiny / "content/pages/notes.vi.md", "Trang này", "[cũ](/static/notes.txt~) Trang này")
    result = run_cli(tiny)
    assert result.code == 1 and "error: content/pages/notes.vi.md:5" in result.err and "notes.txt~" in result.err


def test_missing_data_file(tiny):
    (tiny / "content/speakers.yaml").unlink()
    result = run_cli(tiny)
    assert result.code == 1 and "error: content/speakers.yaml: file not found" in result.err


@pytest.mark.parametrize("debug", [False, True])
def test_the_real_entry_point_shows_a_traceback_only_with_debug(tiny, debug):
    (tiny / "content/site.yaml").write_text("languages: [vi, fr\n", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, str(ROOT / "build.py"), "--project", str(tiny)] + (["--debug"] if debug else []),
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1
    assert ("Traceback" in result.stderr) is debug
    if not debug:
        assert result.stderr.startswith("error: content/site.yaml:2:1: invalid YAML")


def test_the_output_folder_never_replaces_the_inputs(tiny):
    for out in ("content", ".", "content/pages", ".."):
        result = run_cli(tiny, "--out", str(tiny / out))
        assert result.code == 1 and "refusing to write the site there" in result.err, out
    assert (tiny / "content/site.yaml").is_file()


def test_a_runtime_template_error_is_located(tiny):
    assert run_cli(tiny).code == 0
    before = snapshot(tiny / "site")
    page = tiny / "templates/talk.html"
    page.write_text(
        page.read_text(encoding="utf-8").replace("{{ content }}", "{{ 1 / 0 }}{{ content }}"), encoding="utf-8"
    )
    result = run_cli(tiny)
    assert result.code == 1 and "Traceback" not in result.err
    assert "error: templates/talk.html:2" in result.err and "ZeroDivisionError" in result.err
    assert snapshot(tiny / "site") == before


def test_a_translations_file_that_is_not_utf8(tiny):
    (tiny / "content/translations.yaml").write_bytes(b"index:\n  fr: caf\xe9\n")
    result = run_cli(tiny)
    assert result.code == 1 and "error: content/translations.yaml:2" in result.err and "UTF-8" in result.err


def test_a_broken_plural_header(tiny):
    po = tiny / "locales/fr/LC_MESSAGES/messages.po"
    text = po.read_text(encoding="utf-8")
    po.write_text(
        text.replace(
            '"Plural-Forms: nplurals=2; plural=(n > 1);\\n"', '"Plural-Forms: nplurals=2; plural=((n > 1);\\n"'
        ),
        encoding="utf-8",
    )
    result = run_cli(tiny)
    assert result.code == 1 and "error: locales/fr/LC_MESSAGES/messages.po" in result.err
    assert "Traceback" not in result.err


def test_update_without_a_template_says_what_to_do(tiny):
    (tiny / "locales/messages.pot").unlink()
    result = run_cli(tiny, "i18n", "update")
    assert result.code == 1 and "i18n extract" in result.err
