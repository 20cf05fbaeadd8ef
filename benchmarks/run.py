"""Build speed and memory at scale, and the same corpus through Pelican and Hugo where they are installed.

    python benchmarks/run.py                    # N = 100, 1,000 and 5,000 pages per language
    python benchmarks/run.py --sizes 100 1000   # fewer sizes

For each size it writes a deterministic corpus (benchmarks/corpus.py) on tmpfs and measures, in fresh
processes: a cold build (empty cache), a no-change rebuild, a rebuild after editing one page; in process: the
preview's rebuild of one edited page. Times are medians of several runs; memory is the peak resident size of
the largest process of a cold build (GNU time's %M). Prints a Markdown table.

The peers build the same page bodies: Pelican with its default theme, Hugo with templates that write what ours
write on every page (benchmarks/hugo/) and, for reference, Hugo with a bare template. Their cold builds take
turns with ours, and each checks that the peer wrote every page.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from corpus import page_name, write_corpus  # noqa: E402

RUNS = 3


def scratch() -> Path:
    """A fresh folder on tmpfs when there is one (the disk's timings are noisy after many deletions)."""
    return Path(tempfile.mkdtemp(prefix="microsite-bench-", dir="/dev/shm" if Path("/dev/shm").is_dir() else None))


def timed(command: list[str], cwd: Path | None = None) -> tuple[float, int]:
    """Run a command; return (seconds, peak resident KB of its largest process)."""
    report = Path(tempfile.mktemp(prefix="time-"))
    started = time.perf_counter()
    subprocess.run(
        ["/usr/bin/time", "-o", str(report), "-f", "%M", *command],
        cwd=cwd,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    seconds = time.perf_counter() - started
    peak = int(report.read_text().split()[-1])
    report.unlink()
    return seconds, peak


def ours(project: Path) -> list[str]:
    """Our build command for a project."""
    return [sys.executable, str(ROOT / "build.py"), "--project", str(project)]


def measure(pages: int) -> dict:
    """Every figure of one row. Cold builds take turns with the peers' (this machine's speed drifts over
    minutes: each ratio is the median of the ratios of runs made side by side)."""
    project = write_corpus(scratch() / "project", pages)
    total = 2 * (pages + 2)
    peers = {name: make(project) for name, make in PEERS.items()}
    colds, peaks, peer_times = [], [], {name: [] for name, peer in peers.items() if peer}
    for _ in range(RUNS):
        shutil.rmtree(project / ".cache", ignore_errors=True)
        shutil.rmtree(project / "site", ignore_errors=True)
        seconds, peak = timed(ours(project))
        colds.append(seconds)
        peaks.append(peak)
        for name, times in peer_times.items():
            times.append(peers[name].cold_build())
    unchanged = [timed(ours(project))[0] for _ in range(RUNS)]
    edited = []
    page = project / "content" / "pages" / f"{page_name(pages // 2)}.vi.md"
    for run in range(RUNS):
        with page.open("a", encoding="utf-8") as fp:
            fp.write(f"\nMột câu sửa số {run}.\n")
        edited.append(timed(ours(project))[0])
    preview = preview_rebuild(project, page)
    cold = statistics.median(colds)
    row = {
        "pages": pages,
        "total": total,
        "cold": cold,
        "unchanged": statistics.median(unchanged),
        "edited": statistics.median(edited),
        "preview": preview,
        "rate": total / cold,
        "memory": max(peaks) / 1024,
        "peers": {},
    }
    for name, times in peer_times.items():
        peers[name].check(pages)
        speedups = (c / t for c, t in zip(colds, times, strict=True))
        row["peers"][name] = (statistics.median(times), statistics.median(speedups))
    for peer in peers.values():
        if peer:
            shutil.rmtree(peer.cwd, ignore_errors=True)
    shutil.rmtree(project.parent, ignore_errors=True)
    return row


@dataclass
class Peer:
    """Another generator set up on the same bodies: the command of its build and the folders it writes."""

    command: list[str]
    cwd: Path
    outputs: list[str]

    def cold_build(self) -> float:
        """The time of one build from scratch."""
        for name in self.outputs:
            shutil.rmtree(self.cwd / name, ignore_errors=True)
        return timed(self.command, cwd=self.cwd)[0]

    def check(self, pages: int) -> None:
        """Refuse a comparison in which the peer did not write every page."""
        written = sum(1 for _ in (self.cwd / self.outputs[0]).rglob("*.html"))
        if written < 2 * pages:
            raise SystemExit(f"{self.command[0]} wrote {written} pages of {2 * pages}: not a comparable build")


def preview_rebuild(project: Path, page: Path) -> float:
    """Median in-process time of the preview's rebuild after one page is edited."""
    from microsite.commands.preview import Preview

    preview = Preview(project, scratch())
    preview.rebuild(set())
    times = []
    for run in range(RUNS * 2):
        with page.open("a", encoding="utf-8") as fp:
            fp.write(f"\nXem trước {run}.\n")
        times.append(preview.rebuild({page}).seconds)
    shutil.rmtree(preview.root, ignore_errors=True)
    return statistics.median(times)


def _bodies(project: Path):
    """(name, language, title, body) of every synthetic page."""
    for path in sorted((project / "content" / "pages").rglob("*.md")):
        text = path.read_text(encoding="utf-8")
        _, front, body = text.split("---\n", 2)
        title = front.split("title: ", 1)[1].split("\n", 1)[0].strip('"')
        rel = path.relative_to(project / "content" / "pages").as_posix()
        name, lang, _ = rel.rsplit(".", 2)
        yield name, lang, title, body.replace(".md)", "/)")


def pelican(project: Path) -> Peer | None:
    """Pelican (its default theme) on the same bodies, if Pelican is installed."""
    if not shutil.which("pelican"):
        return None
    site = scratch()
    for name, lang, title, body in _bodies(project):
        target = site / "content" / lang / f"{name}.md"
        target.parent.mkdir(parents=True, exist_ok=True)
        slug = name.replace("/", "-")
        target.write_text(
            f"Title: {title}\nDate: 2023-04-14\nLang: {lang}\nSlug: {slug}\n"
            f"Translation: {'false' if lang == 'vi' else 'true'}\n\n{body}",
            encoding="utf-8",
        )
    (site / "pelicanconf.py").write_text(
        "SITENAME = 'bench'\nPATH = 'content'\nDEFAULT_LANG = 'vi'\nTIMEZONE = 'Asia/Ho_Chi_Minh'\n"
        "FEED_ALL_ATOM = None\nARTICLE_URL = '{lang}/{slug}/'\nARTICLE_SAVE_AS = '{lang}/{slug}/index.html'\n"
        "ARTICLE_LANG_URL = '{lang}/{slug}/'\nARTICLE_LANG_SAVE_AS = '{lang}/{slug}/index.html'\n",
        encoding="utf-8",
    )
    return Peer(["pelican", "content", "-o", "output", "-s", "pelicanconf.py", "-q"], site, ["output"])


HUGO_CONFIG = """\
baseURL: https://example.org/bench/
title: Kho thử nghiệm
defaultContentLanguage: vi
defaultContentLanguageInSubdir: true
disableKinds: [taxonomy, term]
markup: {goldmark: {renderer: {unsafe: true}}}
languages:
  vi:
    weight: 1
    languageName: Tiếng Việt
    params: {locale: vi_VN}
    menus:
      main: [{name: Trang chủ, url: /bench/vi/, weight: 1}, {name: Chương trình, url: /bench/vi/program/, weight: 2}]
  fr:
    weight: 2
    languageName: Français
    params: {locale: fr_FR}
    menus:
      main: [{name: Accueil, url: /bench/fr/, weight: 1}, {name: Programme, url: /bench/fr/program/, weight: 2}]
"""

HUGO_I18N = {
    "vi": "skip: Chuyển đến nội dung chính\nlanguage: Ngôn ngữ\nmenu: Menu chính\nsource: Nguồn\n",
    "fr": "skip: Aller au contenu\nlanguage: Langue\nmenu: Menu principal\nsource: Source\n",
}


def hugo(project: Path, like_ours: bool = True) -> Peer | None:
    """Hugo on the same bodies, if Hugo is installed.

    like_ours: templates that write what ours do on every page (canonical and hreflang links, Open Graph and
    Twitter tags, language switcher, menu, translated labels), plus Hugo's own sitemap and per-language feeds;
    otherwise a bare page template, with no sitemap and no feeds."""
    if not shutil.which("hugo"):
        return None
    site = scratch()
    layouts = site / "layouts" / "_default"
    layouts.mkdir(parents=True)
    if like_ours:
        for name in ("baseof.html", "single.html", "list.html"):
            shutil.copy(ROOT / "benchmarks" / "hugo" / name, layouts / name)
        (site / "i18n").mkdir()
        for lang, text in HUGO_I18N.items():
            (site / "i18n" / f"{lang}.yaml").write_text(text, encoding="utf-8")
        (site / "hugo.yaml").write_text(HUGO_CONFIG, encoding="utf-8")
    else:
        (layouts / "single.html").write_text(
            '<!DOCTYPE html><html lang="{{ .Lang }}"><head><title>{{ .Title }}</title></head>'
            "<body>{{ .Content }}</body></html>\n",
            encoding="utf-8",
        )
        (layouts / "list.html").write_text("<html><body>{{ .Title }}</body></html>\n")
        (site / "hugo.yaml").write_text(
            "baseURL: https://example.org/\ndefaultContentLanguage: vi\ndefaultContentLanguageInSubdir: true\n"
            "disableKinds: [taxonomy, term, RSS, sitemap]\nlanguages:\n  vi: {weight: 1}\n  fr: {weight: 2}\n"
            "markup: {goldmark: {renderer: {unsafe: true}}}\n",
            encoding="utf-8",
        )
    for name, lang, title, body in _bodies(project):
        # Hugo's home page is _index.md: an index.md would make content/ one leaf bundle, and every other
        # page a resource of it, never rendered.
        target = site / "content" / f"{'_index' if name == 'index' else name}.{lang}.md"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(f'---\ntitle: "{title}"\n---\n{body}', encoding="utf-8")
    return Peer(["hugo", "--quiet", "-d", "public"], site, ["public", "resources"])


PEERS = {"Pelican": pelican, "Hugo": hugo, "Hugo, bare templates": lambda project: hugo(project, like_ours=False)}


def main() -> None:
    """Measure each size and print the table."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000, 5000], help="pages per language")
    args = parser.parse_args()
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; "
        f"medians of {RUNS} runs; outputs on tmpfs"
    )
    header = [
        "pages/lang",
        "cold build",
        "no-change rebuild",
        "1 page edited",
        "preview, 1 page",
        "pages/s (cold)",
        "peak memory",
    ] + [f"{name} cold" for name in PEERS]
    print("| " + " | ".join(header) + " |")
    print("|" + "|".join(" --- " for _ in header) + "|")
    rows = []
    for pages in args.sizes:
        r = measure(pages)
        rows.append(r)
        peers = [
            f"{r['peers'][name][0]:.2f} s ({r['peers'][name][1]:.2f}×)" if name in r["peers"] else "not installed"
            for name in PEERS
        ]
        print(
            f"| {pages:,} | {r['cold']:.2f} s | {r['unchanged']:.2f} s | {r['edited']:.2f} s | "
            f"{r['preview'] * 1000:.0f} ms | {r['rate']:.0f} | {r['memory']:.0f} MB | " + " | ".join(peers) + " |",
            flush=True,
        )
    print(
        "Ratios: our cold build's time over the peer's, the median of runs made side by side (below 1: we are faster)."
    )
    for r in rows:
        for name, (seconds, _) in r["peers"].items():
            if name.startswith("Hugo"):
                print(
                    f"{r['pages']:,} pages/lang: one page edited, {r['edited']:.2f} s, against {name}'s whole "
                    f"build, {seconds:.2f} s: {'faster' if r['edited'] < seconds else 'slower'}."
                )


if __name__ == "__main__":
    main()
