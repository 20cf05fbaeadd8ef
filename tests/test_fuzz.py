"""Property tests: whatever an editor types, the build ends in a site or in clean content errors, never a crash."""

import functools
import string

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from conftest import TINY
from microsite.builder import build
from microsite.config import load_config
from microsite.content import parse_page, parse_yaml
from microsite.errors import BuildError, ContentError
from microsite.model import load_site

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

yaml_text = st.one_of(
    st.text(max_size=400),
    st.text(alphabet=string.printable + "–«»Đđàảãạăắằẳẵặâấầẩẫậ\t", max_size=400),
    st.lists(
        st.sampled_from(
            [
                "a:",
                " b:",
                "  - x",
                "- y",
                "[",
                "]",
                "{",
                "}",
                "'",
                '"',
                "&a",
                "*a",
                "!!binary",
                "title: Đà Nẵng",
                "date: 2023-02-30",
                "\t",
                ":",
                "? ",
                "---",
                "...",
                "%YAML 1.1",
                "<<: *a",
                "x: [1, 2",
                "vi: ",
                "fr: ",
            ]
        ),
        max_size=40,
    ).map("\n".join),
)

json_like = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=30,
)


@SETTINGS
@given(yaml_text)
def test_any_yaml_parses_or_gives_a_located_error(text):
    try:
        parse_yaml(text, "content/event.yaml")
    except ContentError as exc:
        assert exc.path == "content/event.yaml"
        assert "\n" not in exc.message


@SETTINGS
@given(st.text(max_size=300), st.text(max_size=300))
def test_any_page_file_parses_or_gives_a_located_error(front, body):
    try:
        parse_page(f"---\n{front}\n---\n{body}", "x", "vi", "content/pages/x.vi.md")
    except ContentError as exc:
        assert exc.path == "content/pages/x.vi.md"


def _build_or_clean_error(project, tmp_path):
    """Build; a BuildError must list located errors, anything else fails the test."""
    try:
        build(project, tmp_path / "out")
    except BuildError as exc:
        assert exc.errors and all(e.path and "\n" not in e.message for e in exc.errors)


@SETTINGS
@given(data=json_like)
def test_any_structure_in_a_data_file(tiny, tmp_path, data):
    import yaml

    (tiny / "content/program.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    _build_or_clean_error(tiny, tmp_path)


@SETTINGS
@given(front=yaml_text, body=st.text(max_size=2000))
def test_any_front_matter_and_markdown(tiny, tmp_path, front, body):
    (tiny / "content/pages/notes.vi.md").write_text(f"---\n{front}\n---\n{body}", encoding="utf-8")
    _build_or_clean_error(tiny, tmp_path)


markdownish = st.lists(
    st.sampled_from(
        [
            "# ",
            "## Đà Nẵng",
            "> ",
            ">>>>>>>>",
            "- ",
            "1. ",
            "    code",
            "```",
            "`",
            "*",
            "**",
            "_",
            "[a](",
            "](b)",
            "[x](index.md)",
            "[y](nowhere.md)",
            "[z](/fr/)",
            "[w](../../../etc)",
            "<div>",
            "</div>",
            "<script>",
            "|a|b|",
            "|---|---|",
            "![i](/static/style.css)",
            "&amp;",
            "&#0;",
            "\u0000",
            "\t",
            "« »",
            " ; ",
            "[^1]",
            "[^1]: note",
            "{: #id }",
            "<!--",
            "-->",
            "\n",
            "\n\n",
        ]
    ),
    max_size=80,
).map("".join)


@SETTINGS
@given(body=markdownish)
def test_markdown_constructs(tiny, tmp_path, body):
    (tiny / "content/pages/notes.vi.md").write_text(f"---\ntitle: T\n---\n{body}", encoding="utf-8")
    _build_or_clean_error(tiny, tmp_path)


@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(depth=st.integers(min_value=50, max_value=3000))
def test_deep_nesting_and_huge_files(tiny, tmp_path, depth):
    (tiny / "content/pages/notes.vi.md").write_text(
        "---\ntitle: T\n---\n" + ">" * depth + " x\n\n" + "- " * depth + "y\n\n" + ("Đoạn văn dài. " * 20000),
        encoding="utf-8",
    )
    (tiny / "content/event.yaml").write_text("a: " + "[" * depth + "]" * depth + "\n", encoding="utf-8")
    _build_or_clean_error(tiny, tmp_path)


inline_text = st.lists(
    st.sampled_from(
        [
            "chữ ",
            "Đà Nẵng",
            "  \n",
            "\n",
            "`",
            "``",
            "\\",
            "\\*",
            "*",
            "**",
            "_",
            "__",
            "[",
            "]",
            "(",
            ")",
            "!",
            "<",
            ">",
            "&",
            "&amp;",
            "&#x27;",
            "<b>",
            "</b>",
            "<https://example.org>",
            "<a@b.vn>",
            "[^1]",
            "[^1]: n\n",
            "[r]: /vi/\n",
            "[r]",
            "x@y",
            " * ",
            " _ ",
            ":",
            "# ",
            "- ",
            "|a|\n|-|\n",
            "~",
            "\u00a0",
        ]
    ),
    max_size=60,
).map("".join)


@functools.lru_cache(maxsize=1)
def _tiny_site():
    """The tiny fixture's site, read once (never written to)."""
    return load_site(load_config(TINY))


@settings(max_examples=300, deadline=None)
@given(body=st.one_of(inline_text, markdownish, st.text(max_size=300)))
@example("chữ  \nĐà Nẵng")  # one example per kind of inline pattern, each alone in its paragraph
@example("_Đà Nẵng_ và Hải Phòng")
@example("Đà Nẵng và *Hải Phòng*")
@example("mã `x` đây")
@example("a \\[b")
@example("chữ <b>đậm</b>")
@example("Hà Nội &copy; 2023")
@example("[trang](index.md)")
@example("<https://example.org> <a@b.vn>")
@example("chú thích[^1]\n\n[^1]: ghi chú")
@example("# Đà Nẵng\n\n## Đà Nẵng\n\n## Đà   Nẵng\n\n## Đà Nẵng {: #da-nang_1 }\n\n#\n\n#\n\n# _1")  # heading ids
@example("# AT&amp;T\n\n# A & B\n\n## *Hải* Phòng\n\n## x {: #y }\n\n### Lê\\_Văn")
@example("## Mục lục\n\n[TOC]\n\n## Phần một\n\n## Phần hai")
def test_the_markdown_shortcuts_change_no_output(body):
    import dataclasses

    from microsite.markup import LinkContext, MarkdownConverter
    from microsite.render import SiteRenderer
    from microsite.urls import Urls
    from microsite.writer import hashed_names

    site = _tiny_site()
    renderer = SiteRenderer(site, Urls(site.config.base_url, hashed_names(site.config.static_dir)))
    page = dataclasses.replace(site.pages[0], body=body)
    results = []
    for fast in (True, False):
        context = LinkContext(page, site, renderer.urls, renderer.known_paths)
        converter = MarkdownConverter(fast=fast)
        assert converter.fast_inline is fast  # the shortcut knows every pattern of the Markdown installed
        html = converter.convert(context)
        results.append((html, sorted(str(e) for e in context.errors)))  # a build reports them sorted
    assert results[0] == results[1]
