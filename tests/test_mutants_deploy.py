"""Tests that kill deploy.py's surviving mutants (README, "Mutation testing"), on real repositories with a real
bare remote like tests/test_deploy_safety.py; each was seen to fail with its mutant applied."""

import pytest

import test_deploy_safety
from conftest import run_cli, write
from test_deploy_safety import git, one_line, tip

# The fixtures of test_deploy_safety.py: a git identity of the test's own, the tiny site with a bare remote.
identity, project = test_deploy_safety.identity, test_deploy_safety.project


def test_a_push_that_cannot_reach_the_remote_says_so_and_takes_the_commit_back(project, tmp_path):
    """The remote answers ls-remote but its push address is wrong: git's own last line is shown, the local branch
    the deploy made is removed again, and the next deploy (push address fixed) starts from nothing."""
    tiny, remote = project
    git(tiny, "remote", "set-url", "--push", "origin", str(tmp_path / "nowhere.git"))
    line = one_line(run_cli(tiny, "deploy"))
    assert line == (
        "error: origin: could not push to gh-pages (and the repository exists.); nothing was "
        "published — check that you may push to gh-pages on origin"
    )
    assert tip(tiny, "refs/heads/gh-pages") is None and tip(remote, "refs/heads/gh-pages") is None
    git(tiny, "remote", "set-url", "--push", "origin", str(remote))
    assert run_cli(tiny, "deploy").code == 0
    assert len(git(remote, "log", "--format=%s", "gh-pages").splitlines()) == 1


def test_a_later_push_that_cannot_reach_the_remote_puts_the_branch_back(project, tmp_path):
    tiny, remote = project
    assert run_cli(tiny, "deploy").code == 0
    published = tip(remote, "refs/heads/gh-pages")
    git(tiny, "remote", "set-url", "--push", "origin", str(tmp_path / "nowhere.git"))
    assert "could not push to gh-pages" in one_line(run_cli(tiny, "deploy", "--message", "lost"))
    assert tip(tiny, "refs/heads/gh-pages") == published == tip(remote, "refs/heads/gh-pages")


def test_two_local_commits_the_remote_lacks_are_counted(project):
    tiny, _ = project
    assert run_cli(tiny, "deploy").code == 0
    tree = git(tiny, "rev-parse", "gh-pages^{tree}")
    for message in ("a local fix", "another"):
        local = git(tiny, "commit-tree", tree, "-p", "gh-pages", "-m", message)
        git(tiny, "update-ref", "refs/heads/gh-pages", local)
    line = one_line(run_cli(tiny, "deploy"))
    assert line == (
        "error: branch gh-pages: your local gh-pages has 2 commits that origin lacks — push them "
        "(git push origin gh-pages) or, if not needed, delete the local branch (git branch -D gh-pages); "
        "deploy never drops commits"
    )


def test_a_deploy_from_a_clone_without_the_branch_builds_on_the_remote(project):
    """No local gh-pages (a fresh clone): the remote's is fetched, and the new commit sits on top of it."""
    tiny, remote = project
    assert run_cli(tiny, "deploy").code == 0
    first = tip(remote, "refs/heads/gh-pages")
    git(tiny, "branch", "-D", "gh-pages")
    git(tiny, "update-ref", "-d", "refs/remotes/origin/gh-pages")
    result = run_cli(tiny, "deploy", "--message", "second")
    assert result.code == 0, result.err
    assert git(remote, "rev-parse", "gh-pages^") == first
    assert tip(tiny, "refs/heads/gh-pages") == tip(remote, "refs/heads/gh-pages")


def test_an_editors_lock_file_deep_in_the_inputs_does_not_make_the_tree_dirty(project):
    """Emacs leaves .#NAME beside a file it edits: ignored by git and never read, so not "uncommitted"."""
    tiny, remote = project
    write(tiny / ".gitignore", ".#*\n")
    git(tiny, "add", ".gitignore")
    git(tiny, "commit", "--quiet", "-m", "ignore lock files")
    write(tiny / "content/pages/talks/.#da-nang.vi.md", "editor@host.1234\n")
    result = run_cli(tiny, "deploy")
    assert result.code == 0, result.err
    assert "uncommitted" not in git(remote, "log", "-1", "--format=%B", "gh-pages")


def test_one_local_commit_the_remote_lacks_is_named_in_the_singular(project):
    tiny, _ = project
    assert run_cli(tiny, "deploy").code == 0
    local = git(tiny, "commit-tree", git(tiny, "rev-parse", "gh-pages^{tree}"), "-p", "gh-pages", "-m", "a fix")
    git(tiny, "update-ref", "refs/heads/gh-pages", local)
    assert one_line(run_cli(tiny, "deploy")) == (
        "error: branch gh-pages: your local gh-pages has 1 commit that origin lacks — push it (git push origin "
        "gh-pages) or, if not needed, delete the local branch (git branch -D gh-pages); deploy never drops commits"
    )


def test_an_ignored_file_is_junk_only_by_its_real_name(project):
    """notes.tmpX is not a .tmp file: ignored by git but published, so it makes the tree dirty."""
    tiny, _ = project
    write(tiny / ".gitignore", "*.tmpX\n")
    git(tiny, "add", ".gitignore")
    git(tiny, "commit", "--quiet", "-m", "ignore")
    write(tiny / "static/notes.tmpX", "published, never committed\n")
    assert one_line(run_cli(tiny, "deploy")).startswith("error: static/notes.tmpX: differs from the last commit")


