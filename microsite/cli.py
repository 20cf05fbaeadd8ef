"""The command line: parse arguments, call the engine, turn expected errors into lines and exit 1."""

from __future__ import annotations

import argparse
import dataclasses
import os
import signal
import sys
import threading
import time
import traceback
from pathlib import Path

from .errors import BuildError, ContentError

EPILOG = """commands (default: build):
  build                  build the site into site/
  serve                  preview with live reload at http://127.0.0.1:8000/
  translations           report missing and stale translations (exit 1 if any); --confirm PAGE records one as up to date
  new NAME               create content/pages/NAME.<lang>.md for every language
  i18n extract|update|compile
                         maintain the interface catalogs under locales/
  deploy                 build strictly and publish site/ to the gh-pages branch (--remote, --branch, --message)
  clean                  delete the build cache (.cache/) and the output (site/)
  schema                 print the reference of every content file's keys

Run `python build.py COMMAND --help` for a command's options."""


def _common(parser: argparse.ArgumentParser, suppress: bool) -> None:
    """Options every command takes; subcommands leave them unset so the top-level value stands."""
    default = argparse.SUPPRESS if suppress else None
    parser.add_argument("--project", type=Path, default=argparse.SUPPRESS if suppress else Path.cwd(),
                        help="the project folder holding content/, templates/, locales/ (default: here)")
    parser.add_argument("--debug", action="store_true", default=argparse.SUPPRESS if suppress else False,
                        help="show Python tracebacks for errors")
    parser.add_argument("--base-url", default=default,
                        help="override site.yaml's base_url, e.g. https://user.github.io/repo/")


def _build_options(parser: argparse.ArgumentParser, suppress: bool) -> None:
    """Options of a build."""
    parser.add_argument("--out", type=Path, default=argparse.SUPPRESS if suppress else None,
                        help="write the site into this folder instead of site/")
    parser.add_argument("--strict", action="store_true", default=argparse.SUPPRESS if suppress else False,
                        help="fail on missing or stale translations and untranslated or fuzzy catalog strings")
    parser.add_argument("--no-cache", dest="use_cache", action="store_false",
                        default=argparse.SUPPRESS if suppress else True,
                        help="neither read nor write the build cache in .cache/")
    parser.add_argument("--jobs", type=int, default=argparse.SUPPRESS if suppress else None, metavar="N",
                        help="render with N processes (default: one per core; 1 renders in this process)")


def make_parser(default_project: Path | None = None) -> argparse.ArgumentParser:
    """The argument parser of `python build.py`."""
    parser = argparse.ArgumentParser(
        prog="build.py", description="Build the bilingual conference microsite from content/ into site/.",
        epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    _common(parser, suppress=False)
    _build_options(parser, suppress=False)
    if default_project is not None:
        parser.set_defaults(project=default_project)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    build = commands.add_parser("build", help="build the site (the default)")
    _common(build, suppress=True)
    _build_options(build, suppress=True)

    serve = commands.add_parser("serve", help="preview the site with live reload")
    _common(serve, suppress=True)
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1, this machine only)")
    serve.add_argument("--port", type=int, default=8000, help="port (default: 8000)")
    serve.add_argument("--open", action="store_true", help="open the site in a browser")

    report = commands.add_parser("translations", help="report the state of every translation")
    _common(report, suppress=True)
    report.add_argument("--confirm", nargs="+", metavar="PAGE", default=[],
                        help="record that these pages' translations match their current source text")
    report.add_argument("--all", action="store_true", help="with no --confirm: confirm every page's translations")

    new = commands.add_parser("new", help="create a page in every language")
    _common(new, suppress=True)
    new.add_argument("name", help="the page name, e.g. talks/lyon (folders allowed)")

    catalogs = commands.add_parser("i18n", help="extract, update or compile the interface catalogs")
    _common(catalogs, suppress=True)
    catalogs.add_argument("action", choices=["extract", "update", "compile"])

    deploy = commands.add_parser("deploy", help="build strictly and publish site/ to the gh-pages branch")
    _common(deploy, suppress=True)
    deploy.add_argument("--remote", default="origin", help="the git remote's name or URL (default: origin)")
    deploy.add_argument("--branch", default="gh-pages", help="the branch GitHub Pages serves (default: gh-pages)")
    deploy.add_argument("--message", help="the commit message (default: names the source commit)")

    clean = commands.add_parser("clean", help="delete the build cache (.cache/) and the output (site/)")
    _common(clean, suppress=True)

    schema = commands.add_parser("schema", help="print the keys every content file takes")
    _common(schema, suppress=True)
    return parser


