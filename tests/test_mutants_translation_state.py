"""Tests written to kill mutants of microsite/translation_state.py that survived the mutation run (README,
"Mutation testing"): the block-by-block view of a page (`page_blocks`, what `translations --diff` prints and the
workbench shows) in the cases the other tests do not reach."""

from __future__ import annotations

import pytest

from conftest import edit, run_cli, write
from microsite.config import load_config
from microsite.errors import ContentError
from microsite.model import load_site
from microsite.translation_state import BlockState, State, page_blocks

# The tiny fixture's talk, as its two files say, block by block.
TALK_VI = ["title: Bài nói ở Đà Nẵng", "slug: tham luận/Đà Nẵng", "## Đà Nẵng", "Thành phố có 35.000 người."]
TALK_FR = [
    "title: Exposé à Da Nang",
    "slug: exposés/Da Nang",
    "## Đà Nẵng",
    "La ville : 35 000 habitants ? Voir `a : b` et [accueil](/fr/).",
]


def _blocks(project, name, lang):
    return page_blocks(load_site(load_config(project)), name, lang)


def _text(block):
    return None if block is None else block.text


def _rows(blocks):
    return [(row.state, _text(row.source), _text(row.confirmed), _text(row.translation)) for row in blocks.rows]


def test_a_never_confirmed_translation_shows_every_block_unrecorded_beside_its_translation(tiny):
    """No record to compare with: each source block is 'unrecorded' (never 'ok'), with the translation's block."""
    edit(tiny / "content/translations.yaml", "talks/da-nang:\n  fr: 8e48e522fb261b7b\n", "")
    blocks = _blocks(tiny, "talks/da-nang", "fr")
    assert (blocks.state, blocks.recorded, blocks.ever_confirmed) == (State.STALE, False, False)
    assert blocks.translation_path == "content/pages/talks/da-nang.fr.md"
    assert _rows(blocks) == [(BlockState.UNRECORDED, vi, None, fr) for vi, fr in zip(TALK_VI, TALK_FR, strict=True)]


def test_a_missing_translation_shows_the_source_blocks_and_no_translation(tiny):
    """notes has no French file: the fallback's text is the source's, so nothing stands on the translation side."""
    blocks = _blocks(tiny, "notes", "fr")
    assert (blocks.state, blocks.translation_path, blocks.summary) == (State.MISSING, None, "no translation yet")
    assert _rows(blocks) == [
        (BlockState.OK, "title: Ghi chú", None, None),
        (BlockState.OK, "summary: Chỉ có tiếng Việt.", None, None),
        (BlockState.OK, "Trang này chưa có bản tiếng Pháp.", None, None),
    ]


def test_a_page_with_no_source_cannot_be_compared(tiny):
    """A page written only in French: there is nothing to compare with, and the error names the file to write."""
    write(tiny / "content/pages/extra.fr.md", "---\ntitle: En plus\n---\nUn texte.\n")
    with pytest.raises(ContentError) as caught:
        _blocks(tiny, "extra", "fr")
    assert (caught.value.path, caught.value.message, caught.value.hint) == (
        "content/pages/extra.vi.md",
        "the source page is missing, so there is nothing to compare with",
        "write the source page first",
    )


def test_blocks_only_the_translation_has_at_its_top_come_first_in_their_order(tiny):
    """Two front-matter fields the source lacks, first in the translation: two 'extra' rows before all others."""
    edit(tiny / "content/pages/talks/da-nang.fr.md", "---\n", "---\nsummary: En bref.\nupdated: 2024-05-06\n")
    blocks = _blocks(tiny, "talks/da-nang", "fr")
    assert blocks.state == State.OK
    assert _rows(blocks) == [
        (BlockState.EXTRA, None, None, "summary: En bref."),
        (BlockState.EXTRA, None, None, "updated: 2024-05-06"),
    ] + [(BlockState.OK, vi, vi, fr) for vi, fr in zip(TALK_VI, TALK_FR, strict=True)]


