"""Nothing from outside the project is read, no file name breaks the build, and no input makes it work without end."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, edit, run_cli, snapshot, write


def secret_outside(tmp_path: Path) -> Path:
    """A file beside the project, standing for /etc/hostname or a user's private notes."""
    secret = tmp_path / "outside" / "secret.txt"
    write(secret, "not for the web\n")
    return secret


# (the link, made inside the project in place of a real file or as a new one)
OUTSIDE_LINKS = [
    "static/notes.txt",
    "static/style.css",
    "content/pages/notes.vi.md",
    "content/event.yaml",
    "content/translations.yaml",
    "templates/page.html",
    "locales/fr/LC_MESSAGES/messages.po",
]


@pytest.mark.parametrize("cache", ["cache", "no-cache"])
@pytest.mark.parametrize("link", OUTSIDE_LINKS)
def test_a_link_to_a_file_outside_the_project_is_refused(tiny, tmp_path, link, cache):
    secret = secret_outside(tmp_path)
    assert run_cli(tiny).code == 0
    before = snapshot(tiny / "site")
    (tiny / link).unlink(missing_ok=True)
    (tiny / link).symlink_to(secret)
    result = run_cli(tiny, *(["--no-cache"] if cache == "no-cache" else []))
    assert result.code == 1
    shown = os.path.realpath(secret)
    assert f"error: {link}: a link to {shown}, outside the project — copy it into the project" in result.err
    assert "Traceback" not in result.err
    assert snapshot(tiny / "site") == before
    assert "not for the web" not in "".join(p.read_text(errors="replace") for p in (tiny / "site").rglob("*.*"))


@pytest.mark.parametrize("link", ["static", "content/pages/talks", "templates/partials"])
def test_a_link_to_a_folder_outside_the_project_is_refused(tiny, tmp_path, link):
    outside = tmp_path / "outside-folder"
    (tiny / link).rename(outside)
    (tiny / link).symlink_to(outside, target_is_directory=True)
    result = run_cli(tiny)
    assert result.code == 1
    assert f"error: {link}: a link to {os.path.realpath(outside)}, outside the project" in result.err
    assert not (tiny / "site").exists()


def test_a_link_into_git_is_refused_although_inside_the_project(tiny):
    write(tiny / ".git" / "config", "[http]\n\textraheader = AUTHORIZATION: basic c2VjcmV0\n")
    (tiny / "static" / "notes.txt").symlink_to("../.git/config")
    for options in ([], ["--no-cache"]):
        result = run_cli(tiny, *options)
        assert result.code == 1
        assert (
            "error: static/notes.txt: a link to .git/config, inside .git/, which is never read or published"
            in result.err
        )
    assert not (tiny / "site").exists()


def test_a_broken_link_is_named(tiny):
    (tiny / "static" / "logo.svg").symlink_to("no-such-file.svg")
    result = run_cli(tiny)
    assert result.code == 1
    assert "error: static/logo.svg: a link to static/no-such-file.svg, which does not exist" in result.err


@pytest.mark.parametrize("link, target", [("static/loop", "."), ("static/up", ".."), ("templates/partials/top", "..")])
def test_a_folder_link_loop_is_refused_without_hanging(tiny, link, target):
    (tiny / link).symlink_to(target, target_is_directory=True)
    result = run_cli(tiny)
    assert result.code == 1
    assert f"error: {link}: a link to " in result.err and "(a loop)" in result.err


def test_links_inside_the_project_are_published_and_their_targets_tracked(tiny):
    write(tiny / "shared" / "print.css", "body { color: black }\n")
    assert run_cli(tiny).code == 0
    (tiny / "static" / "print.css").symlink_to("../shared/print.css")
    (tiny / "content" / "pages" / "linked.vi.md").symlink_to("notes.vi.md")
    result = run_cli(tiny)
    assert result.code == 0, result.err
    assert not result.out.startswith("Up to date")  # adding a link is a change
    [published] = (tiny / "site" / "static").glob("print.*.css")
    assert published.read_text() == "body { color: black }\n" and not published.is_symlink()
    assert "Trang này chưa có bản tiếng Pháp." in (tiny / "site" / "vi" / "linked" / "index.html").read_text()
    assert run_cli(tiny).out.startswith("Up to date")
    write(tiny / "shared" / "print.css", "body { color: navy }\n")  # the target changes, the link does not
    edit(tiny / "content" / "pages" / "notes.vi.md", "Trang này", "Trang mới này")
    result = run_cli(tiny)
    assert result.code == 0 and not result.out.startswith("Up to date"), result.out
    [published] = (tiny / "site" / "static").glob("print.*.css")
    assert published.read_text() == "body { color: navy }\n"
    assert "Trang mới này" in (tiny / "site" / "vi" / "linked" / "index.html").read_text()


