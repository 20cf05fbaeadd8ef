"""The build replaces only a folder it made (the default site/, an empty folder, or one holding its marker), never
leaves a temporary folder behind, and leaves site/ as it was when it cannot finish (a full disk, a racing build)."""

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import microsite
from conftest import ROOT, TINY, copy_project, edit, run_cli, snapshot
from microsite.errors import ContentError

MARKER = ".microsite-output"  # the file every build writes into its output folder

PACKAGE = Path(microsite.__file__).resolve().parent


def tree(root: Path) -> dict[str, object]:
    """Every file and link below a folder: its bytes, or where the link points (links are not followed)."""
    found = {}
    for folder, dirs, files in os.walk(root):
        for name in dirs + files:
            path = Path(folder, name)
            rel = path.relative_to(root).as_posix()
            if path.is_symlink():
                found[rel] = "-> " + os.readlink(path)
            elif path.is_file():
                found[rel] = path.read_bytes()
    return found


def make_world(root: Path) -> Path:
    """A project beside other folders: a git repository, a folder of someone else's, an empty one, a file, links."""
    project = copy_project(TINY, root / "project")
    subprocess.run(["git", "init", "-q", str(project)], check=True)
    (project / "tests").mkdir()
    (project / "tests" / "test_it.py").write_text("# the project's tests\n", encoding="utf-8")
    (root / "foreign").mkdir()
    (root / "foreign" / "thesis.tex").write_text("years of work\n", encoding="utf-8")
    (root / "empty").mkdir()
    (root / "file.txt").write_text("a file\n", encoding="utf-8")
    (root / "withgitdeep" / "sub" / ".git").mkdir(parents=True)  # a repository deep inside, with a planted marker
    (root / "withgitdeep" / "sub" / ".git" / "HEAD").write_text("ref: refs/heads/main\n", encoding="utf-8")
    (root / "withgitdeep" / MARKER).write_text("planted", encoding="utf-8")
    (project / ".github").mkdir()  # a folder of the sources, tracked by git, with a planted marker
    (project / ".github" / "ci.yml").write_text("on: push\n", encoding="utf-8")
    (project / ".github" / MARKER).write_text("planted", encoding="utf-8")
    (project / "tests" / MARKER).write_text("planted", encoding="utf-8")
    subprocess.run(["git", "-C", str(project), "add", "tests", ".github"], check=True)
    for name, target in [
        ("to-git", project / ".git"),
        ("to-foreign", root / "foreign"),
        ("to-empty", root / "empty"),
        ("to-project", project),
        ("to-package", PACKAGE),
        ("to-content", project / "content"),
    ]:
        (root / name).symlink_to(target, target_is_directory=True)
    return project


def leftovers(root: Path) -> list[str]:
    """Temporary or moved-aside folders of a build, anywhere below root."""
    return sorted(p.name for p in root.rglob(".*") if any(kind in p.name for kind in (".tmp-", ".old-", ".trash-")))


def error_lines(err: str) -> list[str]:
    """The lines of stderr that report an error."""
    return [line for line in err.splitlines() if line.startswith("error:")]


REFUSED = [
    "project",
    ".",
    "project/.git",
    "project/.git/hooks",
    "project/tests",
    "project/content",
    "project/content/pages",
    "project/templates",
    "project/.cache",
    "foreign",
    "file.txt",
    "file.txt/site",
    "to-git",
    "to-foreign",
    "to-project",
    "to-package",
    "to-content",
    "to-content/new",
    "withgitdeep",
    "project/.github",
]


@pytest.mark.parametrize("target", REFUSED)
def test_a_folder_the_build_did_not_make_is_refused(tmp_path, target):
    project = make_world(tmp_path)
    (project / ".cache").mkdir()
    (project / ".cache" / "keep").write_text("x", encoding="utf-8")
    before = tree(tmp_path)
    result = run_cli(project, "--out", str(tmp_path / target), "--jobs", "1")
    assert result.code == 1
    lines = error_lines(result.err)
    assert len(lines) == 1 and "refusing to write the site" in lines[0] and str(tmp_path / target) in lines[0], (
        result.err
    )
    assert "Traceback" not in result.err
    assert tree(tmp_path) == before, "nothing was written or deleted"


def test_a_site_folder_holding_a_repository_is_refused(tiny):
    # Even the default site/: a checkout of the gh-pages branch there would lose its history.
    assert run_cli(tiny, "--no-cache").code == 0
    subprocess.run(["git", "init", "-q", str(tiny / "site")], check=True)
    before = tree(tiny / "site")
    result = run_cli(tiny, "--no-cache")
    assert result.code == 1 and "holds a git repository" in result.err
    assert tree(tiny / "site") == before


