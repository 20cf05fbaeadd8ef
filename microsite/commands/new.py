"""Creating new pages: one file per language with a front-matter stub."""

from __future__ import annotations

import re
from pathlib import Path

from ..config import load_config
from ..errors import ContentError
from ..inputs import link_problem
from ..placeholders import placeholder
from ..text import MAX_SLUG_LENGTH, slugify_path

_NAME = re.compile(r"^[a-z0-9]+(?:[-_][a-z0-9]+)*(?:/[a-z0-9]+(?:[-_][a-z0-9]+)*)*$")


def create_page(project: Path, name: str, slugs: dict[str, str] | None = None) -> list[str]:
    """Create content/pages/<name>.<lang>.md for every language, with its slug where one is given; refuse if any
    already exists."""
    slugs = slugs or {}
    config = load_config(project)
    if not _NAME.match(name):
        raise ContentError(
            "content/pages",
            None,
            None,
            f"invalid page name {name!r}",
            "use lowercase letters, digits, hyphens and / for folders, e.g. talks/lyon",
        )
    if len(name) > MAX_SLUG_LENGTH:
        raise ContentError(
            "content/pages",
            None,
            None,
            f"the page name is {len(name)} characters long; the limit is {MAX_SLUG_LENGTH}",
            "choose a shorter name",
        )
    pages = config.content_dir / "pages"
    for folder in [pages, *(pages / parent for parent in reversed(Path(name).parents) if parent != Path("."))]:
        if (folder.exists() or folder.is_symlink()) and not folder.is_dir():  # a file, or a broken link
            raise ContentError(
                folder.relative_to(config.project).as_posix(),
                None,
                None,
                "a file stands where the page's folder would go; nothing was written",
                "rename or move that file, or choose another page name",
            )
    paths = [pages / f"{name}.{lang}.md" for lang in config.languages]
    for path in paths:  # the rule the build reads pages by: never create a file through a link leading out
        link = link_problem(path, config.project)
        if link is not None:
            raise ContentError(
                link.path,
                None,
                None,
                f"{link.message}; nothing was written",
                "replace the link with a real folder of the project, or choose another page name",
            )
    existing = [p for p in paths if p.exists()]
    if existing:
        rel = existing[0].relative_to(config.project).as_posix()
        raise ContentError(
            rel, None, None, "this page already exists; nothing was written", "edit it, or choose another name"
        )
    created = []
    for path, lang in zip(paths, config.languages, strict=True):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(_page_text(name, lang, config.default_language, slugs.get(lang)), encoding="utf-8")
        created.append(path.relative_to(config.project).as_posix())
    return created


def _page_text(name: str, lang: str, source: str, slug: str | None) -> str:
    """A new page file: the source language's to write (its texts are placeholders the build reports), or a
    translation marked untranslated, which counts as missing until it is written."""
    slug_line = f"slug: {slug}\n" if slug else ""
    if lang == source:
        return (
            f'---\ntitle: "{placeholder("the title of the page")}"\n{slug_line}'
            f'summary: "{placeholder("one or two sentences for feeds and search engines")}"\n---\n'
            f"{placeholder('the text of the page, in Markdown')}\n"
        )
    return (
        f"---\nuntranslated: true   # remove this line once the page is translated\n"
        f'title: "{placeholder(f"the title of {name}.{source}.md, translated")}"\n{slug_line}---\n'
        f"<!-- Translate content/pages/{name}.{source}.md here. Until 'untranslated: true' is removed, the site "
        f"shows the {source} page in its place, marked as such. -->\n"
    )


def parse_slugs(values: list[str], languages: tuple[str, ...]) -> dict[str, str]:
    """--slug LANG=SLUG options as {language: slug}; a malformed one or an unknown language is one line."""
    slugs = {}
    for value in values:
        lang, equals, slug = value.partition("=")
        if not equals or not slug.strip() or lang not in languages:
            raise ContentError(
                "--slug",
                None,
                None,
                f"{value!r} is not LANG=SLUG for one of the site's languages",
                f"write e.g. --slug {languages[-1]}=my-page; the languages are {', '.join(languages)}",
            )
        slugs[lang] = slugify_path(slug.strip())
    return slugs


def next_steps(project: Path, name: str) -> list[str]:
    """What to do after `new`: write the page, translate it, and link it from the menu or the program."""
    config = load_config(project)
    source, others = config.default_language, config.languages[1:]
    steps = [
        f"write the title and text of content/pages/{name}.{source}.md (each [TODO: …])",
        f"translate it into content/pages/{name}.{{{','.join(others)}}}.md, removing 'untranslated: true' from "
        "each, then confirm: python build.py translations --confirm " + name,
    ]
    folder = name.rpartition("/")[0]
    if folder:
        steps.append(
            f"if it is a contribution, add it to content/program.yaml: - {{speaker: ID, page: {name}, title: {{...}}}}"
        )
    else:
        steps.append(f"to list it in the menu, add {name} to menu: in content/site.yaml")
    steps.append(
        "link to it from another page with [text](/" + name + ".md) (a path from content/pages/) or a "
        "path relative to the linking file"
    )
    return steps
