"""The lock file: every library the project and its tests use is pinned, and CI and the Pages workflow install
with it."""

import re

import pytest

from conftest import ROOT

tomllib = pytest.importorskip("tomllib")  # Python 3.11 and later


def pins() -> dict[str, str]:
    """{normalised name: version} of constraints.txt."""
    found = {}
    for line in (ROOT / "constraints.txt").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            name, version = line.split("==")
            found[re.sub(r"[-_.]+", "-", name).lower()] = version
    return found


def requirement_names(requirements: list[str]) -> set[str]:
    """The distribution names of requirement strings such as "jinja2>=3.1"."""
    return {re.sub(r"[-_.]+", "-", re.match(r"[A-Za-z0-9._-]+", r).group(0)).lower() for r in requirements}


def test_every_dependency_and_test_extra_is_pinned_exactly():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted = requirement_names(project["dependencies"]) | requirement_names(project["optional-dependencies"]["test"])
    pinned = pins()
    assert wanted <= set(pinned), f"not in constraints.txt: {sorted(wanted - set(pinned))}"
    # The libraries whose versions decide the golden bytes (dates, Markdown, templates, sanitising).
    assert {"babel", "markdown", "jinja2", "markupsafe", "nh3", "pyyaml"} <= set(pinned)
    assert all(re.fullmatch(r"[0-9][0-9A-Za-z.+!-]*", v) for v in pinned.values())


def test_ci_and_the_pages_workflow_install_with_the_constraints():
    ci = (ROOT / ".ci/run").read_text(encoding="utf-8")
    workflow = (ROOT / ".github/workflows/pages.yml").read_text(encoding="utf-8")
    installs = [line for line in ci.splitlines() + workflow.splitlines() if re.search(r"\bpip install\b.* -e ", line)]
    assert len(installs) == 3, installs
    assert all("-c constraints.txt" in line for line in installs), installs
