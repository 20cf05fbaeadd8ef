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
from microsite.builder import build
from microsite.incremental import record as stamp

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
    forge_entries(tiny, "parsed", zlib.crc32(data).to_bytes(4, "big") + data)  # its checksum is right
    rebuild_needed(tiny)
    result = run_cli(tiny)
    assert result.code == 0, result.err
    assert not proof.exists(), "a pickle planted in the build cache ran as code"
    assert len(cache_warnings(result.err)) == 1, result.err
    assert snapshot(tiny / "site") == clean_build(tiny, tmp_path / "clean")
    rebuild_needed(tiny)
    again = run_cli(tiny)
    assert again.code == 0 and cache_warnings(again.err) == [], "the forged entries were replaced"


@pytest.mark.parametrize("table", ["parsed", "markdown"])
def test_damaged_entries_warn_once_and_are_repaired(tiny, tmp_path, table):
    assert run_cli(tiny).code == 0
    forge_entries(tiny, table, b"\x00\x01\x02\x03 not a value")
    stamp.forget(tiny)
    edit(tiny / "templates/page.html", "%}", "%}\n")  # some pages are rendered again, others are taken as they are
    result = run_cli(tiny)
    assert result.code == 0, result.err
    assert len(cache_warnings(result.err)) == 1, result.err
    rebuild_needed(tiny)
    again = run_cli(tiny)
    assert again.code == 0 and cache_warnings(again.err) == [], again.err
    assert snapshot(tiny / "site") == clean_build(tiny, tmp_path / "clean")


@pytest.mark.parametrize(
    "record",
    [
        "[]",
        "null",
        "folder",
        "garbage \x00",
        '{"out": 1}',
        '"a string"',
        '{"out": "x", "inputs": "y", "site": [1, 2], "summary": {}, "keys": []}',
    ],
)
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
    for name in ("last-build.json.tmp", f"last-build.json.tmp-{os.getpid()}"):  # the names it was and is written as
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
    assert "linked unchanged" in result.out and json.loads((tiny / ".cache/last-build.json").read_text())["keys"]


# Anything in .cache/ may be forged (CI restores it from a shared store): values and the build record are signed
# with a key kept outside it, and what is unpacked is checked for the shape its table holds.


def project_key(project: Path) -> bytes:
    """The key that signs a project's cache, as the build reads it."""
    key, problem = stamp.signing_key(project)
    assert key is not None, problem
    return key


def signed(project: Path, table: str, name: str, value: object) -> bytes:
    """A value stored the way the build stores it, signed with the project's own key: a forger who has the key."""
    data = pickle.dumps(value)
    return stamp.sign(project_key(project), table.encode(), name.encode(), data) + data


def forge_each(project: Path, table: str, value: object) -> None:
    """Replace every value of one table with a validly signed `value`."""
    db = sqlite3.connect(project / ".cache" / "build.sqlite3")
    for (name,) in db.execute(f"SELECT key FROM {table}").fetchall():
        db.execute(f"UPDATE {table} SET value = ? WHERE key = ?", (signed(project, table, name, value), name))
    db.commit()
    db.close()


def test_forged_markdown_with_a_right_checksum_is_not_used(tiny, tmp_path):
    # HOSTILE 2 (forge.py xss): the checksum was all that guarded a value, and anyone can compute it.
    assert run_cli(tiny).code == 0
    data = pickle.dumps("<p>FORGED<script>alert(1)</script></p>")
    forge_entries(tiny, "markdown", zlib.crc32(data).to_bytes(4, "big") + data)
    rebuild_needed(tiny)
    result = run_cli(tiny)
    assert result.code == 0, result.err
    assert "FORGED" not in (tiny / "site/vi/index.html").read_text(encoding="utf-8")
    assert len(cache_warnings(result.err)) == 1, result.err
    assert snapshot(tiny / "site") == clean_build(tiny, tmp_path / "clean")
    rebuild_needed(tiny)
    again = run_cli(tiny)
    assert again.code == 0 and cache_warnings(again.err) == [], again.err


def test_a_memory_bomb_in_the_cache_is_not_unpacked(tiny, tmp_path):
    # HOSTILE 2 (forge2.py): 30 bytes of pickle that make 3 GB of bytearrays; now refused before unpickling.
    assert run_cli(tiny).code == 0
    one = b"cbuiltins\nbytearray\n(J" + (500_000_000).to_bytes(4, "little") + b"tR"
    data = b"\x80\x02(" + one * 6 + b"t."
    forge_entries(tiny, "parsed", zlib.crc32(data).to_bytes(4, "big") + data)
    rebuild_needed(tiny)
    result = run_cli(tiny)
    assert result.code == 0, result.err
    assert snapshot(tiny / "site") == clean_build(tiny, tmp_path / "clean")


@pytest.mark.parametrize(
    ("table", "value"),
    [
        ("markdown", {"a": 1}),
        ("markdown", b"abc"),
        ("markdown", None),
        ("parsed", 7),
        ("parsed", ((1, 2), [])),
        ("parsed", "text"),
    ],
)
def test_a_signed_value_of_the_wrong_type_is_a_miss(tiny, tmp_path, table, value):
    # Even a value signed with the right key is checked for what its table holds: no traceback, no "{'a': 1}".
    assert run_cli(tiny).code == 0
    forge_each(tiny, table, value)
    rebuild_needed(tiny)
    result = run_cli(tiny)
    assert result.code == 0, result.err
    assert len(cache_warnings(result.err)) == 1, result.err
    assert snapshot(tiny / "site") == clean_build(tiny, tmp_path / "clean")
    rebuild_needed(tiny)
    again = run_cli(tiny)
    assert again.code == 0 and cache_warnings(again.err) == [], again.err


