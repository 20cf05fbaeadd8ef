"""Preview speed: rebuild time of one edited page, and save-to-visible time in a real Chromium tab.

    python benchmarks/preview.py                 # the real site and a synthetic 1,000-pages-per-language site
    python benchmarks/preview.py --pages 200     # a smaller synthetic site

Targets (issue 4): one edited page of a 2,000-page site rebuilt in under 50 ms; save-to-visible under 300 ms on
the real site. Prints a table of medians; outputs go to /dev/shm when it exists (the disk's timing is noisy).
"""

from __future__ import annotations

import argparse
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from corpus import page_name, write_corpus  # noqa: E402
from microsite.commands.preview import Preview  # noqa: E402

RUNS = 7
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run"]


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


def rebuild_times(project: Path, page: Path) -> tuple[float, float, int]:
    """(full preview build s, median one-page rebuild s, pages re-rendered) for edits of `page`."""
    preview = Preview(project, scratch())
    started = time.perf_counter()
    first = preview.rebuild(set())
    full = time.perf_counter() - started
    assert not first.errors, first.errors
    times, rendered = [], 0
    for run in range(RUNS):
        with page.open("a", encoding="utf-8") as fp:
            fp.write(f"\nCâu thử số {run}.\n")
        report = preview.rebuild({page})
        assert not report.errors, report.errors
        times.append(report.seconds)
        rendered = report.rendered
    return full, statistics.median(times), rendered


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def save_to_visible(project: Path, page: Path, url_path: str) -> float | None:
    """Median time from writing the file to the new text in a real Chromium tab (None without Chromium)."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return None
    if not Path("/usr/bin/chromium").exists():
        return None
    port = free_port()
    server = subprocess.Popen([sys.executable, str(ROOT / "build.py"), "--project", str(project), "serve",
                               "--port", str(port)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        for line in server.stdout:
            if line.startswith("Serving "):
                base = re.search(r"(http://\S+)", line).group(1)
                break
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=FLAGS)
            tab = browser.new_page()
            tab.goto(base + url_path)
            tab.wait_for_timeout(500)
            times = []
            for run in range(RUNS):
                marker = f"Dấu mốc {run} {time.time_ns()}"
                started = time.perf_counter()
                with page.open("a", encoding="utf-8") as fp:
                    fp.write(f"\n{marker}\n")
                tab.wait_for_selector(f"text={marker}", timeout=10_000)
                times.append(time.perf_counter() - started)
                tab.wait_for_timeout(200)
            browser.close()
        return statistics.median(times)
    finally:
        server.terminate()
        server.wait(timeout=10)


def main() -> None:
    """Run both measurements on both sites and print the table."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=1000, help="synthetic pages per language (default 1000)")
    args = parser.parse_args()
    real = copy_real_site(scratch() / "real")
    synthetic = write_corpus(scratch() / "synthetic", args.pages)
    rows = []
    cases = [("real site (10 pages/lang)", real, real / "content/pages/talks/nevers.vi.md", "vi/tham-luan/nevers/"),
             (f"synthetic ({args.pages} pages/lang)", synthetic,
              synthetic / "content/pages" / f"{page_name(7)}.vi.md", f"vi/{page_name(7)}/")]
    for label, project, page, url_path in cases:
        full, one, rendered = rebuild_times(project, page)
        visible = save_to_visible(project, page, url_path)
        rows.append((label, f"{full * 1000:.0f} ms", f"{one * 1000:.1f} ms", str(rendered),
                     f"{visible * 1000:.0f} ms" if visible else "no browser"))
    header = ("site", "first build", "rebuild, 1 page edited", "pages re-rendered", "save to visible")
    widths = [max(len(r[i]) for r in rows + [header]) for i in range(len(header))]
    print(f"median of {RUNS} runs; save-to-visible includes the watcher's {100} ms polling interval")
    for row in [header, tuple("-" * w for w in widths)] + rows:
        print("| " + " | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) + " |")


if __name__ == "__main__":
    main()
