"""Redraw the README's screenshots of the real site (docs/*.png) in Debian's Chromium.

    python scripts/screenshots.py              # all of them
    python scripts/screenshots.py workbench    # only the workbench's

Builds the site into a temporary folder, serves it on 127.0.0.1 under its base path, and photographs the
Vietnamese and French home pages (1200 × 1100, light) and a French contribution page on a phone (390 × 844, dark).
Then runs the preview (`build.py serve`) on a copy of the project whose source page 'about' has two words more
than its French translation was confirmed against, and photographs the translators' workbench: its overview
and that page side by side (docs/workbench-*.png, reduced to a palette to keep them small).
Needs `pip install -e '.[test]'` (Playwright) and `apt-get install chromium`.
"""

from __future__ import annotations

import functools
import http.server
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from microsite.builder import build  # noqa: E402
from microsite.config import load_config  # noqa: E402
from microsite.urls import Urls  # noqa: E402

FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SHOTS = [  # file, path under the base, width, height, colour scheme
    ("home-vi.png", "vi/", 1200, 1100, "light"),
    ("home-fr.png", "fr/", 1200, 1100, "light"),
    ("contribution-fr-mobile-dark.png", "fr/interventions/nevers/", 390, 844, "dark"),
]
# The workbench, on a copy of the project where the summary of the source page 'about' gained two words.
STALE_PAGE = (
    "content/pages/about.vi.md",
    "hợp tác Việt – Pháp trong chuyển đổi số;",
    "hợp tác Việt – Pháp trong lĩnh vực chuyển đổi số;",
)
WORKBENCH_SHOTS = [  # file, path under the preview's base, the element to show at the top, width, height
    ("workbench-overview.png", "_translate/", None, 1200, 760),
    ("workbench-page.png", "_translate/pages/fr/about", None, 1200, 900),
]
PROJECT_PARTS = ("content", "templates", "locales", "static", "babel.cfg")


def main() -> None:
    """Build, serve, photograph."""
    from playwright.sync_api import sync_playwright

    base_path = Urls(load_config(ROOT).base_url).base_path
    with tempfile.TemporaryDirectory() as tmp:
        served = Path(tmp) / "served"
        build(ROOT, served / base_path.strip("/"), use_cache=False)
        handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(served))
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        origin = f"http://127.0.0.1:{server.server_address[1]}{base_path}"
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=FLAGS)
                for name, path, width, height, scheme in SHOTS:
                    page = browser.new_page(viewport={"width": width, "height": height}, color_scheme=scheme)
                    page.goto(origin + path)
                    page.screenshot(path=str(ROOT / "docs" / name))
                    page.close()
                    print(f"wrote docs/{name}")
                browser.close()
        finally:
            server.shutdown()
        workbench(Path(tmp) / "project")


def workbench(project: Path) -> None:
    """Serve a copy of the project with one stale paragraph in the preview, and photograph the workbench."""
    from playwright.sync_api import sync_playwright

    for part in PROJECT_PARTS:
        (shutil.copytree if (ROOT / part).is_dir() else shutil.copy2)(ROOT / part, project / part)
    path, old, new = STALE_PAGE
    text = (project / path).read_text(encoding="utf-8")
    if old not in text:
        sys.exit(f"{path}: {old!r} is not there any more; choose another sentence in STALE_PAGE")
    (project / path).write_text(text.replace(old, new, 1), encoding="utf-8")
    command = [sys.executable, str(ROOT / "build.py"), "--project", str(project), "serve", "--port", str(_free_port())]
    preview = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        origin = next((m.group(1) for line in preview.stdout or [] if (m := re.match(r"Serving (\S+)", line))), None)
        if origin is None:
            sys.exit("the preview did not start")
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=FLAGS)
            for name, url, top, width, height in WORKBENCH_SHOTS:
                page = browser.new_page(viewport={"width": width, "height": height})
                page.goto(origin + url)
                if top:
                    page.locator(top).first.evaluate(
                        "e => window.scrollTo(0, e.getBoundingClientRect().top + window.scrollY - 220)"
                    )
                page.screenshot(path=str(ROOT / "docs" / name))
                page.close()
                _palette(ROOT / "docs" / name)
                print(f"wrote docs/{name}")
            browser.close()
    finally:
        preview.terminate()
        preview.wait(timeout=10)


def _free_port() -> int:
    """A port of 127.0.0.1 that nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _palette(path: Path) -> None:
    """Reduce a screenshot to 128 colours: a page of text loses nothing visible and weighs a third."""
    from PIL import Image

    with Image.open(path) as image:
        reduced = image.convert("RGB").quantize(colors=128, method=Image.Quantize.MEDIANCUT)
    reduced.save(path, optimize=True)


if __name__ == "__main__":
    if sys.argv[1:] == ["workbench"]:
        with tempfile.TemporaryDirectory() as folder:
            workbench(Path(folder) / "project")
    else:
        main()
