"""Deploy never harms the sources: real repositories, a real bare remote, a real pre-receive hook."""

import subprocess
import sys

import pytest

from conftest import ROOT, Result, run_cli, write


def git(cwd, *args, check=True):
    return subprocess.run(["git", *args], cwd=cwd, check=check, capture_output=True, text=True).stdout.strip()


def tip(repo, ref):
    """The commit a ref points to, or None."""
    found = subprocess.run(["git", "rev-parse", "--verify", "--quiet", ref], cwd=repo, capture_output=True, text=True)
    return found.stdout.strip() or None


def one_line(result):
    """The CLI failed with exit 1 and exactly one line, no traceback; return it."""
    assert result.code == 1, result.out + result.err
    assert "Traceback" not in result.err and len(result.err.strip().splitlines()) == 1, result.err
    return result.err.strip()


@pytest.fixture(autouse=True)
def identity(monkeypatch, tmp_path):
    """A git identity of its own, and no user or system git settings."""
    empty = tmp_path / "gitconfig"
    empty.write_text("")
    for key, value in {
        "GIT_AUTHOR_NAME": "Test Editor",
        "GIT_AUTHOR_EMAIL": "editor@example.org",
        "GIT_COMMITTER_NAME": "Test Editor",
        "GIT_COMMITTER_EMAIL": "editor@example.org",
        "GIT_CONFIG_GLOBAL": str(empty),
        "GIT_CONFIG_NOSYSTEM": "1",
    }.items():
        monkeypatch.setenv(key, value)


@pytest.fixture
def project(tiny, tmp_path):
    """The tiny site (complete, so --strict passes) committed on main, with a bare remote as origin."""
    # The fixture's notes page has no French translation, which --strict refuses: give it one.
    write(tiny / "content/pages/notes.fr.md", "---\ntitle: Notes\n---\nCette page est traduite.\n")
    assert run_cli(tiny, "translations", "--confirm", "notes").code == 0
    remote = tmp_path / "remote.git"
    git(tmp_path, "init", "--quiet", "--bare", "-b", "main", str(remote))
    git(tiny, "init", "--quiet", "-b", "main")
    git(tiny, "add", "-A")
    git(tiny, "commit", "--quiet", "-m", "sources")
    git(tiny, "remote", "add", "origin", str(remote))
    git(tiny, "push", "--quiet", "origin", "main")
    return tiny, remote


def test_a_deploy_publishes_and_the_next_builds_on_it(project):
    tiny, remote = project
    first = run_cli(tiny, "deploy")
    assert first.code == 0, first.err
    assert "index.html" in git(remote, "ls-tree", "--name-only", "gh-pages")
    assert run_cli(tiny, "deploy", "--message", "again").code == 0
    assert git(remote, "log", "--format=%s", "gh-pages").splitlines()[0] == "again"
    assert tip(tiny, "refs/heads/gh-pages") == tip(remote, "refs/heads/gh-pages")
    assert git(tiny, "merge-base", "gh-pages", "main", check=False) == ""  # the site's history is its own


def test_deploy_refuses_the_current_branch(project):
    tiny, remote = project
    git(tiny, "checkout", "--quiet", "-b", "work")
    git(tiny, "commit", "--quiet", "--allow-empty", "-m", "unpushed work")
    before = tip(tiny, "refs/heads/work")
    line = one_line(run_cli(tiny, "deploy", "--branch", "work"))
    assert "--branch" in line and "work is the branch you are working on" in line
    assert tip(tiny, "refs/heads/work") == before and tip(remote, "refs/heads/work") is None


def test_deploy_refuses_the_default_branch(project):
    tiny, remote = project
    git(tiny, "commit", "--quiet", "--allow-empty", "-m", "unpushed commit on main")
    unpushed = tip(tiny, "refs/heads/main")
    git(tiny, "checkout", "--quiet", "--orphan", "elsewhere")  # not on main any more
    git(tiny, "commit", "--quiet", "-m", "another line of history")
    line = one_line(run_cli(tiny, "deploy", "--branch", "main", "--allow-dirty"))
    assert "main is the default branch of origin" in line
    assert tip(tiny, "refs/heads/main") == unpushed
    assert git(remote, "log", "--format=%s", "main") == "sources"


