"""Block-level translation state: what changed in a source page since its translation was confirmed, paragraph
by paragraph, and the translation's paragraph beside it (`translations`, `translations --diff`, `--confirm`)."""

import re

import pytest

from conftest import edit, run_cli, write
from microsite.blocks import format_words, split_blocks, word_diff
from microsite.config import load_config
from microsite.model import load_site
from microsite.translation_state import BlockState, page_blocks

SOURCE = """---
title: Trang chủ
summary: Một trang thử.
---
## Chào mừng

Xin chào! Xem [bài nói](talks/da-nang.md) và [ghi chú](notes.md).

Đoạn thứ hai nói về thành phố.

- Mục một
- Mục hai

Đoạn cuối cùng.
"""

TRANSLATION = """---
title: Accueil
summary: Une page d'essai.
---
## Bienvenue

Bonjour ! Voir l'[exposé](talks/da-nang.md) et les [notes](notes.md).

Le deuxième paragraphe parle de la ville.

- Point un
- Point deux

Dernier paragraphe.
"""


def detail(result, name, lang):
    """The DETAIL cell of a page's row of the report."""
    for line in result.out.splitlines():
        cells = line.split(None, 5)
        if cells[:3] == ["page", name, lang]:
            return cells[5] if len(cells) > 5 else ""
    raise AssertionError(f"no row for {name} ({lang}) in:\n{result.out}")


def confirm_home(tiny, source=SOURCE, translation=TRANSLATION):
    """Give the tiny site's home page these texts in both languages and confirm its translation."""
    write(tiny / "content" / "pages" / "index.vi.md", source)
    write(tiny / "content" / "pages" / "index.fr.md", translation)
    assert run_cli(tiny, "translations", "--confirm", "index").code == 1  # notes (fr) is still missing
    return tiny


@pytest.fixture
def confirmed(tiny):
    """The tiny site with a home page of several blocks in both languages, its translation confirmed."""
    return confirm_home(tiny)


def test_one_changed_paragraph_is_one_changed_block_with_its_words_and_its_translation(confirmed):
    edit(confirmed / "content" / "pages" / "index.vi.md", "nói về thành phố.", "nói nhiều về thành phố mới.")
    report = run_cli(confirmed, "translations")
    assert "stale" in report.out
    assert detail(report, "index", "fr") == (
        "the source page changed since it was confirmed: 1 block changed "
        "(see `python build.py translations --diff index`)"
    )
    diff = run_cli(confirmed, "translations", "--diff", "index")
    assert diff.code == 0, diff.err
    assert "index (fr): stale — 1 block changed" in diff.out
    assert "changed paragraph at content/pages/index.vi.md:9" in diff.out
    assert "Đoạn thứ hai nói {+nhiều+} về thành phố {+mới+}." in diff.out
    assert "fr at content/pages/index.fr.md:9:\n      Le deuxième paragraphe parle de la ville." in diff.out
    # Only the changed block is shown, and without colour when the output is not a terminal.
    assert "Mục một" not in diff.out and "Point un" not in diff.out and "\x1b[" not in diff.out


def test_added_and_removed_paragraphs_are_reported_as_such(confirmed):
    page = confirmed / "content" / "pages" / "index.vi.md"
    edit(page, "## Chào mừng\n", "## Chào mừng\n\nMột đoạn mới ở đầu trang.\n")
    edit(page, "\nĐoạn cuối cùng.\n", "")
    assert detail(run_cli(confirmed, "translations"), "index", "fr").startswith(
        "the source page changed since it was confirmed: 1 block added, 1 removed (see"
    )
    diff = run_cli(confirmed, "translations", "--diff", "index", "--lang", "fr").out
    assert (
        "added paragraph at content/pages/index.vi.md:7\n  source:\n      {+Một đoạn mới ở đầu trang.+}\n"
        "  fr: (no block of the translation corresponds: translate it)" in diff
    )
    assert (
        "removed paragraph (after line 14 of content/pages/index.vi.md)\n  source:\n      [-Đoạn cuối cùng.-]\n"
        "  fr at content/pages/index.fr.md:14:\n      Dernier paragraphe." in diff
    )
    assert "changed" not in diff


