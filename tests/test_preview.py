"""The preview's incremental rebuilds: each kind of edit gives exactly what a full build gives."""

import contextlib
import re
import time
from pathlib import Path

import pytest

from conftest import clean_build, edit, run_cli, snapshot
from microsite.commands.preview import Preview, error_page


@pytest.fixture
def preview(event, tmp_path):
    preview = Preview(event, tmp_path / "served")
    report = preview.rebuild(set())
    assert not report.errors, report.errors
    return preview


def p(project, rel):
    return project / rel


EDITS = {
    "markdown body": [("content/pages/talks/hue.vi.md", "kinh thành", "kinh thành Huế")],
    "menu page title": [("content/pages/about.fr.md", "title: ", "title: Présentation – ")],
    "slug": [("content/pages/about.fr.md", "slug: ", "slug: qui-sommes-nous-")],
    "talk template": [("templates/talk.html", "talk__kicker", "talk__kicker talk__kicker--new")],
    "base template": [("templates/base.html", '<main id="main"', '<main data-edited id="main"')],
    "partial": [("templates/partials/speaker.html", "speaker__name", "speaker__name speaker__name--x")],
    "catalog": [("locales/fr/LC_MESSAGES/messages.po", 'msgstr "Idées clés"', 'msgstr "Idées maîtresses"')],
    "event date": [("content/event.yaml", "date: 2024-10-03", "date: 2024-10-02")],
    "speaker role": [
        ("content/speakers.yaml", "Chuyên gia quy hoạch thử nghiệm", "Chuyên gia quy hoạch đô thị thử nghiệm")
    ],
    "program title": [("content/program.yaml", "Grenoble và xe đạp công cộng", "Grenoble và xe đạp dùng chung")],
    "stylesheet": [("static/style.css", "--brand: #0d4c73;", "--brand: #0d4c74;")],
    "menu": [("content/site.yaml", "menu: [index, program, speakers, about]", "menu: [index, about, program]")],
}


@pytest.mark.parametrize("kind", EDITS)
def test_incremental_rebuild_equals_full_build(preview, event, tmp_path, kind):
    before = snapshot(preview.out)
    changed = set()
    for rel, old, new in EDITS[kind]:
        edit(p(event, rel), old, new)
        changed.add(p(event, rel))
    report = preview.rebuild(changed)
    assert not report.errors, report.errors
    after = snapshot(preview.out)
    # Equal to a full build, and the edit shows: a mistake made on both sides cannot hide behind the equality.
    assert after == clean_build(event, tmp_path / "full")
    assert after != before and report.rendered + len(set(after) ^ set(before)) > 0


def test_a_markdown_edit_rerenders_the_page_and_what_shows_it(preview, event, tmp_path):
    before = snapshot(preview.out)
    page = p(event, "content/pages/talks/hue.vi.md")
    page.write_text(page.read_text(encoding="utf-8") + "\nMột câu mới trong phần nội dung.\n", encoding="utf-8")
    report = preview.rebuild({p(event, "content/pages/talks/hue.vi.md")})
    after = snapshot(preview.out)
    changed = {name for name in after if after[name] != before.get(name)}
    # The page itself, and its French counterpart, now stale: its notice appears. Not the feeds: no title or
    # summary changed.
    assert changed == {"vi/bai-noi/hue/index.html", "fr/exposes/hue/index.html"}
    assert report.rendered == 2


def test_a_french_catalog_edit_rerenders_only_french_pages(preview, event):
    before = snapshot(preview.out)
    edit(p(event, "locales/fr/LC_MESSAGES/messages.po"), 'msgstr "Idées clés"', 'msgstr "Idées maîtresses"')
    report = preview.rebuild({p(event, "locales/fr/LC_MESSAGES/messages.po")})
    assert report.rendered == 7  # the French pages of the event fixture
    after = snapshot(preview.out)
    changed = {path for path in after if before.get(path) != after[path]}
    assert changed and all(path.startswith("fr/") for path in changed), changed


def test_page_added_deleted_and_renamed(preview, event, tmp_path):
    pages = event / "content" / "pages"
    (pages / "notes.vi.md").write_text("---\ntitle: Ghi chú\n---\nMới.\n", encoding="utf-8")
    (pages / "notes.fr.md").write_text("---\ntitle: Notes\n---\nNouveau.\n", encoding="utf-8")
    assert not preview.rebuild({pages / "notes.vi.md", pages / "notes.fr.md"}).errors
    assert snapshot(preview.out) == clean_build(event, tmp_path / "added")
    (pages / "notes.fr.md").rename(pages / "remarques.fr.md")
    (pages / "notes.vi.md").rename(pages / "remarques.vi.md")
    assert not preview.rebuild(
        {pages / n for n in ("notes.fr.md", "notes.vi.md", "remarques.fr.md", "remarques.vi.md")}
    ).errors
    assert snapshot(preview.out) == clean_build(event, tmp_path / "renamed")
    (pages / "remarques.fr.md").unlink()
    assert not preview.rebuild({pages / "remarques.fr.md"}).errors
    assert snapshot(preview.out) == clean_build(event, tmp_path / "deleted")
    assert not (preview.out / "fr" / "notes").exists()


