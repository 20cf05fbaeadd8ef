"""content/site.yaml -> a frozen Config: languages, base URL, titles, where things live."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import SplitResult, unquote, urlsplit

from . import schema
from .content import load_yaml_file, relative
from .errors import BuildError, ContentError
from .inputs import input_files


@dataclass(frozen=True, kw_only=True)
class Config(schema.SiteSettings):
    """The site's settings (declared in schema.SiteSettings) and the project's folders."""

    project: Path
    menu_line: int | None = None  # where the menu is written in site.yaml, for errors
    base_url_line: int | None = None  # where base_url is written, for errors

    @property
    def default_language(self) -> str:
        """The first language: the home of the site and the source of every translation."""
        return self.languages[0]

    @property
    def content_dir(self) -> Path:
        return self.project / "content"

    @property
    def templates_dir(self) -> Path:
        return self.project / "templates"

    @functools.cached_property
    def template_names(self) -> frozenset[str]:
        """Every template file, by its path under templates/ (listed once: a new or deleted template means a
        new Config, which the preview makes when templates/ changes); a link leading out of the project is a
        BuildError."""
        return frozenset(input_files(self.templates_dir, self.project))

    @property
    def static_dir(self) -> Path:
        return self.project / "static"

    @property
    def locales_dir(self) -> Path:
        return self.project / "locales"


# Characters that cannot stand in a URL as written: they would break out of an href="..." or be rewritten by
# browsers (a backslash becomes a slash), so the links of the whole site would differ from what was written.
_NOT_IN_URL = set(" \t\r\n\"'<>\\`{}|^")


def normalise_base_url(value: str) -> str:
    """Give a base URL exactly one trailing slash; refuse what is not a plain http(s) URL."""
    value = value.strip()
    parts = urlsplit(value)
    bad = sorted({c for c in value if c in _NOT_IN_URL or ord(c) < 32 or ord(c) == 127})
    if parts.scheme not in ("http", "https") or not parts.hostname:
        problem = "it is not an http(s) URL"
    elif bad:
        problem = f"it contains {' '.join(repr(c) for c in bad)}, which a URL cannot hold as written"
    elif "@" in parts.netloc:
        problem = "it holds a user name or password (user:pass@), which would be published in every page"
    elif parts.query or parts.fragment:
        problem = "it has a ?query or a #fragment"
    elif not _valid_port(parts):
        problem = "its port is not a number from 1 to 65535"
    elif _bad_segment(parts.path):
        problem = "its path has an empty, '.' or '..' segment, which would lead outside the site's folder"
    else:
        path = parts.path.rstrip("/") + "/"
        return f"{parts.scheme}://{parts.netloc}{path}"
    raise ValueError(f"invalid base URL {value!r}: {problem} — write it like https://user.github.io/repo/")


def _bad_segment(path: str) -> bool:
    """True when a URL path holds `//`, `.` or `..` (percent-encoded too): browsers and the preview resolve them.

    Trailing slashes are not segments: they are normalised to one."""
    segments = path.rstrip("/").split("/")[1:]
    return any(unquote(segment) in ("", ".", "..") for segment in segments)


def _valid_port(parts: SplitResult) -> bool:
    """True when a URL names no port or a port from 1 to 65535."""
    try:
        return parts.port is None or parts.port >= 1
    except ValueError:  # urllib's own words: "Port out of range 0-65535", "Port could not be cast..."
        return False


def load_config(project: Path, base_url: str | None = None) -> Config:
    """Read content/site.yaml; a --base-url given on the command line wins over the file."""
    project = Path(project).resolve()
    path = project / "content" / "site.yaml"
    name = relative(path, project)
    raw = load_yaml_file(path, project)
    if not isinstance(raw, dict):
        raise BuildError(
            [
                ContentError(
                    name, 1, 1, "site.yaml must be a set of 'key: value' lines", "see the README for the keys it takes"
                )
            ]
        )
    where = schema.Where(name, getattr(raw, "line", 1), 1, ())
    languages, errors = schema.validate(raw.get("languages"), _languages, where.at(raw, "languages"))
    if errors:
        raise BuildError(errors)
    settings, errors = schema.validate(raw, schema.SITE, schema.Where(name, 1, 1, languages))
    if errors:
        raise BuildError(errors)
    try:
        final_url = normalise_base_url(settings["base_url"] if base_url is None else base_url)
    except ValueError as exc:
        if base_url is not None:
            raise ValueError(f"--base-url: {exc}") from None
        raise BuildError([where.at(raw, "base_url").error(str(exc))]) from None
    return schema.make(
        Config,
        settings,
        project=project,
        base_url=final_url,
        description=settings.get("description", {lang: "" for lang in languages}),
        menu_line=where.at(raw, "menu").line if "menu" in raw else None,
        base_url_line=where.at(raw, "base_url").line,
    )


def _languages(value: Any, where: schema.Where) -> tuple[str, ...]:
    """Check the languages list before anything else needs it."""
    if value is None:
        raise where.error("languages is missing", "add 'languages: [vi, fr]'; the first is the source language")
    return schema.language_codes(value, where)
