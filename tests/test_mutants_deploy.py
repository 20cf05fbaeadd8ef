"""Tests that kill deploy.py's surviving mutants (README, "Mutation testing"), on real repositories with a real
bare remote like tests/test_deploy_safety.py; each was seen to fail with its mutant applied."""

import pytest

import test_deploy_safety
from conftest import run_cli, write
from test_deploy_safety import as_shipped, git, one_line, tip

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


def test_a_tag_named_like_the_branch_after_a_deploy_puts_the_branch_back_and_says_where_to_look(project):
    """A later deploy whose new commit does not sit right on the published one (ghp-import took a tag named like
    the branch as its parent) is refused in one exact line, and the local branch is put back on the published
    commit."""
    tiny, remote = project
    assert run_cli(tiny, "deploy").code == 0
    published = tip(remote, "refs/heads/gh-pages")
    # A tag on a commit made on top of the published one: ghp-import's commit is then a fast-forward, on the tag.
    child = git(tiny, "commit-tree", "-p", published, "-m", "not published", f"{published}^{{tree}}")
    git(tiny, "tag", "gh-pages", child)
    line = one_line(run_cli(tiny, "deploy", "--message", "again"))
    assert line == (
        "error: branch gh-pages: ghp-import did not commit on top of the remote's gh-pages; nothing was published"
        " — check for a tag or other ref named gh-pages"
    )
    assert tip(tiny, "refs/heads/gh-pages") == published == tip(remote, "refs/heads/gh-pages")


def test_a_github_address_given_as_the_remote_is_the_published_address(project):
    """--remote may be a URL rather than a configured remote's name: git knows no remote.URL.url, so the URL
    itself names the repository (git rewrites it to the local bare remote here)."""
    tiny, remote = project
    url = "https://github.com/Owner/event-site.git"
    git(tiny, "config", f"url.{remote}.insteadOf", url)
    as_shipped(tiny)
    result = run_cli(tiny, "deploy", "--remote", url)
    assert result.code == 0, result.err
    assert (
        f"Address: https://owner.github.io/event-site/ (GitHub Pages' address for {url}, since content/site.yaml "
        "still holds the example; write it there as base_url to make it explicit)"
    ) in result.out.splitlines()
    assert tip(remote, "refs/heads/gh-pages") is not None


def test_the_default_branch_the_remote_names_is_refused_even_without_shared_history(project):
    """A remote whose default branch is an orphan (say, a site kept apart): deploying onto it is still refused."""
    tiny, remote = project
    git(tiny, "checkout", "--quiet", "--orphan", "pages")
    git(tiny, "commit", "--quiet", "-m", "a line of history of its own")
    git(tiny, "push", "--quiet", "origin", "pages")
    git(tiny, "checkout", "--quiet", "main")
    git(tiny, "branch", "--quiet", "-D", "pages")
    git(remote, "symbolic-ref", "HEAD", "refs/heads/pages")
    before = tip(remote, "refs/heads/pages")
    line = one_line(run_cli(tiny, "deploy", "--branch", "pages"))
    assert line == (
        "error: --branch: pages is the default branch of origin — deploy to a branch that holds only the built "
        "site, such as gh-pages (the default)"
    )
    assert tip(remote, "refs/heads/pages") == before


def test_the_default_branch_a_clone_remembers_is_refused_when_the_remote_does_not_say(project):
    """The remote's HEAD names no branch yet, but the clone's origin/HEAD (git clone's record) names one."""
    tiny, remote = project
    git(remote, "symbolic-ref", "HEAD", "refs/heads/nothing-yet")
    git(tiny, "symbolic-ref", "refs/remotes/origin/HEAD", "refs/remotes/origin/pages")
    line = one_line(run_cli(tiny, "deploy", "--branch", "pages"))
    assert line == (
        "error: --branch: pages is the default branch of origin — deploy to a branch that holds only the built "
        "site, such as gh-pages (the default)"
    )
    assert tip(remote, "refs/heads/pages") is None


def test_a_remote_that_cannot_be_reached_is_named_with_gits_own_last_line(project, tmp_path):
    tiny, _ = project
    nowhere = tmp_path / "nowhere.git"
    before = git(tiny, "for-each-ref")
    line = one_line(run_cli(tiny, "deploy", "--remote", str(nowhere)))
    assert line == (
        f"error: {nowhere}: cannot reach the remote: and the repository exists. — check the remote's name or URL "
        "(git remote -v) and your access to it"
    )
    assert git(tiny, "for-each-ref") == before