def test_a_changed_block_keeps_the_block_as_confirmed_beside_today_s(tiny):
    """After a confirmation, a changed paragraph carries both versions (the workbench and --diff word-diff them)."""
    assert run_cli(tiny, "translations", "--confirm", "talks/da-nang").out.startswith("confirmed talks/da-nang (fr)\n")
    edit(tiny / "content/pages/talks/da-nang.vi.md", "35.000", "36.000")
    blocks = _blocks(tiny, "talks/da-nang", "fr")
    assert (blocks.state, blocks.recorded, blocks.ever_confirmed) == (State.STALE, True, True)
    changed = [row for row in _rows(blocks) if row[0] == BlockState.CHANGED]
    assert changed == [(BlockState.CHANGED, "Thành phố có 36.000 người.", "Thành phố có 35.000 người.", TALK_FR[3])]


def test_a_source_changed_only_in_blank_lines_is_stale_with_no_block_changed(tiny):
    """The report says the translation is stale but that no block changed, and sends nobody to --diff."""
    assert run_cli(tiny, "translations", "--confirm", "talks/da-nang").out.startswith("confirmed talks/da-nang (fr)\n")
    edit(tiny / "content/pages/talks/da-nang.vi.md", "## Đà Nẵng\n", "## Đà Nẵng\n\n\n")
    result = run_cli(tiny, "translations")
    row = next(line for line in result.out.splitlines() if line.split()[:3] == ["page", "talks/da-nang", "fr"])
    assert row.split(None, 5)[3:] == [
        "stale",
        "content/pages/talks/da-nang.fr.md",
        "the source page changed since it was confirmed; no block changed (only spacing or blank lines)",
    ]


# --- the block record (content/translations/PAGE.yaml) and what --strict says ---

LONG_LINE = "Thành phố có 35.000 người, và dòng này dài hơn tám mươi ký tự để xem nó có còn nguyên một dòng."
LONG_PARAGRAPH = "Một đoạn chỉ có một dòng nhưng dài hơn tám mươi ký tự, để xem nó có bị gấp thành nhiều dòng không."


def test_the_block_record_keeps_each_line_of_the_page_as_a_line(tiny):
    """The record a confirmation writes reads like the page: its header, then each block with kind, fingerprint and
    text in that order, a paragraph's lines (even one longer than 80 characters) written whole, one per line."""
    import yaml

    from microsite.blocks import block_fingerprint
    from microsite.translation_state import fingerprint

    assert len(LONG_LINE) > 80 and len(LONG_PARAGRAPH) > 80
    source = tiny / "content/pages/talks/da-nang.vi.md"
    edit(source, "Thành phố có 35.000 người.", f"{LONG_LINE}\nDòng thứ hai.\n\n{LONG_PARAGRAPH}")
    assert run_cli(tiny, "translations", "--confirm", "talks/da-nang").out.startswith("confirmed talks/da-nang (fr)\n")
    text = (tiny / "content/translations/talks/da-nang.yaml").read_text(encoding="utf-8")
    assert text.splitlines()[:3] == [
        "# The blocks of the source page 'talks/da-nang' as its translations were last confirmed, by source",
        "# fingerprint (see translations.yaml): what `python build.py translations --diff` compares with.",
        "# Written by `python build.py translations --confirm`; do not edit by hand.",
    ]
    lines = [line.strip() for line in text.splitlines()]
    assert LONG_LINE in lines and "Dòng thứ hai." in lines and f"text: {LONG_PARAGRAPH}" in lines
    assert sum(line.startswith("- kind: ") for line in text.splitlines()) == 5  # a block per line, no {...}
    texts = [*TALK_VI[:3], LONG_LINE + "\nDòng thứ hai.", LONG_PARAGRAPH]
    kinds = ["field:title", "field:slug", "heading2", "paragraph", "paragraph"]
    expected = [
        {"kind": kind, "fingerprint": block_fingerprint(kind, text), "text": text}
        for kind, text in zip(kinds, texts, strict=True)
    ]
    recorded = yaml.safe_load(text)
    assert recorded == {fingerprint(source.read_text(encoding="utf-8")): expected}
    assert [list(block) for block in recorded[fingerprint(source.read_text(encoding="utf-8"))]] == [
        ["kind", "fingerprint", "text"]
    ] * 5


