"""The `init` command: a complete starting site for another event, in any two or more languages.

It writes placeholder content in every language (each text to write is marked [TODO: …], which the build
reports and --strict refuses), the theme (templates, static files, the interface catalogs), a .gitignore, the
GitHub Pages workflow and a README for the site's editors. The site builds at once.
"""

from __future__ import annotations

import datetime as dt
import shutil
import sysconfig
from pathlib import Path

import yaml

from .. import __version__, schema
from ..config import load_config
from ..errors import ContentError
from ..i18n import DOMAIN, catalog_path, language_name
from ..model import load_site
from ..placeholders import placeholder
from . import catalogs
from .translations import confirm

PACKAGE = Path(__file__).resolve().parent.parent
THEME_PARTS = ("templates", "static")


def theme_folder() -> Path:
    """Where the theme (templates/, static/, locales/) comes from: the generator's own repository when it runs
    from one (an editable install), else the copy installed beside the package (pyproject's data-files)."""
    if (PACKAGE.parent / "templates").is_dir() and (PACKAGE.parent / "pyproject.toml").is_file():
        return PACKAGE.parent
    return Path(sysconfig.get_path("data")) / "share" / "microsite"


def init(folder: Path, languages: list[str]) -> list[str]:
    """Write a new site into `folder` (absent or empty); return what was written, relative to it."""
    folder = Path(folder).resolve()
    codes = _checked_languages(languages)
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise ContentError(
            str(folder),
            None,
            None,
            "the folder is not empty; nothing was written",
            "name a new folder, e.g. python build.py init ../my-event --languages vi,fr",
        )
    theme = theme_folder()
    folder.mkdir(parents=True, exist_ok=True)
    for part in THEME_PARTS:
        shutil.copytree(theme / part, folder / part, ignore=shutil.ignore_patterns(".*", "*~", "*.swp"))
    (folder / "babel.cfg").write_text(BABEL_CFG, encoding="utf-8")
    _write_catalogs(theme, folder, codes)
    _write_content(folder / "content", codes)
    (folder / ".gitignore").write_text(GITIGNORE, encoding="utf-8")
    workflow = folder / ".github" / "workflows" / "pages.yml"
    workflow.parent.mkdir(parents=True)
    workflow.write_text(WORKFLOW, encoding="utf-8")
    (folder / "requirements.txt").write_text(REQUIREMENTS.format(version=__version__), encoding="utf-8")
    (folder / "README.md").write_text(_readme(codes), encoding="utf-8")
    # Each placeholder translation matches its placeholder source: confirmed, so that a translation turns stale
    # (and `translations` lists it) only when the source page is written and the translation is not yet.
    site = load_site(load_config(folder))
    confirm(site, sorted({page.name for page in site.pages}))
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


def _checked_languages(languages: list[str]) -> tuple[str, ...]:
    """The languages as the site's settings would take them: two or more Babel locales, each once."""
    where = schema.Where("--languages", None, None, ())
    codes: tuple[str, ...] = tuple(schema.language_codes(languages, where))
    return codes


def _write_catalogs(theme: Path, folder: Path, languages: tuple[str, ...]) -> None:
    """The theme's interface catalogs for the languages it has; an untranslated one for each other language."""
    locales = folder / "locales"
    locales.mkdir()
    shutil.copyfile(theme / "locales" / f"{DOMAIN}.pot", locales / f"{DOMAIN}.pot")
    for lang in languages:
        shipped = catalog_path(theme / "locales", lang)
        if shipped.is_file():
            target = catalog_path(locales, lang)
            target.parent.mkdir(parents=True)
            shutil.copyfile(shipped, target)
    catalogs.update(folder, languages)  # makes the missing ones from the template, every msgstr empty
    for lang in languages:
        if lang.split("_")[0].split("-")[0] == "en" and not catalog_path(theme / "locales", lang).is_file():
            catalogs.fill_from_msgids(folder, lang)  # the templates' strings are written in English


