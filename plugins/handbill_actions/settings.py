"""Settings for handbill_actions: one HANDBILL_ACTIONS dict, checked once at start.

    HANDBILL_ACTIONS = {"counts_file": "state/action-counts.json"}

A misspelt key or a value of the wrong type stops the build at start, naming the key.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from handbill_config import StrictModel, plugin_settings
from handbill_config.actions import site_timezone
from handbill_config.model import BuildClock

SETTING = "HANDBILL_ACTIONS"


class ActionsSettings(StrictModel):
    # The folder under PATH (content/) with one action per .md file.
    folder: str = "actions"
    # The JSON file the sign-up server keeps the confirmed counts in (`[actions]
    # counts_file` in signup.toml), relative to the project folder. The build bakes its
    # numbers into the pages; a missing file means no signatures yet. None: always zero.
    counts_file: str | None = None
    # Where each action's page goes; {slug} is the file's name without .md.
    url: str = "actions/{slug}/"
    # The build clock (closed or open, poll results): None means now; tests pin it.
    now: BuildClock = None


@dataclass(frozen=True)
class Resolved:
    """The settings with Pelican's own filled in: paths, the site's time zone, the clock."""

    folder: Path  # absolute
    shown_folder: str  # as problems name it: relative to PATH, like posts/ and events/
    counts_file: Path | None
    url: str
    save_as: str
    tz: ZoneInfo
    timezone: str
    now: datetime
    siteurl: str


def read(settings: dict[str, Any]) -> Resolved:
    user = plugin_settings(settings, SETTING, ActionsSettings)
    timezone = settings.get("TIMEZONE") or "Europe/London"
    tz = site_timezone(timezone)
    now = user.now or datetime.now(tz)
    if now.tzinfo is None:
        now = now.replace(tzinfo=tz)
    url = user.url if user.url.endswith("/") else user.url + "/"
    counts = Path(user.counts_file) if user.counts_file else None
    return Resolved(
        folder=Path(settings.get("PATH", "content"), user.folder).resolve(),
        shown_folder=user.folder.strip("/"),
        counts_file=counts,
        url=url,
        save_as=url + "index.html",
        tz=tz,
        timezone=timezone,
        now=now.astimezone(tz),
        siteurl=settings.get("SITEURL", ""),
    )
