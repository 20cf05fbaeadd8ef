"""`allow_scripts: true` lets <script> elements and event handlers through, and nothing else the sanitiser removes."""

import pytest

from conftest import TINY, copy_project, run_cli, write
from microsite.markup import sanitize

# Each hostile snippet, and a piece of it that must not survive even on a page with allow_scripts: true.
HOSTILE = [
    ('<base href="https://evil.example/">', "evil.example"),
    ('<meta http-equiv="refresh" content="0;url=https://evil.example/">', "evil.example"),
    ('<form action="https://evil.example/"><input name="password"></form>', "evil.example"),
    ('<object data="https://evil.example/x.swf"></object>', "evil.example"),
    ('<embed src="https://evil.example/x.swf">', "evil.example"),
    ('<a href="javascript:alert(1)">link</a>', "javascript:"),
    ('<img src="javascript:alert(1)" alt="x">', "javascript:"),
    ('<script src="javascript:alert(1)"></script>', "javascript:"),
    ('<iframe srcdoc="&lt;p&gt;framed&lt;/p&gt;" title="x"></iframe>', "srcdoc"),
    ("<style>body { background: url(https://evil.example/) }</style>", "evil.example"),
    ('<link rel="stylesheet" href="https://evil.example/x.css">', "evil.example"),
    ('<div style="background: url(https://evil.example/)">styled</div>', "evil.example"),
    ('<svg><a href="https://evil.example/">svg</a></svg>', "evil.example"),
    ('<math><a href="https://evil.example/">math</a></math>', "evil.example"),
    ('<template><a href="https://evil.example/">t</a></template>', "evil.example"),
    ('<a href="data:text/html,evil">data</a>', "data:text"),
    ('<a href="vbscript:evil">vb</a>', "vbscript:"),
    # srcset lists URLs of its own, which nh3 does not check: each must be http(s) or relative like src.
    ('<img src="https://img.example/a.png" alt="x" srcset="/a.png 1x, javascript:alert(2) 2x">', "alert(2)"),
    ('<img alt="x" srcset="data:image/svg+xml,&lt;svg onload=alert(3)&gt;&lt;/svg&gt; 1x">', "alert(3)"),
    (
        '<picture><source srcset="data:image/svg+xml;base64,PHN2Zz4= 1x"><img src="https://i.example/" alt=""></picture>',
        "PHN2Zz4=",
    ),
    ('<img alt="x" srcset="JaVaScRiPt:alert(4)">', "alert(4)"),
    ('<img alt="x" srcset="&#1;javascript:alert(5) 1x">', "alert(5)"),
    ('<img alt="x" srcset="a.png 1x,javascript:alert(6) 2x">', "alert(6)"),
    ('<img alt="x" srcset="a.png 1x,\n  javascript:alert(7) 2x">', "alert(7)"),
    ('<picture><source srcset="/ok.png 1x, vbscript:alert(8) 2x" media="(min-width: 1px)"></picture>', "alert(8)"),
]


@pytest.mark.parametrize("snippet, needle", HOSTILE, ids=[s for s, _ in HOSTILE])
def test_allow_scripts_still_removes(snippet, needle):
    assert needle not in sanitize(snippet, allow_scripts=True)
    assert needle not in sanitize(snippet)


KEPT = [
    '<script>if (a < b && c > d) { console.log("</p>"); }</script>',
    '<script src="https://cdn.example/map.js" async="" defer="" type="module"></script>',
    '<a href="#map" onclick="openMap()">Bản đồ</a>',
    '<img src="https://img.example/a.png" alt="Ảnh" onload="shown(this)" onerror="hide(this)">',
]


@pytest.mark.parametrize("snippet", KEPT)
def test_allow_scripts_keeps_scripts_and_event_handlers(snippet):
    assert sanitize(snippet, allow_scripts=True) == snippet
    assert "<script" not in sanitize(snippet) and " on" not in sanitize(snippet)


# Image sets editors write: relative, root-relative and https URLs with width or density descriptors.
SRCSETS = [
    '<img src="/static/a.png" alt="Ảnh" srcset="/static/a.png 1x, https://img.example/a@2x.png 2x" sizes="100vw">',
    '<picture><source srcset="img/wide.png 800w,img/wider.png 1600w" media="(min-width: 40em)">'
    '<img src="img/narrow.png" alt="Ảnh"></picture>',
]


@pytest.mark.parametrize("snippet", SRCSETS)
def test_a_srcset_of_web_urls_is_kept(snippet):
    assert sanitize(snippet) == snippet
    assert sanitize(snippet, allow_scripts=True) == snippet


@pytest.fixture(scope="module")
def scripted_page(tmp_path_factory):
    """A built page with allow_scripts: true holding every hostile snippet and the scripts it may keep."""
    project = copy_project(TINY, tmp_path_factory.mktemp("scripts") / "tiny")
    body = "\n\n".join(snippet for snippet, _ in HOSTILE) + "\n\n" + "\n\n".join(KEPT)
    write(project / "content/pages/notes.vi.md", f"---\ntitle: Ghi chú\nallow_scripts: true\n---\n{body}\n")
    result = run_cli(project)
    assert result.code == 0, result.err
    return (project / "site/vi/notes/index.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("snippet, needle", HOSTILE, ids=[s for s, _ in HOSTILE])
def test_a_page_with_allow_scripts_removes(scripted_page, snippet, needle):
    assert needle not in scripted_page


def test_a_page_with_allow_scripts_keeps_scripts_and_handlers(scripted_page):
    assert '<script>if (a < b && c > d) { console.log("</p>"); }</script>' in scripted_page
    assert '<script src="https://cdn.example/map.js" async="" defer="" type="module"></script>' in scripted_page
    assert 'onclick="openMap()"' in scripted_page and 'onerror="hide(this)"' in scripted_page