def test_the_generators_own_code_is_refused():
    # Through the guard itself: a build into the package would delete the code running this test if it failed.
    from microsite.writer import check_output

    for target in (PACKAGE, PACKAGE / "templates", PACKAGE.parent):
        with pytest.raises(ContentError, match="refusing to write the site"):
            check_output(target, TINY)


@pytest.mark.parametrize("target", ["project/site", "empty", "to-empty", "new/nested/out", "project/out"])
def test_a_folder_of_its_own_is_built_and_built_again(tmp_path, target):
    project = make_world(tmp_path)
    before = tree(tmp_path)
    out = tmp_path / target
    for _ in range(2):
        result = run_cli(project, "--out", str(out), "--no-cache", "--jobs", "1")
        assert result.code == 0, result.err
        assert (out / "index.html").is_file() and (out / MARKER).is_file()
    if target == "to-empty":  # the link stays; the folder it points to holds the site
        assert (tmp_path / "to-empty").is_symlink() and (tmp_path / "empty" / "index.html").is_file()
    real = Path(os.path.realpath(out)).relative_to(tmp_path).as_posix()
    after = {path: value for path, value in tree(tmp_path).items() if not (path == real or path.startswith(real + "/"))}
    assert after == before, "nothing outside the output folder changed"
    assert leftovers(tmp_path) == []


def test_the_default_site_of_an_older_version_is_replaced(tiny):
    # A site/ built before the marker existed is the project's own output all the same.
    (tiny / "site").mkdir()
    (tiny / "site" / "old.html").write_text("old", encoding="utf-8")
    assert run_cli(tiny, "--no-cache").code == 0
    assert not (tiny / "site" / "old.html").exists() and (tiny / "site" / MARKER).is_file()


def dead_pid() -> int:
    """The id of a process that has ended."""
    process = subprocess.Popen(["true"])
    process.wait()
    return process.pid


def test_leftovers_of_a_killed_build_are_cleaned_or_restored(tiny, tmp_path):
    assert run_cli(tiny, "--no-cache").code == 0
    before = snapshot(tiny / "site")
    # Killed between its two renames: the site was moved aside, the new one not yet in place.
    os.rename(tiny / "site", tiny / f".site.old-{dead_pid()}")
    half = tiny / f".site.tmp-{dead_pid()}"
    half.mkdir()
    (half / MARKER).write_text("", encoding="utf-8")
    (half / "index.html").write_text("half", encoding="utf-8")
    foreign = tiny / f".site.old-{dead_pid()}-notes"
    foreign.mkdir()
    (foreign / "mine.txt").write_text("not the generator's", encoding="utf-8")
    edit(tiny / "content/pages/index.vi.md", "Xin chào!", "Chào!")
    failing = (tiny / "templates/page.html").read_text(encoding="utf-8")
    (tiny / "templates/page.html").write_text("{% broken", encoding="utf-8")
    result = run_cli(tiny, "--no-cache")
    assert result.code == 1
    assert snapshot(tiny / "site") == before, "the site moved aside is back, as it was"
    assert leftovers(tiny) == [foreign.name], "only the build's own leftovers go"
    (tiny / "templates/page.html").write_text(failing, encoding="utf-8")
    assert run_cli(tiny, "--no-cache").code == 0
    assert "Chào!" in (tiny / "site/vi/index.html").read_text(encoding="utf-8")
    assert leftovers(tiny) == [foreign.name]


@pytest.fixture
def small_disk(tmp_path):
    """A 400 KB file system (tmpfs), or a skip where mounting is not permitted."""
    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=400k", "tmpfs", str(mount)], capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs to fill up (needs root): {done.stderr.decode().strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", str(mount)], check=True)


def fill(disk: Path) -> None:
    """Fill a file system up to its last few blocks."""
    with open(disk / "filler", "wb", buffering=0) as fp:
        try:
            while True:
                fp.write(b"\0" * 4096)
        except OSError:
            pass
    os.truncate(disk / "filler", os.path.getsize(disk / "filler") - 8192)


def test_a_full_disk_is_one_line_and_leaves_the_site(tiny, small_disk):
    out = small_disk / "site"
    assert run_cli(tiny, "--out", str(out)).code == 0
    before = snapshot(out)
    fill(small_disk)
    edit(tiny / "content/pages/index.vi.md", "Xin chào!", "Chào!")
    result = run_cli(tiny, "--out", str(out), "--jobs", "1")
    assert result.code == 1 and "Traceback" not in result.err
    lines = error_lines(result.err)
    assert len(lines) == 1 and "disk is full" in lines[0], result.err
    assert snapshot(out) == before
    assert leftovers(small_disk) == []
    (small_disk / "filler").unlink()
    assert run_cli(tiny, "--out", str(out)).code == 0
    assert "Chào!" in (out / "vi/index.html").read_text(encoding="utf-8")