@pytest.mark.parametrize("branch", ["main", "master"])
def test_main_and_master_are_refused_when_the_default_is_unknown(project, tmp_path, branch):
    tiny, _ = project
    unknown = tmp_path / "unknown.git"
    git(tmp_path, "init", "--quiet", "--bare", str(unknown))
    git(unknown, "symbolic-ref", "HEAD", "refs/heads/nothing-yet")  # a remote whose HEAD names no branch
    git(tiny, "checkout", "--quiet", "--orphan", "elsewhere")
    git(tiny, "commit", "--quiet", "-m", "another line of history")
    line = one_line(run_cli(tiny, "deploy", "--remote", str(unknown), "--branch", branch))
    assert f"{branch} is the default branch" in line
    assert git(unknown, "for-each-ref") == ""


@pytest.mark.parametrize("branch", ["@{-1}", "a..b", "refs/heads/pages", "two words", "pages.lock", "-f"])
def test_deploy_refuses_what_is_not_a_branch_name(project, branch):
    tiny, remote = project
    before = git(tiny, "for-each-ref")
    assert one_line(run_cli(tiny, "deploy", f"--branch={branch}")) == (
        f"error: --branch: {branch!r} is not a plain branch name — name the branch GitHub Pages serves, "
        "such as gh-pages"
    )
    assert git(tiny, "for-each-ref") == before and tip(tiny, f"refs/heads/{branch}") is None
    assert git(remote, "for-each-ref", "--format=%(refname)") == "refs/heads/main"


def test_deploy_refuses_a_remote_branch_that_shares_history_with_the_sources(project):
    tiny, remote = project
    git(tiny, "push", "--quiet", "origin", "main:docs")  # e.g. a docs branch made from the sources
    line = one_line(run_cli(tiny, "deploy", "--branch", "docs"))
    assert "origin's docs shares history with your sources" in line
    assert tip(remote, "refs/heads/docs") == tip(tiny, "refs/heads/main") and tip(tiny, "refs/heads/docs") is None


def test_deploy_refuses_a_local_branch_that_shares_history_with_the_sources(project):
    tiny, remote = project
    git(tiny, "branch", "feature")
    git(tiny, "checkout", "--quiet", "--orphan", "elsewhere")
    git(tiny, "commit", "--quiet", "-m", "another line of history")
    git(tiny, "checkout", "--quiet", "main")
    line = one_line(run_cli(tiny, "deploy", "--branch", "feature"))
    assert "your feature shares history with your sources" in line
    assert tip(tiny, "refs/heads/feature") == tip(tiny, "refs/heads/main") and tip(remote, "refs/heads/feature") is None


def test_local_commits_the_remote_lacks_are_never_dropped(project, tmp_path):
    tiny, remote = project
    assert run_cli(tiny, "deploy").code == 0
    published = tip(remote, "refs/heads/gh-pages")
    # Someone commits on the local gh-pages and has not pushed yet.
    tree = git(tiny, "rev-parse", "gh-pages^{tree}")
    local = git(tiny, "commit-tree", tree, "-p", "gh-pages", "-m", "a local fix, not pushed")
    git(tiny, "update-ref", "refs/heads/gh-pages", local)
    line = one_line(run_cli(tiny, "deploy"))
    assert "your local gh-pages has 1 commit that origin lacks" in line and "git push origin gh-pages" in line
    assert tip(tiny, "refs/heads/gh-pages") == local and tip(remote, "refs/heads/gh-pages") == published


def test_a_local_branch_the_remote_does_not_have_is_kept(project, tmp_path):
    tiny, remote = project
    other = tmp_path / "other.git"
    git(tmp_path, "init", "--quiet", "--bare", "-b", "main", str(other))
    assert run_cli(tiny, "deploy", "--remote", str(other)).code == 0  # a local gh-pages now exists
    kept = tip(tiny, "refs/heads/gh-pages")
    line = one_line(run_cli(tiny, "deploy"))  # origin has no gh-pages
    assert "has 1 commit that origin lacks" in line
    assert tip(tiny, "refs/heads/gh-pages") == kept and tip(remote, "refs/heads/gh-pages") is None


