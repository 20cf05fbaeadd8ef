"""Options and commands that used to end in a traceback or a wrong action: each is one line and exit 1 now."""

import http.client
import json
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, edit, free_port, run_cli, serving, write
from microsite.config import normalise_base_url


def build_py(project: Path, *args: str, timeout: float = 60, prefix: tuple = ()) -> subprocess.CompletedProcess:
    """Run `build.py` in its own process; a command that should have stopped at once but keeps running fails."""
    try:
        return subprocess.run(
            [*prefix, sys.executable, str(ROOT / "build.py"), "--project", str(project), *args],
            capture_output=True,
            text=True,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired as exc:
        pytest.fail(f"build.py {' '.join(args)} was still running after {timeout} s: {exc.stdout!r}")


def one_error_line(stderr: str) -> str:
    """The only line of stderr, which must be an error and no traceback."""
    lines = stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), stderr
    return lines[0]


# --- --jobs, --port: checked as they are parsed --------------------------------------------------------------


def test_jobs_beyond_the_cpus_is_capped_with_a_warning(tiny):
    result = run_cli(tiny, "--jobs", "1000")
    assert result.code == 0, result.err
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    assert f"warning: --jobs 1000: this machine has {cpus} CPU" in result.err
    assert f"rendering with {cpus} process" in result.err
    assert (tiny / "site" / "vi" / "index.html").is_file()


@pytest.mark.parametrize("jobs", ["0", "-1", "two"])
def test_jobs_below_one_or_not_a_number_is_refused(tiny, jobs):
    result = run_cli(tiny, "--jobs", jobs)
    assert result.code == 1
    line = one_error_line(result.err)
    assert "--jobs" in line and "microsite --help" in line  # run_cli runs the CLI as the `microsite` command
    assert not (tiny / "site").exists()


def test_help_says_what_jobs_accepts():
    result = subprocess.run([sys.executable, str(ROOT / "build.py"), "--help"], capture_output=True, text=True)
    assert "1 or more, at most one per CPU" in " ".join(result.stdout.split())


@pytest.mark.parametrize("port", ["99999", "65536", "0", "-1", "http"])
def test_a_port_outside_1_to_65535_is_refused(tiny, port):
    result = build_py(tiny, "serve", "--port", port, timeout=30)
    assert result.returncode == 1
    line = one_error_line(result.stderr)
    assert "--port" in line and "1 to 65535" in line
    assert "Serving" not in result.stdout


# --- serve: a busy port, an unknown host ---------------------------------------------------------------------


def test_serve_on_a_busy_port_is_one_line_before_serving(tiny):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = build_py(tiny, "serve", "--port", str(port), timeout=60)
    assert result.returncode == 1
    line = one_error_line(result.stderr)
    assert line.startswith(f"error: --port {port}: ") and "already in use" in line and "--port" in line.split("—")[1]
    assert "Serving" not in result.stdout


def test_serve_on_an_unknown_host_is_one_line_before_serving(tiny):
    result = build_py(tiny, "serve", "--host", "no-such-host.invalid", "--port", str(free_port()), timeout=60)
    assert result.returncode == 1
    line = one_error_line(result.stderr)
    assert line.startswith("error: --host no-such-host.invalid: ") and "--host 127.0.0.1" in line
    assert "Serving" not in result.stdout


@pytest.mark.parametrize("host", ["a" * 300, "a" * 64 + ".example.org", "a..b"])
def test_serve_on_a_host_name_idna_refuses_is_one_line_naming_host(tiny, host):
    result = build_py(tiny, "serve", "--host", host, "--port", str(free_port()), timeout=60)
    assert result.returncode == 1
    line = one_error_line(result.stderr)
    assert line.startswith("error: --host ") and "not a valid host name" in line and "--host 127.0.0.1" in line
    assert "Serving" not in result.stdout


def test_a_busy_port_with_debug_shows_the_traceback(tiny):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        result = build_py(tiny, "--debug", "serve", "--port", str(taken.getsockname()[1]), timeout=60)
    assert result.returncode == 1 and "Traceback" in result.stderr and "already in use" in result.stderr


# --- the preview server: malformed URLs -----------------------------------------------------------------------


@pytest.fixture
def preview_url(tiny):
    """`build.py serve` on the tiny site, in its own process on 127.0.0.1."""
    with serving(tiny) as (_, port):
        yield port


