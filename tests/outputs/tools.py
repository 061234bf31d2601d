"""Find the outside tools the output checks need: Java, Node, the npm packages, Chromium.

On a developer machine a missing tool skips the test with one line saying what to install.
Under CI=true the same absence fails the test, so CI can never go green by skipping a check.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import NoReturn

import pytest

ROOT = Path(__file__).resolve().parents[2]
NODE_MODULES = ROOT / "node_modules"
CHROMIUM = Path("/usr/bin/chromium")

# Files inside the pinned npm packages (package.json) that the checks run.
VNU_JAR = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE_JS = NODE_MODULES / "axe-core" / "axe.min.js"
ICAL_JS = NODE_MODULES / "ical.js" / "dist" / "ical.js"


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() == "true"


def missing(what: str, fix: str) -> NoReturn:
    """Skip (developer machine) or fail (CI) because `what` is not installed."""
    line = f"{what} not found; {fix}"
    if in_ci():
        pytest.fail(f"CI=true and {line} (.ci/run should have installed it)", pytrace=False)
    pytest.skip(line)


def java() -> str:
    found = shutil.which("java")
    if not found:
        missing("Java", "install it: sudo apt install default-jre-headless")
    return found


def node() -> str:
    found = shutil.which("node")
    if not found:
        missing("Node.js", "install it: sudo apt install nodejs npm, then run: npm ci")
    return found


def npm_file(path: Path) -> Path:
    """A file from the npm packages pinned in package.json (installed by `npm ci`)."""
    if not path.is_file():
        missing(
            f"npm package file {path.relative_to(ROOT)}",
            "install the pinned npm packages: npm ci --ignore-scripts (at the repo root)",
        )
    return path


def chromium() -> Path:
    # Only Debian's Chromium: Playwright's own browser downloads are not allowed here.
    if not os.access(CHROMIUM, os.X_OK):
        missing("Debian's Chromium (/usr/bin/chromium)", "install it: sudo apt install chromium")
    return CHROMIUM


def playwright_driver() -> None:
    """Playwright drives the browser through the Node.js it bundles, which needs libatomic1."""
    # Private but stable for years; the alternative is an opaque "connection closed" error.
    from playwright._impl._driver import compute_driver_executable

    node_path, cli = compute_driver_executable()
    done = subprocess.run(
        [node_path, cli, "--version"], capture_output=True, text=True, timeout=120, check=False
    )
    if done.returncode != 0:
        said = (done.stderr.strip().splitlines() or ["no message"])[-1]
        missing(
            "a library for Playwright's driver",
            f"it says: {said} (on Debian: sudo apt install libatomic1)",
        )
