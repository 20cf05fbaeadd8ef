"""The command line: parse arguments, call the engine, turn expected errors into lines and exit 1.

Each command imports what it runs inside its function: `python build.py` with nothing to do answers in about a
tenth of the time a build's imports take (Jinja, Markdown, Babel), and no command pays for another's imports."""

from __future__ import annotations

import argparse
import dataclasses
import errno
import os
import re
import signal
import sys
import threading
import time
import traceback
from collections.abc import Callable
from pathlib import Path

from .errors import BuildError, ContentError

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing costs start-up time, and a no-change build loads this module: types only
    from types import FrameType
    from typing import Any, NoReturn

    from .commands.catalogs import Written

EPILOG = "Run `%(prog)s COMMAND --help` for a command's options. Without a command, %(prog)s builds the site."


class UsageError(Exception):
    """A command line that cannot be run as written: one line, exit 1."""


class _Parser(argparse.ArgumentParser):
    """argparse, but a bad option is one line and exit 1 like every other bad input, not usage text and exit 2."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{message} — see `{self.prog} --help`")


def _jobs(value: str) -> int:
    """--jobs: a whole number of processes, at least 1 (capped at the CPUs when the build starts)."""
    try:
        jobs = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a number of processes: write e.g. --jobs 2") from None
    if jobs < 1:
        raise argparse.ArgumentTypeError(f"{value} processes: write 1 or more (1 renders in this process)")
    return jobs


def _port(value: str) -> int:
    """--port: a TCP port, 1–65535."""
    try:
        port = int(value)
    except ValueError:
        port = 0
    if not 1 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"{value!r} is not a port: choose one from 1 to 65535, e.g. 8000")
    return port


WARNINGS_SHOWN = 5  # of each kind: a thousand pages to confirm is one fact, not a thousand lines


def usable_cpus() -> int:
    """The CPUs this process may run on (fewer than the machine's when a container or taskset limits it)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0)) or 1
    return os.cpu_count() or 1


def _worker_count(jobs: int | None) -> int:
    """--jobs capped at the usable CPUs (their number by default): more processes than CPUs only cost memory."""
    cpus = usable_cpus()
    if jobs is None:
        return cpus
    if jobs > cpus:
        print(
            f"warning: --jobs {jobs}: this machine has {cpus} CPU{'s' * (cpus != 1)}; rendering with {cpus} "
            f"process{'es' * (cpus != 1)}",
            file=sys.stderr,
        )
        return cpus
    return jobs


def _common(parser: argparse.ArgumentParser, suppress: bool) -> None:
    """Options every command takes; subcommands leave them unset so the top-level value stands."""
    parser.add_argument(
        "--project",
        type=Path,
        default=argparse.SUPPRESS if suppress else Path.cwd(),
        help="the site's folder, holding content/, templates/, locales/ (default: here)",
    )
    parser.add_argument(
        "--debug",
        action="store_true",
        default=argparse.SUPPRESS if suppress else False,
        help="show Python tracebacks for errors",
    )


def _base_url(parser: argparse.ArgumentParser, suppress: bool) -> None:
    """--base-url, for the commands whose output has addresses."""
    parser.add_argument(
        "--base-url",
        default=argparse.SUPPRESS if suppress else None,
        help="override site.yaml's base_url, e.g. https://user.github.io/repo/",
    )


def _build_options(parser: argparse.ArgumentParser, suppress: bool) -> None:
    """Options of a build."""
    default = argparse.SUPPRESS if suppress else None
    _base_url(parser, suppress)
    parser.add_argument("--out", type=Path, default=default, help="write the site into this folder instead of site/")
    parser.add_argument(
        "--strict",
        action="store_true",
        default=argparse.SUPPRESS if suppress else False,
        help="fail on missing or stale translations, untranslated or fuzzy catalog strings and placeholder text",
    )
    parser.add_argument(
        "--no-cache",
        dest="use_cache",
        action="store_false",
        default=argparse.SUPPRESS if suppress else True,
        help="neither read nor write the build cache in .cache/",
    )
    parser.add_argument(
        "--jobs",
        type=_jobs,
        default=default,
        metavar="N",
        help="render with N processes, 1 or more, at most one per CPU (default: one per CPU; "
        "1 renders in this process)",
    )
    parser.add_argument(
        "--all-warnings",
        action="store_true",
        default=argparse.SUPPRESS if suppress else False,
        help=f"print every warning (by default, at most {WARNINGS_SHOWN} of each kind)",
    )


def _command(
    commands: argparse._SubParsersAction[_Parser], name: str, summary: str, description: str = ""
) -> argparse.ArgumentParser:
    """A subcommand with its one-line summary (listed by --help) and its description (its own --help)."""
    parser = commands.add_parser(name, help=summary, description=description or summary[:1].upper() + summary[1:] + ".")
    _common(parser, suppress=True)
    return parser


def make_parser(default_project: Path | None = None) -> argparse.ArgumentParser:
    """The command line's parser: the build's options, then one subcommand per thing to do."""
    # Named as it was run: build.py in the generator's repository, else the `microsite` command.
    parser = _Parser(
        prog="build.py" if default_project is not None else "microsite",
        description="A static site generator for multilingual event microsites: builds content/ into site/.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _common(parser, suppress=False)
    _build_options(parser, suppress=False)
    if default_project is not None:
        parser.set_defaults(project=default_project)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", title="commands")

    build = _command(commands, "build", "build the site into site/ (the default command)")
    _build_options(build, suppress=True)

    serve = _command(
        commands,
        "serve",
        "preview the site with live reload",
        "Build the site into a temporary folder, serve it under its base path and rebuild on every "
        "save; the open pages reload by themselves, and an error shows in the browser.",
    )
    _base_url(serve, suppress=True)
    serve.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1, this machine only)"
    )
    serve.add_argument("--port", type=_port, default=8000, help="port, 1–65535 (default: 8000)")
    serve.add_argument("--open", action="store_true", help="open the site in a browser")

    report = _command(
        commands,
        "translations",
        "report what is missing or out of date in each language",
        "List every page and interface catalog in every language with its state (ok, missing, "
        "stale, untranslated, fuzzy); exit 1 when any is not ok. --confirm records that a page's "
        "translations match its current source text.",
    )
    report.add_argument(
        "--confirm",
        nargs="+",
        metavar="PAGE",
        default=[],
        help="record that these pages' translations match their current source text",
    )
    report.add_argument("--all", action="store_true", help="with no --confirm: confirm every page's translations")
    report.add_argument(
        "--diff",
        metavar="PAGE",
        help="show what changed in PAGE's source, block by block, since its translations were "
        "confirmed, with the translation's blocks",
    )
    report.add_argument("--lang", metavar="L", help="with --diff: only this translation language")

    new = _command(
        commands,
        "new",
        "create a page in every language",
        "Write content/pages/NAME.LANG.md for every language: the source language's page to write, "
        "and the translations, which count as missing until they are written.",
    )
    new.add_argument("name", help="the page name, e.g. talks/lyon (folders allowed)")
    new.add_argument(
        "--slug",
        action="append",
        default=[],
        metavar="LANG=SLUG",
        help="the page's address in one language, e.g. --slug fr=exposes/lyon (repeat per language; "
        "default: the page name)",
    )

    init = _command(
        commands,
        "init",
        "start a site for another event in a new folder",
        "Write a complete starting site into FOLDER: placeholder content in every language, the "
        "templates, the interface catalogs, the static files, a .gitignore, the GitHub Pages workflow "
        "and a README for its editors. It builds at once.",
    )
    init.add_argument("folder", type=Path, metavar="FOLDER", help="a new or empty folder")
    init.add_argument(
        "--languages",
        required=True,
        metavar="LANGS",
        help="the site's languages, comma-separated, the source language first, e.g. vi,fr,en",
    )

    catalogs = _command(
        commands,
        "i18n",
        "maintain the interface catalogs under locales/",
        "extract: collect the templates' interface strings into locales/messages.pot; update: "
        "merge it into each language's catalog (a catalog holds each English string, msgid, and "
        "its translation, msgstr); compile: write .mo files for tools that want them.",
    )
    catalogs.add_argument("action", choices=["extract", "update", "compile"])

    deploy = _command(commands, "deploy", "build strictly and publish site/ to the gh-pages branch")
    _base_url(deploy, suppress=True)
    deploy.add_argument("--remote", default="origin", help="the git remote's name or URL (default: origin)")
    deploy.add_argument("--branch", default="gh-pages", help="the branch GitHub Pages serves (default: gh-pages)")
    deploy.add_argument("--message", help="the commit message (default: names the source commit)")
    deploy.add_argument(
        "--allow-dirty",
        action="store_true",
        help="deploy even if content/, templates/, locales/ or static/ has uncommitted changes "
        "(the commit message says so)",
    )

    gates = _command(
        commands,
        "check",
        "the gates before publishing: strict build, links, hreflang, HTML, catalogs",
        "Build strictly into a temporary folder (placeholder text is reported, not refused), then check "
        "every internal link and anchor, hreflang reciprocity, the HTML (with the Nu HTML Checker "
        "when installed) and the catalogs (with GNU msgfmt when installed); exit 1 on any problem.",
    )
    _base_url(gates, suppress=True)

    _command(commands, "clean", "delete the build cache (.cache/) and the output (site/)")
    _command(commands, "schema", "print the keys every content file takes")
    return parser