def test_a_signed_value_larger_than_the_limit_is_not_read(tiny, tmp_path):
    from microsite.incremental.store import MAX_VALUE

    assert run_cli(tiny).code == 0
    forge_each(tiny, "markdown", "<p>HUGE</p>" + " " * MAX_VALUE)
    rebuild_needed(tiny)
    result = run_cli(tiny)
    assert result.code == 0, result.err
    assert len(cache_warnings(result.err)) == 1, result.err
    assert snapshot(tiny / "site") == clean_build(tiny, tmp_path / "clean")


def test_a_cache_signed_with_another_key_is_discarded_once(tiny, tmp_path, monkeypatch):
    monkeypatch.setenv("MICROSITE_CACHE_KEY", "the key of another machine")
    assert run_cli(tiny).code == 0
    monkeypatch.setenv("MICROSITE_CACHE_KEY", "")  # an unset secret in CI: the project's own key file
    rebuild_needed(tiny)
    result = run_cli(tiny)
    assert result.code == 0, result.err
    assert cache_warnings(result.err) == ["warning: the build cache was signed with another key; it was discarded"]
    assert (tiny / ".cache-key").stat().st_mode & 0o777 == 0o600
    assert snapshot(tiny / "site") == clean_build(tiny, tmp_path / "clean")
    rebuild_needed(tiny)
    again = run_cli(tiny)
    assert again.code == 0 and cache_warnings(again.err) == [], again.err
    assert run_cli(tiny).out.startswith("Up to date")


def test_a_record_signed_with_another_key_is_not_believed(tiny, monkeypatch):
    monkeypatch.setenv("MICROSITE_CACHE_KEY", "the key of another machine")
    assert run_cli(tiny).code == 0
    monkeypatch.setenv("MICROSITE_CACHE_KEY", "the key of this machine")
    assert not run_cli(tiny).out.startswith("Up to date")


def test_a_link_in_place_of_the_key_file_is_not_followed(tiny, tmp_path):
    outside = tmp_path / "outside.txt"
    outside.write_text("x" * 64, encoding="utf-8")
    (tiny / ".cache-key").symlink_to(outside)
    result = run_cli(tiny)
    assert result.code == 0, result.err
    assert len(cache_warnings(result.err)) == 1 and ".cache-key" in result.err, result.err
    assert outside.read_text(encoding="utf-8") == "x" * 64
    assert snapshot(tiny / "site") == clean_build(tiny, tmp_path / "clean")
    assert not run_cli(tiny).out.startswith("Up to date")


def resign_record(project: Path, **changes: object) -> None:
    """Change the build record and sign it again with the project's key (a forger who has the key)."""
    path = project / ".cache" / "last-build.json"
    record = json.loads(path.read_text(encoding="utf-8"))
    del record["mac"]
    record.update(changes)
    mac = stamp.sign(project_key(project), b"build record", json.dumps(record, sort_keys=True).encode()).hex()
    path.write_text(json.dumps({**record, "mac": mac}), encoding="utf-8")


@pytest.mark.parametrize("resign", [False, True])
def test_no_site_is_never_up_to_date(tiny, resign):
    # HOSTILE 4: build, rm -rf site, "site": null in the record -> "Up to date" with no site at all.
    assert run_cli(tiny).code == 0
    shutil.rmtree(tiny / "site")
    if resign:
        resign_record(tiny, site=None)
    else:
        path = tiny / ".cache" / "last-build.json"
        path.write_text(path.read_text(encoding="utf-8").replace('"site": [', '"site": null, "x": ['))
    result = run_cli(tiny)
    assert result.code == 0 and result.out.startswith("Built"), result.out
    assert (tiny / "site/vi/index.html").is_file()


def test_a_tampered_record_is_not_believed(tiny):
    assert run_cli(tiny).code == 0
    path = tiny / ".cache" / "last-build.json"
    record = json.loads(path.read_text(encoding="utf-8"))
    record["inputs"] = "0" * 64
    path.write_text(json.dumps(record), encoding="utf-8")
    assert not stamp.load(tiny / ".cache")


@pytest.mark.parametrize("where", ["outside", "templates"])
def test_a_cache_that_is_a_link_is_never_followed(tiny, tmp_path, where):
    # HOSTILE 3: .cache -> a folder outside (or templates/) had its jinja/ deleted and the cache written there.
    target = tmp_path / "ext" if where == "outside" else tiny / "templates"
    (target / "jinja").mkdir(parents=True)
    (target / "jinja" / "keep.txt").write_text("keep me", encoding="utf-8")
    before = snapshot(target)
    (tiny / ".cache").symlink_to(target)
    result = run_cli(tiny)
    assert result.code == 0, result.err
    assert cache_warnings(result.err) == [
        "warning: .cache is a symbolic link, never followed: building without the build cache (delete the link; "
        "the build makes a folder of its own)"
    ], result.err
    assert snapshot(target) == before
    assert not any(name.startswith(("build.sqlite3", "last-build.json")) for name in os.listdir(target))
    again = run_cli(tiny)
    assert again.code == 0 and again.out.startswith("Built"), "without a cache, nothing is taken as up to date"
    assert snapshot(target) == before
    assert run_cli(tiny, "clean").code == 0
    assert not os.path.lexists(tiny / ".cache") and snapshot(target) == before, "clean removes the link only"
