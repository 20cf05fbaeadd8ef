"""Tests that kill the surviving mutants of the translation report's commands (commands/translations.py; README,
"Mutation testing"): `translations --diff` word for word, `--lang`, and `--confirm` in some languages only."""

from conftest import edit, run_cli, write
from microsite.commands.translations import diff_pages, format_diff
from microsite.config import load_config
from microsite.model import load_site
from test_translation_blocks import SOURCE, TRANSLATION, confirm_home

# The translation with its last paragraph on two lines.
TWO_LINES = TRANSLATION.replace("Dernier paragraphe.", "Dernier\nparagraphe.")

# The source page with its summary before its title, so that the summary is the page's first block.
SUMMARY_FIRST = SOURCE.replace(
    "title: Trang chủ\nsummary: Một trang thử.\n", "summary: Một trang thử.\ntitle: Trang chủ\n"
)


def confirmed_page(tiny, source=SOURCE, translation=TWO_LINES):
    """The tiny site's home page in several blocks, both languages, its French translation confirmed; the page."""
    confirm_home(tiny, source, translation)
    return tiny / "content/pages/index.vi.md"


def test_the_diff_word_for_word_a_removed_block_placed_after_the_block_before_it(tiny):
    page = confirmed_page(tiny)
    edit(page, "Đoạn thứ hai nói về thành phố.\n\n", "")
    edit(page, "Đoạn cuối cùng.", "Đoạn cuối cùng,\nhai dòng.")
    diff = run_cli(tiny, "translations", "--diff", "index")
    assert diff.code == 0, diff.err
    assert diff.out == (
        "index (fr): stale — 1 block changed, 1 removed\n"
        "  source:      content/pages/index.vi.md\n"
        "  translation: content/pages/index.fr.md\n"
        "\n"
        "removed paragraph (after line 7 of content/pages/index.vi.md)\n"
        "  source:\n"
        "      [-Đoạn thứ hai nói về thành phố.-]\n"
        "  fr at content/pages/index.fr.md:9:\n"
        "      Le deuxième paragraphe parle de la ville.\n"
        "\n"
        "changed paragraph at content/pages/index.vi.md:12\n"
        "  source:\n"
        "      Đoạn cuối cùng{+, hai dòng+}.\n"
        "  fr at content/pages/index.fr.md:14:\n"
        "      Dernier\n"
        "      paragraphe.\n"
    )


def test_a_removed_first_block_is_placed_at_the_start_of_the_file(tiny):
    page = confirmed_page(tiny, SUMMARY_FIRST)
    edit(page, "summary: Một trang thử.\n", "")
    diff = run_cli(tiny, "translations", "--diff", "index").out
    assert "\n\nremoved field summary (at the start of content/pages/index.vi.md)\n  source:\n" in diff


def test_a_changed_block_the_translation_lacks_says_none_was_found(tiny):
    page = confirmed_page(tiny, translation=TRANSLATION.replace("- Point un\n- Point deux\n\n", ""))
    edit(page, "- Mục hai", "- Mục thứ hai")
    diff = run_cli(tiny, "translations", "--diff", "index").out
    assert (
        "changed list-item at content/pages/index.vi.md:12\n  source:\n      - Mục {+thứ+} hai\n"
        "  fr: (no block of the translation corresponds: none found)"
    ) in diff


def test_the_diff_of_a_page_without_translation_names_no_file(tiny):
    assert run_cli(tiny, "translations", "--diff", "notes").out == (
        "notes (fr): missing — no translation yet\n"
        "  source:      content/pages/notes.vi.md\n"
        "  translation: (none: the page shows the source text)\n"
    )


def test_the_diff_is_coloured_only_when_asked(tiny):
    page = confirmed_page(tiny)
    edit(page, "nói về thành phố.", "nói nhiều về thành phố.")
    [blocks] = diff_pages(load_site(load_config(tiny)), "index", "fr")
    assert "\x1b[" not in format_diff(blocks)
    assert "\x1b[" in format_diff(blocks, colour=True) and "nhiều" in format_diff(blocks, colour=True)


def three_languages(tiny):
    """The tiny site in Vietnamese, French and English, its home page translated into both."""
    edit(tiny / "content/site.yaml", "languages: [vi, fr]", "languages: [vi, fr, en]")
    edit(tiny / "content/site.yaml", "fr: Petit site}", "fr: Petit site, en: Small site}")
    write(tiny / "content/pages/index.en.md", "---\ntitle: Home\n---\nHello.\n")
    return tiny


def test_a_language_that_is_not_of_the_site_is_refused_naming_those_that_are(tiny):
    three_languages(tiny)
    result = run_cli(tiny, "translations", "--diff", "index", "--lang", "de")
    assert result.code == 1
    assert (
        result.err.strip() == "error: --lang: 'de' is not a language of the site — name a translation language: fr, en"
    )


def test_the_diff_in_one_language_shows_that_language_only(tiny):
    three_languages(tiny)
    assert [blocks.lang for blocks in diff_pages(load_site(load_config(tiny)), "index", "en")] == ["en"]
    assert [blocks.lang for blocks in diff_pages(load_site(load_config(tiny)), "index", None)] == ["fr", "en"]


def test_confirming_one_language_leaves_the_others_as_they_were(tiny):
    """The workbench confirms one language at a time: the French translation of a changed page stays stale."""
    import yaml

    from microsite.commands.translations import confirm

    three_languages(tiny)
    edit(tiny / "content/pages/index.vi.md", "Xin chào!", "Chào bạn!")
    records = tiny / "content/translations.yaml"
    french = yaml.safe_load(records.read_text(encoding="utf-8"))["index"]["fr"]
    assert confirm(load_site(load_config(tiny)), ["index"], ["en"]) == ["index (en)"]
    after = yaml.safe_load(records.read_text(encoding="utf-8"))["index"]
    assert after["fr"] == french and after["en"] != french