@pytest.mark.parametrize(
    "path",
    [
        "/repo/%00",
        "/repo/vi/%00/",
        "/repo/a%00b.html",
        "/repo/static/%00.css",
        "/repo/..%00",
        "/%00",
        "/livereload.js%00",
        "/repo/%ff",
        "/repo/%c3%28",
    ],
)
def test_nul_and_undecodable_urls_are_404_not_500(preview_url, path):
    connection = http.client.HTTPConnection("127.0.0.1", preview_url, timeout=10)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        response.read()
        assert response.status == 404
    finally:
        connection.close()


# --- the base URL ---------------------------------------------------------------------------------------------

BAD_BASE_URLS = [
    "https://x.org/a b/",
    'https://x.org/"onmouseover=x/',
    "https://x.org/'x/",
    "https://x.org/<b>/",
    "https://x.org\\repo/",
    "https://user:secret@x.org/repo/",
    "https://token@x.org/",
    "https://x.org:99999/",
    "https://x.org:0/",
    "https://x.org:http/",
    "javascript:alert(1)",
    "",
]


@pytest.mark.parametrize("bad", BAD_BASE_URLS)
def test_a_bad_base_url_option_is_one_line_naming_the_option(tiny, bad):
    result = run_cli(tiny, "--base-url", bad)
    assert result.code == 1
    line = one_error_line(result.err)
    assert line.startswith("error: --base-url: invalid base URL") and "https://user.github.io/repo/" in line
    assert not (tiny / "site").exists()


@pytest.mark.parametrize("bad", BAD_BASE_URLS[:10])
def test_a_bad_base_url_in_site_yaml_is_located(tiny, bad):
    edit(tiny / "content/site.yaml", "base_url: https://tiny.example/repo/", f"base_url: {json.dumps(bad)}")
    result = run_cli(tiny)
    assert result.code == 1
    assert result.err.startswith("error: content/site.yaml:2:11: invalid base URL"), result.err


# Segments that lead out of the site's folder: the preview would write and delete outside its temporary folder.
DOT_BASE_URLS = [
    "https://x.org/../victim/",
    "https://x.org/../",
    "https://x.org/repo/..",
    "https://x.org/./",
    "https://x.org/%2e%2E/victim/",
    "https://x.org/%2E/",
    "https://x.org/a//b/",
    "https://x.org//repo/",
    "https://x.org/repo/%2e%2e/",
]  # trailing slashes are normalised to one (tests/test_urls.py)


@pytest.mark.parametrize("bad", DOT_BASE_URLS)
def test_a_base_url_option_with_dot_or_empty_segments_is_refused(tiny, bad):
    result = run_cli(tiny, "--base-url", bad)
    assert result.code == 1
    line = one_error_line(result.err)
    assert line.startswith("error: --base-url: invalid base URL") and "'..' segment" in line, line
    assert not (tiny / "site").exists()


@pytest.mark.parametrize("bad", DOT_BASE_URLS)
def test_a_base_url_in_site_yaml_with_dot_or_empty_segments_is_located(tiny, bad):
    edit(tiny / "content/site.yaml", "base_url: https://tiny.example/repo/", f"base_url: {json.dumps(bad)}")
    result = run_cli(tiny)
    assert result.code == 1
    assert result.err.startswith("error: content/site.yaml:2:11: invalid base URL"), result.err


def test_serve_with_a_dot_dot_base_url_writes_nothing_outside_its_folder(tiny, tmp_path):
    # The hostile repro: the preview folder was root / "../victim", so serve overwrote and deleted files there.
    temporary = tmp_path / "tmpd"
    victim = temporary / "victim"  # beside the preview's own folder, microsite-preview-*, in $TMPDIR
    write(victim / "static" / "important.txt", "keep\n")
    write(victim / "index.html", "mine\n")
    edit(tiny / "content/site.yaml", "base_url: https://tiny.example/repo/", "base_url: https://x.org/../victim/")
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "build.py"), "--project", str(tiny), "serve", "--port", str(free_port())],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "TMPDIR": str(temporary)},
    )
    try:
        output = []
        for line in process.stdout:  # the first build is over once it says where it serves
            output.append(line)
            if line.startswith("Serving "):
                break
    finally:
        process.terminate()
        process.wait(timeout=30)
    assert "invalid base URL" in "".join(output) and "Traceback" not in "".join(output), output
    assert (victim / "static" / "important.txt").read_text(encoding="utf-8") == "keep\n"
    assert (victim / "index.html").read_text(encoding="utf-8") == "mine\n"


