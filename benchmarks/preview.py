"""Preview speed: save-to-visible in a real Chromium tab for each kind of edit, idle CPU, and `hugo server` beside it.

    python benchmarks/preview.py                  # the real site, and 1,000 pages per language with hugo beside
    python benchmarks/preview.py --pages 200 --runs 5

For each kind of edit (a Markdown page, a YAML data file, a template, a catalog, the stylesheet) the script edits
the file --runs times (default 20) while a Chromium tab shows a page the edit changes, and times from the write
to the moment the tab shows the edit (the new text, or the stylesheet's new colour): for a tab that reloaded, its
first paint; for one that showed the edit in place, the paint after the check (every 5 ms) first saw it. Median
and 90th percentile. It counts the edits after which the tab had reloaded (a value set in its JavaScript was
gone): our preview should show every kind in place. It measures the preview's CPU while idle, and, where
`hugo` is installed, runs `hugo server` on the same synthetic corpus (benchmarks/run.py sets it up with templates
that write what ours do) with the same kinds of edits, and prints our median over Hugo's. Inputs and outputs are
on tmpfs when there is one (/dev/shm): the disk's timing is noisy.
"""

from __future__ import annotations

import argparse
import builtins
import functools
import os
import platform
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from corpus import page_name, write_corpus  # noqa: E402
from run import hugo as hugo_site  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
]
IDLE_SECONDS = 15
EDIT_TIMEOUT = 30
PAUSE_MS = 150  # between two edits: a person does not save twice within it, and the preview is idle again
# When a reloaded tab first painted the new page (the page's clock, ms since the epoch).
FIRST_PAINT = """() => {
    const paint = performance.getEntriesByName("first-contentful-paint")[0];
    const load = performance.getEntriesByType("navigation")[0];
    return performance.timeOrigin + (paint ? paint.startTime : load.domContentLoadedEventEnd);
}"""
CONNECTED = "() => window.LiveReload && window.LiveReload.connector && window.LiveReload.connector.protocol > 0"


@dataclass
class Kind:
    """One kind of edit: the file, the page that shows it, and how edit number i changes the file's text."""

    name: str
    path: Path
    url: str  # below the server's base URL
    change: Callable[[str, int, str], str]  # (original text, i, marker) -> new text
    shows: Callable[[int, str], str]  # (i, marker) -> JavaScript, true once the tab shows edit i


def insert_after(anchor: str, what: Callable[[str], str]) -> Callable[[str, int, str], str]:
    """An edit that puts `what(marker)` after the first `anchor` of the original text."""

    def change(text: str, i: int, marker: str) -> str:
        assert anchor in text, f"{anchor!r} is not in the file any more"
        return text.replace(anchor, anchor + what(marker), 1)

    return change


def replace(old: str, new: Callable[[str], str]) -> Callable[[str, int, str], str]:
    """An edit that replaces the first `old` of the original text by `new(marker)`."""

    def change(text: str, i: int, marker: str) -> str:
        assert old in text, f"{old!r} is not in the file any more"
        return text.replace(old, new(marker), 1)

    return change


def restyle(text: str, i: int, marker: str) -> str:
    """The stylesheet with the brand colour (the header's background) set to a colour of its own for edit i."""
    return text.replace("--brand: ", f"--brand: {colour(i)}; --was: ", 1)


def colour(i: int) -> str:
    """A colour no other edit uses, as getComputedStyle writes it."""
    return f"rgb(1, {2 + i // 200}, {i % 200})"


def shows_text(i: int, marker: str) -> str:
    """True once the page holds the marker."""
    return f"document.body && document.body.textContent.includes({marker!r})"


def shows_colour(i: int, marker: str) -> str:
    """True once the header has edit i's colour."""
    return (
        "document.querySelector('.site-header') && "
        f"getComputedStyle(document.querySelector('.site-header')).backgroundColor === '{colour(i)}'"
    )


