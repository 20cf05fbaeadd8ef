"""Safe content: autoescaped data, sanitised Markdown HTML unless a page opts in, noopener on external links."""

from conftest import run_cli, write


def page_html(project, rel):
    return (project / "site" / rel).read_text(encoding="utf-8")


def test_raw_html_is_sanitised(tiny):
    write(
        tiny / "content/pages/notes.vi.md",
        """---
title: Ghi chú
---
<figure><img src="https://img.example/a.png" alt="Ảnh" onerror="alert(1)"><figcaption>Chú thích</figcaption></figure>

<script>alert("x")</script>

<a href="javascript:alert(1)">bad</a> <a href="https://example.org/" onclick="steal()">ok</a>

<iframe src="https://video.example/embed/1" title="Video"></iframe>
""",
    )
    assert run_cli(tiny).code == 0
    html = page_html(tiny, "vi/notes/index.html")
    assert "<script" not in html and "alert" not in html and "onclick" not in html and "onerror" not in html
    assert "javascript:" not in html
    assert "<figure>" in html and "<figcaption>Chú thích</figcaption>" in html
    assert 'src="https://video.example/embed/1"' in html
    assert 'href="https://example.org/"' in html


def test_a_page_may_opt_in_to_scripts(tiny):
    write(
        tiny / "content/pages/notes.vi.md",
        '---\ntitle: Ghi chú\nallow_scripts: true\n---\n<script>console.log("kept")</script>\n',
    )
    assert run_cli(tiny).code == 0
    assert '<script>console.log("kept")</script>' in page_html(tiny, "vi/notes/index.html")


def test_external_markdown_links_get_noopener(tiny):
    write(
        tiny / "content/pages/notes.vi.md",
        "---\ntitle: Ghi chú\n---\n[báo](https://news.example/a) [trang](index.md)\n",
    )
    assert run_cli(tiny).code == 0
    html = page_html(tiny, "vi/notes/index.html")
    assert '<a href="https://news.example/a" rel="noopener">báo</a>' in html
    assert '<a href="/repo/vi/">trang</a>' in html


def test_data_values_cannot_inject_markup(tiny):
    speakers = tiny / "content/speakers.yaml"
    speakers.write_text(
        speakers.read_text(encoding="utf-8").replace("name: Nguyễn An", "name: \"<script>alert('x')</script> An\""),
        encoding="utf-8",
    )
    assert run_cli(tiny).code == 0
    html = page_html(tiny, "vi/tham-luan/da-nang/index.html")
    assert "<script>" not in html and "&lt;script&gt;alert(" in html


def test_titles_are_escaped(tiny):
    write(tiny / "content/pages/notes.vi.md", '---\ntitle: "A <b>bold</b> & <i>title</i>"\n---\nx\n')
    assert run_cli(tiny).code == 0
    html = page_html(tiny, "vi/notes/index.html")
    assert "<title>A &lt;b&gt;bold&lt;/b&gt; &amp; &lt;i&gt;title&lt;/i&gt;</title>" in html


def test_links_in_raw_html_are_resolved_and_checked(tiny):
    write(
        tiny / "content/pages/notes.vi.md",
        "---\ntitle: Ghi chú\n---\n"
        '<figure><img src="/static/style.css" alt="x"><figcaption><a href="index.md">Trang chủ</a></figcaption>'
        "</figure>\n",
    )
    assert run_cli(tiny).code == 0
    html = page_html(tiny, "vi/notes/index.html")
    assert 'href="/repo/vi/"' in html
    import re

    assert re.search(r'src="/repo/static/style\.[0-9a-f]+\.css"', html)
    write(tiny / "content/pages/notes.vi.md", '---\ntitle: Ghi chú\n---\n\n<p><a href="/vi/nowhere/">x</a></p>\n')
    result = run_cli(tiny)
    assert result.code == 1 and "content/pages/notes.vi.md:5" in result.err and "/vi/nowhere/" in result.err


def test_percent_encoded_links_resolve(tiny):
    write(tiny / "content/pages/notes.vi.md", "---\ntitle: Ghi chú\n---\n[a](/vi/tham%2Dluan/da%2Dnang/)\n")
    assert run_cli(tiny).code == 0
    assert 'href="/repo/vi/tham-luan/da-nang/"' in page_html(tiny, "vi/notes/index.html")


def test_external_links_in_raw_html_get_noopener_too(tiny):
    write(
        tiny / "content/pages/notes.vi.md",
        "---\ntitle: Ghi chú\n---\n\n"
        '<p><a href="https://news.example/a">báo</a> <a href="https://x.example/" rel="author">tác giả</a> '
        '<a href="index.md">trang chủ</a></p>\n',
    )
    assert run_cli(tiny).code == 0
    html = page_html(tiny, "vi/notes/index.html")
    assert '<a href="https://news.example/a" rel="noopener">báo</a>' in html
    assert '<a href="https://x.example/" rel="author">' in html
    assert '<a href="/repo/vi/">trang chủ</a>' in html