def test_confirming_a_translation_removes_the_stale_notice(preview, event, tmp_path):
    edit(
        p(event, "content/pages/about.vi.md"),
        "---\n",
        "---\n",
    )
    edit(p(event, "content/pages/about.vi.md"), "\n\n", "\n\nMột câu mới.\n\n")
    preview.rebuild({p(event, "content/pages/about.vi.md")})
    assert run_cli(event, "translations", "--confirm", "about").code == 0
    assert not preview.rebuild({p(event, "content/translations.yaml")}).errors
    assert snapshot(preview.out) == clean_build(event, tmp_path / "full")


def test_a_failed_rebuild_keeps_the_error_and_the_next_good_one_clears_it(preview, event, tmp_path):
    good = snapshot(preview.out)
    data = p(event, "content/event.yaml")
    edit(data, "date: 2024-10-03", "date: 2024-09-31")
    report = preview.rebuild({data})
    assert report.errors and preview.error
    assert "content/event.yaml:" in preview.error[0] and "impossible date" in preview.error[0]
    assert snapshot(preview.out) == good  # the last good site stays on disk
    page = error_page(preview.error)
    assert "content/event.yaml:" in page and "</head>" in page
    edit(data, "date: 2024-09-31", "date: 2024-10-04")
    fixed = preview.rebuild({data})
    assert not fixed.errors and preview.error is None
    assert fixed.line().endswith("; the error is fixed and the site is back")  # the console says so
    assert "site is back" not in preview.rebuild({data}).line()  # once
    assert snapshot(preview.out) == clean_build(event, tmp_path / "full")


def test_a_page_error_then_fix_in_the_page_itself(preview, event, tmp_path):
    page = p(event, "content/pages/talks/grenoble.fr.md")
    edit(page, "title: ", "titre: ")
    assert preview.rebuild({page}).errors
    edit(page, "titre: ", "title: ")
    assert not preview.rebuild({page}).errors
    assert snapshot(preview.out) == clean_build(event, tmp_path / "full")


def test_a_missing_template_error_clears_once_the_template_exists(preview, event, tmp_path):
    page = p(event, "content/pages/about.fr.md")
    edit(page, "title: ", "template: special.html\ntitle: ")
    assert preview.rebuild({page}).errors
    template = p(event, "templates/special.html")
    template.write_text('{% extends "page.html" %}\n', encoding="utf-8")
    report = preview.rebuild({template})
    assert not report.errors, report.errors
    assert snapshot(preview.out) == clean_build(event, tmp_path / "full")


def test_data_files_are_checked_again_when_the_languages_change(tiny, tmp_path):
    import shutil

    preview = Preview(tiny, tmp_path / "served")
    assert not preview.rebuild(set()).errors
    edit(tiny / "content/site.yaml", "languages: [vi, fr]", "languages: [vi, fr, en]")
    edit(tiny / "content/site.yaml", "fr: Petit site}", "fr: Petit site, en: Small site}")
    shutil.copytree(tiny / "locales/fr", tiny / "locales/en")
    report = preview.rebuild({tiny / "content/site.yaml"})
    # The data files did not change, but each text in them now lacks its English version: checked again, they
    # give the English pages the Vietnamese texts (as they were, they would have no English at all).
    assert not report.errors, report.errors
    assert "<h1>Phiên thử</h1>" in (preview.out / "en" / "index.html").read_text(encoding="utf-8")


def test_the_watcher_sees_an_edit_made_through_a_link(tiny, tmp_path):
    from conftest import write

    write(tiny / "shared" / "print.css", "body { color: black }\n")
    (tiny / "static" / "print.css").symlink_to("../shared/print.css")
    preview = Preview(tiny, tmp_path / "served")
    assert not preview.rebuild(set()).errors
    reported = []
    with watching(tiny, lambda paths: reported.append((paths, preview.rebuild(paths)))):
        # The target changes, the link does not: inotify reports the target, the watcher names the link.
        wait_until(reported, lambda: write(tiny / "shared" / "print.css", "body { color: navy }\n"))
    assert tiny / "static" / "print.css" in reported[0][0]
    [published] = preview.out.glob("static/print.*.css")
    assert published.read_text() == "body { color: navy }\n"