def main(argv: list[str] | None = None, default_project: Path | None = None) -> int:
    """Run one command; expected failures print one line per problem and return 1."""
    args = make_parser(default_project).parse_args(argv)
    command = args.command or "build"
    previous = _stop_cleanly_on_sigterm()
    try:
        return COMMANDS[command](args)
    except BuildError as exc:
        if args.debug:
            traceback.print_exc()
        for error in exc.errors:
            print(f"error: {error}", file=sys.stderr)
        print(f"Build failed: {len(exc.errors)} error{'s' if len(exc.errors) != 1 else ''}; "
              "site/ was left as it was.", file=sys.stderr)
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
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def _stop_cleanly_on_sigterm():
    """Treat `kill` like Ctrl-C, so an interrupted build removes its temporary folder and keeps site/."""
    if threading.current_thread() is threading.main_thread():
        return signal.signal(signal.SIGTERM, lambda signum, frame: _raise_interrupt())
    return None


def _raise_interrupt():
    """The SIGTERM handler's body."""
    raise KeyboardInterrupt


def run_build(args) -> int:
    """build: render the site into site/ (or --out)."""
    from .stamp import read_inputs, unchanged

    started = time.perf_counter()
    inputs = read_inputs(args.project, args.base_url, args.strict) if args.use_cache else None
    result = unchanged(args.project, args.out, inputs) if inputs else None
    if result is None:
        from .builder import build   # Jinja, Markdown and Babel load only when there is something to build

        result = build(args.project, args.out, args.base_url, args.strict, use_cache=args.use_cache,
                       jobs=args.jobs, progress=True, inputs=inputs)
    result = dataclasses.replace(result, seconds=time.perf_counter() - started)
    for warning in result.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    print(result.summary())
    return 0


def run_serve(args) -> int:
    """serve: preview with live reload."""
    from .serve import serve

    return serve(args.project, host=args.host, port=args.port, base_url=args.base_url, open_browser=args.open)


def run_translations(args) -> int:
    """translations: print the report; exit 1 when anything is not ok."""
    from .config import load_config
    from .model import load_site
    from . import translations

    site = load_site(load_config(args.project, args.base_url))
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


def run_new(args) -> int:
    """new: create a page's files in every language, refusing to overwrite."""
    from .pages import create_page

    for path in create_page(args.project, args.name):
        print(f"created {path}")
    return 0


def run_i18n(args) -> int:
    """i18n: extract, update or compile the interface catalogs."""
    from . import i18n
    from .config import load_config

    project = Path(args.project).resolve()
    if args.action == "extract":
        print(f"wrote {i18n.extract(project).relative_to(project)}")
        return 0
    languages = load_config(project).languages
    action = i18n.update if args.action == "update" else i18n.compile_catalogs
    for path in action(project, languages):
        print(f"wrote {path.relative_to(project)}")
    return 0


def run_deploy(args) -> int:
    """deploy: build strictly and publish to a gh-pages branch."""
    from .deploy import deploy

    print(deploy(args.project, args.remote, args.branch, args.message, args.base_url))
    return 0


def run_clean(args) -> int:
    """clean: delete the build cache and the output folder; a link in their place is removed, never followed."""
    from .stamp import delete

    project = Path(args.project).resolve()
    for path in (project / ".cache", project / "site"):
        if not os.path.lexists(path):
            continue
        folder = path.is_dir() and not path.is_symlink()
        try:
            delete(path)
        except OSError as exc:
            raise ContentError(str(path), None, None, f"cannot delete it ({exc.strerror or exc})",
                               "check its permissions, or delete it yourself") from None
        print(f"removed {path.name}{'/' if folder else ''}")
    return 0


def run_schema(args) -> int:
    """schema: print the reference of the content files."""
    from .schema import reference

    print(reference(), end="")
    return 0


COMMANDS = {"build": run_build, "serve": run_serve, "translations": run_translations, "new": run_new,
            "i18n": run_i18n, "deploy": run_deploy, "clean": run_clean,
            "schema": run_schema}