def our_kinds(project: Path, page: str, url: str, template: str, event_title: str) -> list[Kind]:
    """The five kinds of edit on one of our projects, shown on the page `url` made from `page`."""
    return [
        Kind(
            "Markdown page",
            project / "content/pages" / page,
            url,
            lambda text, i, marker: text + f"\n\n{marker}\n",
            shows_text,
        ),
        Kind(
            "YAML data",
            project / "content/event.yaml",
            url,
            insert_after(event_title, lambda marker: f"{marker} "),
            shows_text,
        ),
        Kind(
            "template",
            project / "templates" / template,
            url,
            insert_after("{% block main %}\n", lambda marker: f"<p>{marker}</p>\n"),
            shows_text,
        ),
        Kind(
            "catalog (.po)",
            project / "locales/vi/LC_MESSAGES/messages.po",
            url,
            replace('msgstr "Chuyển đến nội dung chính"', lambda marker: f'msgstr "{marker}"'),
            shows_text,
        ),
        Kind("CSS", project / "static/style.css", url, restyle, shows_colour),
    ]


def hugo_kinds(site: Path, page: str) -> list[Kind]:
    """The same five kinds on the Hugo copy of the synthetic corpus."""
    url = f"vi/{page}/"
    return [
        Kind(
            "Markdown page",
            site / "content" / f"{page}.vi.md",
            url,
            lambda text, i, marker: text + f"\n\n{marker}\n",
            shows_text,
        ),
        Kind(
            "YAML data",
            site / "data/event.yaml",
            url,
            replace("title: Phiên thử nghiệm", lambda marker: f"title: {marker} Phiên thử nghiệm"),
            shows_text,
        ),
        Kind(
            "template",
            site / "layouts/_default/single.html",
            url,
            insert_after('<article class="wrap page">', lambda marker: f"<p>{marker}</p>"),
            shows_text,
        ),
        Kind(
            "catalog (.po)",
            site / "i18n/vi.yaml",
            url,
            replace("skip: Chuyển đến nội dung chính", lambda marker: f"skip: {marker}"),
            shows_text,
        ),
        Kind("CSS", site / "static/style.css", url, restyle, shows_colour),
    ]


def prepare_hugo(project: Path) -> Path | None:
    """Hugo's copy of the corpus (benchmarks/run.py), with our stylesheet and the event's title as a data file
    shown in the footer, so that each kind of edit has its counterpart; None without hugo."""
    peer = hugo_site(project)
    if peer is None:
        return None
    site = peer.cwd
    (site / "static").mkdir(exist_ok=True)
    shutil.copy(ROOT / "static/style.css", site / "static/style.css")
    (site / "data").mkdir(exist_ok=True)
    (site / "data/event.yaml").write_text("title: Phiên thử nghiệm\n", encoding="utf-8")
    base = site / "layouts/_default/baseof.html"
    base.write_text(
        base.read_text(encoding="utf-8").replace(
            '<footer class="site-footer">', '<footer class="site-footer"><p>{{ site.Data.event.title }}</p>', 1
        ),
        encoding="utf-8",
    )
    return site