ALIAS_BOMB = "".join(
    f"{name}: &{name} [" + ", ".join([f"*{previous}"] * 9) + "]\n"
    for previous, name in zip("abcdef", "bcdefg", strict=True)
)


def test_an_alias_bomb_in_translations_yaml_is_a_located_error(tiny):
    write(tiny / "content" / "translations.yaml", 'a: &a ["x", "x", "x", "x", "x", "x", "x", "x", "x"]\n' + ALIAS_BOMB)
    result = run_cli(tiny)
    assert result.code == 1
    assert "error: content/translations.yaml:" in result.err
    assert "the YAML expands to too many values" in result.err


@pytest.mark.parametrize("folder", ["content/pages", "static", "templates/partials", "content/pages/talks"])
def test_a_file_name_that_is_not_utf8_is_named(tiny, folder):
    name = b"caf\xe9.vi.md" if folder.startswith("content") else b"caf\xe9.css"
    with open(os.path.join(os.fsencode(tiny / folder), name), "wb") as file:
        file.write(b"---\ntitle: x\n---\n")
    for options in ([], ["--no-cache"]):
        result = run_cli(tiny, *options)
        assert result.code == 1
        shown = name.decode("utf-8", "backslashreplace")
        assert f"error: {folder}/{shown}: the file name is not valid UTF-8 — rename the file" in result.err
        assert "surrogates" not in result.err


# Bodies of about 20 KB that make Python-Markdown quadratic or worse, or nest deeply.
N = 20_000
HOSTILE = {
    "open brackets": "[" * N,
    "open brackets and spaces": "[ " * (N // 2),
    "open image brackets": "![" * (N // 2),
    "nested brackets": "[" * (N // 2) + "]" * (N // 2),
    "links without end": "[a](" * (N // 4),
    "links to an unclosed <": "[a](<" * (N // 5),
    "cdata": "<![CDATA[" * (N // 9),
    "unclosed tags": "<a " * (N // 3),
    "unclosed attributes": "<a b=" * (N // 5),
    "unclosed tags on lines": "<a\n" * (N // 3),
    "autolinks": "<http://" * (N // 8),
    "equal headings": "a\n=\n" * (N // 4),
    "attribute lists": "# a {: " * (N // 7),
    "quote markers": ">" * N,
    "nested lists": "".join("    " * i + "- x\n" for i in range(100)),
    "nested quotes": "".join("> " * i + "x\n" for i in range(140)),
    "emphasis": "*_" * (N // 2),
    "backticks": "`a" * (N // 2),
}


@pytest.mark.parametrize("name", HOSTILE)
def test_a_hostile_page_of_20_kb_builds_or_fails_in_bounded_time(tiny, name):
    write(tiny / "content" / "pages" / "notes.vi.md", "---\ntitle: Ghi chú\n---\n" + HOSTILE[name] + "\n")
    try:  # a bound far above the deadline of a page's conversion, far below the minutes these bodies took
        result = subprocess.run(
            [sys.executable, str(ROOT / "build.py"), "--project", str(tiny), "--jobs", "1"],
            capture_output=True,
            text=True,
            timeout=15,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"building a 20 KB page of {name} took more than 15 s")
    if result.returncode != 0:
        assert result.returncode == 1
        errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
        assert errors and all(line.startswith("error: content/pages/notes.vi.md:") for line in errors), result.stderr
        assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    "body, where",
    [("[" * N, ":4:1:"), ("Text [a link](notes.md).\n\n" + "[ " * 5000, ":6:1:"), ("x " + "[a](" * 5000, ":4:6:")],
)
def test_runs_of_open_brackets_are_refused_where_they_start(tiny, body, where):
    write(tiny / "content" / "pages" / "notes.vi.md", "---\ntitle: Ghi chú\n---\n" + body + "\n")
    result = run_cli(tiny)
    assert result.code == 1
    assert f"error: content/pages/notes.vi.md{where} too many brackets [ or ( left open" in result.err
    assert "write \\[ for a bracket that is only text" in result.err


def test_escaped_and_closed_brackets_are_not_refused(tiny):
    body = "\\[" * 5000 + "\n\n" + "[a](notes.md) " * 500 + "\n\n" + "[x] " * 2000
    write(tiny / "content" / "pages" / "notes.vi.md", "---\ntitle: Ghi chú\n---\n" + body + "\n")
    result = run_cli(tiny)
    assert result.code == 0, result.err


def test_an_edit_in_a_linked_template_folder_is_rebuilt(tiny):
    (tiny / "templates" / "partials").rename(tiny / "partials")
    (tiny / "templates" / "partials").symlink_to("../partials", target_is_directory=True)
    assert run_cli(tiny).code == 0
    edit(tiny / "partials" / "welcome.html", "<section", "<section data-edited")
    result = run_cli(tiny)
    assert result.code == 0 and not result.out.startswith("Up to date"), result.out
    assert "data-edited" in (tiny / "site" / "index.html").read_text()
