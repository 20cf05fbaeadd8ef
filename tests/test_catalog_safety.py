"""Catalogs are text, not markup: escaped msgstrs, checked placeholders, complete catalogs under --strict, and
catalog commands that refuse bad inputs in one line instead of a traceback or a silent loss."""

import pytest

from conftest import edit, run_cli, snapshot, write

FR = ("locales", "fr", "LC_MESSAGES", "messages.po")


def french_catalog(project):
    """The tiny site's French catalog."""
    return project.joinpath(*FR)


def add_entry(project, entry: str) -> int:
    """Append an entry to the French catalog; return the line number of its (first) msgstr."""
    po = french_catalog(project)
    text = po.read_text(encoding="utf-8").rstrip("\n") + "\n\n"
    lines = (text + entry).split("\n")
    po.write_text(text + entry, encoding="utf-8")
    return next(n for n, line in enumerate(lines, start=1) if n > text.count("\n") and line.startswith("msgstr"))


def use_in_templates(project, expression: str) -> None:
    """Print one more interface string in the footer of every page."""
    edit(project / "templates" / "base.html", "<footer>", "<footer>" + expression + " ")


def strict_clean(project) -> None:
    """Give the tiny site its missing French page, so that --strict passes until a test breaks something."""
    write(project / "content" / "pages" / "notes.fr.md", "---\ntitle: Notes\n---\nTexte.\n")
    assert run_cli(project, "translations", "--confirm", "notes").code == 0
    assert run_cli(project, "--strict").code == 0


def error_lines(result) -> list[str]:
    """The lines of stderr that report an error (never a traceback)."""
    assert "Traceback" not in result.err
    return [line for line in result.err.splitlines() if line.startswith("error:")]


def one_error(result) -> str:
    """The single line a refused command prints."""
    assert result.code == 1
    lines = result.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.err
    return lines[0]


# --- 1. a msgstr is text ------------------------------------------------------------------------------------------

def test_markup_in_a_msgstr_is_printed_as_text(tiny):
    edit(french_catalog(tiny), 'msgstr "Date"', 'msgstr "<img src=x onerror=alert(1)> & co"')
    edit(french_catalog(tiny), 'msgstr "Entrer"', 'msgstr "<script>alert(2)</script>"')
    result = run_cli(tiny)
    assert result.code == 0, result.err
    for page in ("fr/index.html", "fr/notes/index.html", "404.html", "index.html"):
        html = (tiny / "site" / page).read_text(encoding="utf-8")
        assert "<img" not in html and "<script>" not in html, page
    footer = (tiny / "site" / "fr" / "index.html").read_text(encoding="utf-8")
    assert "&lt;img src=x onerror=alert(1)&gt; &amp; co" in footer
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in (tiny / "site" / "404.html").read_text(encoding="utf-8")


def test_placeholders_fill_an_escaped_msgstr_with_escaped_values(tiny):
    use_in_templates(tiny, '{{ _("Hello %(name)s", name="<b>you</b>") }}')
    add_entry(tiny, 'msgid "Hello %(name)s"\nmsgstr "<i>Bonjour</i> %(name)s, 100%% sûr"\n')
    result = run_cli(tiny)
    assert result.code == 0, result.err
    html = (tiny / "site" / "fr" / "index.html").read_text(encoding="utf-8")
    assert "&lt;i&gt;Bonjour&lt;/i&gt; &lt;b&gt;you&lt;/b&gt;, 100% sûr" in html
