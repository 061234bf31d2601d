"""Run a command as a child process and measure it: wall time, CPU time and peak memory,
and instructions retired when Linux `perf` can count them.

Wall time suffers most when other work shares the cores; CPU time less; instruction
counts hardly at all (about 1 % between identical runs here), so ratios are given for all.
"""

from __future__ import annotations

import functools
import os
import shutil
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
    instructions: int | None = None  # from `perf stat`, None where perf cannot count

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


# The program's own instructions: the kernel's share (writing files, page faults) varies
# with the page cache and the disk from run to run.
INSTRUCTIONS = "instructions:u"


@functools.cache
def perf_works() -> bool:
    """Whether `perf stat` can count instructions here (not in every VM or container)."""
    if not shutil.which("perf"):
        return False
    try:
        done = subprocess.run(
            ["perf", "stat", "-e", INSTRUCTIONS, "-x,", "true"],
            capture_output=True,
            text=True,
            timeout=20,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return False
    return done.returncode == 0 and done.stderr.strip().split(",", 1)[0].isdigit()


def read_instructions(path: Path) -> int | None:
    if not path.exists():
        return None
    for line in path.read_text(encoding="utf-8").splitlines():
        fields = line.split(",")
        if len(fields) > 2 and fields[2].startswith("instructions") and fields[0].isdigit():
            return int(fields[0])
    return None


def run(
    label: str,
    cmd: list[str],
    log: Path,
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
    count_instructions: bool = False,
) -> Run:
    """Start `cmd` and wait for it with wait4, which reports the child's own rusage and that
    of the processes it waited for (perf's child, when perf counts instructions)."""
    log.parent.mkdir(parents=True, exist_ok=True)
    counts = log.with_suffix(".perf")
    counts.unlink(missing_ok=True)
    if count_instructions and perf_works():
        cmd = ["perf", "stat", "-e", INSTRUCTIONS, "-x,", "-o", str(counts), *cmd]
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
        read_instructions(counts),
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
        "instructions_median": (
            statistics.median(r.instructions for r in runs if r.instructions)
            if any(r.instructions for r in runs)
            else None
        ),
        "maxrss_mb": max(r.maxrss_mb for r in runs),
        "failed": sum(r.returncode != 0 for r in runs),
    }


def ratio(a: float | None, b: float | None) -> float | None:
    return a / b if a is not None and b else None
