"""The translators' workbench in the preview (`BASE/_translate/`): its pages as pure functions of a built site,
then served by a real `build.py serve` on 127.0.0.1, then used in a real Chromium."""

from __future__ import annotations

import http.client
import re
import shutil
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

import pytest

from conftest import ROOT, edit, free_port, missing, run_cli, serving
from microsite.commands.workbench import catalog_view, overview, page_view
from microsite.config import load_config
from microsite.model import load_site

BASE = "/event/"
TOKEN = "t0ken"
OLD = "Mọi thông tin ở đây đều là giả định, được viết cho bộ kiểm thử."
NEW = "Mọi thông tin ở đây đều là giả định, được viết lại cho bộ kiểm thử."
VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def site_of(project: Path):
    """The project's site as the preview holds it."""
    return load_site(load_config(project))


@pytest.fixture
def stale(event) -> Path:
    """The event fixture with one confirmed paragraph of the source page 'about' edited: fr is stale by one block."""
    edit(event / "content" / "pages" / "about.vi.md", OLD, NEW)
    return event


def test_the_overview_lists_a_stale_page_with_its_changed_block_and_links_to_its_view(stale):
    html = overview(site_of(stale), BASE)
    row = next(r for r in html.split("<tr>") if 'href="/event/_translate/pages/fr/about"' in r)
    assert "stale" in row and "1 block changed" in row
    assert re.search(r'<a href="/event/_translate/pages/fr/index">index</a>.*?>ok<', html, re.DOTALL)
    assert 'href="/event/_translate/catalogs/fr"' in html and 'href="/event/_translate/catalogs/vi"' in html


def test_the_page_view_shows_the_changed_words_and_the_translation_block_with_its_file_and_line(stale):
    html = page_view(site_of(stale), "about", "fr", BASE, TOKEN)
    assert "1 block changed" in html
    row = next(r for r in html.split("<tr") if "<ins>lại" in r)
    assert 'class="changed"' in row
    assert "viết <ins>lại</ins> cho" in row
    assert "content/pages/about.vi.md:8" in row and 'lang="vi"' in row
    assert "content/pages/about.fr.md:8" in row and 'lang="fr"' in row
    assert "Toutes les informations données ici sont imaginaires" in row
    assert f'name="token" value="{TOKEN}"' in html and 'action="/event/_translate/confirm"' in html


def test_a_removed_word_is_deleted_and_a_missing_translation_block_is_marked(event):
    edit(event / "content" / "pages" / "about.vi.md", "được viết cho", "được cho")
    with (event / "content" / "pages" / "about.vi.md").open("a", encoding="utf-8") as page:
        page.write("\nMột đoạn mới.\n")
    html = page_view(site_of(event), "about", "fr", BASE, TOKEN)
    assert "được <del>viết</del> cho" in html
    added = next(r for r in html.split("<tr") if "Một đoạn mới." in r)
    assert 'class="added"' in added and "missing: translate this block" in added


def test_an_ok_page_has_no_confirm_button(event):
    html = page_view(site_of(event), "about", "fr", BASE, TOKEN)
    assert "up to date" in html and "<form" not in html and TOKEN not in html


def test_content_never_injects_markup(stale):
    edit(stale / "content" / "pages" / "about.vi.md", NEW, "<script>alert('vi')</script> & <b>x</b>")
    edit(stale / "content" / "pages" / "about.fr.md", "Toutes les informations", "<script>alert('fr')</script>")
    site = site_of(stale)
    for html in (page_view(site, "about", "fr", BASE, TOKEN), overview(site, BASE)):
        assert "<script" not in html and "<b>" not in html
    html = page_view(site, "about", "fr", BASE, TOKEN)
    assert "&lt;script&gt;alert(&#39;fr&#39;)&lt;/script&gt;" in html
    assert "&lt;script&gt;alert(&#39;vi&#39;)&lt;/script&gt;" in html and "&amp;" in html


def fuzzy_catalog(project: Path) -> None:
    """Mark one fr catalog entry fuzzy and empty another one's translation."""
    catalog = project / "locales" / "fr" / "LC_MESSAGES" / "messages.po"
    edit(catalog, 'msgid "Add to calendar"', '#, fuzzy\nmsgid "Add to calendar"')
    edit(catalog, 'msgstr "Tous les intervenants et leurs interventions"', 'msgstr ""')


def test_the_catalog_view_lists_fuzzy_and_untranslated_strings_with_their_templates(event):
    fuzzy_catalog(event)
    site = site_of(event)
    html = catalog_view(site, "fr", BASE)
    fuzzy, untranslated = html.split('id="untranslated"')
    assert "Add to calendar" in fuzzy and "templates/index.html" in fuzzy
    assert "All speakers and their contributions" in untranslated and "templates/index.html" in untranslated
    assert "fuzzy" in overview(site, BASE)


