"""`init`: a site for another event, in any languages, that builds at once; placeholders; the command line's help."""

import re
import shutil
import subprocess
import sys

import pytest

from conftest import ROOT, run_cli


def init(tmp_path, languages, name="event"):
    """Run `init` into a new folder; return the folder and the CLI's result."""
    folder = tmp_path / name
    return folder, run_cli(tmp_path, "init", str(folder), "--languages", languages)


def fill(folder):
    """Replace every placeholder the way an editor would (plain text without the mark)."""
    for path in list(folder.glob("content/**/*.md")) + list(folder.glob("content/*.yaml")):
        text = path.read_text(encoding="utf-8")
        path.write_text(re.sub(r"\[TODO: ([^\]]*)\]", r"Written: \1", text), encoding="utf-8")


@pytest.mark.parametrize("languages", ["vi,fr", "vi,fr,en", "fr,de"])
def test_a_new_site_builds_at_once_and_passes_the_gates(tmp_path, languages):
    folder, result = init(tmp_path, languages)
    assert result.code == 0, result.err
    codes = languages.split(",")
    for part in (
        "templates/base.html",
        "static/style.css",
        "locales/messages.pot",
        ".gitignore",
        ".github/workflows/pages.yml",
        "README.md",
        "content/site.yaml",
        "babel.cfg",
    ):
        assert (folder / part).is_file(), part
    assert all((folder / f"content/pages/index.{lang}.md").is_file() for lang in codes)
    built = run_cli(folder)
    assert built.code == 0, built.err
    assert f"({', '.join(f'5 {lang}' for lang in codes)})" in built.out
    # Placeholders are warnings naming file and line, summarised by kind.
    assert re.search(r"warning: content/\S+:\d+:\d+: placeholder text left to replace: \[TODO: ", built.err)
    assert "more like these (--all-warnings lists them all)" in built.err
    every = run_cli(folder, "--all-warnings")
    assert "more like these" not in every.err and every.err.count("placeholder text left") > 10
    # The gates pass (placeholders reported, not refused); --strict refuses them.
    gates = run_cli(folder, "check")
    assert gates.code == (0 if "de" not in codes else 1), gates.out + gates.err
    strict = run_cli(folder, "--strict")
    assert strict.code == 1 and "placeholder text left to replace" in strict.err


def test_a_filled_three_language_site_builds_strictly(tmp_path):
    folder, _ = init(tmp_path, "vi,fr,en")
    fill(folder)
    # Every translation was written after its source: the editors confirm them, as the README says.
    assert run_cli(folder, "translations").code == 1
    assert run_cli(folder, "translations", "--all").code == 0
    strict = run_cli(folder, "--strict")
    assert strict.code == 0, strict.err
    assert "warning" not in strict.err and "error" not in strict.err  # (a slow machine may show progress)
    english = (folder / "site/en/index.html").read_text(encoding="utf-8")
    assert '<html lang="en"' in english and "Written: the page title, in English" in english
    assert run_cli(folder, "check").code == 0


def test_a_language_the_theme_does_not_translate_starts_untranslated(tmp_path):
    folder, _ = init(tmp_path, "fr,de")
    report = run_cli(folder, "translations")
    assert re.search(r"catalog\s+messages\s+de\s+untranslated\s+locales/de/LC_MESSAGES/messages.po", report.out)
    assert re.search(r"catalog\s+messages\s+fr\s+ok", report.out)


def test_english_needs_no_translation_of_the_interface(tmp_path):
    folder, _ = init(tmp_path, "vi,en")
    report = run_cli(folder, "translations")
    assert re.search(r"catalog\s+messages\s+en\s+ok", report.out), report.out


@pytest.mark.parametrize(
    ("languages", "message"),
    [
        ("vi", "expected a list of at least two languages"),
        ("vi,xx-nowhere", "unknown language code 'xx-nowhere'"),
    ],
)
def test_init_refuses_bad_languages_in_one_line(tmp_path, languages, message):
    folder, result = init(tmp_path, languages)
    assert result.code == 1 and message in result.err and len(result.err.strip().splitlines()) == 1
    assert not folder.exists()


def test_init_never_writes_into_a_folder_that_holds_something(tmp_path):
    folder = tmp_path / "event"
    folder.mkdir()
    (folder / "notes.txt").write_text("mine", encoding="utf-8")
    _, result = init(tmp_path, "vi,fr")
    assert result.code == 1 and "the folder is not empty; nothing was written" in result.err
    assert sorted(p.name for p in folder.iterdir()) == ["notes.txt"]


def test_a_new_site_builds_from_its_own_folder_with_the_microsite_command(tmp_path):
    folder, _ = init(tmp_path, "vi,fr")
    script = shutil.which("microsite", path=str(__import__("pathlib").Path(sys.executable).parent))
    assert script, "the [project.scripts] entry point is installed with the package"
    run = subprocess.run([script], cwd=folder, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert (folder / "site/vi/index.html").is_file()


def test_extract_keeps_the_generators_own_strings(tmp_path):
    folder, _ = init(tmp_path, "vi,fr")
    assert run_cli(folder, "i18n", "extract").code == 0
    pot = (folder / "locales/messages.pot").read_text(encoding="utf-8")
    assert 'msgid "Page not found"' in pot and "microsite/render.py" in pot
    assert 'msgid "Read the site in this language"' in pot  # and the templates'


def help_text(*args):
    """What `build.py [COMMAND] --help` prints."""
    run = subprocess.run([sys.executable, str(ROOT / "build.py"), *args, "--help"], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    return run.stdout


def test_help_lists_each_command_once_with_a_sentence():
    text = help_text()
    for command in ("build", "serve", "translations", "new", "init", "i18n", "deploy", "check", "clean", "schema"):
        assert len(re.findall(rf"^\s+{command}\s+\S", text, re.M)) == 1, command


@pytest.mark.parametrize("command", ["new", "schema", "clean", "i18n", "init", "translations"])
def test_options_that_do_nothing_are_not_offered(command):
    assert "--base-url" not in help_text(command)


@pytest.mark.parametrize("command", ["serve", "translations", "new", "init", "i18n", "check"])
def test_each_command_describes_itself(command):
    text = help_text(command)
    description = text.split("\n\n")[1]
    assert len(description.split()) > 8, description