def test_a_changed_list_item_and_front_matter_field_are_blocks_of_their_own(confirmed):
    page = confirmed / "content" / "pages" / "index.vi.md"
    edit(page, "- Mục hai", "- Mục thứ hai")
    edit(page, "summary: Một trang thử.", "summary: Một trang thử nghiệm.")
    assert ": 2 blocks changed (see" in detail(run_cli(confirmed, "translations"), "index", "fr")
    diff = run_cli(confirmed, "translations", "--diff", "index").out
    assert "changed field summary at content/pages/index.vi.md:3" in diff
    assert "fr at content/pages/index.fr.md:3:\n      summary: Une page d'essai." in diff
    assert "changed list-item at content/pages/index.vi.md:12" in diff
    assert "fr at content/pages/index.fr.md:12:\n      - Point deux" in diff


def test_confirming_clears_the_block_changes(confirmed):
    edit(confirmed / "content" / "pages" / "index.vi.md", "Đoạn cuối cùng.", "Đoạn cuối.")
    assert "stale" in run_cli(confirmed, "translations").out
    run_cli(confirmed, "translations", "--confirm", "index")
    report = run_cli(confirmed, "translations")
    assert ("index", "fr", "ok") in {tuple(line.split()[1:4]) for line in report.out.splitlines()[1:]}
    diff = run_cli(confirmed, "translations", "--diff", "index").out
    assert diff.startswith("index (fr): ok — up to date") and "changed" not in diff
    # The record holds the confirmed source's blocks, readable as text, the same bytes when confirmed again.
    record = confirmed / "content" / "translations" / "index.yaml"
    first = record.read_bytes()
    assert "text: Đoạn cuối." in first.decode("utf-8") and "Đoạn cuối cùng" not in first.decode("utf-8")
    run_cli(confirmed, "translations", "--confirm", "index")
    assert record.read_bytes() == first


def test_an_old_confirmation_without_block_record_keeps_working_page_level(tiny):
    # The fixture's translations.yaml predates block records.
    assert not (tiny / "content" / "translations").exists()
    edit(tiny / "content" / "pages" / "index.vi.md", "Xin chào!", "Chào bạn!")
    report = run_cli(tiny, "translations")
    assert detail(report, "index", "fr") == (
        "the source page changed since it was confirmed; no block record: confirm again to get block-level detail"
    )
    diff = run_cli(tiny, "translations", "--diff", "index")
    assert diff.code == 0 and "index (fr): stale — no block record: confirm again to get block-level detail" in diff.out
    run_cli(tiny, "translations", "--confirm", "index")
    assert "up to date" in run_cli(tiny, "translations", "--diff", "index").out


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("--diff", "nowhere"), "error: content/pages: there is no page 'nowhere'"),
        (("--diff", "index", "--lang", "vi"), "error: --lang: 'vi' is the source language"),
        (("--diff", "index", "--lang", "de"), "error: --lang: 'de' is not a language of the site"),
        (("--lang", "fr"), "error: --lang: it only goes with --diff PAGE"),
        (("--diff", "index", "--confirm", "index"), "error: --diff: shows changes; --confirm and --all record them"),
    ],
)
def test_a_bad_diff_request_is_one_line(tiny, args, expected):
    result = run_cli(tiny, "translations", *args)
    assert result.code == 1 and result.err.startswith(expected) and result.err.count("\n") == 1


def test_page_blocks_gives_the_workbench_aligned_typed_rows(confirmed):
    edit(confirmed / "content" / "pages" / "index.vi.md", "Đoạn thứ hai", "Đoạn hai")
    site = load_site(load_config(confirmed))
    blocks = page_blocks(site, "index", "fr")
    assert (blocks.source_path, blocks.translation_path, blocks.recorded) == (
        "content/pages/index.vi.md",
        "content/pages/index.fr.md",
        True,
    )
    states = [row.state for row in blocks.rows]
    assert states.count(BlockState.CHANGED) == 1 and states.count(BlockState.OK) == 7
    for row in blocks.rows:  # every source block sits beside the translation's block of the same kind
        assert row.source.kind == row.translation.kind and row.source.line == row.translation.line
    changed = next(row for row in blocks.rows if row.state == BlockState.CHANGED)
    assert [(str(w.change), w.text) for w in changed.words] == [
        ("same", "Đoạn"),
        ("removed", "thứ"),
        ("same", "hai nói về thành phố."),
    ]


