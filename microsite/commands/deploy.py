"""Publishing site/ to a gh-pages branch with ghp-import, keeping the branch's history and its custom domain.

A deploy never harms the sources: it refuses any branch that is or shares history with them, never moves a local
branch backwards, pushes without force, and leaves everything as it was when the remote refuses the push.
"""

from __future__ import annotations

import contextlib
import os
import re
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import ghp_import

from .. import __version__
from ..builder import build
from ..config import load_config
from ..errors import ContentError
from ..inputs import INPUTS, is_editor_junk


@dataclass(frozen=True)
class RemoteBranch:
    """What the remote holds: its default branch (if it says) and the deploy branch's tip (if it exists)."""

    default: str | None
    tip: str | None


def _git(repo: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    """Run git in the project's repository."""
    try:
        result = subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True)
    except OSError as exc:
        raise ContentError(
            "git", None, None, f"cannot run git: {exc.strerror}", "install git and make sure it is on your PATH"
        ) from None
    if check and result.returncode != 0:
        raise ContentError(
            ".",
            None,
            None,
            f"git {printable(' '.join(args))} failed: {_last_line(result)}",
            "check the remote's name or URL and your access to it",
        )
    return result


def _last_line(result: subprocess.CompletedProcess[str]) -> str:
    """git's own explanation, on one line."""
    lines = [line.strip() for line in (result.stderr or result.stdout).splitlines() if line.strip()]
    return printable(lines[-1]) if lines else f"exit code {result.returncode}"


# C0 controls, DEL and C1 controls: in a terminal, ESC and CSI start sequences that move the cursor, rewrite the
# line or set the window title, so text a remote sends (hook output) could fake or hide what we say.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")


def printable(text: str) -> str:
    """Text from git or a remote with every control character replaced by U+FFFD, safe to print on one line."""
    return _CONTROL.sub("\ufffd", text)


