"""`build.py check`: the content gates CI runs on whatever content/ holds, each shown to catch what it guards."""

import shutil
import subprocess

import pytest

from conftest import ROOT, edit, missing, run_cli, snapshot, write

VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def tools_or_skip():
    """The gates that call outside tools need them, or they only report themselves skipped."""
    if not (shutil.which("java") and VNU.is_file()):
        missing("needs Java and npm ci (vnu-jar)")
    if not shutil.which("msgfmt"):
        missing("needs GNU gettext (apt-get install gettext)")


def with_vnu(project):
    """Let a fixture project find the checker where a real project has it (node_modules/ beside content/)."""
    (project / "node_modules").symlink_to(ROOT / "node_modules", target_is_directory=True)


def test_a_good_site_passes_every_gate_and_site_is_untouched(event):
    tools_or_skip()
    with_vnu(event)
    assert run_cli(event).code == 0
    before = snapshot(event / "site")
    result = run_cli(event, "check")
    assert result.code == 0, result.out + result.err
    assert "0 problems" in result.out and "skipped" not in result.out
    for gate in ("strict build", "links and assets", "hreflang alternates", "Nu HTML Checker", "msgfmt -c"):
        assert gate in result.out
    assert snapshot(event / "site") == before  # check builds in a folder of its own


def test_a_broken_link_in_a_template_is_a_problem(event):
    edit(event / "templates/base.html", "<main", "<p><a href=\"{{ urls.path('vi/nowhere/') }}\">x</a></p>\n<main")
    result = run_cli(event, "check")
    assert result.code == 1
    assert "problem: site/vi/index.html: broken link /event/vi/nowhere/" in result.out


def test_a_missing_anchor_is_a_problem(event):
    edit(event / "templates/base.html", "<main", '<p><a href="{{ urls.home(lang) }}#no-such-id">x</a></p>\n<main')
    result = run_cli(event, "check")
    assert result.code == 1 and "names an anchor that the page does not have" in result.out


def test_hreflang_alternates_that_do_not_answer_each_other_are_a_problem(event):
    # Every French page announces the Vietnamese home as its Vietnamese version: not the same page, not reciprocal.
    edit(
        event / "templates/partials/meta.html",
        '<link rel="alternate" hreflang="{{ alt.hreflang }}" href="{{ alt.href }}">',
        '<link rel="alternate" hreflang="{{ alt.hreflang }}" href="{{ urls.home(alt.hreflang, true) '
        "if lang == 'fr' else alt.href }}\">",
    )
    result = run_cli(event, "check")
    assert result.code == 1
    assert (
        "problem: site/fr/a-propos/index.html: hreflang vi leads to https://example.test/event/vi/, whose "
        "alternates differ" in result.out
    )


def test_invalid_html_is_a_problem(event):
    tools_or_skip()
    with_vnu(event)
    edit(event / "templates/base.html", "<main", "<div><span></div></span>\n<main")
    result = run_cli(event, "check")
    assert result.code == 1
    assert "problem: site/vi/index.html:" in result.out and "End tag “div” seen" in result.out


def test_a_catalog_that_msgfmt_refuses_is_a_problem_and_update_mends_it(event):
    tools_or_skip()
    po = event / "locales/fr/LC_MESSAGES/messages.po"
    live = 'msgid "Key ideas"\nmsgstr "Idées clés"\n'
    assert live in po.read_text(encoding="utf-8")
    write(po, po.read_text(encoding="utf-8") + '\n#~ msgid "Key ideas"\n#~ msgstr "Idées"\n')
    result = run_cli(event, "check")
    assert result.code == 1 and "duplicate message definition" in result.out
    # Babel's update can leave such an entry; ours drops an obsolete entry that repeats a live one.
    assert run_cli(event, "i18n", "update").code == 0
    assert subprocess.run(["msgfmt", "-c", "--check-format", "-o", "/dev/null", str(po)]).returncode == 0
    assert live in po.read_text(encoding="utf-8")


def test_a_content_error_fails_check_with_its_location(event):
    edit(event / "content/event.yaml", "date: 2024-10-03", "date: 2024-10-32")
    result = run_cli(event, "check")
    assert result.code == 1 and "content/event.yaml:6" in result.err


@pytest.mark.parametrize("add_page", [True, False])
def test_check_passes_on_a_site_an_editor_grew_the_readme_way(event, add_page):
    """An editor adds a page in both languages and confirms it: check stays green (no test knows the page)."""
    if add_page:
        assert run_cli(event, "new", "visits").code == 0
        write(event / "content/pages/visits.vi.md", "---\ntitle: Tham quan\nslug: tham quan\n---\nMột chuyến đi.\n")
        write(event / "content/pages/visits.fr.md", "---\ntitle: Visites\nslug: visites\n---\nUne sortie.\n")
        assert run_cli(event, "translations", "--confirm", "visits").code == 0
    result = run_cli(event, "check")
    assert result.code == 0, result.out + result.err