class Server:
    """A preview server in its own process, its output read (and kept) by a thread."""

    def __init__(self, command: list[str], cwd: Path, ready: str, rebuilt: str, timeout: float = 600) -> None:
        self.process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self.lines: list[str] = []
        self.rebuilt = re.compile(rebuilt)  # a line the server prints when a rebuild is over
        found = threading.Event()
        self.url = ""

        def read() -> None:
            assert self.process.stdout is not None
            for line in self.process.stdout:
                self.lines.append(line)
                match = re.search(ready, line)
                if match and not found.is_set():
                    self.url = match.group(1).replace("//localhost:", "//127.0.0.1:")
                    found.set()

        threading.Thread(target=read, daemon=True).start()
        if not found.wait(timeout):
            self.stop()
            raise SystemExit(f"{command[0]} did not start:\n" + "".join(self.lines[-20:]))

    def rebuilds(self) -> int:
        """How many rebuilds the server has reported so far."""
        return sum(1 for line in list(self.lines) if self.rebuilt.search(line))

    def wait_for_rebuilds(self, count: int, timeout: float = 600) -> None:
        """Wait until the server has reported `count` rebuilds: a rebuild that goes on after the tab showed the
        edit (the other pages) would delay the next edit's."""
        deadline = time.monotonic() + timeout
        while self.rebuilds() < count and time.monotonic() < deadline:
            time.sleep(0.02)

    def cpu_seconds(self) -> float:
        """User + system CPU time the server's process has used so far (all its threads)."""
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def idle_cpu(self, seconds: float = IDLE_SECONDS) -> float:
        """The share of one core the server uses while nothing is edited."""
        time.sleep(2)  # whatever the last edit started is over
        before, started = self.cpu_seconds(), time.monotonic()
        time.sleep(seconds)
        return (self.cpu_seconds() - before) / (time.monotonic() - started)

    def stop(self) -> None:
        """Stop the server."""
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()


def ours(project: Path) -> Server:
    """`python build.py serve` on a project."""
    return Server(
        [sys.executable, str(ROOT / "build.py"), "--project", str(project), "serve", "--port", str(free_port())],
        ROOT,
        r"^Serving (http://\S+)",
        r" re-rendered in |build failed",
    )


def hugo_server(site: Path) -> Server:
    """`hugo server` on a Hugo site."""
    return Server(
        ["hugo", "server", "--port", str(free_port()), "--bind", "127.0.0.1"],
        site,
        r"Web Server is available at (http://\S+)",
        r"^Total in |^Syncing ",
    )


@dataclass
class Times:
    """Save-to-visible times of one kind of edit, and how many of its edits reloaded the tab."""

    seconds: list[float]
    reloads: int
    failed: list[str]
    missed: int  # edits the tab had not shown after EDIT_TIMEOUT

    def cells(self) -> list[str]:
        """Median, 90th percentile, and how many edits reloaded the tab (and were never shown)."""
        missed = f", {self.missed} not shown in {EDIT_TIMEOUT} s" if self.missed else ""
        return [
            f"{self.median() * 1000:.0f} ms",
            f"{self.p90() * 1000:.0f} ms",
            f"{self.reloads} of {len(self.seconds) + self.missed}{missed}",
        ]

    def median(self) -> float:
        """The median time."""
        return statistics.median(self.seconds)

    def p90(self) -> float:
        """The 90th percentile."""
        return (
            statistics.quantiles(self.seconds, n=10, method="inclusive")[-1]
            if len(self.seconds) > 1
            else self.seconds[0]
        )


def save_to_visible(browser, server: Server, kinds: list[Kind], runs: int, big: int) -> dict[str, Times]:
    """Edit each kind's file `runs` times and time each edit until the tab shows it."""
    results = {}
    for kind in kinds:
        tab = browser.new_page()
        failed: list[str] = []
        tab.on("response", lambda r, failed=failed: failed.append(f"{r.status} {r.url}") if r.status >= 400 else None)
        tab.goto(server.url + kind.url)
        tab.wait_for_function(CONNECTED, timeout=30_000)
        original = kind.path.read_text(encoding="utf-8")
        times, reloads, missed = [], 0, 0
        for i in range(runs if kind.name == "Markdown page" else big):
            if missed >= 3:
                break  # the server does not show this kind of edit: say so rather than wait on
            marker = f"Mốc{i}x{time.time_ns() % 10**9}"
            text = kind.change(original, i, marker)
            tab.evaluate("window.__kept = 1")
            rebuilds = server.rebuilds()
            started = time.time()
            kind.path.write_text(text, encoding="utf-8")
            shows = kind.shows(i, marker)
            try:
                seen = wait_until(tab, shows, timeout=EDIT_TIMEOUT)
            except TimeoutError:
                print(
                    f"  {kind.name}, edit {i}: not shown within {EDIT_TIMEOUT} s; server said:\n"
                    + "".join(server.lines[-6:]),
                    file=sys.stderr,
                )
                missed += 1
                server.wait_for_rebuilds(rebuilds + 1)
                tab.goto(server.url + kind.url)
                tab.wait_for_function(CONNECTED, timeout=30_000)
                continue
            if tab.evaluate("window.__kept") != 1:
                reloads += 1
                seen = tab.evaluate(FIRST_PAINT)  # Playwright looks at a new page late: take the page's own time
            times.append(seen / 1000 - started)
            server.wait_for_rebuilds(rebuilds + 1)
            tab.wait_for_function(CONNECTED, timeout=30_000)
            tab.wait_for_timeout(PAUSE_MS)
        rebuilds = server.rebuilds()
        kind.path.write_text(original, encoding="utf-8")
        server.wait_for_rebuilds(rebuilds + 1)  # the next kind's tab opens on the original page
        tab.wait_for_timeout(PAUSE_MS)
        tab.close()
        results[kind.name] = Times(times, reloads, failed, missed)
        print(f"  {kind.name}: median {results[kind.name].median() * 1000:.0f} ms", file=sys.stderr, flush=True)
    return results