def test_the_preview_folder_must_lie_inside_its_temporary_folder(tiny, tmp_path):
    # Defence in depth: a path that leaves the preview's folder another way (here a link) writes nothing there.
    from microsite.commands.preview import Preview

    victim = tmp_path / "victim"
    write(victim / "index.html", "mine\n")
    root = tmp_path / "served"
    root.mkdir()
    (root / "repo").symlink_to(victim, target_is_directory=True)
    report = Preview(tiny, root, "https://tiny.example/repo/").rebuild(set())
    assert report.errors and "leads outside" in report.errors[0], report.errors
    assert sorted(p.name for p in victim.iterdir()) == ["index.html"]
    assert (victim / "index.html").read_text(encoding="utf-8") == "mine\n"


@pytest.mark.parametrize(
    "good, normal",
    [
        ("https://x.org:8080/repo", "https://x.org:8080/repo/"),
        ("http://[::1]:8000/", "http://[::1]:8000/"),
        ("https://x.org/%C3%A9t%C3%A9/", "https://x.org/%C3%A9t%C3%A9/"),
    ],
)
def test_plain_base_urls_still_pass(good, normal):
    assert normalise_base_url(good) == normal


# --- slugs ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("length", [101, 256, 300])
def test_a_slug_over_the_limit_is_located_at_its_line(tiny, length):
    edit(tiny / "content/pages/notes.vi.md", "title: Ghi chú\n", f"title: Ghi chú\nslug: {'a' * length}\n")
    result = run_cli(tiny)
    assert result.code == 1
    assert result.err.startswith(
        f"error: content/pages/notes.vi.md:3:7: the slug is {length} characters long; the limit is 100 — "
    ), result.err
    assert "Traceback" not in result.err and not (tiny / "site").exists()


def test_a_slug_of_100_characters_builds(tiny):
    edit(tiny / "content/pages/notes.vi.md", "title: Ghi chú\n", f"title: Ghi chú\nslug: {'a' * 100}\n")
    assert run_cli(tiny).code == 0
    assert (tiny / "site" / "vi" / ("a" * 100) / "index.html").is_file()


def test_a_file_name_giving_a_slug_over_the_limit_is_named(tiny):
    name = "b" * 150
    write(tiny / f"content/pages/{name}.vi.md", "---\ntitle: B\n---\nB.\n")
    result = run_cli(tiny)
    assert result.code == 1
    assert result.err.startswith(
        f"error: content/pages/{name}.vi.md: the slug is 150 characters long; "
        "the limit is 100 (it comes from the file name)"
    ), result.err


def test_the_schema_reference_states_the_slug_limit():
    result = subprocess.run([sys.executable, str(ROOT / "build.py"), "schema"], capture_output=True, text=True)
    assert "at most 100 characters" in result.stdout


# --- new ------------------------------------------------------------------------------------------------------


def test_new_under_a_file_is_one_line_and_writes_nothing(tiny):
    write(tiny / "content/pages/guide", "not a folder\n")
    for name in ("guide/intro", "guide/part/intro"):
        result = run_cli(tiny, "new", name)
        assert result.code == 1
        line = one_error_line(result.err)
        assert line.startswith("error: content/pages/guide: a file stands where the page's folder would go")
    assert (tiny / "content/pages/guide").read_text(encoding="utf-8") == "not a folder\n"


def test_new_under_a_broken_link_is_one_line(tiny):
    (tiny / "content/pages/gone").symlink_to(tiny / "nowhere")
    result = run_cli(tiny, "new", "gone/intro")
    assert result.code == 1
    assert one_error_line(result.err).startswith("error: content/pages/gone: ")
    assert not (tiny / "nowhere").exists()


@pytest.mark.parametrize("name", ["..", "../x", "a/../../b", "/etc/x", "", "about.vi.md/x", "x" * 101])
def test_new_refuses_names_that_leave_the_pages_or_cannot_be_files(tiny, name):
    before = sorted(p for p in tiny.rglob("*"))
    result = run_cli(tiny, "new", name)
    assert result.code == 1
    assert one_error_line(result.err).startswith("error: content/pages: ")
    assert sorted(p for p in tiny.rglob("*")) == before


# --- expected OS errors ---------------------------------------------------------------------------------------


