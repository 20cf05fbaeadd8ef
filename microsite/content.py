"""Reading content/: UTF-8 text in NFC, YAML with line numbers, Markdown pages with front matter."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .errors import ContentError
from .inputs import input_files, link_problem
from .text import nfc

try:  # libyaml's parser is ten times faster; the constructor stays ours either way.
    _BaseLoader = yaml.CSafeLoader
    _LIBYAML = True
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _BaseLoader = yaml.SafeLoader  # type: ignore[misc, assignment]  # the same interface, in Python
    _LIBYAML = False


class Located:
    """Mixin for YAML values that remember where each key or item stands."""

    line: int = 0
    column: int = 0
    positions: dict[Any, tuple[int, int]]


class LocatedDict(dict[Any, Any], Located):
    """A YAML mapping; `positions[key]` is the (line, column) of that key's value."""


class LocatedList(list[Any], Located):
    """A YAML sequence; `positions[i]` is the (line, column) of item i."""


def _position(node: yaml.Node, loader: _Loader) -> tuple[int, int]:
    """Return the 1-based (line, column) in the file where a YAML node starts."""
    return node.start_mark.line + 1 + loader.line_offset, node.start_mark.column + 1


class _Loader(_BaseLoader):
    """A safe YAML loader whose mappings and lists carry line numbers."""

    source_path = "<yaml>"
    line_offset = 0  # front matter starts on line 2 of its file


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> LocatedDict:
    """Build a mapping, refusing duplicate keys (YAML would silently keep the last)."""
    result = LocatedDict()
    result.line, result.column = _position(node, loader)
    result.positions = {}
    loader.flatten_mapping(node)
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, (str, int, float, bool)) and key is not None:
            raise ContentError(
                loader.source_path,
                *_position(key_node, loader),
                "a key must be plain text",
                "write the key as a word followed by a colon",
            )
        if key in result:
            raise ContentError(
                loader.source_path, *_position(key_node, loader), f"duplicate key {key!r}", "keep only one of them"
            )
        result[key] = loader.construct_object(value_node, deep=True)
        result.positions[key] = _position(value_node, loader)
    return result


def _construct_sequence(loader: _Loader, node: yaml.SequenceNode) -> LocatedList:
    """Build a list whose items remember their lines."""
    result = LocatedList(loader.construct_object(child, deep=True) for child in node.value)
    result.line, result.column = _position(node, loader)
    result.positions = {i: _position(child, loader) for i, child in enumerate(node.value)}
    return result


def _construct_timestamp(loader: _Loader, node: yaml.ScalarNode) -> Any:
    """Build a date, turning an impossible one (2023-02-30) into a located error."""
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except ValueError as exc:
        raise ContentError(
            loader.source_path,
            *_position(node, loader),
            f"impossible date {node.value!r} ({exc})",
            "write a real calendar date as YYYY-MM-DD",
        ) from None


def _construct_number(loader: _Loader, node: yaml.ScalarNode) -> Any:
    """Build an int or float, turning one too long for Python (over 4,300 digits) into a located error."""
    build = yaml.SafeLoader.construct_yaml_int if node.tag.endswith(":int") else yaml.SafeLoader.construct_yaml_float
    try:
        return build(loader, node)
    except ValueError:
        raise ContentError(
            loader.source_path,
            *_position(node, loader),
            f"a number of {len(str(node.value))} characters, too long to read",
            "shorten it, or put it in quotes to keep it as text",
        ) from None


def _construct_string(loader: _Loader, node: yaml.ScalarNode) -> str:
    """Build a string in NFC, whatever form the editor's keyboard saved."""
    return nfc(loader.construct_scalar(node))


_Loader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)
_Loader.add_constructor("tag:yaml.org,2002:seq", _construct_sequence)
_Loader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)
_Loader.add_constructor("tag:yaml.org,2002:str", _construct_string)
_Loader.add_constructor("tag:yaml.org,2002:int", _construct_number)
_Loader.add_constructor("tag:yaml.org,2002:float", _construct_number)


def relative(path: Path, project: Path) -> str:
    """Name a file relative to the project, the way editors see it."""
    try:
        return path.relative_to(project).as_posix()
    except ValueError:
        return path.as_posix()


def read_text(path: Path, project: Path) -> str:
    """Read a UTF-8 text file as NFC with \\n line ends, or fail naming the bad byte's line."""
    name = relative(path, project)
    outside = link_problem(path, project)  # a link to /etc/hostname or .git/config is never read
    if outside is not None:
        raise outside
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ContentError(name, None, None, "file not found", "create it or restore it from version control") from None
    except OSError as exc:
        raise ContentError(name, None, None, f"cannot read the file ({exc.strerror})") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise ContentError(
            name, line, column, "the file is not valid UTF-8", "save it with the UTF-8 encoding in your editor"
        ) from None
    return nfc(text.replace("\r\n", "\n").replace("\r", "\n"))


def parse_yaml(text: str, name: str, first_line: int = 1) -> Any:
    """Parse YAML text into located values; errors name the file and line."""
    loader = _Loader(text)
    loader.source_path = name
    loader.line_offset = first_line - 1
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        _refuse_alias_bombs(node, name, first_line - 1)
        return loader.construct_document(node)
    except RecursionError:
        raise ContentError(
            name,
            first_line,
            None,
            "the YAML is nested too deeply",
            "content files need a few levels of nesting at most",
        ) from None
    except yaml.MarkedYAMLError as exc:
        raise _yaml_error(exc, name, first_line - 1, text) from None
    except yaml.reader.ReaderError as exc:
        # libyaml counts the position in UTF-8 bytes, PyYAML's own reader in characters.
        if _LIBYAML:
            line = text.encode("utf-8")[: exc.position].count(b"\n") + first_line
        else:
            line = text[: exc.position].count("\n") + first_line
        raise ContentError(
            name,
            line,
            None,
            f"the character U+{exc.character:04X} is not allowed in YAML",
            "delete it (it is invisible in most editors)",
        ) from None
    except yaml.YAMLError as exc:
        raise ContentError(name, first_line, None, "invalid YAML: " + " ".join(str(exc).split())) from None
    finally:
        loader.dispose()