def main(argv: list[str] | None = None, default_project: Path | None = None) -> int:
    """Run one command; expected failures print one line per problem and return 1."""
    try:
        args = make_parser(default_project).parse_args(argv)
    except UsageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    command = args.command or "build"
    previous = _stop_cleanly_on_sigterm()
    try:
        return COMMANDS[command](args)
    except BuildError as exc:
        if args.debug:
            traceback.print_exc()
        for error in exc.errors:
            print(f"error: {error}", file=sys.stderr)
        print(
            f"Build failed: {len(exc.errors)} error{'s' if len(exc.errors) != 1 else ''}; site/ was left as it was.",
            file=sys.stderr,
        )
        return 1
    except (ContentError, ValueError) as exc:
        if args.debug:
            traceback.print_exc()
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted; site/ was left as it was.", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (`build.py translations | head`): stop quietly, as Unix tools do.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
    except OSError as exc:
        if not _expected(exc):
            raise
        if args.debug:
            traceback.print_exc()
        print(f"error: {os_error_line(exc, args.project)}", file=sys.stderr)
        return 1
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


# What the machine can refuse us (permissions, a full or read-only disk, a name too long, a path changed under
# our feet); any other OSError is a bug in the generator and keeps its traceback.
_OS_HINTS = {
    errno.EACCES: "check that you may read and write it",
    errno.EPERM: "check that you may read and write it",
    errno.EROFS: "the file system is read-only: build in a writable copy of the project",
    errno.ENOSPC: "the disk is full: free some space and build again",
    errno.EDQUOT: "your disk quota is used up: free some space and build again",
    errno.ENAMETOOLONG: "the name is longer than the file system allows: choose a shorter one",
    errno.ENOTDIR: "a file stands where a folder is needed: rename or remove it",
    errno.EISDIR: "a folder stands where a file is needed: rename or remove it",
    errno.ELOOP: "a symbolic link points back to itself: fix or remove it",
    errno.EMFILE: "too many files are open: close some programs and run it again",
    errno.ENFILE: "too many files are open: close some programs and run it again",
    errno.EIO: "the disk reported an input/output error: check the disk",
    errno.EBUSY: "another program is using it: close it and run the command again",
}


