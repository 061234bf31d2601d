"""`make bench-ratio` (bench/ratio.py): the build-speed rule's check runs, and fails over
its limit. No timing assertions: a tiny site is all fixed costs, so the limits are extreme."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def ratio(tmp_path: Path, limit: str) -> subprocess.CompletedProcess:
    cmd = [
        sys.executable,
        "-m",
        "bench.ratio",
        "--posts",
        "6",
        "--events",
        "3",
        "--series",
        "1",
        "--rounds",
        "1",
        "--limit",
        limit,
        "--out",
        str(tmp_path / "work"),
    ]
    return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=300, check=False)


def test_within_and_over_the_limit(tmp_path: Path) -> None:
    within = ratio(tmp_path, "1000")
    assert within.returncode == 0, within.stdout + within.stderr
    assert "Handbill / Pelican as it comes (6 posts, 1 rounds):" in within.stderr
    assert "within the limit" in within.stderr
    assert (tmp_path / "work" / "site" / "defaultconf.py").exists()
    over = ratio(tmp_path, "0.001")
    assert over.returncode == 1, over.stdout + over.stderr
    assert "over the limit" in over.stderr
