"""Catalogs any translation tool accepts: what `i18n extract` and `i18n update` write passes GNU msgfmt -c (the check
behind Poedit and Weblate), holds no template placeholders, keeps what translators set, and is left untouched when
no message changed; a fuzzy entry is never published."""

import re
import shutil
import subprocess

import pytest
from babel.messages.pofile import read_po

from conftest import edit, run_cli, write

PLACEHOLDERS = ("FULL NAME", "EMAIL@ADDRESS", "YEAR-MO-DA", "LL@li.org")


def msgfmt(path):
    """GNU msgfmt -c --check-format on one file: (exit code, what it printed)."""
    tool = shutil.which("msgfmt")
    if tool is None:
        pytest.skip("needs GNU gettext's msgfmt (apt-get install gettext; CI installs it)")
    run = subprocess.run([tool, "-c", "--check-format", "-o", "/dev/null", str(path)], capture_output=True, text=True)
    return run.returncode, run.stderr


def catalogs(project):
    """Every language's catalog of a project."""
    return sorted((project / "locales").glob("*/LC_MESSAGES/messages.po"))


def header(path):
    """A catalog's header fields, {name: value}."""
    text = path.read_text(encoding="utf-8").split("\n\n", 1)[0]
    return dict(re.findall(r'^"([\w-]+): (.*)\\n"$', text, re.MULTILINE))


def add_german(project):
    """Make German a language of the site, so that `i18n update` creates its catalog."""
    edit(project / "content" / "site.yaml", "languages: [vi, fr]", "languages: [vi, fr, de]")
    edit(project / "content" / "site.yaml", "fr: Petit site}", "fr: Petit site, de: Kleine Seite}")


def extract_and_update(project):
    """`i18n extract` then `i18n update`, both succeeding; what they printed."""
    extracted, updated = run_cli(project, "i18n", "extract"), run_cli(project, "i18n", "update")
    assert extracted.code == 0 and updated.code == 0, extracted.err + updated.err
    return extracted.out + updated.out


def test_what_extract_and_update_write_passes_msgfmt_without_a_warning(tiny):
    write(
        tiny / "templates" / "page.html",
        '{% extends "base.html" %}\n{% block main %}'
        '{{ ngettext("%(num)d talk", "%(num)d talks", 3) }} {{ _("Hello %(name)s", name="A") }}{% endblock %}\n',
    )
    add_german(tiny)  # a new catalog too
    extract_and_update(tiny)
    assert len(catalogs(tiny)) == 3
    for path in catalogs(tiny):
        assert msgfmt(path) == (0, ""), path
    code, warnings = msgfmt(tiny / "locales" / "messages.pot")
    assert code == 0 and "initial default value" not in warnings


def test_headers_are_complete_and_free_of_placeholders(tiny):
    add_german(tiny)
    extract_and_update(tiny)
    for path in [*catalogs(tiny), tiny / "locales" / "messages.pot"]:
        text = path.read_text(encoding="utf-8")
        assert not [p for p in PLACEHOLDERS if p in text], path
    new = header(tiny / "locales" / "de" / "LC_MESSAGES" / "messages.po")
    assert new["Language"] == "de" and new["Plural-Forms"] == "nplurals=2; plural=(n != 1);"
    assert new["Content-Type"] == "text/plain; charset=utf-8"
    assert new["Last-Translator"] == "Automatically generated" and new["Language-Team"] == "none"
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d[+-]\d{4}", new["PO-Revision-Date"])
    assert header(tiny / "locales" / "vi" / "LC_MESSAGES" / "messages.po")["Plural-Forms"] == "nplurals=1; plural=0;"


def test_what_a_translator_set_in_the_header_is_kept(tiny):
    po = tiny / "locales" / "fr" / "LC_MESSAGES" / "messages.po"
    edit(po, "PO-Revision-Date: YEAR-MO-DA HO:MI+ZONE", "PO-Revision-Date: 2026-11-30 10:00+0100")
    edit(po, "Last-Translator: FULL NAME <EMAIL@ADDRESS>", "Last-Translator: Jeanne Dupont <jeanne@example.org>")
    edit(po, "Language-Team: fr <LL@li.org>", "Language-Team: French <fr@example.org>")
    write(tiny / "templates" / "page.html", '{% extends "base.html" %}\n{% block main %}{{ _("New") }}{% endblock %}\n')
    extract_and_update(tiny)
    fields = header(po)
    assert (fields["PO-Revision-Date"], fields["Last-Translator"], fields["Language-Team"]) == (
        "2026-11-30 10:00+0100",
        "Jeanne Dupont <jeanne@example.org>",
        "French <fr@example.org>",
    )
    assert 'msgid "New"' in po.read_text(encoding="utf-8")


def test_two_runs_in_a_row_change_nothing(tiny):
    extract_and_update(tiny)
    files = [tiny / "locales" / "messages.pot", *catalogs(tiny)]
    before = {path: (path.read_bytes(), path.stat().st_mtime_ns) for path in files}
    out = extract_and_update(tiny)
    assert {path: (path.read_bytes(), path.stat().st_mtime_ns) for path in files} == before
    assert out.count("unchanged locales/") == 3 and "wrote" not in out


def test_a_real_change_is_written(tiny):
    extract_and_update(tiny)
    write(tiny / "templates" / "page.html", '{% extends "base.html" %}\n{% block main %}{{ _("New") }}{% endblock %}\n')
    out = extract_and_update(tiny)
    assert out.count("wrote locales/") == 3
    assert 'msgid "New"' in (tiny / "locales" / "vi" / "LC_MESSAGES" / "messages.po").read_text(encoding="utf-8")


def test_no_obsolete_entry_repeats_a_live_msgid(tiny):
    po = tiny / "locales" / "fr" / "LC_MESSAGES" / "messages.po"
    write(po, po.read_text(encoding="utf-8") + '\n#~ msgid "Date"\n#~ msgstr "Jour"\n')
    assert "duplicate message definition" in msgfmt(po)[1]
    extract_and_update(tiny)
    assert msgfmt(po) == (0, "")
    with po.open("rb") as fp:
        catalog = read_po(fp)
    assert "Date" not in catalog.obsolete and catalog["Date"].string == "Date"


def test_a_fuzzy_msgstr_is_never_published_the_source_string_is(tiny):
    po = tiny / "locales" / "fr" / "LC_MESSAGES" / "messages.po"
    edit(po, 'msgid "Enter"', '#, fuzzy\nmsgid "Enter"')
    assert run_cli(tiny).code == 0
    html = (tiny / "site" / "index.html").read_text(encoding="utf-8")
    french = html.split('<section lang="fr">')[1].split("</section>")[0]
    assert ">Enter</a>" in french and "Entrer" not in french
    strict = run_cli(tiny, "--strict")
    assert strict.code == 1 and "catalog 'messages' (fr) is fuzzy: 1 fuzzy: 'Enter'" in strict.err


def test_the_projects_own_catalogs_pass_msgfmt_without_placeholders(event):
    """The event fixture uses the project's real catalogs (locales/): what translators open."""
    for path in [*catalogs(event), event / "locales" / "messages.pot"]:
        text = path.read_text(encoding="utf-8")
        assert not [p for p in PLACEHOLDERS if p in text], path
    for path in catalogs(event):
        assert msgfmt(path) == (0, ""), path