def idle_with_a_tab(browser, server: Server, url: str) -> float:
    """The server's idle CPU share while one tab shows a page and keeps its livereload connection open."""
    tab = browser.new_page()
    tab.goto(server.url + url)
    tab.wait_for_function(CONNECTED, timeout=30_000)
    share = server.idle_cpu()
    tab.close()
    return share


def wait_until(tab, condition: str, timeout: float) -> float:
    """The page's clock (ms since the epoch) when `condition` first held and was painted, looked at every 5 ms,
    across reloads; TimeoutError when it did not hold within `timeout` seconds."""
    from playwright.sync_api import Error

    deadline = time.monotonic() + timeout
    while True:
        try:
            handle = tab.wait_for_function(
                # Once it holds: the time after the next frame is painted (a task queued from the frame's
                # animation callback runs after its paint), not merely when the DOM changed.
                f"() => ({condition}) ? new Promise(done => requestAnimationFrame(() => setTimeout(() =>"
                " done(Date.now())))) : 0",
                polling=5,
                timeout=max(1, (deadline - time.monotonic()) * 1000),
            )
            return float(handle.json_value())
        except Error as exc:  # the tab reloaded under the check: look again in the new page
            if "Timeout" in type(exc).__name__ or time.monotonic() > deadline:
                raise TimeoutError(condition) from exc


def free_port() -> int:
    """A port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def scratch() -> Path:
    """A fresh folder on tmpfs if there is one."""
    base = "/dev/shm" if Path("/dev/shm").is_dir() else None
    return Path(tempfile.mkdtemp(prefix="microsite-bench-", dir=base))


def copy_real_site(target: Path) -> Path:
    """The real site's inputs, copied."""
    for part in ("content", "templates", "locales", "static"):
        shutil.copytree(ROOT / part, target / part)
    shutil.copy2(ROOT / "babel.cfg", target / "babel.cfg")
    return target


def machine() -> str:
    """The processor and the number of cores the benchmark ran on."""
    model = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor() or "unknown CPU",
    )
    return f"{model}, {os.cpu_count()} cores (nproc {len(os.sched_getaffinity(0))}), Python {platform.python_version()}"


