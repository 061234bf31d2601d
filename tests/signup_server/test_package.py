"""The sign-up server is its own package: it runs without Pelican (issue 12)."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib

from sitebuild import ROOT

NO_PELICAN = """
import sys
import signup_server.app, signup_server.worker, signup_server.cli
site_side = ("pelican", "handbill_signup", "markdown", "icalendar")
loaded = sorted(m for m in sys.modules if m.split(".")[0] in site_side)
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


def test_site_and_server_install_apart():
    """`pip install '.[site]'` brings no Flask or gunicorn; `.[server]` brings no Pelican."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]

    def names(requirements: list[str]) -> set[str]:
        return {re.split(r"[\[<>=!~; ]", r, maxsplit=1)[0].lower() for r in requirements}

    base = names(project["dependencies"])
    extras = {k: names(v) for k, v in project["optional-dependencies"].items()}
    assert not {"flask", "gunicorn", "pelican", "markdown"} & base
    assert {"flask", "gunicorn"} <= extras["server"] and not {"flask", "gunicorn"} & extras["site"]
    assert "pelican" in extras["site"] and "pelican" not in extras["server"]
