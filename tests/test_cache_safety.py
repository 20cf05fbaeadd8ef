"""The build cache is a hint, never a master: whatever lies under .cache/ (missing, truncated, garbage, a folder
where a file belongs, forged), the build makes the site it makes without a cache, says so once, and repairs the
cache so that the next build is quiet. Nothing read from .cache/ runs code."""

import hashlib
import json
import os
import pickle
import shutil
import sqlite3
import zlib
from pathlib import Path

import pytest

from conftest import clean_build, edit, run_cli, snapshot
from microsite import stamp
from microsite.builder import build

PAGE = "content/pages/index.vi.md"


def forged_pickle(proof: Path) -> bytes:
    """A pickle that, when loaded, writes a file: what a crafted cache entry would do."""

    class Payload:
        def __reduce__(self):
            return (exec, (f"open({str(proof)!r}, 'w').write('ran')",))

    return pickle.dumps(Payload())


def cache_warnings(err: str) -> list[str]:
    """The warnings about the build cache or the build record."""
    return [line for line in err.splitlines() if line.startswith("warning:") and ("cache" in line or "record" in line)]


def rebuild_needed(project: Path) -> None:
    """Make the next build a real build (not "Up to date"), without touching the cache's entries."""
    shutil.rmtree(project / "site")
    stamp.forget(project)


def test_a_forged_jinja_bytecode_file_does_not_run(tiny, tmp_path):
    import jinja2.bccache

    assert run_cli(tiny).code == 0
    rebuild_needed(tiny)
    proof = tmp_path / "proof"
    folder = tiny / ".cache" / "jinja"
    folder.mkdir(exist_ok=True)
    # The names Jinja's FileSystemBytecodeCache gives each template's compiled code.
    templates = tiny.resolve() / "templates"
    for template in templates.rglob("*.html"):
        name = template.relative_to(templates).as_posix()
        key = hashlib.sha1(name.encode("utf-8"))
        key.update(("|" + str(template)).encode("utf-8"))
        (folder / f"__jinja2_{key.hexdigest()}.cache").write_bytes(jinja2.bccache.bc_magic + forged_pickle(proof))
    result = run_cli(tiny)
    assert result.code == 0, result.err
    assert not proof.exists(), "a file planted under .cache/jinja ran as code"
    assert not folder.exists(), "the compiled templates of older versions are deleted"


def forge_entries(project: Path, table: str, blob: bytes) -> None:
    """Replace every value of one table of the build cache."""
    db = sqlite3.connect(project / ".cache" / "build.sqlite3")
    db.execute(f"UPDATE {table} SET value = ?", (blob,))
    db.commit()
    db.close()


def test_a_forged_cache_value_does_not_run(tiny, tmp_path):
    assert run_cli(tiny).code == 0
    proof = tmp_path / "proof"
    data = forged_pickle(proof)
    forge_entries(tiny, "sources", zlib.crc32(data).to_bytes(4, "big") + data)   # its checksum is right
    rebuild_needed(tiny)
    result = run_cli(tiny)
    assert result.code == 0, result.err
    assert not proof.exists(), "a pickle planted in the build cache ran as code"
    assert len(cache_warnings(result.err)) == 1, result.err
    assert snapshot(tiny / "site") == clean_build(tiny, tmp_path / "clean")
    rebuild_needed(tiny)
    again = run_cli(tiny)
    assert again.code == 0 and cache_warnings(again.err) == [], "the forged entries were replaced"


@pytest.mark.parametrize("table", ["sources", "markdown"])
def test_damaged_entries_warn_once_and_are_repaired(tiny, tmp_path, table):
    assert run_cli(tiny).code == 0
    forge_entries(tiny, table, b"\x00\x01\x02\x03 not a value")
    stamp.forget(tiny)
    edit(tiny / "templates/page.html", "%}", "%}\n")   # some pages are rendered again, others are taken as they are
    result = run_cli(tiny)
    assert result.code == 0, result.err
    assert len(cache_warnings(result.err)) == 1, result.err
    rebuild_needed(tiny)
    again = run_cli(tiny)
    assert again.code == 0 and cache_warnings(again.err) == [], again.err
    assert snapshot(tiny / "site") == clean_build(tiny, tmp_path / "clean")


@pytest.mark.parametrize("record", ["[]", "null", "folder", "garbage \x00", '{"out": 1}', '"a string"',
                                    '{"out": "x", "inputs": "y", "site": [1, 2], "summary": {}, "keys": []}'])
