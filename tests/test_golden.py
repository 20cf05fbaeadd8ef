"""The tiny fixture site, built and compared file by file with tests/golden/tiny.

After an intended change of output, regenerate the golden copy and review its diff:
    UPDATE_GOLDEN=1 python -m pytest tests/test_golden.py && git diff --stat tests/golden
(the build itself refuses to write into a folder of files tracked by git, so the test copies its output there).
"""

import os
import shutil

from conftest import ROOT, TINY, run_cli, snapshot

GOLDEN = ROOT / "tests" / "golden" / "tiny"


def test_tiny_site_matches_golden_output(tmp_path):
    result = run_cli(TINY, "--no-cache", "--out", str(tmp_path / "out"))
    assert result.code == 0, result.err
    if os.environ.get("UPDATE_GOLDEN"):
        shutil.rmtree(GOLDEN)
        shutil.copytree(tmp_path / "out", GOLDEN)
    built, golden = snapshot(tmp_path / "out"), snapshot(GOLDEN)
    assert sorted(built) == sorted(golden)
    for name in golden:
        assert built[name] == golden[name], f"{name} differs from the golden copy"


def test_two_builds_are_byte_identical(tiny, tmp_path):
    assert run_cli(tiny, "--out", str(tmp_path / "a")).code == 0
    assert run_cli(tiny, "--out", str(tmp_path / "b")).code == 0
    assert snapshot(tmp_path / "a") == snapshot(tmp_path / "b")