@pytest.mark.parametrize(
    ("old", "new", "shown"),
    [
        ("trang cũng không ghi.", "trang cũng không ghi lại.", "trang cũng không ghi {+lại+}."),
        (
            "Xem [bài nói](talks/da-nang.md) và",
            "Xem [bài giảng](talks/da-nang.md) và",
            "Xem [bài [-nói-]{+giảng+}](talks/da-nang.md) và",
        ),
        ("Thành phố có 35.000 người.", "Thành phố có\n36.000 người.", "Thành phố có [-35.000-]{+36.000+} người."),
        ("", "Một đoạn mới.", "{+Một đoạn mới.+}"),
    ],
)
def test_the_word_diff_marks_words_not_punctuation_or_line_breaks(old, new, shown):
    assert format_words(word_diff(old, new)) == shown
    coloured = format_words(word_diff(old, new), colour=True)
    assert "\x1b[32m{+" in coloured and re.sub(r"\x1b\[\d+m", "", coloured) == shown


def test_a_block_only_the_translation_has_is_shown_where_it_stands(confirmed):
    edit(confirmed / "content" / "pages" / "index.fr.md", "## Bienvenue\n", "## Bienvenue\n\nUn ajout.\n")
    blocks = page_blocks(load_site(load_config(confirmed)), "index", "fr")
    extra = [i for i, row in enumerate(blocks.rows) if row.state == BlockState.EXTRA]
    assert len(extra) == 1 and blocks.rows[extra[0]].translation.text == "Un ajout."
    assert blocks.rows[extra[0] - 1].translation.text == "## Bienvenue"


def test_markdown_is_cut_into_blocks_as_a_reader_sees_them():
    text = (
        '---\ntitle: "A"\nsummary: >\n  long\n  text\n---\n# Head\n\nPara one\ncontinues.\n\n- item 1\n  more\n'
        "- item 2\n1. numbered\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n```py\ncode\n\n# not a heading\n```\n"
        "Setext\n===\n"
    )
    assert [(b.kind, b.line, b.text) for b in split_blocks(text)] == [
        ("field:title", 2, 'title: "A"'),
        ("field:summary", 3, "summary: >\n  long\n  text"),
        ("heading1", 7, "# Head"),
        ("paragraph", 9, "Para one\ncontinues."),
        ("list-item", 12, "- item 1\n  more"),
        ("list-item", 14, "- item 2"),
        ("list-item", 15, "1. numbered"),
        ("table-row", 17, "| a | b |"),
        ("table-row", 18, "|---|---|"),
        ("table-row", 19, "| 1 | 2 |"),
        ("code", 21, "```py\ncode\n\n# not a heading\n```"),
        ("heading1", 26, "Setext\n==="),
    ]


def test_a_table_without_leading_pipes_is_still_cut_into_rows():
    blocks = split_blocks("Intro\n\na | b\n--- | ---\n1 | 2\n\nA | pipe in a sentence\n")
    assert [(b.kind, b.line) for b in blocks] == [
        ("paragraph", 1),
        ("table-row", 3),
        ("table-row", 4),
        ("table-row", 5),
        ("paragraph", 7),
    ]


def test_the_diff_of_a_missing_or_never_confirmed_translation_says_so(tiny):
    assert "notes (fr): missing — no translation yet" in run_cli(tiny, "translations", "--diff", "notes").out
    records = tiny / "content" / "translations.yaml"
    edit(records, "talks/da-nang:\n  fr: 8e48e522fb261b7b\n", "")
    assert (
        "talks/da-nang (fr): stale — never confirmed: check the whole translation against the source"
        in run_cli(tiny, "translations", "--diff", "talks/da-nang").out
    )
