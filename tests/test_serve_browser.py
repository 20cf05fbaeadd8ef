"""End to end: `build.py serve` in a real process, a real Chromium tab, real edits of the files."""

import http.client
import time
from pathlib import Path

import pytest

from conftest import edit, serving

TIMEOUT_MS = 10_000


@pytest.fixture
def server(event):
    """`python build.py serve` on a copy of the event site, on 127.0.0.1; stopped after the test."""
    with serving(event, timeout=20) as (url, port):
        yield url, event, port


@pytest.fixture
def tab(chromium):
    context = chromium.new_context()
    page = context.new_page()
    yield page
    context.close()


def listening_addresses(port: int) -> list[str]:
    """The local addresses of the sockets listening on a TCP port, as the kernel lists them (hex)."""
    found = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for row in Path(table).read_text().splitlines()[1:]:
            fields = row.split()
            address, hex_port = fields[1].rsplit(":", 1)
            if fields[3] == "0A" and int(hex_port, 16) == port:  # 0A: LISTEN
                found.append(address)
    return found


def test_server_binds_loopback_and_serves_under_the_base_path(server):
    url, _, port = server
    assert url == f"http://127.0.0.1:{port}/event/"
    deadline = time.monotonic() + 10
    while not listening_addresses(port):  # "Serving" is printed just before the server listens
        assert time.monotonic() < deadline, "nothing listens on the printed port"
        time.sleep(0.05)
    assert listening_addresses(port) == ["0100007F"]  # 127.0.0.1 only, not 0.0.0.0 or ::


def wait_for_livereload(page) -> None:
    """Wait until the tab's livereload script has connected and shaken hands with the server."""
    page.wait_for_function("() => window.LiveReload && window.LiveReload.connector.protocol > 0", timeout=TIMEOUT_MS)


def edit_and_wait(tabs, path, old, new, shown, text) -> None:
    """Edit a file, wait until the tab `shown` shows `text`, and until every open tab is connected to livereload
    and has nothing pending, so that the next edit cannot arrive while a tab is between two versions."""
    edit(path, old, new)
    shown.wait_for_selector(f"text={text}", timeout=TIMEOUT_MS)
    for page in tabs:
        wait_for_livereload(page)
        page.wait_for_timeout(300)  # a tab the edit did not change fetches its page too, and keeps it


def test_edits_of_every_kind_show_without_a_manual_refresh(server, tab):
    url, project, _ = server
    contribution = tab.context.new_page()
    tab.goto(url + "vi/")
    contribution.goto(url + "vi/bai-noi/hue/")
    tabs = (tab, contribution)
    for page in tabs:
        wait_for_livereload(page)

    hue = project / "content/pages/talks/hue.vi.md"
    edit_and_wait(tabs, hue, "## ", "Câu mới để thử nghiệm.\n\n## ", contribution, "Câu mới để thử nghiệm.")
    edit_and_wait(
        tabs,
        project / "templates/talk.html",
        '<p class="talk__kicker">',
        '<p class="talk__kicker">Mẫu mới · ',
        contribution,
        "Mẫu mới ·",
    )
    edit_and_wait(
        tabs,
        project / "locales/vi/LC_MESSAGES/messages.po",
        'msgstr "Những ý chính"',
        'msgstr "Ý chính của phiên"',
        tab,
        "Ý chính của phiên",
    )
    edit_and_wait(
        tabs, project / "content/event.yaml", "date: 2024-10-03", "date: 2024-10-04", tab, "ngày 4 tháng 10 năm 2024"
    )

    edit(project / "static/style.css", "--brand: #0d4c73;", "--brand: rgb(1, 2, 3);")
    tab.wait_for_function(
        "getComputedStyle(document.querySelector('.site-header')).backgroundColor === 'rgb(1, 2, 3)'",
        timeout=TIMEOUT_MS,
    )