def _expected(exc: OSError) -> bool:
    """True for an OSError the machine caused rather than the generator."""
    return exc.errno in _OS_HINTS


def os_error_line(exc: OSError, project: Path) -> str:
    """One line for an expected OSError: the path it concerns (from the project when inside), what, what to do."""
    what = exc.strerror or str(exc)
    paths = [_shown(name, project) for name in (exc.filename, exc.filename2) if name is not None]
    where = " -> ".join(paths) + ": " if paths else ""
    assert exc.errno is not None  # callers ask is_os_problem() first
    return f"{where}{what[:1].lower()}{what[1:]} — {_OS_HINTS[exc.errno]}"


def _shown(name: str | bytes | os.PathLike[str] | os.PathLike[bytes], project: Path) -> str:
    """A path as the user knows it: relative to the project when it lies inside."""
    path = Path(os.fsdecode(name)).absolute()
    for top in (Path(project).absolute(), Path(project).resolve()):  # the engine works on the resolved path
        if path.is_relative_to(top):
            return path.relative_to(top).as_posix()
    return str(path)


def _stop_cleanly_on_sigterm() -> Callable[[int, FrameType | None], Any] | int | None:
    """Treat `kill` like Ctrl-C, so an interrupted build removes its temporary folder and keeps site/."""
    if threading.current_thread() is threading.main_thread():
        return signal.signal(signal.SIGTERM, lambda signum, frame: _raise_interrupt())
    return None