def vnu_errors(folder: Path) -> str:
    """The Nu HTML Checker's errors on every .html file of a folder ('' when none)."""
    java = shutil.which("java")
    if java is None or not VNU.is_file():
        missing("needs Java and the Nu HTML Checker: apt-get install default-jre-headless && npm install")
    run = subprocess.run(
        [java, "-jar", str(VNU), "--errors-only", "--also-check-css", str(folder)], capture_output=True, text=True
    )
    return (run.stdout + run.stderr).strip() if run.returncode else ""


def test_the_workbench_pages_pass_the_html_checker(stale, tmp_path):
    fuzzy_catalog(stale)
    (stale / "content" / "pages" / "about.vi.md").open("a", encoding="utf-8").write("\nMột đoạn <mới>.\n")
    site = site_of(stale)
    pages = {
        "overview.html": overview(site, BASE),
        "page.html": page_view(site, "about", "fr", BASE, TOKEN),
        "missing.html": page_view(site, "speakers", "fr", BASE, TOKEN),
        "catalog.html": catalog_view(site, "fr", BASE),
    }
    out = tmp_path / "workbench"
    out.mkdir()
    for name, html in pages.items():
        (out / name).write_text(html, encoding="utf-8")
    assert vnu_errors(out) == ""


# --- served by the preview -----------------------------------------------------------------------------------------


@pytest.fixture
def served(stale):
    """`python build.py serve` on the stale event site, on 127.0.0.1; (port, project), stopped after the test."""
    with serving(stale, timeout=20) as (_url, port):
        yield port, stale


def request(
    port: int, method: str, path: str, body: dict[str, str] | None = None, headers: dict[str, str] | None = None
) -> tuple[int, dict[str, str], str]:
    """One HTTP request to the preview: (status, headers, text)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
    data = urllib.parse.urlencode(body) if body is not None else None
    sent = {"Content-Type": "application/x-www-form-urlencoded"} if data is not None else {}
    connection.request(method, path, body=data, headers={**sent, **(headers or {})})
    response = connection.getresponse()
    text = response.read().decode("utf-8")
    connection.close()
    return response.status, dict(response.getheaders()), text


def form_of(html: str) -> dict[str, str]:
    """The hidden fields of the page's Confirm form."""
    return dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)">', html))


def test_the_preview_serves_the_workbench_under_its_base_path_with_livereload(served):
    port, _ = served
    status, headers, html = request(port, "GET", "/event/_translate/")
    assert status == 200 and "1 block changed" in html and "text/html" in headers["Content-Type"]
    assert "livereload.js" in html  # injected by the preview into every HTML page: the workbench follows rebuilds
    status, _, html = request(port, "GET", "/event/_translate/pages/fr/about")
    assert status == 200 and "<ins>lại</ins>" in html
    assert request(port, "GET", "/event/_translate/catalogs/fr")[0] == 200
    assert request(port, "GET", "/event/_translate")[0] == 302
    assert request(port, "GET", "/elsewhere/_translate/")[0] == 404
    assert request(port, "GET", "//elsewhere.example/_translate")[0] == 404  # never a redirect to another site
    assert request(port, "GET", "/event/_translate/pages/fr/nothing")[0] == 404
    assert request(port, "GET", "/event/_translate/pages/vi/about")[0] == 404
    assert not (served[1] / "site" / "_translate").exists()


def test_while_a_rebuild_fails_the_workbench_says_it_shows_the_last_good_build(served):
    port, project = served
    edit(project / "content" / "event.yaml", "date: 2024-10-03", "date: 2024-10-03\n\tbroken: yes")
    deadline = time.monotonic() + 30  # a busy CI machine
    while "The last rebuild failed" not in (html := request(port, "GET", "/event/_translate/")[2]):
        assert time.monotonic() < deadline, "the workbench never said that the rebuild failed"
        time.sleep(0.1)
    assert "1 block changed" in html  # the last good build's state, still there to work with
    edit(project / "content" / "event.yaml", "\n\tbroken: yes", "")
    deadline = time.monotonic() + 30
    while "The last rebuild failed" in request(port, "GET", "/event/_translate/")[2]:
        assert time.monotonic() < deadline, "the notice stayed after the fix"
        time.sleep(0.1)


def test_a_confirmation_without_the_page_token_or_from_another_host_name_is_refused(served):
    port, project = served
    records = (project / "content" / "translations.yaml").read_bytes()
    form = form_of(request(port, "GET", "/event/_translate/pages/fr/about")[2])
    assert form["page"] == "about" and form["lang"] == "fr" and len(form["token"]) > 20
    for body, headers in [
        ({**form, "token": ""}, {}),
        ({"page": "about", "lang": "fr"}, {}),
        ({**form, "token": form["token"][:-1] + "x"}, {}),
        (form, {"Host": f"rebound.example:{port}"}),
    ]:
        status, _, text = request(port, "POST", "/event/_translate/confirm", body, headers)
        assert status == 403, (body, headers)
        assert text.startswith("refused: ") and text.count("\n") == 1
    assert (project / "content" / "translations.yaml").read_bytes() == records


