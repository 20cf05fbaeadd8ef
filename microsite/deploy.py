"""Publishing site/ to a gh-pages branch with ghp-import, keeping the branch's history and its custom domain."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from . import __version__
from .builder import build
from .errors import ContentError


def _git(repo: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    """Run git in the project's repository."""
    result = subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True)
    if check and result.returncode != 0:
        raise ContentError(".", None, None, f"git {' '.join(args)} failed: {result.stderr.strip() or result.stdout}",
                           "check the remote's name or URL and your access to it")
    return result


def deploy(project: Path, remote: str = "origin", branch: str = "gh-pages", message: str | None = None,
           base_url: str | None = None) -> str:
    """Build strictly, then commit site/ on top of the remote branch and push it; return a one-line summary."""
    project = Path(project).resolve()
    for name, value in (("--remote", remote), ("--branch", branch)):
        if not value or value.startswith("-"):
            raise ContentError(".", None, None, f"invalid {name} {value!r}", "name a git remote, a URL or a branch")
    if _git(project, "rev-parse", "--show-toplevel", check=False).returncode != 0:
        raise ContentError(".", None, None, "the project is not a git repository",
                           "run `git init` and add a remote, or publish with the GitHub Actions workflow")
    result = build(project, strict=True, base_url=base_url)
    deployed_cname = _sync_branch(project, remote, branch)
    source = _git(project, "rev-parse", "--short", "HEAD", check=False).stdout.strip() or "an uncommitted tree"
    message = message or f"Deploy {source} with microsite {__version__}"
    command = [sys.executable, "-c", "import sys, ghp_import; sys.argv[0] = 'ghp-import'; ghp_import.main()",
               "--no-jekyll", "--push", "--remote", remote, "--branch", branch, "--message", message]
    if deployed_cname and not (result.out / "CNAME").exists():
        # A custom domain set in GitHub's settings lives only in the branch's CNAME: keep it on every deploy.
        command += ["--cname", deployed_cname]
    command.append(str(result.out))
    pushed = subprocess.run(command, cwd=project, capture_output=True, text=True)
    if pushed.returncode != 0:
        raise ContentError(".", None, None, f"publishing failed: {pushed.stderr.strip() or pushed.stdout.strip()}",
                           f"check that you may push to {remote}")
    return f"{result.summary()}\nPublished site/ to {remote} {branch}: {message}"


def _sync_branch(project: Path, remote: str, branch: str) -> str | None:
    """Point the local branch at the remote one, so the new commit extends its history; return its CNAME."""
    fetched = _git(project, "fetch", "--quiet", "--", remote, f"refs/heads/{branch}", check=False)
    if fetched.returncode != 0:
        if "couldn't find remote ref" in fetched.stderr or "could not find remote ref" in fetched.stderr.lower():
            return None   # the first deploy creates the branch
        raise ContentError(".", None, None, f"cannot reach {remote}: {fetched.stderr.strip()}",
                           "check the remote's name or URL (git remote -v)")
    _git(project, "update-ref", f"refs/heads/{branch}", "FETCH_HEAD")
    cname = _git(project, "show", "FETCH_HEAD:CNAME", check=False)
    return cname.stdout.strip() or None if cname.returncode == 0 else None