def test_a_stale_remote_tracking_branch_is_named_with_both_commits(project):
    """origin/gh-pages (not updated by this clone's fetch settings) left on an older deploy: both commits are named
    by their first 12 characters; with the remote's branch gone, "nothing"."""
    tiny, remote = project
    assert run_cli(tiny, "deploy").code == 0
    older = tip(remote, "refs/heads/gh-pages")
    assert run_cli(tiny, "deploy", "--message", "newer").code == 0
    newer = tip(remote, "refs/heads/gh-pages")
    git(tiny, "config", "remote.origin.fetch", "+refs/heads/main:refs/remotes/origin/main")
    git(tiny, "update-ref", "refs/remotes/origin/gh-pages", older)
    assert one_line(run_cli(tiny, "deploy")) == (
        f"error: origin/gh-pages: points to {older[:12]}, not to what origin holds ({newer[:12]}) — run "
        "`git fetch --prune origin`, then deploy again"
    )
    git(remote, "branch", "-D", "gh-pages")
    git(tiny, "branch", "-D", "gh-pages")
    assert one_line(run_cli(tiny, "deploy")) == (
        f"error: origin/gh-pages: points to {older[:12]}, not to what origin holds (nothing) — run "
        "`git fetch --prune origin`, then deploy again"
    )


def test_the_commit_message_names_the_source_commit_and_the_generator(project):
    from microsite import __version__

    tiny, remote = project
    assert run_cli(tiny, "deploy").code == 0
    source = tip(tiny, "refs/heads/main")
    assert git(remote, "log", "-1", "--format=%B", "gh-pages") == f"Deploy {source[:7]} with microsite {__version__}"


@pytest.mark.parametrize("count", [20, 21])
def test_a_long_list_of_uncommitted_files_is_cut_after_twenty(project, count):
    tiny, remote = project
    for number in range(count):
        write(tiny / f"static/new-{number:02}.txt", "not committed\n")
    result = run_cli(tiny, "deploy", "--allow-dirty", "--message", "many")
    assert result.code == 0, result.err
    listed = "\n".join(f"static/new-{number:02}.txt" for number in range(20))
    assert git(remote, "log", "-1", "--format=%B", "gh-pages") == (
        f"many (with uncommitted changes)\n\nUncommitted input files:\n{listed}"
        + ("\n… and 1 more" if count == 21 else "")
    )


def test_a_project_without_a_commit_deploys_as_an_uncommitted_tree(tiny, tmp_path):
    from microsite import __version__

    write(tiny / "content/pages/notes.fr.md", "---\ntitle: Notes\n---\nCette page est traduite.\n")
    assert run_cli(tiny, "translations", "--confirm", "notes").code == 0
    remote = tmp_path / "remote.git"
    git(tmp_path, "init", "--quiet", "--bare", "-b", "main", str(remote))
    git(tiny, "init", "--quiet", "-b", "main")
    git(tiny, "remote", "add", "origin", str(remote))
    result = run_cli(tiny, "deploy", "--allow-dirty")
    assert result.code == 0, result.err
    assert git(remote, "log", "-1", "--format=%s", "gh-pages") == (
        f"Deploy an uncommitted tree with microsite {__version__} (with uncommitted changes)"
    )


def test_a_site_with_its_own_custom_domain_replaces_the_branchs(project):
    """The branch's CNAME (set in GitHub's settings) is kept, unless site.yaml names a domain of its own."""
    tiny, remote = project
    assert run_cli(tiny, "deploy").code == 0
    clone = tiny.parent / "clone"
    git(tiny.parent, "clone", "--quiet", "--branch", "gh-pages", str(remote), str(clone))
    write(clone / "CNAME", "old.example.org\n")
    git(clone, "add", "CNAME")
    git(clone, "commit", "--quiet", "-m", "custom domain")
    git(clone, "push", "--quiet", "origin", "gh-pages")
    assert run_cli(tiny, "deploy", "--message", "kept").code == 0
    assert git(remote, "show", "gh-pages:CNAME") == "old.example.org"
    with (tiny / "content/site.yaml").open("a", encoding="utf-8") as site:
        site.write("cname: new.example.org\n")
    git(tiny, "commit", "--quiet", "-am", "our own domain")
    result = run_cli(tiny, "deploy", "--message", "ours")
    assert result.code == 0, result.err
    assert git(remote, "show", "gh-pages:CNAME") == "new.example.org"


def test_a_fast_forward_is_recorded_in_the_branchs_reflog(project):
    """git reflog gh-pages says why the branch moved to the remote's tip."""
    tiny, remote = project
    assert run_cli(tiny, "deploy").code == 0
    clone = tiny.parent / "clone"
    git(tiny.parent, "clone", "--quiet", "--branch", "gh-pages", str(remote), str(clone))
    git(clone, "commit", "--quiet", "--allow-empty", "-m", "someone else's deploy")
    git(clone, "push", "--quiet", "origin", "gh-pages")
    assert run_cli(tiny, "deploy").code == 0
    reflog = git(tiny, "log", "-g", "--format=%gs", "refs/heads/gh-pages").splitlines()
    assert "deploy: fast-forward to the remote" in reflog