def test_a_page_edit_shows_in_place_and_an_edit_elsewhere_leaves_the_tab_alone(server, tab):
    """The preview's livereload plugin: a tab whose page an edit changed shows it without reloading (its
    JavaScript state and scroll position stay, the title follows); a tab whose page it did not change keeps
    everything, even what a script added to it; a new stylesheet still loads the page anew."""
    url, project, _ = server
    page_url = url + "vi/bai-noi/hue/"
    navigations: list[str] = []
    tab.on("framenavigated", lambda frame: navigations.append(frame.url))
    tab.set_viewport_size({"width": 400, "height": 300})
    tab.goto(page_url)
    wait_for_livereload(tab)
    tab.evaluate("window.__marker = 1; document.body.append(Object.assign(document.createElement('i'), {id: 'mine'}))")
    tab.evaluate("window.scrollTo(0, 200)")
    scrolled = tab.evaluate("window.scrollY")
    assert scrolled > 0
    navigations.clear()

    with tab.expect_response(lambda r: r.url == page_url, timeout=TIMEOUT_MS):  # the tab looks at its page
        edit(project / "content/pages/about.fr.md", "title: ", "title: Présentation – ")
    tab.wait_for_timeout(300)
    assert tab.evaluate("document.getElementById('mine') !== null")  # left alone: nothing of it replaced
    assert navigations == []

    edit(project / "content/pages/talks/hue.vi.md", 'title: "Huế: ', 'title: "Huế mới: ')
    edit(project / "content/pages/talks/hue.vi.md", "## Câu hỏi", "Đoạn mới.\n\n## Câu hỏi")
    tab.wait_for_selector("text=Đoạn mới.", timeout=TIMEOUT_MS)
    tab.wait_for_function("document.title.startsWith('Huế mới: ')", timeout=TIMEOUT_MS)
    assert tab.evaluate("window.__marker") == 1
    assert tab.evaluate("window.scrollY") == scrolled
    assert navigations == []

    edit(project / "templates/base.html", "</head>", "<style>main { outline: 3px solid rgb(7, 8, 9); }</style></head>")
    tab.wait_for_function(
        "getComputedStyle(document.querySelector('main')).outlineColor === 'rgb(7, 8, 9)'", timeout=TIMEOUT_MS
    )
    assert navigations == [page_url]  # loaded anew: a swap would have kept the old styles
    assert tab.evaluate("window.__marker") is None


def test_after_a_restyle_tabs_stay_in_place_and_a_moved_page_gives_way_to_the_404_page(server, tab):
    """After a stylesheet edit the tab links the stylesheet's former name: a later edit still shows in place (or
    leaves the tab alone). A page whose address changed is gone from its old one: its tab shows the 404 page."""
    url, project, _ = server
    page_url = url + "vi/bai-noi/hue/"
    navigations: list[str] = []
    tab.on("framenavigated", lambda frame: navigations.append(frame.url))
    tab.goto(page_url)
    wait_for_livereload(tab)
    tab.evaluate("window.__marker = 1")
    navigations.clear()
    edit(project / "static/style.css", "--brand: ", "--brand: rgb(1, 2, 3); --was: ")
    tab.wait_for_function(
        "getComputedStyle(document.querySelector('.site-header')).backgroundColor === 'rgb(1, 2, 3)'",
        timeout=TIMEOUT_MS,
    )
    tab.wait_for_timeout(500)  # the pages that link the stylesheet's new name are written, the tab is told
    with tab.expect_response(lambda r: r.url == page_url, timeout=TIMEOUT_MS):
        edit(project / "content/pages/about.fr.md", "title: ", "title: Présentation – ")
    edit(project / "content/pages/talks/hue.vi.md", "## Câu hỏi", "Đoạn sau khi đổi màu.\n\n## Câu hỏi")
    tab.wait_for_selector("text=Đoạn sau khi đổi màu.", timeout=TIMEOUT_MS)
    assert tab.evaluate("window.__marker") == 1 and navigations == []

    edit(project / "content/pages/talks/hue.vi.md", 'slug: "bai-noi/hue"', 'slug: "bai-noi/hue-moi"')
    tab.wait_for_selector("text=Không tìm thấy trang", timeout=TIMEOUT_MS)


def test_a_page_with_scripts_of_its_own_keeps_what_they_did_until_it_changes(server, tab):
    """A page with allow_scripts: an edit elsewhere leaves what its script did; an edit of the page loads it anew,
    so that the script runs on the new version (a swap would not run it)."""
    url, project, _ = server
    script = '<p id="out">chưa chạy</p>\n<script>document.getElementById("out").textContent = "đã chạy";</script>\n'
    demo = project / "content/pages/demo.vi.md"
    demo.write_text(f'---\ntitle: "Trang thử"\nallow_scripts: true\n---\n{script}', encoding="utf-8")
    page_url = url + "vi/demo/"
    deadline = time.monotonic() + TIMEOUT_MS / 1000
    while tab.goto(page_url).status != 200:
        assert time.monotonic() < deadline, "the new page was never served"
        tab.wait_for_timeout(100)
    wait_for_livereload(tab)
    assert tab.inner_text("#out") == "đã chạy"
    tab.evaluate("window.__marker = 1")
    with tab.expect_response(lambda r: r.url == page_url, timeout=TIMEOUT_MS):
        edit(project / "content/pages/about.fr.md", "title: ", "title: Présentation – ")
    tab.wait_for_timeout(300)
    assert tab.inner_text("#out") == "đã chạy" and tab.evaluate("window.__marker") == 1

    edit(demo, "<p id=", "<p>Đoạn mới.</p>\n<p id=")
    tab.wait_for_selector("text=Đoạn mới.", timeout=TIMEOUT_MS)
    assert tab.inner_text("#out") == "đã chạy" and tab.evaluate("window.__marker") is None


