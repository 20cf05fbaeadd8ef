"""Redraw the README's screenshots of the real site (docs/*.png) in Debian's Chromium.

    python scripts/screenshots.py

Builds the site into a temporary folder, serves it on 127.0.0.1 under its base path, and photographs the
Vietnamese and French home pages (1200 × 1100, light) and a French contribution page on a phone (390 × 844, dark).
Needs `pip install -e '.[test]'` (Playwright) and `apt-get install chromium`.
"""

from __future__ import annotations

import functools
import http.server
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from microsite.builder import build  # noqa: E402
from microsite.config import load_config  # noqa: E402
from microsite.urls import Urls  # noqa: E402

FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]
SHOTS = [  # file, path under the base, width, height, colour scheme
    ("home-vi.png", "vi/", 1200, 1100, "light"),
    ("home-fr.png", "fr/", 1200, 1100, "light"),
    ("contribution-fr-mobile-dark.png", "fr/interventions/nevers/", 390, 844, "dark"),
]


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


if __name__ == "__main__":
    main()