def _write_content(content: Path, languages: tuple[str, ...]) -> None:
    """Placeholder content in every language: settings, the event, one speaker, one contribution, the pages."""
    (content / "pages" / "talks").mkdir(parents=True)
    source = languages[0]

    def each(what: str) -> dict[str, str]:
        """A placeholder per language."""
        return {lang: placeholder(f"{what}, in {language_name(lang)}") for lang in languages}

    _yaml(
        content / "site.yaml",
        {
            "languages": list(languages),
            "base_url": "https://example.github.io/my-event/",
            "title": each("the title of the site"),
            "description": each("one sentence saying what the site is about"),
            "menu": ["index", "program", "speakers", "about"],
        },
        comment="base_url: the address the site is published at (python build.py deploy finds GitHub Pages' "
        "address from the git remote while this example stays)",
    )
    _yaml(
        content / "event.yaml",
        {
            "title": each("the title of the event"),
            "kind": each("what kind of event it is (a session, a workshop)"),
            "conference": each("the conference or programme it is part of"),
            "date": dt.date.today(),
            "city": each("the city"),
            "country": "FR",
            "timezone": "Europe/Paris",
            "roles": [{"title": each("what the people below did, e.g. Chairs"), "people": ["first-speaker"]}],
        },
        comment=f"{placeholder('the date (YYYY-MM-DD), country (ISO code) and time zone (IANA name) of the event')}"
        "\n# To credit the report the texts are written from, add source: {title, url, author, lang}",
    )
    _yaml(
        content / "speakers.yaml",
        [
            {
                "id": "first-speaker",
                "name": placeholder("the name of the speaker"),
                "role": each("the office of the speaker"),
                "city": each("the city of the speaker"),
                "country": "FR",
            }
        ],
        comment="one entry per person; `id` is how program.yaml and event.yaml name them",
    )
    _yaml(
        content / "program.yaml",
        [
            {
                "speaker": "first-speaker",
                "page": "talks/first-talk",
                "title": each("the title of the contribution"),
            }
        ],
        comment="one entry per contribution, in the order of the event; `page` is its page under pages/",
    )
    pages = {
        "index": "what happened, in a few paragraphs",
        "program": "an introduction to the programme (the list of contributions follows by itself)",
        "speakers": "an introduction to the speakers (their list follows by itself)",
        "about": "who wrote this site, from which sources",
        "talks/first-talk": "what the speaker said",
    }
    for name, body in pages.items():
        for lang in languages:
            note = "" if lang == source else f" (the translation of {name}.{source}.md)"
            (content / "pages" / f"{name}.{lang}.md").write_text(
                f'---\ntitle: "{placeholder(f"the page title, in {language_name(lang)}")}"\n---\n'
                f"{placeholder(body + ', in ' + language_name(lang) + note)}\n",
                encoding="utf-8",
            )


def _yaml(path: Path, data: object, comment: str) -> None:
    """Write a content file: a comment, then the data."""
    lines = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, default_flow_style=False, width=100)
    path.write_text(f"# {comment}\n{lines}", encoding="utf-8")


def _readme(languages: tuple[str, ...]) -> str:
    """The README for the site's editors."""
    names = ", ".join(f"{language_name(lang)} ({lang})" for lang in languages)
    return README.format(languages=names, source=languages[0])


BABEL_CFG = """# Where interface strings live; read by `microsite i18n extract` (the generator adds its own).
[jinja2: templates/**.html]
encoding = utf-8
trimmed = true
"""

GITIGNORE = """/site/
/.site.tmp-*/
/.site.old-*/
.cache/
/.cache-key
/.cache-key.tmp-*
*.mo
"""

REQUIREMENTS = """# The generator this site is built with. It is not on PyPI: point this line at where it is
# published, e.g. microsite @ git+https://github.com/OWNER/microsite@v{version}
microsite=={version}
"""

WORKFLOW = """# Publish the site to GitHub Pages on every push to main (Settings -> Pages -> Source: GitHub Actions).
name: Publish to GitHub Pages

on:
  push:
    branches: [main]
  workflow_dispatch:

permissions:
  contents: read
  pages: write
  id-token: write

concurrency:
  group: pages
  cancel-in-progress: false

jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-python@v5
        with:
          python-version: "3.11"
      - name: Find the Pages URL
        id: pages
        uses: actions/configure-pages@v5
      - name: Install the generator
        run: pip install -r requirements.txt
      - name: Build strictly for the Pages URL
        env:
          BASE_URL: ${{ steps.pages.outputs.base_url }}
        run: microsite build --strict --base-url "$BASE_URL/"
      - uses: actions/upload-pages-artifact@v3
        with:
          path: site

  deploy:
    needs: build
    runs-on: ubuntu-latest
    environment:
      name: github-pages
      url: ${{ steps.deployment.outputs.page_url }}
    steps:
      - name: Deploy
        id: deployment
        uses: actions/deploy-pages@v4
"""

README = """# The event's site

Languages: {languages}; `{source}` is the source language, from which the others are translated.

## Write the content

Every text to write is marked `[TODO: …]`. `microsite build` lists each one left (file and line) as a warning,
and `microsite build --strict` refuses to build while one is left.

- `content/site.yaml`: the title of the site, description, address (`base_url`) and menu.
- `content/event.yaml`: the event: title, kind, conference, date, city, chairs, the report it is written from.
- `content/speakers.yaml` and `content/program.yaml`: the people and the contributions, in order.
- `content/pages/NAME.LANG.md`: the pages, one file per language (front matter, then Markdown).
  `microsite new NAME` adds a page in every language.
- `microsite schema` prints every key each file takes.

## Preview, check, publish

```sh
microsite serve          # preview with live reload; every save shows in the browser
microsite translations   # what is missing or out of date in each language
microsite check          # the gates: strict build, links, hreflang, HTML, catalogs
microsite deploy         # or push to main: .github/workflows/pages.yml publishes to GitHub Pages
```

## Interface strings

The words of the templates (menus, labels) are translated in `locales/LANG/LC_MESSAGES/messages.po`, one
catalog per language: each `msgid` is the English string, its `msgstr` the translation. A language the theme
does not ship starts untranslated; `microsite translations` says so. Any PO editor (Poedit, Weblate) works.
"""