def _raise_interrupt() -> NoReturn:
    """The SIGTERM handler's body."""
    raise KeyboardInterrupt


def run_build(args: argparse.Namespace) -> int:
    """build: render the site into site/ (or --out)."""
    from .incremental.record import read_inputs, unchanged

    started = time.perf_counter()
    inputs = read_inputs(args.project, args.base_url, args.strict) if args.use_cache else None
    result = unchanged(args.project, args.out, inputs) if inputs else None
    if result is None:
        from .builder import build  # Jinja, Markdown and Babel load only when there is something to build

        result = build(
            args.project,
            args.out,
            args.base_url,
            args.strict,
            use_cache=args.use_cache,
            jobs=_worker_count(args.jobs),
            progress=True,
            inputs=inputs,
        )
    result = dataclasses.replace(result, seconds=time.perf_counter() - started)
    for line in warning_lines(result.warnings, everything=args.all_warnings):
        print(line, file=sys.stderr)
    print(result.summary())
    return 0


def warning_lines(warnings: tuple[str, ...], everything: bool = False) -> list[str]:
    """The warnings to print: each one, or at most WARNINGS_SHOWN of each kind, then how many more there are."""
    kinds: dict[str, list[str]] = {}
    for warning in warnings:
        kinds.setdefault(_kind(warning), []).append(warning)
    lines = []
    for found in kinds.values():
        shown = found if everything else found[:WARNINGS_SHOWN]
        lines += [f"warning: {warning}" for warning in shown]
        if len(found) > len(shown):
            lines.append(f"warning: … and {len(found) - len(shown)} more like these (--all-warnings lists them all)")
    return lines


def _kind(warning: str) -> str:
    """What a warning is about, without where and without its particulars: its words before the first dash or
    colon after the location (`content/a.fr.md: translation is stale — …` is a "translation is stale")."""
    message = re.sub(r"^\S+?(:\d+)*: ", "", warning)
    return re.split(r" — |: ", message, maxsplit=1)[0]


def run_serve(args: argparse.Namespace) -> int:
    """serve: preview with live reload."""
    from .commands.preview import serve

    return serve(args.project, host=args.host, port=args.port, base_url=args.base_url, open_browser=args.open)


def run_translations(args: argparse.Namespace) -> int:
    """translations: print the report; exit 1 when anything is not ok."""
    from .commands import translations
    from .config import load_config
    from .model import load_site

    site = load_site(load_config(args.project, args.base_url))
    if args.lang and not args.diff:
        raise ContentError("--lang", None, None, "it only goes with --diff PAGE", "add --diff PAGE, or drop --lang")
    if args.diff and (args.confirm or args.all):
        raise ContentError(
            "--diff", None, None, "shows changes; --confirm and --all record them", "run one, then the other"
        )
    if args.diff:
        colour = sys.stdout.isatty() and "NO_COLOR" not in os.environ
        print(
            "\n\n".join(
                translations.format_diff(b, colour) for b in translations.diff_pages(site, args.diff, args.lang)
            )
        )
        return 0
    if args.confirm or args.all:
        names = sorted({p.name for p in site.pages}) if args.all else args.confirm
        for line in translations.confirm(site, names):
            print(f"confirmed {line}")
        site = load_site(load_config(args.project, args.base_url))
    rows = translations.report(site)
    print(translations.format_table(rows))
    bad = [r for r in rows if r.state != "ok"]
    print(f"{len(rows) - len(bad)} ok, {len(bad)} to do")
    return 1 if bad else 0