def test_a_damaged_build_record_is_replaced(tiny, tmp_path, record):
    assert run_cli(tiny).code == 0
    path = tiny / ".cache" / "last-build.json"
    path.unlink()
    if record == "folder":
        (path / "inside").mkdir(parents=True)
    else:
        path.write_text(record, encoding="utf-8")
    edit(tiny / PAGE, "Xin chào!", "Xin chào các bạn!")
    result = run_cli(tiny)
    assert result.code == 0, result.err
    assert "Xin chào các bạn!" in (tiny / "site/vi/index.html").read_text(encoding="utf-8")
    again = run_cli(tiny)
    assert again.code == 0 and again.out.startswith("Up to date"), "the record was repaired"
    assert snapshot(tiny / "site") == clean_build(tiny, tmp_path / "clean")


@pytest.mark.parametrize("what", ["cache file", "database folder", "database link", "jinja file"])
def test_a_cache_folder_of_the_wrong_shape_is_repaired(tiny, tmp_path, what):
    outside = tmp_path / "outside.txt"
    outside.write_text("keep me", encoding="utf-8")
    cache = tiny / ".cache"
    if what == "cache file":
        cache.write_text("not a folder", encoding="utf-8")
    else:
        assert run_cli(tiny).code == 0
        stamp.forget(tiny)
        database = cache / "build.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{database}{suffix}").unlink(missing_ok=True)
        if what == "database folder":
            (database / "inside").mkdir(parents=True)
        elif what == "database link":
            database.symlink_to(outside)
        else:
            (cache / "jinja").write_text("not a folder", encoding="utf-8")
    result = run_cli(tiny)
    assert result.code == 0, result.err
    assert outside.read_text(encoding="utf-8") == "keep me", "a link in the cache is never written through"
    assert snapshot(tiny / "site") == clean_build(tiny, tmp_path / "clean")
    rebuild_needed(tiny)
    again = run_cli(tiny)
    assert again.code == 0 and cache_warnings(again.err) == [], again.err
    assert not (cache / "jinja").exists()


def test_a_link_in_place_of_the_records_temporary_file_is_not_followed(tiny, tmp_path):
    outside = tmp_path / "outside.txt"
    outside.write_text("keep me", encoding="utf-8")
    assert run_cli(tiny).code == 0
    for name in ("last-build.json.tmp", f"last-build.json.tmp-{os.getpid()}"):   # the names it was and is written as
        (tiny / ".cache" / name).symlink_to(outside)
    edit(tiny / PAGE, "Xin chào!", "Chào!")
    assert run_cli(tiny).code == 0
    assert outside.read_text(encoding="utf-8") == "keep me"
    assert run_cli(tiny).out.startswith("Up to date")


def test_a_page_edited_during_a_build_and_changed_back_is_built_as_it_is(tiny):
    # The inputs are hashed first; the page is edited before the build reads it, then changed back.
    page = tiny / PAGE
    original = page.read_text(encoding="utf-8")
    inputs = stamp.read_inputs(tiny, None, False)
    page.write_text(original.replace("Xin chào!", "Bản nháp!"), encoding="utf-8")
    build(tiny, inputs=inputs, jobs=1)
    assert "Bản nháp!" in (tiny / "site/vi/index.html").read_text(encoding="utf-8")
    page.write_text(original, encoding="utf-8")
    result = run_cli(tiny)
    assert result.code == 0
    assert "Xin chào!" in (tiny / "site/vi/index.html").read_text(encoding="utf-8")
    # Nor is the edited text kept for later builds under the original bytes' key.
    edit(tiny / "templates/page.html", "%}", "%}\n")
    assert run_cli(tiny).code == 0
    html = (tiny / "site/vi/index.html").read_text(encoding="utf-8")
    assert "Xin chào!" in html and "Bản nháp!" not in html


def test_the_cache_holds_nothing_but_data(tiny):
    # Every stored value loads through the plain unpickler: a full cached rebuild reports no damage.
    assert run_cli(tiny).code == 0
    rebuild_needed(tiny)
    result = run_cli(tiny)
    assert result.code == 0 and cache_warnings(result.err) == [], result.err
    assert "reused" in result.out and json.loads((tiny / ".cache/last-build.json").read_text())["keys"]
