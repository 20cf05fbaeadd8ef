"""Quality gates on the built event fixture: the Nu HTML Checker and axe-core, and proof that each gate can fail."""

import shutil
import subprocess
from pathlib import Path

from conftest import ROOT, missing

VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
BAD_HTML = (
    '<!DOCTYPE html><html lang="vi"><head><title>x</title></head>'
    '<body><p><div>khối</div></p><img src="a.png"></body></html>'
)


def vnu(folder: Path) -> subprocess.CompletedProcess:
    """Run the Nu HTML Checker on every HTML and CSS file of a folder."""
    if not VNU.exists() or not shutil.which("java"):
        missing("needs Java and the npm package vnu-jar: npm ci")
    return subprocess.run(
        ["java", "-jar", str(VNU), "--errors-only", "--skip-non-html", "--also-check-css", str(folder)],
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_every_page_passes_the_nu_html_checker(event_site):
    result = vnu(event_site)
    assert result.returncode == 0, result.stderr + result.stdout


def test_the_html_checker_catches_a_known_error(tmp_path):
    (tmp_path / "index.html").write_text(BAD_HTML, encoding="utf-8")
    result = vnu(tmp_path)
    assert result.returncode != 0
    assert "“p” end tag" in result.stderr and "alt" in result.stderr


def site_pages(site: Path) -> list[str]:
    """Every page of the site as a path under the base path, both languages, plus the landing and 404 pages."""
    pages = [p.relative_to(site).parent.as_posix() + "/" for p in sorted(site.rglob("index.html"))]
    return [p if p != "./" else "" for p in pages] + ["404.html"]


def axe_violations(page) -> list[str]:
    """Serious and critical axe-core violations of the loaded page."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def require_axe() -> None:
    """axe-core comes with the test extras; without them the accessibility tests cannot run."""
    try:
        import axe_playwright_python  # noqa: F401
    except ImportError:
        missing("needs axe-playwright-python: pip install -e '.[test]'")


def test_no_serious_accessibility_violation_on_any_page(served_event_site, event_site, chromium):
    require_axe()
    context = chromium.new_context()
    page = context.new_page()
    problems = {}
    paths = site_pages(event_site)
    assert any(p.startswith("vi/") for p in paths) and any(p.startswith("fr/") for p in paths)
    for path in paths:
        for scheme in ("light", "dark"):
            page.emulate_media(color_scheme=scheme)
            page.goto(served_event_site.url + path)
            found = axe_violations(page)
            if found:
                problems[f"{path} ({scheme})"] = found
    context.close()
    assert not problems, problems


def test_axe_catches_a_known_violation(tmp_path, chromium):
    require_axe()
    page = chromium.new_page()
    page.set_content(
        "<!DOCTYPE html><html><head><title>x</title></head><body>"
        '<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw="><p style="color:#eee;background:#fff">'
        "chữ mờ</p></body></html>"
    )
    found = axe_violations(page)
    page.close()
    assert any(v.startswith("image-alt") for v in found) and any(v.startswith("color-contrast") for v in found)
