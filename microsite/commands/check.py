"""`build.py check`: the gates any site's content must pass before it is published.

A strict build into a folder of its own (site/ is not touched), then what a visitor, a search engine and a
translator's tools would trip on: every internal link and asset, hreflang alternates that answer each other,
the Nu HTML Checker and GNU gettext's `msgfmt -c` where they are installed. Nothing here knows the content:
the same gates serve any event's site.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

from ..builder import build
from ..config import load_config
from ..i18n import catalog_path
from ..result import BuildResult
from ..urls import Urls

VNU_JAR = Path("node_modules/vnu-jar/build/dist/vnu.jar")


@dataclass
class CheckReport:
    """What the gates found: problems (one line each), and the gates that could not run here."""

    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # placeholder text left to replace
    skipped: list[str] = field(default_factory=list)
    passed: list[str] = field(default_factory=list)


class PageLinks(HTMLParser):
    """The links, assets, hreflang alternates, ids and lang of one HTML page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[tuple[str, dict[str, str]]] = []  # (url, attributes) of a/link[href], img/script/source[src]
        self.lang: str | None = None
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        if tag == "html":
            self.lang = attributes.get("lang")
        if "id" in attributes:
            self.ids.add(attributes["id"])
        url = attributes.get("href") if tag in ("a", "link") else attributes.get("src")
        if url is not None:
            self.links.append((url, {"tag": tag, **attributes}))

    @property
    def alternates(self) -> dict[str, str]:
        """hreflang -> absolute URL of the page's <link rel="alternate" hreflang> elements."""
        return {
            a["hreflang"]: url
            for url, a in self.links
            if a["tag"] == "link" and a.get("rel") == "alternate" and "hreflang" in a
        }


def parse_page(path: Path) -> PageLinks:
    """Parse one built HTML file."""
    parser = PageLinks()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def served_file(site: Path, base_path: str, url_path: str) -> Path | None:
    """The file a URL path under the base path serves (as GitHub Pages would), or None outside the site."""
    url_path = unquote(url_path)
    if not url_path.startswith(base_path):
        return None
    target = site / url_path[len(base_path) :]
    return target / "index.html" if url_path.endswith("/") or target.is_dir() else target


def check(project: Path, base_url: str | None = None) -> CheckReport:
    """Build strictly into a temporary folder and run every gate on the result."""
    report = CheckReport()
    project = Path(project).resolve()
    work = Path(tempfile.mkdtemp(prefix="microsite-check-"))
    try:
        result = build(project, work / "site", base_url, strict=True, use_cache=False, refuse_placeholders=False)
        report.warnings += result.warnings
        report.passed.append(f"strict build ({sum(result.pages.values())} pages)")
        urls = Urls(load_config(project, base_url).base_url)
        pages = sorted(result.out.rglob("*.html"))
        parsed = {path: parse_page(path) for path in pages}
        _gate(report, "links and assets", check_links(result.out, urls, parsed))
        _gate(report, "hreflang alternates", check_alternates(result.out, urls, parsed))
        _external(report, "Nu HTML Checker", _vnu(project, result.out))
        _external(report, "msgfmt -c", _msgfmt(project, result))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return report


def _gate(report: CheckReport, name: str, problems: list[str]) -> None:
    """Record one gate's outcome."""
    report.problems.extend(problems)
    if not problems:
        report.passed.append(name)


def _external(report: CheckReport, name: str, outcome: list[str] | None) -> None:
    """Record the outcome of a gate that needs a tool which may not be installed (None: not installed)."""
    if outcome is None:
        report.skipped.append(name)
    else:
        _gate(report, name, outcome)


def check_links(site: Path, urls: Urls, parsed: dict[Path, PageLinks]) -> list[str]:
    """Every internal link and asset of every page leads to a file of the site (and to its #anchor)."""
    problems = []
    for path, page in parsed.items():
        where = path.relative_to(site).as_posix()
        for url, attributes in page.links:
            parts = urlsplit(url)
            if parts.scheme in ("mailto", "tel") or url.startswith("#"):
                continue
            if parts.scheme or parts.netloc:
                if not url.startswith(urls.base_url) or attributes.get("tag") == "a":
                    continue  # a link to another site; canonical and hreflang URLs are absolute ours
                parts = urlsplit(url)
            target = served_file(site, urls.base_path, parts.path)
            if target is None:
                problems.append(f"site/{where}: {url} leads outside the site's base path {urls.base_path}")
            elif not target.is_file():
                problems.append(f"site/{where}: broken link {url}")
            elif parts.fragment and target.suffix == ".html" and parts.fragment not in parsed[target].ids:
                problems.append(f"site/{where}: {url} names an anchor that the page does not have")
    return problems


def check_alternates(site: Path, urls: Urls, parsed: dict[Path, PageLinks]) -> list[str]:
    """hreflang: each alternate exists, names its own language, and lists the same alternates back."""
    problems = []
    for path, page in parsed.items():
        alternates = page.alternates
        if not alternates:
            continue
        where = path.relative_to(site).as_posix()
        for lang, url in alternates.items():
            target = served_file(site, urls.base_path, urlsplit(url).path)
            if not url.startswith(urls.base_url) or target is None or not target.is_file():
                problems.append(f"site/{where}: hreflang {lang} leads to {url}, which is not a page of the site")
                continue
            other = parsed[target]
            if lang != "x-default" and other.lang != lang:
                problems.append(f"site/{where}: hreflang {lang} leads to a page in {other.lang!r}")
            if other.alternates != alternates:
                problems.append(
                    f"site/{where}: hreflang {lang} leads to {url}, whose alternates differ "
                    "(alternates must answer each other)"
                )
    return problems


def _vnu(project: Path, site: Path) -> list[str] | None:
    """The Nu HTML Checker's errors, or None when Java or vnu.jar is not installed."""
    # The site's own npm install, else the generator's (a site made by `init` may have none of its own).
    jar = next(
        (folder / VNU_JAR for folder in (project, Path(__file__).resolve().parents[2]) if (folder / VNU_JAR).is_file()),
        project / VNU_JAR,
    )
    java = shutil.which("java")
    if java is None or not jar.is_file():
        return None
    run = subprocess.run(
        [java, "-jar", str(jar), "--errors-only", "--skip-non-html", "--also-check-css", str(site)],
        capture_output=True,
        text=True,
    )
    lines = [line for line in (run.stderr + run.stdout).splitlines() if line.strip()]
    # "file:/tmp/…/site/vi/index.html":3.1-3.5: error: … -> site/vi/index.html:3.1-3.5: error: …
    return [re.sub(r'^"file:[^"]*?/site/([^"]*)":', r"site/\1:", line) for line in lines] if run.returncode else []


def _msgfmt(project: Path, result: BuildResult) -> list[str] | None:
    """`msgfmt -c --check-format` on every catalog, or None when GNU gettext is not installed."""
    msgfmt = shutil.which("msgfmt")
    if msgfmt is None:
        return None
    problems = []
    for lang in result.pages:
        path = catalog_path(project / "locales", lang)
        run = subprocess.run(
            [msgfmt, "-c", "--check-format", "-o", "/dev/null", str(path)], capture_output=True, text=True
        )
        if run.returncode:
            problems += [line.replace(str(project) + "/", "") for line in run.stderr.splitlines() if line.strip()]
    return problems