def main() -> None:
    """Measure both sites (and Hugo on the synthetic one) and print the table."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=1000, help="synthetic pages per language (default 1000)")
    parser.add_argument("--runs", type=int, default=20, help="edits of each kind (default 20)")
    parser.add_argument(
        "--big-runs",
        type=int,
        help="edits of each kind on the synthetic site (default: --runs);"
        " each YAML, template, catalog or CSS edit there re-renders every page",
    )
    parser.add_argument("--no-hugo", action="store_true", help="leave hugo server out even when installed")
    args = parser.parse_args()
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        raise SystemExit("needs Playwright: pip install -e '.[test]' (never `playwright install`)") from None
    if not Path(CHROMIUM).exists():
        raise SystemExit(f"needs Debian's Chromium at {CHROMIUM}: apt-get install chromium")

    real = copy_real_site(scratch() / "real")
    synthetic = write_corpus(scratch() / "synthetic", args.pages)
    hugo = None if args.no_hugo else prepare_hugo(synthetic)
    sites = [
        (
            "real site",
            real,
            our_kinds(real, "talks/nevers.vi.md", "vi/phat-bieu/nevers/", "talk.html", 'title: {vi: "'),
        ),
        (
            f"{args.pages:,} pages/lang",
            synthetic,
            our_kinds(synthetic, f"{page_name(7)}.vi.md", f"vi/{page_name(7)}/", "talk.html", "title: {vi: "),
        ),
    ]
    rows, idle = [], {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        for label, project, kinds in sites:
            print(f"{label}: our preview", file=sys.stderr, flush=True)
            server = ours(project)
            try:
                big = args.runs if project == real else (args.big_runs or args.runs)
                ours_times = save_to_visible(browser, server, kinds, args.runs, big)
                idle[f"our preview, {label}"] = idle_with_a_tab(browser, server, kinds[0].url)
            finally:
                server.stop()
            theirs: dict[str, Times] = {}
            if hugo is not None and project == synthetic:
                print(f"{label}: hugo server", file=sys.stderr, flush=True)
                server = hugo_server(hugo)
                try:
                    theirs = save_to_visible(browser, server, hugo_kinds(hugo, page_name(7)), args.runs, big)
                    idle[f"hugo server, {label}"] = idle_with_a_tab(browser, server, f"vi/{page_name(7)}/")
                finally:
                    server.stop()
            for name, times in ours_times.items():
                rows.append((label, name, times, theirs.get(name)))
            print_table(rows, args, hugo is not None or args.no_hugo, idle, file=sys.stderr)  # so far
        browser.close()
    print_table(rows, args, hugo is not None or args.no_hugo, idle)


def print_table(
    rows: list[tuple[str, str, Times, Times | None]],
    args: argparse.Namespace,
    hugo_ran: bool,
    idle: dict[str, float],
    file=sys.stdout,
) -> None:
    """The Markdown table of the README's performance section."""
    print = functools.partial(builtins.print, file=file, flush=True)
    version = (
        subprocess.run(["hugo", "version"], capture_output=True, text=True).stdout.split()[1]
        if shutil.which("hugo")
        else None
    )
    big = args.big_runs or args.runs
    print(
        f"machine: {machine()}; load average {os.getloadavg()[0]:.1f}; {args.runs} edits of each kind"
        + (f" ({big} of each but Markdown on the synthetic site)" if big != args.runs else "")
        + "; on tmpfs"
    )
    if not hugo_ran:
        print("hugo is not installed: the Hugo columns are left empty (apt-get install hugo to fill them)")
    header = (
        "site",
        "edit",
        "save to visible, median",
        "90th percentile",
        "tab reloaded",
        f"hugo server {version or ''}".strip() + ", median",
        "hugo p90",
        "hugo reloaded",
        "ours / hugo",
    )
    print("| " + " | ".join(header) + " |")
    print("|" + "|".join(" --- " for _ in header) + "|")
    for label, name, mine, theirs in rows:
        cells = [label, name, *mine.cells()]
        if theirs is not None:
            cells += [*theirs.cells(), f"{mine.median() / theirs.median():.2f}"]
        else:
            cells += ["–"] * 4
        print("| " + " | ".join(cells) + " |")
    for where, share in idle.items():
        print(f"idle CPU, {where}: {share * 100:.2f} % of a core (over {IDLE_SECONDS} s, one tab open)")
    for label, name, mine, _ in rows:
        if mine.failed:
            print(f"{label}, {name}: failed requests: {', '.join(sorted(set(mine.failed)))}")


if __name__ == "__main__":
    main()
