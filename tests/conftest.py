"""Shared fixtures: tiny sites and copies of the event fixture (real templates, made-up content) in tmp_path,
and a way to run the CLI."""

from __future__ import annotations

import contextlib
import io
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from microsite.cli import main
from microsite.commands.check import PageLinks, parse_page

ROOT = Path(__file__).resolve().parent.parent
TINY = ROOT / "tests" / "fixtures" / "tiny"
EVENT = ROOT / "tests" / "fixtures" / "event"  # made-up content, built with the project's real templates
PROJECT_PARTS = ("content", "templates", "locales", "static", "babel.cfg")


@dataclass
class Result:
    """What a CLI run returned and printed."""

    code: int
    out: str
    err: str


def run_cli(project: Path, *args: str) -> Result:
    """Run `build.py --project PROJECT ARGS...` in this process, capturing its output."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["--project", str(project), *args])
    return Result(code, out.getvalue(), err.getvalue())


def copy_project(source: Path, target: Path) -> Path:
    """Copy a project's inputs (not its output) into target."""
    target.mkdir(parents=True)
    for part in PROJECT_PARTS:
        path = source / part
        if path.is_dir():
            shutil.copytree(path, target / part)
        elif path.is_file():
            shutil.copy2(path, target / part)
    return target


def free_port() -> int:
    """A port on 127.0.0.1 that nothing listens on right now."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def serving(project: Path, timeout: float = 30):
    """`python build.py serve` on a project, in its own process on 127.0.0.1; yields (url, port), then stops it."""
    import re
    import subprocess
    import sys
    import time

    port = free_port()
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "build.py"), "--project", str(project), "serve", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + timeout
        for line in process.stdout:
            if line.startswith("Serving "):
                url = re.search(r"(http://\S+)", line).group(1)
                break
            assert time.monotonic() < deadline, "the server did not start"
        else:
            pytest.fail("the server exited before serving")
        yield url, port
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


def missing(message: str):
    """A tool a test needs is not installed: a failure under CI=true (CI installs them all), a skip elsewhere."""
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


def write(path: Path, text: str) -> None:
    """Write a UTF-8 file, creating its folders."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def clean_build(project: Path, out: Path) -> dict[str, bytes]:
    """Build with no cache, in one process, and return what was written (to compare faster paths with)."""
    from microsite.builder import build

    build(project, out, use_cache=False, jobs=1)
    return snapshot(out)


def edit(path: Path, old: str, new: str) -> None:
    """Replace the first `old` in a UTF-8 file by `new`, failing when `old` is not there."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture
def tiny(tmp_path) -> Path:
    """A fresh copy of the tiny fixture site."""
    return copy_project(TINY, tmp_path / "tiny")


def event_project(target: Path) -> Path:
    """A project made of the event fixture's content and the generator's real templates, catalogs and static
    files: the templates are tested, the real content/ never is (CI checks it with the build's own gates)."""
    copy_project(ROOT, target)
    shutil.rmtree(target / "content")
    shutil.copytree(EVENT / "content", target / "content")
    return target


@pytest.fixture
def event(tmp_path) -> Path:
    """A fresh copy of the event fixture project."""
    return event_project(tmp_path / "event")


@pytest.fixture(scope="session")
def event_site(tmp_path_factory) -> Path:
    """The event fixture, built once with --strict, read-only for the tests that share it."""
    project = event_project(tmp_path_factory.mktemp("event") / "project")
    result = run_cli(project, "--strict")
    assert result.code == 0, result.err
    return project / "site"


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under a folder and its bytes, to compare before and after."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


# One parser of built pages, shared with `build.py check`.
LinkParser, parse_html = PageLinks, parse_page


def resolve_site_url(site: Path, base_path: str, url: str) -> Path | None:
    """The file a root-relative URL under base_path serves, or None if it leaves the site."""
    url = url.split("#", 1)[0].split("?", 1)[0]
    if not url.startswith(base_path):
        return None
    target = site / url[len(base_path) :]
    return target / "index.html" if url.endswith("/") or target.is_dir() else target


from browser import chromium  # noqa: E402,F401  (the shared browser fixture)


class SiteServer:
    """A real HTTP server on 127.0.0.1 serving a built site under a base path, as GitHub Pages would."""

    def __init__(self, site: Path, base_path: str):
        import functools
        import http.server
        import tempfile
        import threading

        self.root = Path(tempfile.mkdtemp(prefix="served-"))
        mount = self.root / base_path.strip("/") if base_path.strip("/") else self.root
        if mount != self.root:
            mount.parent.mkdir(parents=True, exist_ok=True)
            mount.symlink_to(site.resolve(), target_is_directory=True)
        else:
            self.root.rmdir()
            self.root.symlink_to(site.resolve(), target_is_directory=True)
        not_found = (site / "404.html").read_bytes() if (site / "404.html").exists() else b"not found"

        class Handler(http.server.SimpleHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def send_error(self, code, message=None, explain=None):
                if code != 404:
                    return super().send_error(code, message, explain)
                self.send_response(404)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(not_found)))
                self.end_headers()
                self.wfile.write(not_found)

        handler = functools.partial(Handler, directory=str(self.root))
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.origin = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.url = self.origin + base_path

    def stop(self):
        """Stop serving and remove the mount point."""
        self.server.shutdown()
        self.server.server_close()
        if self.root.is_symlink():
            self.root.unlink()
        else:
            shutil.rmtree(self.root, ignore_errors=True)


@pytest.fixture(scope="session")
def served_event_site(event_site):
    """The event fixture, built for its base URL, served under its base path on 127.0.0.1."""
    from microsite.config import load_config
    from microsite.urls import Urls

    server = SiteServer(event_site, Urls(load_config(event_site.parent).base_url, {}).base_path)
    yield server
    server.stop()