def test_the_record_keeps_the_versions_other_languages_are_still_confirmed_against(tiny):
    """fr confirmed against the first version, en against the second: both are kept; one nobody uses is dropped."""
    from microsite.translation_state import fingerprint, load_blocks, save_blocks

    config = load_config(tiny)
    first, second, third = "Một.\n", "Hai.\n", "Ba.\n"
    save_blocks(config, "notes", {"notes": {"fr": fingerprint(first)}}, first)
    save_blocks(config, "notes", {"notes": {"fr": fingerprint(first), "en": fingerprint(second)}}, second)
    assert {v: [b.text for b in blocks] for v, blocks in load_blocks(config, "notes").items()} == {
        fingerprint(first): ["Một."],
        fingerprint(second): ["Hai."],
    }
    save_blocks(config, "notes", {"notes": {"fr": fingerprint(third), "en": fingerprint(second)}}, third)
    assert set(load_blocks(config, "notes")) == {fingerprint(second), fingerprint(third)}


def test_confirming_replaces_a_damaged_block_record(tiny):
    """A record edited into nonsense is what the error says to fix by confirming again: confirming works."""
    write(tiny / "content/translations/talks/da-nang.yaml", "- just: a list\n")
    assert run_cli(tiny, "translations", "--confirm", "talks/da-nang").out.startswith("confirmed talks/da-nang (fr)\n")
    blocks = _blocks(tiny, "talks/da-nang", "fr")
    assert (blocks.state, blocks.recorded) == (State.OK, True)


def test_a_strict_build_says_how_to_create_a_missing_catalog(tiny):
    (tiny / "locales/fr/LC_MESSAGES/messages.po").unlink()
    result = run_cli(tiny, "--strict")
    assert result.code == 1
    assert (
        "error: locales/fr/LC_MESSAGES/messages.po: catalog 'messages' (fr) is missing: the fr interface catalog is "
        "missing — run `python build.py i18n update`, which creates it from locales/messages.pot, then translate it"
    ) in result.err.splitlines()


def test_the_records_file_is_one_line_per_page_and_language_in_readable_letters(tiny):
    """translations.yaml after a confirmation: its header, then `page:` and `  lang: fingerprint` lines, a page
    whose name is Vietnamese written as such (not as \\u escapes)."""
    from microsite.translation_state import fingerprint

    for lang in ("vi", "fr"):
        write(tiny / f"content/pages/ghi-chú-mới.{lang}.md", f"---\ntitle: Ghi chú {lang}\n---\nMột câu.\n")
    assert run_cli(tiny, "translations", "--confirm", "ghi-chú-mới").out.startswith("confirmed ghi-chú-mới (fr)\n")
    source = (tiny / "content/pages/ghi-chú-mới.vi.md").read_text(encoding="utf-8")
    lines = (tiny / "content/translations.yaml").read_text(encoding="utf-8").splitlines()
    assert lines[:2] == [
        "# The source text each translation was last confirmed against.",
        "# Written by `python build.py translations --confirm PAGE`; do not edit by hand.",
    ]
    assert lines[2:4] == ["ghi-chú-mới:", f"  fr: {fingerprint(source)}"]
    assert lines[4:] == ["index:", "  fr: 08c7fff837e38758", "talks/da-nang:", "  fr: 8e48e522fb261b7b"]  # as before


def test_a_damaged_block_record_is_named_with_what_to_do(tiny):
    """A record that is not a mapping: --diff names the file, at its first line, and says how to mend it."""
    write(tiny / "content/translations/talks/da-nang.yaml", "- a list\n")
    edit(tiny / "content/pages/talks/da-nang.vi.md", "35.000", "36.000")
    result = run_cli(tiny, "translations", "--diff", "talks/da-nang")
    assert result.code == 1
    assert result.err.splitlines() == [
        "error: content/translations/talks/da-nang.yaml:1:1: expected 'fingerprint: [blocks]' — delete the file and "
        "confirm the page's translations again (`python build.py translations --confirm talks/da-nang`)"
    ]


def test_confirming_under_a_locale_that_is_not_utf_8_writes_the_record_in_utf_8(tiny):
    """On a machine whose locale is plain ASCII (LC_CTYPE=C, no UTF-8 mode), the record of a Vietnamese page is
    still written, in UTF-8. (In this process, so that the mutation run sees which test reaches the writer.)"""
    import locale

    before = locale.setlocale(locale.LC_CTYPE)
    locale.setlocale(locale.LC_CTYPE, "C")
    try:
        confirmed = run_cli(tiny, "translations", "--confirm", "talks/da-nang")
    finally:
        locale.setlocale(locale.LC_CTYPE, before)
    assert confirmed.out.startswith("confirmed talks/da-nang (fr)\n"), confirmed.err
    record = (tiny / "content/translations/talks/da-nang.yaml").read_text(encoding="utf-8")
    assert "  text: 'title: Bài nói ở Đà Nẵng'" in record.splitlines()