def test_a_local_branch_behind_the_remote_is_fast_forwarded(project, tmp_path):
    tiny, remote = project
    assert run_cli(tiny, "deploy").code == 0
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "--quiet", "--branch", "gh-pages", str(remote), str(clone))
    write(clone / "CNAME", "event.example.org\n")
    git(clone, "add", "CNAME")
    git(clone, "commit", "--quiet", "-m", "custom domain")
    git(clone, "push", "--quiet", "origin", "gh-pages")
    theirs = tip(remote, "refs/heads/gh-pages")
    assert run_cli(tiny, "deploy").code == 0
    assert git(remote, "rev-parse", "gh-pages^") == theirs
    assert git(remote, "show", "gh-pages:CNAME") == "event.example.org"
    assert tip(tiny, "refs/heads/gh-pages") == tip(remote, "refs/heads/gh-pages")


@pytest.mark.parametrize("change", ["edit", "new", "delete"])
def test_uncommitted_inputs_are_refused_unless_allowed(project, change):
    tiny, remote = project
    page = tiny / "content/pages/index.fr.md"
    if change == "edit":
        page.write_text(page.read_text(encoding="utf-8") + "\nPas encore commité.\n", encoding="utf-8")
        name = "content/pages/index.fr.md"
    elif change == "new":
        write(tiny / "static/extra.txt", "not committed\n")
        name = "static/extra.txt"
    else:
        (tiny / "static/style.css").unlink()
        name = "static/style.css"
    line = one_line(run_cli(tiny, "deploy"))
    assert line.startswith(f"error: {name}: differs from the last commit") and "--allow-dirty" in line
    assert tip(remote, "refs/heads/gh-pages") is None and tip(tiny, "refs/heads/gh-pages") is None
    result = run_cli(tiny, "deploy", "--allow-dirty")
    assert result.code == 0, result.err
    subject, _, body = git(remote, "log", "-1", "--format=%s%n%b", "gh-pages").partition("\n")
    assert subject.endswith("(with uncommitted changes)") and name in body
    assert "(with uncommitted changes)" in result.out


def test_output_and_cache_do_not_make_the_tree_dirty(project):
    tiny, remote = project
    assert run_cli(tiny).code == 0  # site/ and .cache/ exist now
    result = run_cli(tiny, "deploy")
    assert result.code == 0, result.err
    assert "uncommitted" not in git(remote, "log", "-1", "--format=%B", "gh-pages")


@pytest.fixture
def refusing(project):
    """The remote's pre-receive hook refuses every push."""
    tiny, remote = project
    hook = remote / "hooks/pre-receive"
    hook.write_text("#!/bin/sh\necho 'deploys are frozen until Monday' >&2\nexit 1\n")
    hook.chmod(0o755)
    return tiny, remote


def test_a_rejected_first_push_is_one_line_and_leaves_nothing_behind(refusing):
    tiny, remote = refusing
    line = one_line(run_cli(tiny, "deploy"))
    assert line.startswith("error: origin: refused the push to gh-pages")
    assert "pre-receive hook declined" in line and "deploys are frozen until Monday" in line
    assert tip(tiny, "refs/heads/gh-pages") is None and tip(remote, "refs/heads/gh-pages") is None
    (remote / "hooks/pre-receive").unlink()
    assert run_cli(tiny, "deploy").code == 0  # nothing left over blocks the next deploy
    assert len(git(remote, "log", "--format=%s", "gh-pages").splitlines()) == 1


def test_a_rejected_later_push_puts_the_local_branch_back(project):
    tiny, remote = project
    assert run_cli(tiny, "deploy").code == 0
    published = tip(remote, "refs/heads/gh-pages")
    hook = remote / "hooks/pre-receive"
    hook.write_text("#!/bin/sh\nexit 1\n")
    hook.chmod(0o755)
    line = one_line(run_cli(tiny, "deploy", "--message", "blocked"))
    assert "refused the push to gh-pages (pre-receive hook declined)" in line
    assert tip(tiny, "refs/heads/gh-pages") == published == tip(remote, "refs/heads/gh-pages")