def parse_plain_yaml(text: str, name: str) -> Any:
    """Parse YAML into plain values, without positions (libyaml's constructor: several times faster), under the
    same alias guard as parse_yaml; a YAML error is PyYAML's own (parse_yaml then says where it is)."""
    loader = _BaseLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        _refuse_alias_bombs(node, name)
        return loader.construct_document(node)
    except ValueError as exc:  # a number too long for int(): a YAML error, so that parse_yaml says where it is
        raise yaml.constructor.ConstructorError(None, None, str(exc)) from exc
    finally:
        loader.dispose()


MAX_NODES = 200_000


def _refuse_alias_bombs(root: yaml.Node, name: str, line_offset: int = 0) -> None:
    """Count nodes as construction would visit them, so that aliases cannot expand into billions of values."""
    seen, stack = 0, [root]
    while stack:
        node = stack.pop()
        seen += 1
        if seen > MAX_NODES:
            raise ContentError(
                name,
                node.start_mark.line + 1 + line_offset,
                None,
                "the YAML expands to too many values",
                "remove the anchors (&) and aliases (*) that repeat large parts",
            )
        if isinstance(node.value, list):
            for child in node.value:
                stack.extend(child if isinstance(child, tuple) else (child,))


def _yaml_error(exc: yaml.MarkedYAMLError, name: str, offset: int, text: str) -> ContentError:
    """Turn PyYAML's multi-line complaint into one line an editor can act on."""
    mark = exc.problem_mark or exc.context_mark
    if exc.context_mark and "end of stream" in (exc.problem or ""):
        mark = exc.context_mark  # an unclosed quote or bracket: point where it was opened, not at the file's end
    line = mark.line + 1 + offset if mark else None
    column = mark.column + 1 if mark else None
    problem = " ".join((exc.problem or exc.context or "invalid YAML").split())
    hint = "check the indentation and quotes on this line and the one above"
    if "'\\t'" in problem or "\\t" in problem or (mark and "\t" in _line_of(text, mark.line)):
        problem, hint = "a tab character in YAML", "indent with spaces, never tabs"
    elif "found unexpected end of stream" in problem or "end of the stream" in problem:
        hint = "a quote or bracket opened earlier is never closed"
    elif "mapping values are not allowed" in problem:
        hint = "put text that contains ': ' in quotes, or fix the indentation"
    return ContentError(name, line, column, f"invalid YAML: {problem}", hint)


def _line_of(text: str, index: int) -> str:
    """Return line number `index` (0-based) of text, or ''."""
    lines = text.split("\n")
    return lines[index] if 0 <= index < len(lines) else ""


def load_yaml_file(path: Path, project: Path) -> Any:
    """Read and parse one YAML data file."""
    name = relative(path, project)
    return parse_yaml(read_text(path, project), name)


@dataclass(frozen=True)
class PageFile:
    """One Markdown page file as read: its front matter, its body, where the body starts."""

    name: str  # the page name, e.g. "talks/da-nang"
    lang: str
    path: str  # relative to the project, for messages
    meta: dict[str, Any]
    body: str
    body_line: int  # line number of the body's first line in the file
    fingerprint: str = ""  # the translation fingerprint of the text (kept with the parsed file in the cache)
    text_hash: str = ""  # a hash of the exact text: what rendered output is keyed by
    lines: dict[str, int] = field(default_factory=dict)  # front-matter key -> its line, for errors found after parsing


_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?\n)?---[ \t]*(\n|\Z)", re.DOTALL)
_PAGE_FILE = re.compile(r"^(?P<name>.+)\.(?P<lang>[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]+)?)\.md$")


def parse_page(text: str, name: str, lang: str, path: str) -> PageFile:
    """Split a Markdown file into front matter and body."""
    match = _FRONT_MATTER.match(text)
    if not match:
        raise ContentError(
            path,
            1,
            1,
            "the page has no front matter",
            'start the file with "---", a line "title: ...", and another "---"',
        )
    meta = parse_yaml(match.group(1) or "", path, first_line=2)
    if meta is None:
        meta = LocatedDict()
        meta.line, meta.column, meta.positions = 2, 1, {}
    if not isinstance(meta, dict):
        raise ContentError(
            path, 2, 1, "the front matter must be a set of 'key: value' lines", 'write for example "title: My page"'
        )
    body_line = text.count("\n", 0, match.end()) + 1
    return PageFile(name, lang, path, meta, text[match.end() :], body_line)


def page_files(pages_dir: Path, project: Path | None = None) -> list[tuple[Path, str, str]]:
    """List (file, page name, language) for every Markdown page, in a stable order; hidden files and folders
    are left out, links inside the project are followed and any other link is refused (a BuildError)."""
    found = []
    for rel in input_files(pages_dir, project or pages_dir.parent.parent):
        if rel.endswith(".md") and not any(part.startswith(".") for part in rel.split("/")):
            match = _PAGE_FILE.match(rel)
            name, lang = (match.group("name"), match.group("lang")) if match else (rel[:-3], "")
            found.append((pages_dir / rel, name, lang))
    return sorted(found, key=lambda item: str(item[0]))
