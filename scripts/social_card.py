"""Draw static/social-card.png (1200x630), the image social networks show for every page.

    python scripts/social_card.py      # needs Debian's chromium and playwright; run again after changing the text

The card is committed: the build itself never needs a browser.
"""

from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]
CARD = """<!DOCTYPE html><html><head><meta charset="utf-8"><style>
body { margin: 0; width: 1200px; height: 630px; font-family: "Noto Sans", "DejaVu Sans", sans-serif;
       background: #0d4c73; color: #fff; display: grid; align-content: center; padding: 0 80px;
       box-sizing: border-box; }
.k { font-size: 28px; letter-spacing: .08em; text-transform: uppercase; color: #ffb4a9; font-weight: 700; }
h1 { font-size: 76px; line-height: 1.15; margin: 18px 0 8px; }
h2 { font-size: 48px; line-height: 1.2; margin: 0 0 36px; font-weight: 600; color: #d7e9f5; }
p { font-size: 30px; margin: 0; color: #f4f1ea; }
</style></head><body>
<div class="k">Hà Nội · 14.04.2023</div>
<h1 lang="vi">Thành phố thông minh – Số hóa</h1>
<h2 lang="fr">Ville intelligente – Numérisation</h2>
<p>Đà Nẵng · Hải Phòng · Hà Nội · Nevers · Le Havre</p>
</body></html>"""


def main() -> None:
    """Render the card with Chromium and save it as a PNG."""
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=FLAGS)
        page = browser.new_page(viewport={"width": 1200, "height": 630})
        page.set_content(CARD)
        page.screenshot(path=str(ROOT / "static" / "social-card.png"))
        browser.close()


if __name__ == "__main__":
    main()
