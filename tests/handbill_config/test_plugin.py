"""plugin_settings: a plugin's HANDBILL_* dict checked at start, naming the settings file."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from pelican.settings import read_settings

from handbill_checks.settings import read as checks_settings
from handbill_config import ConfigError, StrictModel, plugin_settings
from handbill_events.settings import from_pelican as events_settings
from handbill_rendercache.settings import read as rendercache_settings
from handbill_signup.settings import read as signup_settings
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


# (the plugin's reader, a line at the end of publishconf.py, the message)
MISTAKES = [
    (
        checks_settings,
        'HANDBILL_CHECKS = {"fail_on_eror": True}',
        'HANDBILL_CHECKS.fail_on_eror: unknown setting — did you mean "fail_on_error"?',
    ),
    (
        checks_settings,
        'HANDBILL_CHECKS = {"fail_on_error": "yes"}',
        'HANDBILL_CHECKS.fail_on_error: "yes" is text — write True or False',
    ),
    (
        checks_settings,
        'HANDBILL_CHECKS = ["fail_on_error"]',
        "HANDBILL_CHECKS: this is a list — write a dict of settings",
    ),
    (
        checks_settings,
        'HANDBILL_CHECKS = {"check_links": 0}',
        "HANDBILL_CHECKS.check_links: 0 is a number — write True or False",
    ),
    (
        events_settings,
        'HANDBILL_EVENTS = {**HANDBILL_EVENTS, "uid_domian": "x.example"}',
        'HANDBILL_EVENTS.uid_domian: unknown setting — did you mean "uid_domain"?',
    ),
    (
        events_settings,
        'HANDBILL_EVENTS = {"past_months": "12"}',
        'HANDBILL_EVENTS.past_months: "12" is text — write a number such as 12',
    ),
    (
        events_settings,
        'HANDBILL_EVENTS = {"now": "yesterday"}',
        'HANDBILL_EVENTS.now: "yesterday" is not a date and time — write one such as '
        '"2026-11-22T12:00:00+00:00"',
    ),
    (
        events_settings,
        'HANDBILL_EVENTS = {"region": "GB"}',
        'HANDBILL_EVENTS.region: "GB" is text — write a list, such as ["GB", "ENG"]',
    ),
    (
        events_settings,
        'HANDBILL_EVENTS = {"region": ("GB", "ENG", "LND")}',
        "HANDBILL_EVENTS.region: a tuple has 3 items — write at most 2",
    ),
    (
        events_settings,
        'HANDBILL_EVENTS = {"upcoming_count": -1}',
        "HANDBILL_EVENTS.upcoming_count: -1 is too small — write 0 or more",
    ),
    (
        events_settings,
        'HANDBILL_EVENTS = {"path": ["events", 3]}',
        'HANDBILL_EVENTS.path[1]: 3 is a number — write text in quotes, such as "3"',
    ),
    (
        events_settings,
        'HANDBILL_EVENTS = {"refresh_hours": 0.5}',
        "HANDBILL_EVENTS.refresh_hours: 0.5 is not a whole number — write one such as 1",
    ),
    (
        rendercache_settings,
        'HANDBILL_RENDERCACHE = {"enabled": "no"}',
        'HANDBILL_RENDERCACHE.enabled: "no" is text — write True or False',
    ),
    (
        rendercache_settings,
        'HANDBILL_RENDERCACHE = {"fil": "x.json"}',
        'HANDBILL_RENDERCACHE.fil: unknown setting — did you mean "file"?',
    ),
    (
        signup_settings,
        'HANDBILL_SIGNUP = {**HANDBILL_SIGNUP, "server_ur": "/signup"}',
        'HANDBILL_SIGNUP.server_ur: unknown setting — did you mean "server_url"?',
    ),
    (
        signup_settings,
        'HANDBILL_SIGNUP = {"pages": {"welcome": "welcome"}}',
        'HANDBILL_SIGNUP.pages.welcome: "welcome" is not a path — write one that starts with /, '
        'like "/join/"',
    ),
    (
        signup_settings,
        'HANDBILL_SIGNUP = {"pages": {"welcom": "/welcome/"}}',
        'HANDBILL_SIGNUP.pages.welcom: unknown setting — did you mean "welcome"?',
    ),
    (
        signup_settings,
        'HANDBILL_SIGNUP = {"token_max_age_hours": 0}',
        "HANDBILL_SIGNUP.token_max_age_hours: 0 is too small — write a number above 0",
    ),
    (
        signup_settings,
        'HANDBILL_SIGNUP = {"ask_name": 1}',
        "HANDBILL_SIGNUP.ask_name: 1 is a number — write True or False",
    ),
    (
        signup_settings,
        'HANDBILL_SIGNUP = {"consent_text": "News from {grop}"}',
        "HANDBILL_SIGNUP.consent_text: only {group} may stand in braces — write {{ and }} for a "
        "brace itself",
    ),
]


@pytest.mark.parametrize("reader,line,message", MISTAKES, ids=[m[1] for m in MISTAKES])
def test_settings_mistake_names_the_file_and_key(tmp_path, reader, line, message):
    """Each plugin's own reader, on settings read by Pelican from a real publishconf.py."""
    settings_file = tmp_path / "publishconf.py"
    settings_file.write_text(
        f"import sys\nsys.path.insert(0, {str(ROOT)!r})\nfrom pelicanconf import *\n"
        f"PATH = {str(ROOT / 'content')!r}\n{line}\n",
        encoding="utf-8",
    )
    with pytest.raises(ConfigError) as caught:
        reader(read_settings(str(settings_file)))
    assert caught.value.problems == [f"publishconf.py: {message}"]


def test_mistake_in_pelicanconf_names_pelicanconf():
    """publishconf.py imports pelicanconf.py: a dict it did not change is pelicanconf's."""
    settings = read_settings(str(ROOT / "publishconf.py"))
    settings["HANDBILL_EVENTS"]["uid_domian"] = "x"  # as if written in pelicanconf.py
    try:
        with pytest.raises(ConfigError, match=r"^pelicanconf\.py: HANDBILL_EVENTS\.uid_domian"):
            events_settings(settings)
    finally:
        del settings["HANDBILL_EVENTS"]["uid_domian"]


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