@contextlib.contextmanager
def watching(project, action, baseline=None):
    """The preview's watcher on a project's input folders, running `action(changed paths)` for each burst."""
    from microsite.commands.preview import EventWatcher
    from microsite.inputs import INPUTS

    watcher = EventWatcher(project, log=lambda line: None, baseline=baseline)
    for part in INPUTS:
        watcher.watch(str(project / part), action)
    watcher.start(lambda: None)
    try:
        yield watcher
    finally:
        watcher.stop()


def wait_until(reported, change, tries=20):
    """Make a change until the watcher reports one (its thread sets up its watches while the test goes on)."""
    for _ in range(tries):
        change()
        deadline = time.monotonic() + 0.5
        while time.monotonic() < deadline and not reported:
            time.sleep(0.01)
        if reported:
            return
    pytest.fail("the watcher reported no change")


# `build.py serve` in its own process, each directory listing it makes (os.scandir, os.listdir: how a walk of
# the inputs reads folders) printed as a line, so that a test can count walks instead of timing anything.
COUNTING = """
import sys
def count(event, args):
    if event in ("os.scandir", "os.listdir"):
        sys.__stdout__.write("LISTED " + str(args[0]) + "\\n")
        sys.__stdout__.flush()
sys.addaudithook(count)
from microsite.cli import main
sys.exit(main(sys.argv[1:]))
"""


