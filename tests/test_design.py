"""The site people see, in a real Chromium: responsive, switchable, keyboard-friendly, dark-aware, light.

Screenshots go to test-artifacts/screenshots/ (not committed) for a person to look at.
"""

import re
from urllib.parse import urlsplit

import pytest

from conftest import ROOT

SHOTS = ROOT / "test-artifacts" / "screenshots"
PAGES = {  # name -> (vi path, fr path)
    "home": ("vi/", "fr/"),
    "program": ("vi/chuong-trinh/", "fr/programme/"),
    "contribution": ("vi/bai-noi/hue/", "fr/exposes/hue/"),
    "speakers": ("vi/dien-gia/", "fr/intervenants/"),
}
WIDTHS = (320, 375, 1280)


@pytest.fixture(scope="module")
def browser_context(chromium):
    context = chromium.new_context()
    yield context
    context.close()


def open_page(context, url, width, scheme="light"):
    page = context.new_page()
    page.set_viewport_size({"width": width, "height": 800})
    page.emulate_media(color_scheme=scheme)
    response = page.goto(url)
    return page, response


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", list(PAGES) + ["404"])
def test_no_horizontal_overflow_and_a_screenshot(served_event_site, browser_context, name, width):
    SHOTS.mkdir(parents=True, exist_ok=True)
    paths = PAGES[name] if name != "404" else ("vi/trang-khong-co/", "fr/page-absente/")
    for lang, path in zip(("vi", "fr"), paths, strict=True):
        page, response = open_page(browser_context, served_event_site.url + path, width)
        assert response.status == (404 if name == "404" else 200)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{path} at {width}px scrolls sideways by {overflow}px"
        # What a person would see at a glance in the screenshot: the styles applied (the header has its colour,
        # the text is not the browser's serif), and a visible heading that fits the screen.
        looks = page.evaluate("""() => {
            // The pages' header, or the card of each language on the 404 page (its own layout).
            const header = getComputedStyle(document.querySelector('.site-header, .landing__section'));
            const h1 = document.querySelector('h1').getBoundingClientRect();
            return {header: header.backgroundColor, font: getComputedStyle(document.body).fontFamily,
                    h1: [h1.left, h1.right, h1.height]};
        }""")
        assert looks["header"] not in ("rgba(0, 0, 0, 0)", "transparent"), f"{path}: the stylesheet did not apply"
        assert looks["font"].split(",")[-1].strip() != "serif" and "Times" not in looks["font"], looks["font"]
        left, right, height = looks["h1"]
        assert height > 0 and left >= 0 and right <= width, f"{path} at {width}px: the heading is cut off"
        page.screenshot(path=str(SHOTS / f"{name}-{lang}-{width}.png"), full_page=True)
        page.close()


@pytest.mark.parametrize("name", PAGES)
def test_the_switcher_leads_to_the_same_page_in_the_other_language(served_event_site, browser_context, name):
    vi_path, fr_path = PAGES[name]
    page, _ = open_page(browser_context, served_event_site.url + vi_path, 1280)
    link = page.locator('nav.switcher a[hreflang="fr"]')
    assert link.inner_text() == "Français" and link.get_attribute("lang") == "fr"
    link.click()
    page.wait_for_load_state()
    assert urlsplit(page.url).path.endswith("/" + fr_path)
    assert page.locator("html").get_attribute("lang") == "fr"
    back = page.locator('nav.switcher a[hreflang="vi"]')
    assert back.inner_text() == "Tiếng Việt"
    back.click()
    page.wait_for_load_state()
    assert urlsplit(page.url).path.endswith("/" + vi_path)
    page.close()


def test_skip_link_and_focus_are_visible(served_event_site, browser_context):
    page, _ = open_page(browser_context, served_event_site.url + "fr/", 375)
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.className")
    assert focused == "skip-link"
    box = page.locator(".skip-link").bounding_box()
    assert box["y"] >= 0 and box["height"] > 10, "the skip link shows when focused"
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    page.keyboard.press("Tab")
    ring = page.evaluate("getComputedStyle(document.activeElement).outlineWidth")
    assert ring not in ("0px", ""), "the next focused link has a visible focus ring"
    page.close()


def test_the_dark_scheme_applies(served_event_site, browser_context):
    colours = {}
    for scheme in ("light", "dark"):
        page, _ = open_page(browser_context, served_event_site.url + "vi/", 1280, scheme)
        colours[scheme] = page.evaluate("getComputedStyle(document.body).backgroundColor")
        page.close()
    assert colours["light"] == "rgb(251, 250, 247)" and colours["dark"] == "rgb(17, 20, 23)"


def test_reduced_motion_and_print(served_event_site, chromium):
    context = chromium.new_context(reduced_motion="reduce")
    page = context.new_page()
    # The root page's buttons: the home offers none once its event is over (the fixture's was in 2024).
    page.goto(served_event_site.url)
    assert page.evaluate("getComputedStyle(document.querySelector('.button')).transitionDuration") == "0s"
    page.goto(served_event_site.url + "vi/")
    page.emulate_media(media="print")
    assert page.evaluate("getComputedStyle(document.querySelector('.site-header')).display") == "none"
    context.close()


def test_the_site_works_with_javascript_off(served_event_site, chromium):
    context = chromium.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(served_event_site.url + "fr/")
    assert page.locator("h1").inner_text() == "Ville verte – Mobilité propre"
    page.locator("nav.menu a", has_text="Programme").click()
    page.wait_for_load_state()
    assert page.locator("ol.program > li").count() == 3  # the contributions of the event fixture
    context.close()


def test_home_page_weight_and_requests(event_site):
    for lang in ("vi", "fr"):
        html = (event_site / lang / "index.html").read_bytes()
        sheets = re.findall(rb'<link rel="stylesheet" href="[^"]*/(static/[^"]+)"', html)
        assert len(sheets) == 1, "one stylesheet, nothing else render-blocking"
        assert b"<script src" not in html
        css = (event_site / sheets[0].decode()).read_bytes()
        assert len(html) + len(css) < 50_000, f"{lang} home with its CSS weighs {len(html) + len(css)} bytes"
