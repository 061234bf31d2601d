"""The sign-up server is its own package: it runs without Pelican (issue 12)."""

from __future__ import annotations

import subprocess
import sys

NO_PELICAN = """
import sys
import signup_server.app, signup_server.worker, signup_server.cli
loaded = sorted(m for m in sys.modules if m == "pelican" or m.startswith("pelican."))
assert not loaded, loaded
"""


def test_server_does_not_import_pelican():
    done = subprocess.run(
        [sys.executable, "-c", NO_PELICAN], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr


def test_console_script_runs_the_server_package():
    script = f"{sys.prefix}/bin/handbill-signup"
    done = subprocess.run([script, "--help"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "check" in done.stdout
