"""The command line itself: help, the README's promises, the installed console script."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import ROOT, run_cli
from microsite.schema import reference


def test_help_documents_every_command_and_option():
    result = subprocess.run([sys.executable, str(ROOT / "build.py"), "--help"], capture_output=True, text=True)
    assert result.returncode == 0
    for word in (
        "serve",
        "translations",
        "new",
        "i18n",
        "schema",
        "deploy",
        "clean",
        "--out",
        "--base-url",
        "--strict",
        "--debug",
        "--no-cache",
        "--jobs",
    ):
        assert word in result.stdout


def test_build_summary_is_one_line_with_pages_warnings_and_time(tiny):
    result = run_cli(tiny)
    assert result.code == 0
    (line,) = result.out.strip().splitlines()
    assert line.startswith("Built 6 pages (3 vi, 3 fr), 1 warning, 0 linked unchanged from the previous site, in ")
    assert " s -> " in line


def test_out_writes_elsewhere(tiny, tmp_path):
    assert run_cli(tiny, "--out", str(tmp_path / "elsewhere")).code == 0
    assert (tmp_path / "elsewhere" / "vi" / "index.html").is_file()
    assert not (tiny / "site").exists()


def test_readme_carries_the_schema_reference(tiny):
    """The README's table of keys is exactly what `build.py schema` prints from the records' declarations."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("### The keys of every file", 1)[1]
    table = section.split("```\n", 2)[1]
    printed = run_cli(tiny, "schema").out
    assert printed == reference()
    assert table == printed, "README's key reference is out of date: paste `python build.py schema` into it"


def test_readme_quick_start_commands():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "pip install -e . && python build.py" in readme
    assert "pip install -e '.[test]' && python -m pytest" in readme


def test_console_script_is_installed():
    beside = Path(sys.executable).parent / "microsite"
    script = str(beside) if beside.exists() else shutil.which("microsite")
    assert script, "pip install -e . installs the `microsite` command"
    result = subprocess.run([script, "--help"], capture_output=True, text=True)
    assert result.returncode == 0 and "translations" in result.stdout


def test_output_into_a_closed_pipe_is_not_a_traceback(tiny):
    # The reader is gone before the first line is written (`build.py schema | head` after head has quit).
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        writer = subprocess.run(
            [sys.executable, str(ROOT / "build.py"), "--project", str(tiny), "schema"],
            stdout=write_end,
            stderr=subprocess.PIPE,
            text=True,
        )
    finally:
        os.close(write_end)
    assert writer.returncode == 141
    assert "Traceback" not in writer.stderr and writer.stderr == ""
