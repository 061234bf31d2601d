"""`make bench` at a tiny size, so the benchmark never rots: it runs, and its numbers are sane.

No timing assertions: CI machines vary. The sizes are small enough for well under a minute.
"""

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
POSTS, EVENTS, SERIES, ICS_SERIES, REQUESTS, SCALE = 20, 10, 4, 20, 300, 50


def present(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except ModuleNotFoundError:
        return False


@pytest.fixture(scope="module")
def bench_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict, str]:
    out = tmp_path_factory.mktemp("bench")
    report = out / "benchmarks.md"
    cmd = [
        sys.executable,
        "-m",
        "bench.run",
        "--posts",
        str(POSTS),
        "--events",
        str(EVENTS),
        "--series",
        str(SERIES),
        "--rounds",
        "2",
        "--ics-series",
        str(ICS_SERIES),
        "--requests",
        str(REQUESTS),
        "--concurrency",
        "8",
        "--max-seconds",
        "30",
        "--no-hugo",
        "--scale-posts",
        str(SCALE),
        "--out",
        str(out / "work"),
        "--report",
        str(report),
    ]
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=240, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    results = json.loads((out / "work" / "results.json").read_text(encoding="utf-8"))
    return results, report.read_text(encoding="utf-8")


def test_report_names_the_machine_and_the_command(bench_run: tuple[dict, str]) -> None:
    results, report = bench_run
    assert report.startswith("# Benchmarks")
    assert f"--posts {POSTS}" in report
    assert f"{results['machine']['nproc']} CPUs" in report
    assert "Pelican " + results["machine"]["pelican"] in report
    assert "| Target | Measured | Goal | Met |" in report


def test_both_builds_ran_and_built_every_post(bench_run: tuple[dict, str]) -> None:
    build = bench_run[0]["build"]
    for kind in ("handbill", "default", "plain"):
        stats = build[kind]
        assert stats["runs"] == 2 and stats["failed"] == 0
        assert stats["wall_median"] > 0 and stats["cpu_median"] > 0
        assert stats["maxrss_mb"] > 10
        assert stats["counts"]["articles"] == POSTS
        assert stats["counts"]["html_files"] > POSTS
    assert build["handbill"]["counts"]["errors"] == 0
    assert build["ratio_wall"] > 0 and build["ratio_cpu"] > 0
    assert build["ratio_wall_plain"] > 0 and build["ratio_cpu_plain"] > 0


def test_headline_is_pelican_as_it_comes(bench_run: tuple[dict, str]) -> None:
    """Issue 16: the headline compares with Pelican's defaults, not a like-for-like build."""
    results, report = bench_run
    settings = Path(results["build"]["default"]["all"][0]["log"]).parents[1] / "defaultconf.py"
    assert settings.read_text(encoding="utf-8").splitlines() == [
        'AUTHOR="Bench"',
        'SITENAME="Bench"',
        'SITEURL=""',
        'PATH="content"',
        'TIMEZONE="Europe/London"',
        'DEFAULT_LANG="en"',
        "PLUGINS=[]",
        "DEFAULT_PAGINATION=10",
    ]
    assert "| Full build, Handbill / Pelican as it comes (median CPU) |" in report
    assert "Headline: Handbill / Pelican as it comes" in report
    assert "| Pelican as it comes (its defaults, no plugins) |" in report
    assert "Like-for-like, Handbill / plain Pelican" in report
    assert "**The rule:**" in report and "make bench-ratio" in report


def test_scaling_run_builds_every_post_of_the_bigger_site(bench_run: tuple[dict, str]) -> None:
    results, report = bench_run
    big = results["build"]["scaling"]
    assert big["posts"] == SCALE
    for kind in ("handbill", "default"):
        assert big[kind]["counts"]["articles"] == SCALE and big[kind]["counts"]["errors"] == 0
        assert big[kind]["run"]["returncode"] == 0
        assert big[kind]["growth_memory"] > 0 and big[kind]["growth_cpu"] > 0
    assert f"One build of each at {SCALE} posts" in report


def test_cached_rebuild_and_profile(bench_run: tuple[dict, str]) -> None:
    build = bench_run[0]["build"]
    rebuild = build["cached"]["handbill"]["rebuild"]
    assert rebuild["runs"] == 2 and rebuild["failed"] == 0
    assert build["cached_ratio"] > 0 and build["cached_ratio_cpu"] > 0
    profile = build["profile"]["handbill"]
    assert profile["available"] and profile["total"] > 0
    assert 0 < profile["parts"]["handbill_checks"]["share"] < 1


def test_events_share_and_ics(bench_run: tuple[dict, str]) -> None:
    build = bench_run[0]["build"]
    if not present("handbill_events.ics"):
        assert build["ics"]["available"] is False
        return
    ics = build["ics"]
    assert ics["available"], ics
    assert ics["series"] == ICS_SERIES and ics["vevents"] >= ICS_SERIES
    assert ics["total_seconds"] > 0
    if build["profile"]["events_enabled"]:
        assert 0 < build["profile"]["events_share"] < 1


def test_server_under_load_or_reported_missing(bench_run: tuple[dict, str]) -> None:
    results, report = bench_run
    server = results["server"]
    if not present("signup_server.app"):
        assert server["available"] is False
        assert "not on this branch" in server["reason"]
        assert "Sign-up server: not available" in report
        return
    assert server["available"], server
    for phase in server["phases"]:
        assert phase["requests"] == REQUESTS
        assert phase["completed"] == REQUESTS, phase
        assert phase["errors"] == 0, phase
        assert phase["rps"] > 0 and phase["p99_ms"] >= phase["p50_ms"] > 0
        assert phase["rss_before_mb"] > 0 and phase["rss_after_mb"] > 0
        steady = phase["steady"]
        assert steady["offered_rps"] > 0 and steady["completed"] > 0
        assert steady["p99_ms"] >= steady["p50_ms"] > 0
    assert "| up |" in report and "| hang |" in report
