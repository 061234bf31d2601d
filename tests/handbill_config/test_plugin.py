"""plugin_settings: a plugin's HANDBILL_* dict checked at start, naming the settings file."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from handbill_config import ConfigError, StrictModel, plugin_settings
from sitebuild import ROOT


class Example(StrictModel):
    fail_on_error: bool = False
    count: int = 3


def test_valid_settings_and_defaults():
    assert plugin_settings({}, "HANDBILL_X", Example) == Example()
    got = plugin_settings({"HANDBILL_X": {"count": 7}}, "HANDBILL_X", Example)
    assert (got.fail_on_error, got.count) == (False, 7)


def test_every_mistake_is_listed():
    with pytest.raises(ConfigError) as caught:
        plugin_settings({"HANDBILL_X": {"count": "7", "fail_on_eror": 1}}, "HANDBILL_X", Example)
    assert caught.value.problems == [
        'settings: HANDBILL_X.count: "7" is text — write a number such as 7',
        'settings: HANDBILL_X.fail_on_eror: unknown setting — did you mean "fail_on_error"?',
    ]


def pelican(tmp_path: Path, settings_text: str) -> subprocess.CompletedProcess[str]:
    """Build the demo site with a settings file like publishconf.py, as `make publish` does."""
    settings = tmp_path / "publishconf.py"
    settings.write_text(settings_text, encoding="utf-8")
    return subprocess.run(
        [
            str(Path(sys.executable).parent / "pelican"),
            str(ROOT / "content"),
            "-o",
            str(tmp_path / "output"),
            "-s",
            str(settings),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
        env={**os.environ, "COLUMNS": "400"},
    )


PUBLISHCONF = f"""
import sys
sys.path.insert(0, {str(ROOT)!r})
from pelicanconf import *
PATH = {str(ROOT / "content")!r}
HANDBILL_CHECKS = {{"fail_on_eror": True}}
"""


def test_misspelt_publish_guard_stops_the_build_at_start(tmp_path):
    """Regression (issue 12): `fail_on_eror` published without a word, the guard silently off."""
    done = pelican(tmp_path, PUBLISHCONF)
    out = done.stdout + done.stderr
    assert done.returncode == 1, out
    expected = (
        "publishconf.py: HANDBILL_CHECKS.fail_on_eror: unknown setting — "
        'did you mean "fail_on_error"?'
    )
    assert expected in " ".join(out.split()), out
    assert "Traceback" not in out
    assert not (tmp_path / "output" / "index.html").exists()  # stopped before building