def test_the_branch_you_are_working_on_is_refused_word_for_word(project):
    tiny, remote = project
    git(tiny, "checkout", "--quiet", "--orphan", "pages")
    git(tiny, "commit", "--quiet", "-m", "a line of history of its own")
    assert one_line(run_cli(tiny, "deploy", "--branch", "pages", "--allow-dirty")) == (
        "error: --branch: pages is the branch you are working on — deploy to a branch that holds only the built "
        "site, such as gh-pages (the default)"
    )
    assert tip(remote, "refs/heads/pages") is None


def test_a_deploy_from_a_detached_head_publishes(project):
    """No current branch (a CI checkout of a commit): nothing to compare the deploy branch with, and no error."""
    tiny, remote = project
    git(tiny, "checkout", "--quiet", "--detach")
    result = run_cli(tiny, "deploy")
    assert result.code == 0, result.err
    assert tip(remote, "refs/heads/gh-pages") is not None


def test_a_remote_branch_that_cannot_be_fetched_is_refused_in_one_line(project):
    """The remote lists gh-pages but cannot send it (its ref names a commit it does not hold): one line naming
    the remote, the branch and git's reason; no local branch or ref is touched."""
    tiny, remote = project
    (remote / "refs/heads/gh-pages").write_text("1234567890abcdef1234567890abcdef12345678\n")
    before = git(tiny, "for-each-ref")
    line = one_line(run_cli(tiny, "deploy"))
    start, end = (
        "error: origin: cannot fetch gh-pages: ",
        " — check the remote's name or URL (git remote -v) and your access to it",
    )
    assert line.startswith(start) and line.endswith(end) and len(line) > len(start + end), line
    assert git(tiny, "for-each-ref") == before


def test_a_local_branch_made_from_the_sources_is_refused_with_the_commit_they_share(project):
    tiny, remote = project
    git(tiny, "branch", "site")  # from main: it shares main's history
    shared = tip(tiny, "refs/heads/main")
    assert one_line(run_cli(tiny, "deploy", "--branch", "site")) == (
        f"error: --branch: your site shares history with your sources (commit {shared[:12]}) — deploy to a branch "
        "that holds only the built site, such as gh-pages (the default)"
    )
    assert tip(remote, "refs/heads/site") is None and tip(tiny, "refs/heads/site") == shared


def test_a_new_folder_of_inputs_is_listed_file_by_file(project):
    """git status shows a new folder as one line unless asked for every file: the commit lists each one."""
    tiny, remote = project
    write(tiny / "static/extra/one.txt", "not committed\n")
    write(tiny / "static/extra/two.txt", "not committed\n")
    result = run_cli(tiny, "deploy", "--allow-dirty", "--message", "extra")
    assert result.code == 0, result.err
    assert git(remote, "log", "-1", "--format=%B", "gh-pages") == (
        "extra (with uncommitted changes)\n\nUncommitted input files:\nstatic/extra/one.txt\nstatic/extra/two.txt"
    )


@pytest.mark.parametrize("remote", ["", "-f", "--upload-pack=touch {marker};"])
def test_a_remote_git_would_take_for_an_option_is_refused_word_for_word(project, tmp_path, remote):
    tiny, _ = project
    marker = tmp_path / "pwned"
    remote = remote.format(marker=marker)
    before = git(tiny, "for-each-ref")
    assert one_line(run_cli(tiny, "deploy", f"--remote={remote}")) == (
        f"error: .: invalid --remote {remote!r} — name a git remote or a URL"
    )
    assert git(tiny, "for-each-ref") == before and not marker.exists()


def test_the_previous_branch_shorthand_is_refused_though_git_expands_it(project):
    """@{-1} names the branch checked out before (git check-ref-format --branch expands it): not a name to push."""
    tiny, _ = project
    git(tiny, "checkout", "--quiet", "-b", "other")
    git(tiny, "checkout", "--quiet", "main")
    assert one_line(run_cli(tiny, "deploy", "--branch=@{-1}")) == (
        "error: --branch: '@{-1}' is not a plain branch name — name the branch GitHub Pages serves, such as gh-pages"
    )


def test_a_renamed_input_is_listed_under_its_new_name_only(project):
    """git status gives a staged rename as two names, the new then the old: the commit lists the new one."""
    tiny, remote = project
    git(tiny, "mv", "static/style.css", "static/site.css")
    result = run_cli(tiny, "deploy", "--allow-dirty", "--message", "renamed")
    assert result.code == 0, result.err
    assert git(remote, "log", "-1", "--format=%B", "gh-pages") == (
        "renamed (with uncommitted changes)\n\nUncommitted input files:\nstatic/site.css"
    )