MEND = (
    "delete the file and confirm the page's translations again (`python build.py translations --confirm talks/da-nang`)"
)


@pytest.mark.parametrize(
    ("record", "error"),
    [
        ("abc:\n- kind: paragraph\n  fingerprint: x\n", ":2: each block needs kind, fingerprint and text"),
        ("abc:\n", ":1: each block needs kind, fingerprint and text"),
        ("abc:\n  kind: paragraph\n", ":2: each block needs kind, fingerprint and text"),
        (
            "abc:\n- kind: paragraph\n  fingerprint: x\n  text: Hai.\n",
            ":2: a block's text does not match its fingerprint (edited by hand?)",
        ),
    ],
)
def test_a_damaged_block_is_named_at_its_line(tiny, record, error):
    """A block without its text, a version with no blocks, a mapping instead of a list, a block edited by hand."""
    write(tiny / "content/translations/talks/da-nang.yaml", record)
    edit(tiny / "content/pages/talks/da-nang.vi.md", "35.000", "36.000")
    result = run_cli(tiny, "translations", "--diff", "talks/da-nang")
    assert result.code == 1
    assert result.err.splitlines() == [f"error: content/translations/talks/da-nang.yaml{error} — {MEND}"]


def test_a_catalog_that_cannot_be_read_is_reported_invalid(tiny):
    """A .po file with a byte that is not UTF-8: its row says invalid, names the file and why."""
    (tiny / "locales/fr/LC_MESSAGES/messages.po").write_bytes(b'msgid "Date"\nmsgstr "D\xe9but"\n')
    result = run_cli(tiny, "translations")
    assert result.code == 1
    rows = [line.split(None, 5) for line in result.out.splitlines() if line.split()[2:3] == ["fr"]]
    assert rows[-1] == [
        "catalog",
        "messages",
        "fr",
        "invalid",
        "locales/fr/LC_MESSAGES/messages.po",
        "the file is not valid UTF-8",
    ]


def _talk_state(tiny):
    result = run_cli(tiny, "translations")
    return next(
        line.split()[3] for line in result.out.splitlines() if line.split()[:3] == ["page", "talks/da-nang", "fr"]
    )


def test_spaces_at_the_end_of_a_source_line_leave_its_translation_confirmed(tiny):
    """Trailing spaces change nothing a reader sees: the confirmed translation stays ok."""
    assert _talk_state(tiny) == "ok"
    edit(tiny / "content/pages/talks/da-nang.vi.md", "## Đà Nẵng\n", "## Đà Nẵng   \n")
    assert _talk_state(tiny) == "ok"


def test_indenting_a_source_line_makes_its_translation_stale(tiny):
    """Four spaces before a paragraph make it a code block: a change the translation must follow."""
    edit(tiny / "content/pages/talks/da-nang.vi.md", "\nThành phố", "\n    Thành phố")
    assert _talk_state(tiny) == "stale"


def _alias_bomb():
    """Six levels of ten aliases each: a million values from a few lines."""
    lines, previous = ["a: &a [x, x, x, x, x, x, x, x, x, x]"], "a"
    for name in "bcdef":
        lines.append(f"{name}: &{name} [{', '.join(['*' + previous] * 10)}]")
        previous = name
    return "\n".join(lines) + "\n"


NOT_RECORDS = (
    "error: content/translations.yaml:1:1: expected 'page: {language: fingerprint}' lines — delete the file and "
    "confirm the translations again"
)


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("index:\n  fr: [08c7\n", "error: content/translations.yaml:3:1: invalid YAML"),
        ("- index\n", NOT_RECORDS),
        ("index: 3\n", NOT_RECORDS),
        (_alias_bomb(), "error: content/translations.yaml:1: the YAML expands to too many values"),
    ],
    ids=["broken", "list", "not-nested", "alias-bomb"],
)
def test_a_damaged_records_file_is_one_located_error(tiny, text, error):
    """translations.yaml broken by hand: one error naming the file (at its line when YAML says where)."""
    write(tiny / "content/translations.yaml", text)
    result = run_cli(tiny, "translations")
    assert result.code == 1
    assert result.err.splitlines()[0].startswith(error), result.err
