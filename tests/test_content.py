"""The loader: located YAML, NFC on load, front matter, and errors that name the file and line."""

import unicodedata

import pytest

from conftest import run_cli
from microsite.content import parse_page, parse_yaml, read_text
from microsite.errors import ContentError

HUGE = "9" * 50_000  # more digits than Python's int() accepts (4,300)


def test_yaml_values_remember_their_lines():
    data = parse_yaml("a: 1\nb:\n  - x\n  - y\n", "f.yaml")
    assert data == {"a": 1, "b": ["x", "y"]}
    assert data.positions["b"] == (3, 3)
    assert data["b"].positions[1] == (4, 5)


def test_yaml_strings_come_out_nfc():
    nfd = unicodedata.normalize("NFD", "Đà Nẵng")
    assert parse_yaml(f"city: {nfd}\n", "f.yaml")["city"] == "Đà Nẵng"


def test_read_text_normalises_nfd_files_to_nfc(tmp_path):
    path = tmp_path / "page.md"
    path.write_bytes(unicodedata.normalize("NFD", "Hải Phòng\r\n").encode("utf-8"))
    text = read_text(path, tmp_path)
    assert text == "Hải Phòng\n"
    assert unicodedata.is_normalized("NFC", text)


@pytest.mark.parametrize(
    "source, line, words",
    [
        ("title: a\n\tsummary: b\n", 2, "tab"),
        ("title: 'unclosed\n", 1, "invalid YAML"),  # where the quote opens, not the end of the file
        ("a:\n  b: 1\n c: 2\n", 3, "invalid YAML"),
        ("title: a\ntitle: b\n", 2, "duplicate key"),
        ("date: 2023-02-30\n", 1, "impossible date"),
    ],
)
def test_yaml_errors_are_located(source, line, words):
    with pytest.raises(ContentError) as caught:
        parse_yaml(source, "content/event.yaml")
    assert caught.value.path == "content/event.yaml"
    assert caught.value.line == line
    assert words in str(caught.value)


def test_front_matter_errors_carry_the_file_line():
    text = "---\ntitle: ok\nsummary: 'open\n---\nbody\n"
    with pytest.raises(ContentError) as caught:
        parse_page(text, "about", "fr", "content/pages/about.fr.md")
    # The quote was opened on line 3, column 10: that is where the editor must look, not the end of the file.
    assert (caught.value.line, caught.value.column) == (3, 10)
    assert str(caught.value).startswith("content/pages/about.fr.md:")


def test_page_body_starts_after_front_matter():
    page = parse_page("---\ntitle: T\n---\n\nHello\n", "x", "vi", "p.vi.md")
    assert page.meta["title"] == "T"
    assert page.body.strip() == "Hello"
    assert page.body_line == 4


def test_non_utf8_file_is_located(tmp_path):
    path = tmp_path / "bad.md"
    path.write_bytes(b"---\ntitle: ok\n---\ncaf" + b"\xe9\n")
    with pytest.raises(ContentError) as caught:
        read_text(path, tmp_path)
    assert (caught.value.path, caught.value.line, caught.value.column) == ("bad.md", 4, 4)
    assert "UTF-8" in caught.value.message


@pytest.mark.parametrize(
    "source, line, column",
    [
        (f"count: {HUGE}\n", 1, 8),
        (f"a: 1\nlist:\n  - {HUGE}\n", 3, 5),
        (f"? {HUGE}\n: key\n", 1, 3),
        (f"ratio: {HUGE}.5\n", None, None),  # a float of any length is read (float() has no limit)
    ],
)
def test_a_number_too_long_for_python_is_located(source, line, column):
    if line is None:
        assert parse_yaml(source, "content/event.yaml")["ratio"] > 1e300
        return
    with pytest.raises(ContentError) as caught:
        parse_yaml(source, "content/event.yaml")
    assert (caught.value.path, caught.value.line, caught.value.column) == ("content/event.yaml", line, column)
    assert "too long" in caught.value.message and "quotes" in caught.value.hint


@pytest.mark.parametrize(
    "relative, text, where",
    [
        ("content/event.yaml", f"capacity: {HUGE}\n", "content/event.yaml:1:11:"),  # the loader of data files
        (
            "content/pages/notes.vi.md",
            f"---\ntitle: Ghi chú\nseats: {HUGE}\n---\nBody.\n",
            "content/pages/notes.vi.md:3:8:",
        ),
        ("content/translations.yaml", f"index:\n  fr: {HUGE}\n", "content/translations.yaml:2:7:"),  # the fast one
    ],
)
def test_a_huge_number_in_any_yaml_file_is_one_located_line(tiny, relative, text, where):
    (tiny / relative).write_text(text, encoding="utf-8")
    result = run_cli(tiny, "build")
    assert result.code == 1
    assert result.err.startswith("error: " + where) and "too long" in result.err, result.err
    assert result.err.count("error:") == 1 and "Traceback" not in result.err