def test_a_record_that_cannot_be_written_after_the_swap_leaves_a_whole_build(tiny):
    assert run_cli(tiny).code == 0
    shutil.rmtree(tiny / ".cache")
    (tiny / ".cache").mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "ro,size=64k", "tmpfs", str(tiny / ".cache")], capture_output=True
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a read-only tmpfs (needs root): {done.stderr.decode().strip()}")
    try:
        edit(tiny / "content/pages/index.vi.md", "Xin chào!", "Chào!")
        result = run_cli(tiny, "--jobs", "1")
        assert result.code == 0 and "Traceback" not in result.err, result.err
        assert "build record could not be written" in result.err
        assert "Chào!" in (tiny / "site/vi/index.html").read_text(encoding="utf-8")
        assert leftovers(tiny) == []
    finally:
        subprocess.run(["umount", str(tiny / ".cache")], check=True)
    again = run_cli(tiny)
    assert again.code == 0 and again.out.startswith("Built"), "no record of the last site: the next build builds"
    assert run_cli(tiny).out.startswith("Up to date")


def test_builds_racing_on_the_final_rename_leave_a_whole_site(tiny, tmp_path):
    reference = tmp_path / "reference"
    assert run_cli(tiny, "--no-cache", "--out", str(reference)).code == 0
    command = [sys.executable, str(ROOT / "build.py"), "--project", str(tiny), "--jobs", "1"]
    for _round in range(2):
        edit(tiny / "content/pages/index.vi.md", "Xin chào", "Xin chào")  # each round builds again
        (tiny / ".cache" / "last-build.json").unlink(missing_ok=True)
        builds = [
            subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(3)
        ]
        for build in builds:
            _out, err = build.communicate(timeout=120)
            assert "Traceback" not in err, err
            assert build.returncode == 0 or (build.returncode == 1 and len(error_lines(err)) == 1), err
        assert snapshot(tiny / "site") == snapshot(reference)
        assert leftovers(tiny) == []


def test_a_build_waits_for_another_between_its_two_renames(tiny, tmp_path):
    import fcntl
    import shutil

    reference = tmp_path / "reference"
    assert run_cli(tiny, "--no-cache", "--out", str(reference)).code == 0
    assert run_cli(tiny, "--no-cache").code == 0
    # Another build (this process) is between its two renames: it holds the lock on the output's parent
    # folder, has moved the site aside and has its new site ready.
    lock = os.open(tiny, os.O_RDONLY)
    fcntl.flock(lock, fcntl.LOCK_EX)
    moved, ready = tiny / f".site.old-{os.getpid()}", tiny / f".site.tmp-{os.getpid()}"
    os.rename(tiny / "site", moved)
    shutil.copytree(moved, ready)
    command = [sys.executable, str(ROOT / "build.py"), "--project", str(tiny), "--no-cache", "--jobs", "1"]
    racing = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        with pytest.raises(subprocess.TimeoutExpired):
            racing.wait(timeout=4)  # it waits instead of taking the moved-aside site back
        os.rename(ready, tiny / "site")
        shutil.rmtree(moved)
    finally:
        os.close(lock)
    _out, err = racing.communicate(timeout=60)
    assert racing.returncode == 0 and "Traceback" not in err, err
    assert snapshot(tiny / "site") == snapshot(reference)
    assert leftovers(tiny) == []


def test_clean_removes_a_link_not_what_it_points_to(tiny, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "precious.txt").write_text("keep", encoding="utf-8")
    (tiny / "site").symlink_to(elsewhere, target_is_directory=True)
    (tiny / ".cache").write_text("not a folder", encoding="utf-8")
    result = run_cli(tiny, "clean")
    assert result.code == 0, result.err
    assert not os.path.lexists(tiny / "site") and not os.path.lexists(tiny / ".cache")
    assert (elsewhere / "precious.txt").read_text(encoding="utf-8") == "keep"


