"""Run a command as a child process and measure it: wall time, CPU time and peak memory."""

from __future__ import annotations

import os
import statistics
import subprocess
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Run:
    """One measured child process."""

    label: str
    wall: float  # seconds
    cpu: float  # user + system seconds of the child (os.wait4, so only this child)
    maxrss_mb: float  # peak resident memory of the child
    returncode: int
    log: str  # where its output went

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def run(
    label: str,
    cmd: list[str],
    log: Path,
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
) -> Run:
    """Start `cmd`, wait for it with wait4 so its own rusage (not all children's) is read."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("w", encoding="utf-8") as out:
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    # ru_maxrss is in kilobytes on Linux.
    return Run(
        label,
        wall,
        usage.ru_utime + usage.ru_stime,
        usage.ru_maxrss / 1024,
        proc.returncode,
        str(log),
    )


def summary(runs: list[Run]) -> dict[str, Any]:
    """Medians over repeated runs (robust to one slow run), plus the worst peak memory."""
    if not runs:
        return {}
    return {
        "runs": len(runs),
        "wall_median": statistics.median(r.wall for r in runs),
        "wall_min": min(r.wall for r in runs),
        "wall_max": max(r.wall for r in runs),
        "cpu_median": statistics.median(r.cpu for r in runs),
        "maxrss_mb": max(r.maxrss_mb for r in runs),
        "failed": sum(r.returncode != 0 for r in runs),
    }


def ratio(a: float | None, b: float | None) -> float | None:
    return a / b if a is not None and b else None