def _commit(repo: Path, rev: str) -> str | None:
    """The commit a revision names, or None if there is none."""
    found = _git(repo, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{rev}^{{commit}}", check=False)
    return found.stdout.strip() or None if found.returncode == 0 else None


def deploy(
    project: Path,
    remote: str = "origin",
    branch: str = "gh-pages",
    message: str | None = None,
    base_url: str | None = None,
    allow_dirty: bool = False,
) -> str:
    """Build strictly, then commit site/ on top of the remote branch and push it; return a one-line summary."""
    project = Path(project).resolve()
    if not project.is_dir():
        raise ContentError(str(project), None, None, "no such folder", "pass --project the folder holding content/")
    _check_names(project, remote, branch)
    if _git(project, "rev-parse", "--show-toplevel", check=False).returncode != 0:
        raise ContentError(
            ".",
            None,
            None,
            "the project is not a git repository",
            "run `git init` and add a remote, or publish with the GitHub Actions workflow",
        )
    dirty = _uncommitted_inputs(project)
    if dirty and not allow_dirty:
        more = f" (and {len(dirty) - 1} more input files)" if len(dirty) > 1 else ""
        raise ContentError(
            dirty[0],
            None,
            None,
            f"differs from the last commit{more}",
            "commit the changes so the deployed site matches a commit, or deploy with --allow-dirty",
        )
    there = _remote_branch(project, remote, branch)
    _refuse_source_branch(project, remote, branch, there)
    address, why = published_address(project, remote, base_url)
    previous = _bring_local_branch_up(project, remote, branch, there.tip)
    result = build(project, strict=True, base_url=address)
    message = _commit_message(project, message, dirty)
    _commit_site(project, result.out, remote, branch, message, _kept_cname(project, branch, result.out), previous)
    _push(project, remote, branch, previous)
    return f"{why}\n{result.summary()}\nPublished site/ to {remote} {branch}: {message.splitlines()[0]}"


EXAMPLE_HOST = "example.github.io"  # the placeholder host of the shipped site.yaml and of `init`'s
_GITHUB = re.compile(
    r"^(?:https://(?:[^@/]+@)?github\.com/|ssh://git@github\.com/|git@github\.com:)"
    r"(?P<owner>[A-Za-z0-9-]+)/(?P<repo>[A-Za-z0-9._-]+?)(?:\.git)?/?$"
)


def published_address(project: Path, remote: str, base_url: str | None) -> tuple[str | None, str]:
    """The base URL to build the deployed site for, and a line saying where it came from: --base-url, else
    site.yaml's base_url, unless that is still the example: then GitHub Pages' address for the remote (the
    custom domain when site.yaml names a cname). Refuses, in one line, to publish the example's address."""
    if base_url:
        return base_url, f"Address: {base_url} (from --base-url)"
    config = load_config(project)
    if urlsplit(config.base_url).hostname != EXAMPLE_HOST:
        return None, f"Address: {config.base_url} (from content/site.yaml)"
    if config.cname:
        return f"https://{config.cname}/", f"Address: https://{config.cname}/ (site.yaml's cname)"
    # The address as written in the repository's settings (git's own insteadOf rewriting is for fetching).
    url = _git(project, "config", "--get", f"remote.{remote}.url", check=False).stdout.strip() or remote
    found = _GITHUB.match(url)
    if not found:
        raise ContentError(
            "content/site.yaml",
            config.base_url_line,
            None,
            f"base_url is still the example address {config.base_url}, and the remote {remote!r} is "
            "not a GitHub repository whose Pages address could be used instead",
            "write the site's address as base_url (or pass --base-url), then deploy again",
        )
    owner, repo = found["owner"], found["repo"]
    address = (
        f"https://{owner.lower()}.github.io/"
        if repo.lower() == f"{owner.lower()}.github.io"
        else f"https://{owner.lower()}.github.io/{repo}/"
    )
    return address, (
        f"Address: {address} (GitHub Pages' address for {remote}, since content/site.yaml still "
        "holds the example; write it there as base_url to make it explicit)"
    )


# git reads these names in .git/ before refs/heads/: a branch so named would shadow git's own pointer.
_PSEUDO_REFS = frozenset(
    {
        "HEAD",
        "ORIG_HEAD",
        "FETCH_HEAD",
        "MERGE_HEAD",
        "CHERRY_PICK_HEAD",
        "REVERT_HEAD",
        "BISECT_HEAD",
        "AUTO_MERGE",
        "REBASE_HEAD",
    }
)


def _check_names(project: Path, remote: str, branch: str) -> None:
    """Refuse a remote that git would take for an option, and anything that is not a plain branch name."""
    if not remote or remote.startswith("-"):
        raise ContentError(".", None, None, f"invalid --remote {remote!r}", "name a git remote or a URL")
    if branch in _PSEUDO_REFS or re.fullmatch(r"[A-Z0-9_-]*HEAD", branch):
        raise ContentError(
            "--branch",
            None,
            None,
            f"{branch!r} is not a plain branch name: git keeps a pointer of its own by that name",
            "name the branch GitHub Pages serves, such as gh-pages",
        )
    valid = _git(project, "check-ref-format", "--branch", branch, check=False)
    # check-ref-format also expands @{-1} and accepts refs/heads/x (which would make refs/heads/refs/heads/x).
    if valid.returncode != 0 or valid.stdout.strip() != branch or branch.startswith(("refs/", "-")):
        raise ContentError(
            "--branch",
            None,
            None,
            f"{branch!r} is not a plain branch name",
            "name the branch GitHub Pages serves, such as gh-pages",
        )


def _uncommitted_inputs(project: Path) -> list[str]:
    """Input files (content/, templates/, locales/, static/) that differ from the last commit, are new, or are
    ignored by git: the build reads and publishes ignored files too, so a commit does not describe them."""
    status = _git(
        project, "status", "--porcelain=v1", "-z", "--ignored=matching", "--untracked-files=all", "--", *INPUTS
    )
    entries = iter(status.stdout.split("\0"))
    changed = []
    for entry in entries:
        if entry:
            if entry[:2] != "!!" or not _unread(entry[3:]):
                changed.append(entry[3:])
            if entry[0] in "RC":
                next(entries, None)  # a rename's second name is its old one
    return sorted(changed)


def _unread(name: str) -> bool:
    """True for an ignored file the build neither reads nor publishes: editor junk, compiled .mo catalogs."""
    return any(is_editor_junk(part) for part in name.rstrip("/").split("/")) or name.endswith(".mo")


def _remote_branch(project: Path, remote: str, branch: str) -> RemoteBranch:
    """Ask the remote for its default branch and fetch the deploy branch's tip, if it has one."""
    listed = _git(project, "ls-remote", "--symref", "--", remote, "HEAD", f"refs/heads/{branch}", check=False)
    if listed.returncode != 0:
        raise ContentError(
            remote,
            None,
            None,
            f"cannot reach the remote: {_last_line(listed)}",
            "check the remote's name or URL (git remote -v) and your access to it",
        )
    default = tip = None
    for line in listed.stdout.splitlines():
        value, _, name = line.partition("\t")
        if value.startswith("ref: refs/heads/") and name == "HEAD":
            default = value[len("ref: refs/heads/") :]
        elif name == f"refs/heads/{branch}":
            tip = value
    if tip is not None:
        fetched = _git(project, "fetch", "--quiet", "--no-tags", "--", remote, f"refs/heads/{branch}", check=False)
        if fetched.returncode != 0:
            raise ContentError(
                remote,
                None,
                None,
                f"cannot fetch {branch}: {_last_line(fetched)}",
                "check the remote's name or URL (git remote -v) and your access to it",
            )
        tip = _commit(project, "FETCH_HEAD")
    return RemoteBranch(default, tip)


def _default_branches(project: Path, remote: str, there: RemoteBranch) -> set[str]:
    """The repository's default branch, as the remote or our origin/HEAD says; main and master when unknown."""
    known = {there.default} if there.default else set()
    local = _git(project, "symbolic-ref", "--quiet", f"refs/remotes/{remote}/HEAD", check=False).stdout.strip()
    if local.startswith(f"refs/remotes/{remote}/"):
        known.add(local[len(f"refs/remotes/{remote}/") :])
    return known or {"main", "master"}


def _refuse_source_branch(project: Path, remote: str, branch: str, there: RemoteBranch) -> None:
    """Refuse the current branch, the default branch, and any branch that shares history with the sources."""
    hint = "deploy to a branch that holds only the built site, such as gh-pages (the default)"
    current = _git(project, "symbolic-ref", "--quiet", "--short", "HEAD", check=False).stdout.strip()
    if branch == current:
        raise ContentError("--branch", None, None, f"{branch} is the branch you are working on", hint)
    if branch in _default_branches(project, remote, there):
        raise ContentError("--branch", None, None, f"{branch} is the default branch of {remote}", hint)
    head = _commit(project, "HEAD")
    local = _commit(project, f"refs/heads/{branch}")
    for where, tip in ((f"{remote}'s {branch}", there.tip), (f"your {branch}", local)):
        common = _git(project, "merge-base", tip, head, check=False) if tip and head else None
        if common is not None and common.returncode == 0:
            raise ContentError(
                "--branch",
                None,
                None,
                f"{where} shares history with your sources (commit {common.stdout.strip()[:12]})",
                hint,
            )


def _bring_local_branch_up(project: Path, remote: str, branch: str, tip: str | None) -> str | None:
    """Fast-forward the local branch to the remote's tip, refusing to drop local commits; return where it points."""
    ref = f"refs/heads/{branch}"
    local = _commit(project, ref)
    if local is not None and local != tip:
        if tip is None or _git(project, "merge-base", "--is-ancestor", local, tip, check=False).returncode != 0:
            ahead = _git(project, "rev-list", "--count", local, *([f"^{tip}"] if tip else [])).stdout.strip()
            commits = "1 commit" if ahead == "1" else f"{ahead} commits"
            raise ContentError(
                f"branch {branch}",
                None,
                None,
                f"your local {branch} has {commits} that {remote} lacks",
                f"push {'it' if ahead == '1' else 'them'} (git push {remote} {branch}) or, if not "
                f"needed, delete the local branch (git branch -D {branch}); deploy never drops commits",
            )
    if tip is not None and local != tip:
        # The old value makes git refuse if the branch moved meanwhile: this only ever fast-forwards.
        _git(project, "update-ref", "-m", "deploy: fast-forward to the remote", ref, tip, local or "")
    _check_tracking_ref(project, remote, branch, tip)
    return tip


def _check_tracking_ref(project: Path, remote: str, branch: str, tip: str | None) -> None:
    """Refuse a stale REMOTE/BRANCH: ghp-import resets the local branch to it before committing."""
    tracked = _commit(project, f"{remote}/{branch}")
    if tracked is not None and tracked != tip:
        raise ContentError(
            f"{remote}/{branch}",
            None,
            None,
            f"points to {tracked[:12]}, not to what {remote} holds ({tip[:12] if tip else 'nothing'})",
            f"run `git fetch --prune {remote}`, then deploy again",
        )


def _commit_message(project: Path, message: str | None, dirty: list[str]) -> str:
    """The message given, or one naming the source commit; a dirty tree says so and lists what was uncommitted."""
    source = (_commit(project, "HEAD") or "")[:7] or "an uncommitted tree"
    message = message or f"Deploy {source} with microsite {__version__}"
    if not dirty:
        return message
    listed = "\n".join(dirty[:20]) + (f"\n… and {len(dirty) - 20} more" if len(dirty) > 20 else "")
    return f"{message} (with uncommitted changes)\n\nUncommitted input files:\n{listed}"


def _kept_cname(project: Path, branch: str, site: Path) -> str | None:
    """The custom domain set in GitHub's settings (the branch's CNAME), unless the site writes its own."""
    if (site / "CNAME").exists():
        return None
    cname = _git(project, "show", f"refs/heads/{branch}:CNAME", check=False)
    return cname.stdout.strip() or None if cname.returncode == 0 else None


def _commit_site(
    project: Path, site: Path, remote: str, branch: str, message: str, cname: str | None, previous: str | None
) -> None:
    """Commit site/ on top of the local branch with ghp-import's Python interface (it does not push here)."""
    here = os.getcwd()
    os.chdir(project)  # ghp-import runs git in the current folder
    try:
        with _git_stderr() as said:
            ghp_import.ghp_import(
                str(site.resolve()), remote=remote, branch=branch, mesg=message, push=False, nojekyll=True, cname=cname
            )
    except ghp_import.GhpError as exc:
        raise ContentError(
            f"branch {branch}",
            None,
            None,
            f"committing site/ failed: {printable(exc.message)}",
            "check the repository with `git status` and `git fsck`",
        ) from None
    except TypeError:
        # ghp-import 2.1 reports a failed `git fast-import` by writing bytes to sys.stdout, which raises this.
        raise ContentError(
            f"branch {branch}",
            None,
            None,
            f"committing site/ failed: {said() or 'git fast-import'}",
            "check that no other git command is running in this repository",
        ) from None
    finally:
        os.chdir(here)
    _check_parent(project, branch, previous)


@contextlib.contextmanager
def _git_stderr() -> Iterator[Callable[[], str]]:
    """Catch what ghp-import's git commands write to stderr (they inherit it), so a failure stays one line."""
    sys.stderr.flush()
    saved = os.dup(2)
    with tempfile.TemporaryFile() as caught:
        os.dup2(caught.fileno(), 2)
        first_line: list[str] = []
        try:
            yield lambda: first_line[0] if first_line else ""
        finally:
            os.dup2(saved, 2)
            os.close(saved)
            caught.seek(0)
            lines = [line.strip() for line in caught.read().decode(errors="replace").splitlines() if line.strip()]
            first_line.extend(printable(re.sub(r"^(error|fatal): ", "", line)) for line in lines[:1])


def _check_parent(project: Path, branch: str, previous: str | None) -> None:
    """Make sure the new commit sits right on top of the remote's tip (ghp-import picks the parent by name)."""
    ref = f"refs/heads/{branch}"
    new = _commit(project, ref)
    parents = _git(project, "rev-list", "--parents", "--max-count=1", new or ref, "--", check=False).stdout.split()
    if new is None or new == previous or parents[1:] != ([previous] if previous else []):
        if new is not None and new != previous:
            _restore(project, ref, previous, new)
        raise ContentError(
            f"branch {branch}",
            None,
            None,
            f"ghp-import did not commit on top of the remote's {branch}; nothing was published",
            f"check for a tag or other ref named {branch}",
        )


def _push(project: Path, remote: str, branch: str, previous: str | None) -> None:
    """Push the new commit without force; if the remote refuses, put the local branch back as it was."""
    ref = f"refs/heads/{branch}"
    pushed = _git(project, "push", "--porcelain", "--", remote, f"{ref}:{ref}", check=False)
    if pushed.returncode == 0:
        return
    # Only the commit this deploy made is taken back; a later deploy then starts from the remote again.
    _restore(project, ref, previous, _commit(project, ref))
    refused = any(line.startswith("!") for line in pushed.stdout.splitlines())
    raise ContentError(
        remote,
        None,
        None,
        f"{'refused the push' if refused else 'could not push'} to {branch} "
        f"({_push_reason(pushed)}); nothing was published",
        f"check that you may push to {branch} on {remote}",
    )


def _restore(project: Path, ref: str, previous: str | None, new: str | None) -> None:
    """Point ref back to where it was before this deploy, only if it still holds the commit the deploy made."""
    if new is not None and new != previous:
        undo = ("update-ref", ref, previous, new) if previous else ("update-ref", "-d", ref, new)
        _git(project, *undo, check=False)


def _push_reason(pushed: subprocess.CompletedProcess[str]) -> str:
    """Why git push failed, on one line: the remote's reason and the first thing its hook said."""
    said = next(
        (
            line[len("remote:") :].strip()
            for line in pushed.stderr.splitlines()
            if line.startswith("remote:") and line[len("remote:") :].strip()
        ),
        "",
    )
    # --porcelain prints one line per ref on stdout: "!\tLOCAL:REMOTE\t[remote rejected] (reason)".
    summary = next((line.split("\t")[-1] for line in pushed.stdout.splitlines() if line.startswith("!")), "")
    found = re.fullmatch(r"\[(.*?)\]\s*(?:\((.*)\))?", summary)
    reason = (found[2] or found[1]) if found else summary or _last_line(pushed)
    return printable(f"{reason}: {said}" if said else reason)
