"""Tests written to kill the survivors of the mutation run over the translations' pairing (model.py)."""

from __future__ import annotations

from conftest import run_cli


def test_a_contribution_missing_a_translation_keeps_its_template_in_the_fallback(event):
    """The French fallback of a talk with no French file is still a contribution page (talk.html), not a plain one."""
    (event / "content/pages/talks/hue.fr.md").unlink()
    result = run_cli(event, "--out", str(event / "out"))
    assert result.code == 0, result.err
    fallback = (event / "out/fr/bai-noi/hue/index.html").read_text(encoding="utf-8")
    assert 'class="talk__kicker"' in fallback and 'lang="vi"' in fallback


def test_a_home_page_marked_untranslated_with_a_slug_stays_the_languages_home(event):
    """A slug in a home page marked untranslated gives its fallback no other address: the home has none."""
    home = event / "content/pages/index.fr.md"
    home.write_text(
        home.read_text(encoding="utf-8").replace("---\n", "---\nuntranslated: true\nslug: accueil\n", 1),
        encoding="utf-8",
    )
    result = run_cli(event, "--out", str(event / "out"))
    assert result.code == 0, result.err
    assert (event / "out/fr/index.html").is_file()
    assert not (event / "out/fr/accueil").exists()


def test_the_untranslated_warning_says_what_to_remove(event):
    """The warning for a translation marked untranslated names the exact line to remove once it is translated."""
    about = event / "content/pages/about.fr.md"
    about.write_text(
        about.read_text(encoding="utf-8").replace("---\n", "---\nuntranslated: true\n", 1), encoding="utf-8"
    )
    result = run_cli(event, "--out", str(event / "out"), "--all-warnings")
    assert result.code == 0, result.err
    warning = next(line for line in (result.out + result.err).splitlines() if "about.fr.md" in line)
    assert warning.endswith("translate it, then remove 'untranslated: true'"), warning
