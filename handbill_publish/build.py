"""Run one build into a staging folder and collect what it found, as data.

The build runs in a child process (runner.py). What it logs at WARNING and above is the
list a volunteer or the keeper needs: errors stop the publish, warnings are notices.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

# The files a site cannot do without; a build that exits cleanly without them is broken.
REQUIRED_FILES = ("index.html",)


@dataclass
class BuildResult:
    problems: list[str] = field(default_factory=list)  # errors: the site is not published
    notices: list[str] = field(default_factory=list)  # warnings: published anyway
    logged: int = 0  # how many of the problems the build printed itself

    @property
    def ok(self) -> bool:
        return not self.problems


def run_build(
    root: Path, settings_file: Path, staging: Path, timeout: float | None = None
) -> BuildResult:
    """Build the site with `settings_file` into `staging`, as `pelican` would."""
    with tempfile.TemporaryDirectory(prefix="handbill-publish-") as tmp:
        log = Path(tmp) / "problems.jsonl"
        log.touch()
        command = [sys.executable, "-m", "handbill_publish.runner", str(log)]
        command += ["-o", str(staging), "-s", str(settings_file)]
        process = subprocess.Popen(command, cwd=root)
        try:
            code = process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
            code = None
        except BaseException:  # Ctrl-C or SIGTERM: stop the build too, then say so
            process.terminate()
            process.wait()
            raise
        result = read_log(log)
    result.logged = len(result.problems)
    explain_exit(result, code, timeout)
    if code == 0:
        check_output(result, staging)
    return result


def read_log(log: Path) -> BuildResult:
    result = BuildResult()
    for line in log.read_text(encoding="utf-8").splitlines():
        try:
            record = json.loads(line)
        except ValueError:  # the last line of a build killed mid-write
            continue
        if record["level"] == "WARNING":
            result.notices.append(record["message"])
        elif not is_summary(record):
            result.problems.append(record["message"])
    return result


def is_summary(record: dict[str, str]) -> bool:
    """handbill_checks' closing 'fix the N problems listed above' is not a problem itself."""
    return record["level"] == "CRITICAL" and record["logger"].startswith("handbill_checks")


def explain_exit(result: BuildResult, code: int | None, timeout: float | None) -> None:
    if code is None:
        result.problems.append(
            f"the build was stopped after {timeout:.0f} seconds without finishing "
            "(a content file that makes it hang?)"
        )
    elif code < 0:
        name = signal.Signals(-code).name
        result.problems.append(f"the build was killed ({name}) before it finished")
    elif code != 0 and not result.problems:
        result.problems.append(
            f"the build stopped with exit status {code} without naming a problem "
            "(see the build's output above)"
        )


def check_output(result: BuildResult, staging: Path) -> None:
    for name in REQUIRED_FILES:
        if not (staging / name).is_file():
            result.problems.append(f"the build wrote no {name}: the site would have no {name}")