def test_a_broken_file_shows_an_error_page_and_the_fix_restores_the_site(server, tab):
    url, project, _ = server
    tab.set_viewport_size({"width": 400, "height": 300})
    tab.goto(url + "fr/")
    wait_for_livereload(tab)
    tab.evaluate("window.scrollTo(0, 250)")
    scrolled = tab.evaluate("window.scrollY")
    assert scrolled > 0
    edit(project / "content/event.yaml", "date: 2024-10-03", "date: 2024-10-03\n\tbroken: yes")
    tab.wait_for_selector("text=La construction du site a échoué", timeout=TIMEOUT_MS)
    errors = tab.inner_text(".build-errors")
    assert "content/event.yaml:7" in errors and "tab" in errors
    edit(project / "content/event.yaml", "\n\tbroken: yes", "")
    tab.wait_for_selector("text=jeudi 3 octobre 2024", timeout=TIMEOUT_MS)
    tab.wait_for_function(f"window.scrollY === {scrolled}", timeout=TIMEOUT_MS)  # back where the editor was


def test_missing_pages_get_the_site_404_and_traversal_gets_nothing(server, tab):
    url, _, port = server
    response = tab.goto(url + "fr/nulle-part/")
    assert response.status == 404
    assert "Page introuvable" in tab.content() and "Không tìm thấy trang" in tab.content()
    for raw in ("/event/../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd", "/../", "/event/../build.py"):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        connection.request("GET", raw)
        answer = connection.getresponse()
        body = answer.read()
        assert answer.status == 404, raw
        assert b"root:" not in body
        connection.close()


def test_the_built_site_has_no_livereload_script(event):
    from conftest import run_cli

    assert run_cli(event).code == 0
    for page in (event / "site").rglob("*.html"):
        assert "livereload" not in page.read_text(encoding="utf-8")


def test_a_stylesheet_edit_restyles_the_open_page_in_place(server, tab):
    """livereload swaps the stylesheet: no reload (the page's JavaScript state and scroll position stay), and the
    former hashed name the tab links is answered with the new stylesheet, never a 404."""
    url, project, _ = server
    answers, navigations = [], []
    tab.on("response", lambda response: answers.append((response.status, response.url)))
    tab.on("framenavigated", lambda frame: navigations.append(frame.url))
    tab.set_viewport_size({"width": 400, "height": 300})
    tab.goto(url + "vi/")
    wait_for_livereload(tab)
    tab.evaluate("window.__marker = 1; window.scrollTo(0, 200)")
    scrolled = tab.evaluate("window.scrollY")
    assert scrolled > 0
    navigations.clear()
    header = "getComputedStyle(document.querySelector('.site-header')).backgroundColor"
    for colour in ("rgb(1, 2, 3)", "rgb(4, 5, 6)"):  # twice: the tab links a name two edits old the second time
        edit(project / "static/style.css", "--brand: ", f"--brand: {colour}; --was: ")
        tab.wait_for_function(f"{header} === '{colour}'", timeout=TIMEOUT_MS)
        assert tab.evaluate("window.__marker") == 1
    assert tab.evaluate("window.scrollY") == scrolled
    assert navigations == []
    assert [a for a in answers if a[0] >= 400] == []
    assert any("/static/style." in u and "livereload=" in u for _, u in answers), answers


def test_a_stylesheet_still_loading_when_the_pages_are_rebuilt_does_not_reload_the_tab(server, tab):
    """livereload keeps the former <link> beside its copy until the copy has loaded: a page message that comes
    meanwhile (a slow stylesheet, a busy machine) finds the same page and leaves the tab in place."""
    url, project, _ = server
    navigations: list[str] = []
    tab.on("framenavigated", lambda frame: navigations.append(frame.url))
    tab.goto(url + "vi/")
    wait_for_livereload(tab)
    tab.evaluate("window.__marker = 1")
    navigations.clear()
    held: list[str] = []

    def slowly(route):
        """Answer a restyle's request for the stylesheet only after the pages are rebuilt and the tab was told."""
        held.append(route.request.url)
        time.sleep(1.5)
        route.continue_()

    tab.route(lambda address: "livereload=" in address, slowly)
    edit(project / "static/style.css", "--brand: ", "--brand: rgb(7, 8, 9); --was: ")
    header = "getComputedStyle(document.querySelector('.site-header')).backgroundColor"
    tab.wait_for_function(f"{header} === 'rgb(7, 8, 9)'", timeout=TIMEOUT_MS)
    tab.wait_for_timeout(500)  # a reload the page message caused would have come by now
    assert held, "the restyle's request was not held back"
    assert tab.evaluate("window.__marker") == 1
    assert navigations == []
