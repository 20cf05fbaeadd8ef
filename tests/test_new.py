"""`new`: a page that builds at once in every language, its translations missing until written; links to it."""

import re

from conftest import run_cli


def page(project, name, lang):
    """A page file of the project."""
    return project / "content" / "pages" / f"{name}.{lang}.md"


def test_a_new_page_builds_at_once_and_its_translation_counts_as_missing(event):
    result = run_cli(event, "new", "talks/lyon")
    assert result.code == 0, result.err
    built = run_cli(event)
    assert built.code == 0, built.err
    # The source page's texts are placeholders, reported where they stand; the translation is not written yet.
    assert "content/pages/talks/lyon.vi.md:2:9: placeholder text left to replace" in built.err
    assert "content/pages/talks/lyon.fr.md: no fr translation — it is marked untranslated" in built.err
    french = (event / "site/fr/talks/lyon/index.html").read_text(encoding="utf-8")
    assert 'lang="vi"' in french  # the Vietnamese text, marked as such, under the missing-translation notice
    report = run_cli(event, "translations")
    assert re.search(r"page\s+talks/lyon\s+fr\s+missing\s+content/pages/talks/lyon.fr.md", report.out)
    assert run_cli(event, "--strict").code == 1


def test_a_translated_page_is_published_once_its_mark_is_removed(event):
    assert run_cli(event, "new", "talks/lyon", "--slug", "fr=exposes/lyon").code == 0
    assert (run_cli(event).code, (event / "site/fr/exposes/lyon/index.html").is_file()) == (0, True)
    page(event, "talks/lyon", "vi").write_text("---\ntitle: Lyon\n---\nMột đoạn văn.\n", encoding="utf-8")
    page(event, "talks/lyon", "fr").write_text(
        "---\ntitle: Lyon\nslug: exposes/lyon\n---\nUn paragraphe.\n", encoding="utf-8"
    )
    assert run_cli(event, "translations", "--confirm", "talks/lyon").code == 0
    strict = run_cli(event, "--strict")
    assert strict.code == 0, strict.err
    french = (event / "site/fr/exposes/lyon/index.html").read_text(encoding="utf-8")
    assert "Un paragraphe." in french and "Một đoạn văn" not in french


def test_new_says_what_to_do_next(event):
    talk = run_cli(event, "new", "talks/lyon").out
    assert "content/program.yaml" in talk and "translations --confirm talks/lyon" in talk
    assert "[text](/talks/lyon.md)" in talk
    top = run_cli(event, "new", "venue").out
    assert "menu: in content/site.yaml" in top and "program.yaml" not in top


def test_a_bad_slug_option_is_one_line_and_writes_nothing(event):
    result = run_cli(event, "new", "talks/lyon", "--slug", "de=lyon")
    assert result.code == 1 and "--slug: 'de=lyon' is not LANG=SLUG" in result.err
    assert not page(event, "talks/lyon", "vi").exists()


def test_page_links_work_from_the_pages_folder_and_relative_to_the_file(event):
    run_cli(event, "new", "talks/lyon")
    page(event, "talks/lyon", "vi").write_text(
        "---\ntitle: Lyon\n---\n[Chương trình](/program.md) và [lại](../program.md).\n", encoding="utf-8"
    )
    built = run_cli(event)
    assert built.code == 0, built.err
    html = (event / "site/vi/talks/lyon/index.html").read_text(encoding="utf-8")
    program = re.search(r'href="([^"]+)">Chương trình<', html).group(1)
    assert program.endswith("/vi/chuong-trinh/") and f'href="{program}">lại<' in html


def test_a_broken_page_link_hint_proposes_a_link_that_works_from_the_file(event):
    run_cli(event, "new", "talks/lyon")
    page(event, "talks/lyon", "vi").write_text("---\ntitle: Lyon\n---\n[Chương trình](program.md)\n", encoding="utf-8")
    result = run_cli(event)
    assert result.code == 1
    assert "there is no page 'talks/program' — did you mean ../program.md or /program.md?" in result.err
