"""Translation fingerprints: which version of the source text each translation was checked against.

They live in content/translations.yaml, under version control beside the pages, written only by
`build.py translations --confirm`, never by a build (editors may have the pages open).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import yaml

from .content import load_yaml_file, parse_plain_yaml, read_text, relative
from .errors import ContentError

FILE_NAME = "translations.yaml"


def fingerprint(source_text: str) -> str:
    """A short, stable hash of a source page's text."""
    normalised = "\n".join(line.rstrip() for line in source_text.strip().split("\n"))
    return hashlib.sha256(normalised.encode("utf-8")).hexdigest()[:16]


def load(content_dir: Path, project: Path) -> dict[str, dict[str, str]]:
    """Read the recorded fingerprints: {page name: {language: fingerprint}}."""
    path = content_dir / FILE_NAME
    if not (path.exists() or path.is_symlink()):   # a broken link is an error, said by read_text
        return {}
    text = read_text(path, project)   # a located error if the file is not UTF-8
    try:   # a plain, fast parse: this file is written by a command, so its lines need no error positions
        data = parse_plain_yaml(text, relative(path, project)) or {}
    except (yaml.YAMLError, RecursionError):
        data = load_yaml_file(path, project)   # the located loader says where the damage is
    if not isinstance(data, dict) or not all(isinstance(v, dict) for v in data.values()):
        raise ContentError(f"content/{FILE_NAME}", 1, 1, "expected 'page: {language: fingerprint}' lines",
                           "delete the file and confirm the translations again")
    return {str(name): {str(k): str(v) for k, v in langs.items()} for name, langs in data.items()}


def save(content_dir: Path, records: dict[str, dict[str, str]]) -> None:
    """Write the fingerprints in a stable order, so version control shows only real changes."""
    ordered = {name: dict(sorted(records[name].items())) for name in sorted(records)}
    header = ("# The source text each translation was last confirmed against.\n"
              "# Written by `python build.py translations --confirm PAGE`; do not edit by hand.\n")
    text = header + yaml.safe_dump(ordered, allow_unicode=True, sort_keys=False, default_flow_style=False)
    path = content_dir / FILE_NAME
    tmp = path.with_suffix(".yaml.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)
