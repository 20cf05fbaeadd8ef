"""The generator's salt: a hash of its own code, the libraries that shape its output and the Python running it.

Every cache key and the build record include it, so an upgrade of the generator or of a library can never
reuse what an older one made. Nothing heavy is imported: the no-change build hashes it before loading Jinja.
"""

from __future__ import annotations

import os
import re
import sys
from functools import cache
from pathlib import Path

from .. import __version__
from ..hashing import hash_values

FORMAT = "5"  # the build cache's layout: a new one discards every cache of an older layout
PACKAGE = Path(__file__).resolve().parent.parent  # the whole generator, not only this subpackage

LIBRARIES = ("jinja2", "markdown", "nh3", "babel", "pyyaml", "markupsafe")


@cache
def generator_salt() -> str:
    """A hash of the generator's own code, of the libraries that shape its output and of the Python running it."""
    versions = installed_versions()
    parts: list[object] = [FORMAT, __version__, sys.version]
    parts += [f"{name}={versions.get(name, '?')}" for name in LIBRARIES]
    for path in sorted(PACKAGE.rglob("*.py")):
        parts += [path.relative_to(PACKAGE).as_posix(), path.read_bytes()]
    return hash_values(*parts)


def installed_versions() -> dict[str, str]:
    """{distribution name: version} of what is installed on sys.path, read from the names of the .dist-info
    folders (the first found wins, as for imports). importlib.metadata says the same, but costs more to load
    than a no-change build takes in all."""
    found: dict[str, str] = {}
    for entry in sys.path:
        try:
            names = os.listdir(entry or ".")
        except OSError:
            continue
        for name in names:
            stem = name.rsplit(".", 1)[0]
            if name.endswith((".dist-info", ".egg-info")) and "-" in stem:
                project, version = stem.split("-", 2)[:2]
                found.setdefault(re.sub(r"[-_.]+", "_", project).lower(), version)
    return found