def _without_root_powers() -> tuple:
    """A command prefix that makes file permissions apply (root ignores them unless its powers are dropped)."""
    if os.geteuid() != 0:
        return ()
    setpriv = shutil.which("setpriv")
    if not setpriv:
        pytest.skip("running as root without setpriv: file permissions cannot be made to apply")
    powers = "-dac_override,-dac_read_search,-fowner"
    return (setpriv, f"--inh-caps={powers}", f"--bounding-set={powers}")


@pytest.mark.parametrize("args", [(), ("--no-cache",), ("new", "x"), ("translations", "--confirm", "index")])
def test_a_read_only_project_is_one_line_naming_the_path(tiny, args):
    for path in [tiny, *tiny.rglob("*")]:
        path.chmod(path.stat().st_mode & ~0o222)
    try:
        result = build_py(tiny, *args, prefix=_without_root_powers())
        debug = build_py(tiny, "--debug", *args, prefix=_without_root_powers())
    finally:
        for path in [tiny, *tiny.rglob("*")]:
            path.chmod(path.stat().st_mode | 0o200)
    assert result.returncode == 1
    line = one_error_line(result.stderr.replace(_cache_warning(result.stderr), ""))
    assert "permission denied" in line.lower() and "— check" in line
    where = line.split(": ")[1]
    if args in ((), ("--no-cache",)):  # the output folder the build could not write, as the reader named it
        assert where in ("site", str(tiny / "site")) and "the site was left as it was" in line
    else:
        assert not where.startswith("/")  # an input, as seen from the project
    assert debug.returncode == 1 and "Traceback" in debug.stderr and "PermissionError" in debug.stderr


def _cache_warning(stderr: str) -> str:
    """A warning the cache may print before the failure (not this test's concern)."""
    return "".join(line + "\n" for line in stderr.splitlines() if line.startswith("warning: .cache"))


@pytest.mark.parametrize("link", ["content/pages/side", "content/pages", "content/pages/side/zzz.vi.md"])
def test_new_never_creates_a_file_through_a_link_that_leads_outside(tiny, link):
    outside = tiny.parent / "outside"
    outside.mkdir()
    if link.endswith(".md"):
        (tiny / "content/pages/side").mkdir()
        target = outside / "zzz.vi.md"  # a dangling link: writing through it would create the file outside
    else:
        target = outside
        if (tiny / link).exists():
            shutil.copytree(tiny / link, outside, dirs_exist_ok=True)
            shutil.rmtree(tiny / link)
    (tiny / link).symlink_to(target)
    before = sorted(p.name for p in outside.rglob("*"))
    result = run_cli(tiny, "new", "side/zzz")
    assert result.code == 1
    line = one_error_line(result.err)
    assert line.startswith(f"error: {link}: a link to {target}") and "nothing was written" in line
    assert sorted(p.name for p in outside.rglob("*")) == before
    assert [p for p in tiny.rglob("zzz.*") if not p.is_symlink()] == []  # the link itself is the only one


def test_new_creates_pages_through_a_link_inside_the_project(tiny):
    (tiny / "content/pages/archive").mkdir()
    (tiny / "content/pages/side").symlink_to("archive")
    result = run_cli(tiny, "new", "side/zzz")
    assert result.code == 0, result.err
    assert sorted(p.name for p in (tiny / "content/pages/archive").iterdir()) == ["zzz.fr.md", "zzz.vi.md"]


# --- clean ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("where", [".git", "sub/.git", "a/b/c/.git"])
def test_clean_refuses_a_site_holding_a_repository_at_any_depth(tiny, where):
    # The build's own guard: clean must not delete what the build refuses to replace.
    assert run_cli(tiny, "--no-cache").code == 0
    subprocess.run(["git", "init", "-q", str((tiny / "site" / where).parent)], check=True)
    before = sorted(p.relative_to(tiny).as_posix() for p in tiny.rglob("*"))
    result = run_cli(tiny, "clean")
    assert result.code == 1
    line = one_error_line(result.err)
    assert "site" in line and "refusing to delete it" in line and "holds a git repository" in line, line
    assert sorted(p.relative_to(tiny).as_posix() for p in tiny.rglob("*")) == before, "nothing was deleted"


def test_clean_still_deletes_the_projects_own_site(tiny):
    assert run_cli(tiny).code == 0
    result = run_cli(tiny, "clean")
    assert result.code == 0, result.err
    assert not (tiny / "site").exists() and not (tiny / ".cache").exists()