# The property: whatever path the build is pointed at, in and around the project, it either builds a whole site
# there and changes nothing outside it, or refuses in one line and changes nothing at all.
BASES = [
    "project",
    "project/site",
    "project/.git",
    "project/content",
    "project/tests",
    "project/templates",
    "project/.cache",
    "foreign",
    "empty",
    "file.txt",
    "missing",
    "to-git",
    "to-foreign",
    "to-empty",
    "to-project",
    "to-package",
    "to-content",
    ".",
    "withgitdeep",
    "project/.github",
]
PARTS = ["sub", "..", "site", ".git", "pages", "thesis.tex", "hooks"]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(base=st.sampled_from(BASES), parts=st.lists(st.sampled_from(PARTS), max_size=2))
@example(base="to-package", parts=["..", "pages"])  # a new folder in the generator's checkout
@example(base="withgitdeep", parts=[])
@example(base="project/.github", parts=[])
def test_the_output_guard_changes_nothing_outside_the_output(base, parts):
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        project = make_world(root)
        (project / ".cache").mkdir()
        (project / ".cache" / "keep").write_text("x", encoding="utf-8")
        package = tree(PACKAGE)
        out = root.joinpath(base, *parts)
        real = Path(os.path.realpath(out))
        # to-package/../pages lies in the generator's checkout: a new folder there is built, then removed here.
        new_outside = not real.is_relative_to(root) and not os.path.lexists(real)
        before = tree(root)
        try:
            result = run_cli(project, "--out", str(out), "--no-cache", "--jobs", "1")
            built = (real / "index.html").is_file() and (real / MARKER).is_file()
        finally:
            if new_outside:
                shutil.rmtree(real, ignore_errors=True)
        assert "Traceback" not in result.err
        assert tree(PACKAGE) == package
        assert leftovers(root) == []
        if result.code != 0:
            assert result.code == 1 and len(error_lines(result.err)) == 1, result.err
            assert tree(root) == before, "a refused path is reported, not half-written"
            return
        assert built
        inside = real.relative_to(root).as_posix() if real.is_relative_to(root) else None
        after = {
            path: value
            for path, value in tree(root).items()
            if inside is None or not (path == inside or path.startswith(inside + "/"))
        }
        assert after == before, f"{out} was built, and something outside it changed"
        kept = {
            path: value
            for path, value in before.items()  # even inside the output: repositories, sources
            if ".git" in path.split("/") or path.startswith(("project/tests/", "project/.github/"))
        }
        assert {path: tree(root).get(path) for path in kept} == kept, f"{out} was built over a repository"


# --- a removal cut short (a build killed while it deletes the old site) ----------------------------------------


def test_an_interrupted_removal_is_cleaned_by_the_next_build(tiny):
    assert run_cli(tiny, "--no-cache").code == 0
    # Killed halfway through deleting a folder of its own: the marker may be gone already, part of the rest not.
    for marker in (False, True):
        half = tiny / f".site.trash-{dead_pid()}"
        (half / "fr" / "talks").mkdir(parents=True)
        (half / "fr" / "talks" / "index.html").write_text("half", encoding="utf-8")
        if marker:
            (half / MARKER).write_text("written by the generator\n", encoding="utf-8")
    running = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        busy = tiny / f".site.trash-{running.pid}"  # another build still deleting: left alone
        busy.mkdir()
        result = run_cli(tiny, "--no-cache")
        assert result.code == 0, result.err
        assert leftovers(tiny) == [busy.name]
        assert running.poll() is None, "the build sent the other build a signal"  # asking if it lives is signal 0
    finally:
        running.kill()
        running.wait()
    assert run_cli(tiny, "--no-cache").code == 0
    assert leftovers(tiny) == []


def test_a_build_killed_while_deleting_the_old_site_leaves_nothing_the_next_build_keeps(tiny):
    assert run_cli(tiny, "--no-cache").code == 0
    junk = tiny / "site" / "junk"  # a large old site, so that deleting it takes a while
    for group in range(40):
        (junk / str(group)).mkdir(parents=True)
        for number in range(250):
            (junk / str(group) / f"{number}.html").write_text("old", encoding="utf-8")
    build = subprocess.Popen(
        [sys.executable, str(ROOT / "build.py"), "--project", str(tiny), "--no-cache", "--jobs", "1"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while not any(kind in p.name for p in tiny.iterdir() for kind in (".old-", ".trash-")):
            assert build.poll() is None and time.monotonic() < deadline, "the build never moved the old site aside"
        time.sleep(0.05)
        build.send_signal(signal.SIGKILL)
    finally:
        build.kill()
        build.wait()
    result = run_cli(tiny, "--no-cache")
    assert result.code == 0, result.err
    assert leftovers(tiny) == [], "the next build cleaned what the killed one left"
    assert (tiny / "site" / "index.html").is_file() and not (tiny / "site" / "junk").exists()