def run_new(args: argparse.Namespace) -> int:
    """new: create a page's files in every language, refusing to overwrite; then say what to do next."""
    from .commands.new import create_page, next_steps, parse_slugs
    from .config import load_config

    slugs = parse_slugs(args.slug, load_config(args.project).languages)
    for path in create_page(args.project, args.name, slugs):
        print(f"created {path}")
    print("next:")
    for step in next_steps(args.project, args.name):
        print(f"  - {step}")
    return 0


def run_i18n(args: argparse.Namespace) -> int:
    """i18n: extract, update or compile the interface catalogs."""
    from .commands import catalogs
    from .config import load_config

    project = Path(args.project).resolve()
    if args.action == "extract":
        _print_written([catalogs.extract(project)], project)
        return 0
    languages = load_config(project).languages
    try:
        if args.action == "update":
            _print_written(catalogs.update(project, languages), project)
        else:
            for path in catalogs.compile_catalogs(project, languages):
                print(f"wrote {path.relative_to(project)}")
    except BuildError as exc:  # every problem of the catalogs, one line each (no site was being built)
        if args.debug:
            traceback.print_exc()
        for error in exc.errors:
            print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


def run_init(args: argparse.Namespace) -> int:
    """init: write a starting site into a new folder."""
    from .commands.init import init

    languages = [code.strip() for code in args.languages.split(",") if code.strip()]
    written = init(args.folder, languages)
    print(
        f"wrote {len(written)} files into {args.folder}; next: cd {args.folder}, then `microsite serve` "
        "(or `python build.py --project FOLDER serve` from the generator's folder), and replace every [TODO: …]"
    )
    return 0


def _print_written(written: list[Written], project: Path) -> None:
    """'wrote PATH' for each catalog written, 'unchanged PATH' for each left as it was."""
    for each in written:
        print(f"{'wrote' if each.changed else 'unchanged'} {each.path.relative_to(project)}")


def run_deploy(args: argparse.Namespace) -> int:
    """deploy: build strictly and publish to a gh-pages branch."""
    from .commands.deploy import deploy

    print(deploy(args.project, args.remote, args.branch, args.message, args.base_url, args.allow_dirty))
    return 0


def run_check(args: argparse.Namespace) -> int:
    """check: the gates any content must pass before it is published; exit 1 on any problem."""
    from .commands.check import check

    report = check(args.project, args.base_url)
    for line in warning_lines(tuple(report.warnings)):
        print(line)
    for problem in report.problems:
        print(f"problem: {problem}")
    for name in report.skipped:
        print(f"skipped: {name} (not installed here; CI installs it)")
    print(
        f"{len(report.passed)} checks passed ({', '.join(report.passed)}), {len(report.problems)} problem"
        f"{'s' * (len(report.problems) != 1)}"
    )
    return 1 if report.problems else 0


def run_clean(args: argparse.Namespace) -> int:
    """clean: delete the build cache and the output folder; a link in their place is removed, never followed."""
    from .incremental.record import delete
    from .writer import check_output

    project = Path(args.project).resolve()
    site = project / "site"
    if site.is_dir() and not site.is_symlink():
        check_output(site, project, "delete it")  # the build's guard, before anything goes: a .git inside stays
    for path in (project / ".cache", site):
        if not os.path.lexists(path):
            continue
        folder = path.is_dir() and not path.is_symlink()
        try:
            delete(path)
        except OSError as exc:
            raise ContentError(
                str(path),
                None,
                None,
                f"cannot delete it ({exc.strerror or exc})",
                "check its permissions, or delete it yourself",
            ) from None
        print(f"removed {path.name}{'/' if folder else ''}")
    return 0


def run_schema(args: argparse.Namespace) -> int:
    """schema: print the reference of the content files."""
    from .schema import reference

    print(reference(), end="")
    return 0


COMMANDS = {
    "build": run_build,
    "serve": run_serve,
    "translations": run_translations,
    "new": run_new,
    "init": run_init,
    "i18n": run_i18n,
    "deploy": run_deploy,
    "check": run_check,
    "clean": run_clean,
    "schema": run_schema,
}