def test_a_confirmation_with_the_page_token_records_it_and_shows_the_page_ok(served):
    port, project = served
    records = project / "content" / "translations.yaml"
    before = records.read_text(encoding="utf-8")
    form = form_of(request(port, "GET", "/event/_translate/pages/fr/about")[2])
    status, headers, _ = request(port, "POST", "/event/_translate/confirm", form)
    assert status == 303 and headers["Location"] == "/event/_translate/pages/fr/about"
    assert records.read_text(encoding="utf-8") != before
    assert run_cli(project, "translations").code == 0  # the same record as `translations --confirm about`
    html = request(port, "GET", headers["Location"])[2]
    assert "up to date" in html and "<form" not in html


def address_of_this_machine() -> str | None:
    """An IPv4 address of this machine that is not a loopback one, or None (a UDP socket sends nothing)."""
    import socket

    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.1", 9))
        except OSError:
            return None
        address = probe.getsockname()[0]
    return None if address.startswith("127.") or address == "0.0.0.0" else address


def test_a_confirmation_from_another_machine_is_refused_even_with_the_token(stale):
    address = address_of_this_machine()
    if address is None:
        pytest.skip("this machine has no address but loopback to be reached from")
    port = free_port()
    command = [
        sys.executable,
        str(ROOT / "build.py"),
        "--project",
        str(stale),
        "serve",
        "--host",
        "0.0.0.0",
        "--port",
        str(port),
    ]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        assert any(line.startswith("Serving ") for line in process.stdout), "the server did not start"
        records = (stale / "content" / "translations.yaml").read_bytes()
        form = form_of(request(port, "GET", "/event/_translate/pages/fr/about")[2])
        connection = http.client.HTTPConnection(address, port, timeout=20)
        connection.request(
            "POST",
            "/event/_translate/confirm",
            body=urllib.parse.urlencode(form),
            headers={"Content-Type": "application/x-www-form-urlencoded", "Host": f"127.0.0.1:{port}"},
        )
        response = connection.getresponse()
        assert response.status == 403
        assert (
            response.read().decode()
            == "refused: confirmations are accepted only from this machine (a loopback address)\n"
        )
        connection.close()
        assert (stale / "content" / "translations.yaml").read_bytes() == records
    finally:
        process.terminate()
        process.wait(timeout=10)


# --- in a real Chromium ---------------------------------------------------------------------------------------------

TIMEOUT_MS = 10_000


def test_browser_a_translator_sees_the_stale_block_revises_and_confirms_without_reloading(served, chromium):
    from test_quality import axe_violations, require_axe

    require_axe()
    port, project = served
    tab = chromium.new_context().new_page()
    tab.goto(f"http://127.0.0.1:{port}/event/_translate/")
    tab.keyboard.press("Tab")  # the first stop is the skip link, shown when focused
    assert tab.evaluate("document.activeElement.getAttribute('href')") == "#main"
    assert tab.locator("a.skip").bounding_box()["x"] >= 0
    row = tab.locator("tr", has=tab.locator('a[href="/event/_translate/pages/fr/about"]'))
    assert "stale" in row.inner_text() and "1 block changed" in row.inner_text()
    assert axe_violations(tab) == []
    row.get_by_role("link", name="about").click()  # with the skip link focused: the click lands all the same

    tab.wait_for_url("**/_translate/pages/fr/about")
    changed = tab.locator("tr.changed")
    assert changed.locator("ins").inner_text() == "lại"
    assert "content/pages/about.fr.md:8" in changed.inner_text()
    assert axe_violations(tab) == []

    # A revision of the translation shows by itself: the preview rebuilds and livereload reloads the workbench.
    tab.wait_for_function("() => window.LiveReload && window.LiveReload.connector.protocol > 0", timeout=TIMEOUT_MS)
    edit(project / "content" / "pages" / "about.fr.md", "écrites pour les tests", "écrites à nouveau pour les tests")
    tab.wait_for_selector("text=écrites à nouveau pour les tests", timeout=TIMEOUT_MS)

    tab.get_by_role("button", name="Confirm the fr translation of about").click()
    tab.wait_for_selector(".state-ok", timeout=TIMEOUT_MS)
    assert "up to date" in tab.inner_text("main") and tab.locator("form").count() == 0
    assert tab.locator("tr.changed").count() == 0
    tab.goto(f"http://127.0.0.1:{port}/event/_translate/")
    assert "ok" in tab.locator("tr", has=tab.locator('a[href="/event/_translate/pages/fr/about"]')).inner_text()
    tab.goto(f"http://127.0.0.1:{port}/event/_translate/catalogs/fr")
    assert axe_violations(tab) == []
    tab.context.close()