@contextlib.contextmanager
def counted_preview(project):
    """`build.py serve` with its walks counted; yields (url, the lines it printed so far, a growing list)."""
    import re
    import subprocess
    import sys
    import threading

    from conftest import ROOT, free_port

    process = subprocess.Popen(
        [sys.executable, "-c", COUNTING, "--project", str(project), "serve", "--port", str(free_port())],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines = []
    reader = threading.Thread(target=lambda: lines.extend(process.stdout), daemon=True)
    reader.start()
    try:
        deadline = time.monotonic() + 30
        while not any(line.startswith("Serving ") for line in lines):
            assert process.poll() is None and time.monotonic() < deadline, "".join(lines)
            time.sleep(0.05)
        url = re.search(r"(http://\S+)", next(line for line in lines if line.startswith("Serving "))).group(1)
        yield url, lines
    finally:
        process.terminate()
        process.wait(timeout=10)


def rebuilds(lines):
    """The console lines of rebuilds after the first build."""
    return [line for line in lines if " re-rendered in " in line or "build failed" in line][1:]


def test_an_idle_preview_neither_walks_the_inputs_nor_rebuilds(event):
    with counted_preview(event) as (_, lines):
        time.sleep(1.5)  # the watcher sets up its watches (one walk, looking for links)
        before = len(lines)
        time.sleep(3)
        idle = lines[before:]
    assert [line for line in idle if line.startswith("LISTED ")] == []
    assert rebuilds(lines) == []


def test_a_burst_of_saves_gives_one_rebuild_with_the_final_text(event):
    import os
    import urllib.request

    page = event / "content/pages/talks/hue.vi.md"
    text = page.read_text(encoding="utf-8")
    with counted_preview(event) as (url, lines):
        time.sleep(1.5)
        # An editor's save: several partial writes of the file over 150 ms, then a temporary file renamed over it.
        for i in range(30):
            with page.open("w", encoding="utf-8") as fp:
                fp.write(text[: len(text) // 2])
                fp.flush()
                time.sleep(0.003)
                fp.write(text[len(text) // 2 :] + f"\nLần lưu số {i}.\n")
            time.sleep(0.002)
        temporary = page.with_name(".hue.vi.md.tmp")
        temporary.write_text(text + "\nLần lưu cuối cùng.\n", encoding="utf-8")
        os.replace(temporary, page)
        deadline = time.monotonic() + 10
        while "Lần lưu cuối cùng." not in (html := urllib.request.urlopen(url + "vi/bai-noi/hue/").read().decode()):
            assert time.monotonic() < deadline, "the final text never showed"
            time.sleep(0.05)
        time.sleep(1)  # any later rebuild would have come by now
    assert "Lần lưu số" not in html
    assert len(rebuilds(lines)) == 1, rebuilds(lines)
    assert "content/pages/talks/hue.vi.md: 2 pages re-rendered" in rebuilds(lines)[0]


def livereload_client(url, actions):
    """Connect to the preview's livereload socket as livereload.js does (hello, then info), run `actions()` in a
    thread, and return the messages the server sent meanwhile, each with the number of the action before it."""
    import asyncio
    import json
    import threading
    from urllib.parse import urlsplit

    from tornado.websocket import websocket_connect

    async def talk():
        socket = await websocket_connect(f"ws://{urlsplit(url).netloc}/livereload")
        socket.write_message(
            json.dumps({"command": "hello", "protocols": ["http://livereload.com/protocols/official-7"]})
        )
        assert json.loads(await socket.read_message())["command"] == "hello"
        socket.write_message(json.dumps({"command": "info", "url": url, "plugins": {}}))
        await asyncio.sleep(0.3)  # the server counts the tab once it has its info
        done = threading.Event()
        step = [0]
        threading.Thread(target=lambda: (actions(step), done.set()), daemon=True).start()
        messages = []
        while not done.is_set():
            try:
                message = await asyncio.wait_for(socket.read_message(), 0.1)
            except asyncio.TimeoutError:
                continue
            messages.append((step[0], json.loads(message)))
        socket.close()
        return messages

    # A thread of its own: a test before this one may have left an event loop running in this thread
    # (Playwright's sync API does).
    result = []
    client = threading.Thread(target=lambda: result.append(asyncio.run(talk())))
    client.start()
    client.join()
    assert result, "the livereload client failed (see the exception above)"
    return result[0]


def test_the_tabs_are_told_with_livereloads_protocol(tiny):
    """The preview speaks to open tabs only through livereload's reload message: a stylesheet path with live CSS
    on (restyled in place) first for a stylesheet edit, then a page path once the pages linking it are written; a
    page path for a page edit; nothing for an edit that changes no output. Fails loudly
    when a livereload release changes the message or the handshake the preview relies on (pyproject pins the
    versions it was checked against)."""
    import livereload

    template, page = tiny / "templates/page.html", tiny / "content/pages/notes.vi.md"
    with counted_preview(tiny) as (url, lines):
        time.sleep(1.5)

        def actions(step):
            for number, (path, old, new) in enumerate(
                [
                    (tiny / "static/style.css", "#222", "#333"),
                    (template, '{% extends "base.html" %}', '{% extends "base.html" %}{# a comment #}'),
                    (page, "Trang này", "Nay trang này"),
                ],
                start=1,
            ):
                before = len(rebuilds(lines))
                step[0] = number
                edit(path, old, new)
                deadline = time.monotonic() + 10
                while len(rebuilds(lines)) == before and time.monotonic() < deadline:
                    time.sleep(0.05)
                time.sleep(0.5)

        messages = livereload_client(url, actions)
        told: dict[int, list[dict]] = {}
        for step, message in messages:
            told.setdefault(step, []).append(message)
        # The name the stylesheet had before the edit (the one open tabs link) is answered with the edited file.
        if 1 in told and told[1][0]["path"].startswith("/repo/static/"):
            import urllib.request

            with urllib.request.urlopen(url.removesuffix("/repo/") + told[1][0]["path"]) as answer:
                assert answer.status == 200 and b"#333" in answer.read()
    assert [m for _, m in messages if m.get("command") != "reload"] == [], messages
    assert set(told) == {1, 3}, (messages, lines)  # the comment changed no page: no message
    assert [len(told[1]), len(told[3])] == [2, 1], messages
    assert re.fullmatch(r"/repo/static/style\.[0-9a-f]{10}\.css", told[1][0]["path"]) and told[1][0]["liveCSS"] is True
    for page_message in (told[1][1], told[3][0]):
        assert page_message["path"].startswith("/repo/vi/") and page_message["path"].endswith(".html"), messages
    assert livereload.__version__.startswith("2.7."), (
        f"the preview was checked against livereload 2.7, this is {livereload.__version__}: check EventWatcher's "
        "use of it (serve.py) and this test, then widen the pin in pyproject.toml"
    )
    vendored = (Path(livereload.__file__).parent / "vendors/livereload.js").read_text(encoding="utf-8")
    # livereload.js 2.2.1: a .css path with liveCSS restyles in place, re-requesting the linked stylesheet (or
    # every one when none matches) with a cache-busting query; any other path reloads the page.
    assert "Version = '2.2.1'" in vendored and "reattachStylesheetLink" in vendored, "re-check restyle()"


@pytest.mark.parametrize(
    ("languages", "headings"),
    [
        (("vi", "fr"), ["vi", "fr"]),
        (("fr", "en"), ["fr", "en"]),
        (("de", "vi"), ["vi", "en"]),  # German is not known: English stands for it
        ((), ["en"]),  # no settings could be read
    ],
)
def test_the_error_page_speaks_the_sites_languages(languages, headings):
    page = error_page(["content/a.md:1:1: broken"], languages)
    assert re.findall(r'<h1 lang="([a-z]+)">', page) == headings
    assert "content/a.md:1:1: broken" in page and f'<html lang="{headings[0]}" data-microsite-error>' in page