def test_a_rejected_push_shows_the_traceback_with_debug(refusing):
    tiny, _ = refusing
    result = run_cli(tiny, "deploy", "--debug")
    assert result.code == 1 and "Traceback" in result.err


def test_a_stale_remote_tracking_branch_is_refused(project):
    tiny, remote = project
    assert run_cli(tiny, "deploy").code == 0
    git(remote, "branch", "-D", "gh-pages")  # deleted on the remote; origin/gh-pages still names it here
    git(tiny, "branch", "-D", "gh-pages")
    line = one_line(run_cli(tiny, "deploy"))
    assert line.startswith("error: origin/gh-pages: points to") and "git fetch --prune origin" in line
    assert tip(remote, "refs/heads/gh-pages") is None and tip(tiny, "refs/heads/gh-pages") is None


def test_a_tag_named_like_the_branch_cannot_put_the_sources_in_its_history(project):
    tiny, remote = project
    git(tiny, "tag", "gh-pages")  # ghp-import finds the parent by name: the tag (a source commit) comes first
    line = one_line(run_cli(tiny, "deploy"))
    assert "nothing was published" in line
    assert tip(remote, "refs/heads/gh-pages") is None and tip(tiny, "refs/heads/gh-pages") is None


def test_a_locked_branch_is_one_line(project):
    tiny, remote = project
    (tiny / ".git/refs/heads").mkdir(parents=True, exist_ok=True)
    (tiny / ".git/refs/heads/gh-pages.lock").write_text("")  # left by a git that crashed
    # A real process: git's own messages go to the process's stderr, which run_cli does not see.
    ran = subprocess.run(
        [sys.executable, str(ROOT / "build.py"), "--project", str(tiny), "deploy"], capture_output=True, text=True
    )
    line = one_line(Result(ran.returncode, ran.stdout, ran.stderr))
    assert "committing site/ failed: cannot lock ref 'refs/heads/gh-pages'" in line and "gh-pages.lock" in line
    assert tip(remote, "refs/heads/gh-pages") is None


def test_a_missing_project_folder_is_one_line(tmp_path):
    line = one_line(run_cli(tmp_path / "nowhere", "deploy"))
    assert "nowhere: no such folder" in line


@pytest.mark.parametrize(
    "branch",
    [
        "HEAD",
        "ORIG_HEAD",
        "FETCH_HEAD",
        "MERGE_HEAD",
        "CHERRY_PICK_HEAD",
        "REVERT_HEAD",
        "BISECT_HEAD",
        "AUTO_MERGE",
        "REBASE_HEAD",
        "MY_OWN_HEAD",
    ],
)
def test_deploy_refuses_the_names_of_gits_own_pointers(project, branch):
    tiny, remote = project
    before = git(tiny, "for-each-ref")
    assert one_line(run_cli(tiny, "deploy", f"--branch={branch}")) == (
        f"error: --branch: {branch!r} is not a plain branch name: git keeps a pointer of its own by that name — "
        "name the branch GitHub Pages serves, such as gh-pages"
    )
    assert git(tiny, "for-each-ref") == before and tip(tiny, f"refs/heads/{branch}") is None
    assert git(remote, "for-each-ref", "--format=%(refname)") == "refs/heads/main"


def test_names_that_merely_contain_head_are_still_branches(project):
    tiny, remote = project
    result = run_cli(tiny, "deploy", "--branch=pages-HEAD-x")
    assert result.code == 0, result.err
    assert tip(remote, "refs/heads/pages-HEAD-x") is not None


