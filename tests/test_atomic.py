"""A failed, interrupted or killed build leaves the previous site/ exactly as it was."""

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import ROOT, run_cli, snapshot

sys.path.insert(0, str(ROOT / "benchmarks"))
from corpus import write_corpus


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    """A site big enough (300 pages per language) to be caught half-way through its build."""
    return write_corpus(tmp_path_factory.mktemp("corpus") / "project", 300)


def start_build(project: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, str(ROOT / "build.py"), "--project", str(project)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_until_half_written(project: Path, process: subprocess.Popen) -> Path:
    """Wait until the build's temporary folder holds some pages, and return it."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        for folder in project.glob(".site.tmp-*"):
            if sum(1 for _ in folder.rglob("index.html")) >= 40:
                return folder
        assert process.poll() is None, "the build finished before it could be interrupted"
        time.sleep(0.01)
    pytest.fail("the build never started writing")


@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGTERM, signal.SIGINT])
def test_a_build_stopped_half_way_leaves_the_previous_site(corpus, how):
    assert run_cli(corpus).code == 0
    before = snapshot(corpus / "site")
    page = corpus / "content/pages/index.vi.md"
    original = page.read_text(encoding="utf-8")
    page.write_text(original + "\nThay đổi.\n", encoding="utf-8")
    try:
        process = start_build(corpus)
        folder = wait_until_half_written(corpus, process)
        process.send_signal(how)
        process.wait(timeout=30)
        assert process.returncode != 0
        assert snapshot(corpus / "site") == before
        if how != signal.SIGKILL:
            assert not folder.exists(), "an interrupted build cleans up its temporary folder"
            assert "site/ was left as it was" in process.stderr.read()
        # The next build recovers: leftovers go, the new site comes in whole.
        assert run_cli(corpus).code == 0
        assert not list(corpus.glob(".site.*"))
        assert "Thay đổi." in (corpus / "site/vi/index.html").read_text(encoding="utf-8")
    finally:
        page.write_text(original, encoding="utf-8")