def test_gitignored_inputs_make_the_tree_dirty(project):
    tiny, remote = project
    write(tiny / ".gitignore", "static/draft*\nstatic/private/\n*.mo\n*~\n")
    git(tiny, "add", ".gitignore")
    git(tiny, "commit", "--quiet", "-m", "ignore drafts")
    git(tiny, "push", "--quiet", "origin", "main")
    write(tiny / "content/pages/index.fr.md~", "an editor's backup, never read\n")  # ignored and not published
    assert run_cli(tiny, "i18n", "compile").code == 0  # locales/*/LC_MESSAGES/messages.mo: ignored, not published
    write(tiny / "static/draft-programme.txt", "not for the public yet\n")
    write(tiny / "static/private/plan.txt", "not for the public\n")
    line = one_line(run_cli(tiny, "deploy"))
    assert line.startswith("error: static/draft-programme.txt: differs from the last commit (and 1 more input files)")
    assert "--allow-dirty" in line and tip(remote, "refs/heads/gh-pages") is None
    result = run_cli(tiny, "deploy", "--allow-dirty")
    assert result.code == 0, result.err
    body = git(remote, "log", "-1", "--format=%s%n%b", "gh-pages")
    assert "(with uncommitted changes)" in body and "static/draft-programme.txt" in body
    assert "static/private/" in body and ".mo" not in body and "~" not in body


def test_control_characters_from_the_remote_never_reach_the_terminal(project):
    tiny, remote = project
    hook = remote / "hooks/pre-receive"
    # ESC sequences that would clear the screen and set the title, a CR that would rewrite the line, a C1 CSI.
    hook.write_bytes(b"#!/bin/sh\nprintf 'frozen\\033[2J\\033]0;pwned\\007 \\302\\233m ok\\rfake\\n' >&2\nexit 1\n")
    hook.chmod(0o755)
    result = run_cli(tiny, "deploy")
    line = one_line(result)
    assert "refused the push" in line and "frozen\ufffd[2J\ufffd]0;pwned\ufffd \ufffdm ok" in line
    assert not any(ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F for c in result.err.rstrip("\n")), repr(result.err)


def as_shipped(tiny):
    """Give site.yaml the example address the generator ships with, committed."""
    site = tiny / "content/site.yaml"
    site.write_text(site.read_text().replace("https://tiny.example/repo/", "https://example.github.io/microsite/"))
    git(tiny, "commit", "--quiet", "-am", "the example address, as shipped")


def on_github(tiny, remote, owner_repo):
    """Make origin a GitHub address (as a clone of GitHub has) that git rewrites to the local bare remote."""
    url = f"https://github.com/{owner_repo}.git"
    git(tiny, "remote", "set-url", "origin", url)
    git(tiny, "config", f"url.{remote}.insteadOf", url)
    as_shipped(tiny)


@pytest.mark.parametrize(
    ("owner_repo", "address"),
    [
        ("Owner/event-site", "https://owner.github.io/event-site/"),
        ("Owner/owner.github.io", "https://owner.github.io/"),
    ],
)
def test_deploy_never_publishes_the_example_address(project, owner_repo, address):
    tiny, remote = project
    on_github(tiny, remote, owner_repo)
    result = run_cli(tiny, "deploy")
    assert result.code == 0, result.err
    assert f"Address: {address} (GitHub Pages' address for origin" in result.out
    git(remote, "--work-tree", str(tiny / "site"), "checkout", "gh-pages", "--", ".")
    home = (tiny / "site/vi/index.html").read_text(encoding="utf-8")
    assert "example.github.io" not in home and f'href="{address}vi/"' in home


def test_a_cname_is_the_published_address(project):
    tiny, remote = project
    on_github(tiny, remote, "Owner/event-site")
    site = tiny / "content/site.yaml"
    site.write_text(site.read_text() + "cname: event.example.org\n")
    git(tiny, "commit", "--quiet", "-am", "a custom domain")
    result = run_cli(tiny, "deploy")
    assert result.code == 0 and "Address: https://event.example.org/ (site.yaml's cname)" in result.out


def test_the_example_address_with_a_remote_elsewhere_is_refused_in_one_line(project):
    tiny, remote = project
    as_shipped(tiny)
    assert one_line(run_cli(tiny, "deploy")) == (
        "error: content/site.yaml:2: base_url is still the example address https://example.github.io/microsite/, "
        "and the remote 'origin' is not a GitHub repository whose Pages address could be used instead — write "
        "the site's address as base_url (or pass --base-url), then deploy again"
    )
    assert tip(remote, "refs/heads/gh-pages") is None
