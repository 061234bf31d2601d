"""Settings for the events plugin: one HANDBILL_EVENTS dict, with documented defaults.

Set any of these in pelicanconf.py, for example::

    HANDBILL_EVENTS = {"region": ("GB", "SCT"), "uid_domain": "ourgroup.example.org"}
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

log = logging.getLogger(__name__)

DEFAULTS: dict[str, Any] = {
    # Folders under PATH (content/) that hold one event or series per .yaml file.
    "path": ["events"],
    # Country and subdivision for the `holidays` package. Always give a subdivision:
    # without one, England's Easter Monday and late summer holiday are missing.
    # ("GB", "ENG") England, ("GB", "WLS") Wales, ("GB", "SCT") Scotland, ("GB", "NIR").
    "region": ("GB", "ENG"),
    # UIDs are "<id>@<uid_domain>". Never derived from SITEURL, so that moving the
    # site does not duplicate every event in subscribers' calendars. Set once; never change.
    "uid_domain": "events.handbill.invalid",
    # Past events stay in the calendars for this many months, so subscribers keep history.
    "past_months": 12,
    # Series are expanded this many months ahead for pages; holiday exceptions are
    # listed in the ICS up to the end of the year this far ahead (then the rule stops
    # until the next rebuild, because future one-off holidays are unknown today).
    "ahead_months": 24,
    # Name shown in subscribers' calendar apps (default: SITENAME).
    "calendar_name": None,
    # How often calendar apps should check for changes (Apple honours it, Google not).
    "refresh_hours": 12,
    # How many occurrences the `upcoming_events` template variable holds.
    "upcoming_count": 5,
    # How many next dates a series page shows.
    "next_dates": 8,
    # The build clock: None means "now"; tests pin it, e.g. "2026-11-22T12:00:00+00:00".
    "now": None,
    # Where SEQUENCE/LAST-MODIFIED are remembered between builds (relative to PATH).
    # Commit this file. None turns automatic change detection off (use `updated:`).
    "state_file": "events/.events-state.json",
    # Address used for calendar links while previewing (SITEURL is "" then).
    "preview_url": "http://localhost:8000",
    # Default category for events that name none.
    "default_category": "events",
    # The /events/ listing shows this many months ahead (month pages go further).
    "list_months": 6,
    # Events feeds of new and changed events ("" turns one off).
    "feed_atom": "feeds/events.atom.xml",
    "feed_rss": "feeds/events.rss.xml",
}


@dataclass(frozen=True)
class EventSettings:
    """The HANDBILL_EVENTS dict merged with the defaults, plus what we need from Pelican."""

    path: list[str]
    region: tuple[str, str | None]
    uid_domain: str
    past_months: int
    ahead_months: int
    calendar_name: str
    refresh_hours: int
    upcoming_count: int
    next_dates: int
    now: datetime
    state_file: str | None
    site_url: str
    public_url: str
    timezone: str
    default_category: str
    sitename: str
    list_months: int
    feed_atom: str
    feed_rss: str

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def months_from_now(self, months: int) -> datetime:
        """The build clock moved by whole average months (negative: back)."""
        return self.now + timedelta(days=round(30.44 * months))

    def months_back(self) -> datetime:
        return self.months_from_now(-self.past_months)

    def months_ahead(self) -> datetime:
        return self.months_from_now(self.ahead_months)


def parse_now(value: Any, tz: ZoneInfo) -> datetime:
    """Read the injectable clock: None (real time), a datetime, or an ISO string."""
    if value is None:
        return datetime.now(tz)
    when = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return when if when.tzinfo else when.replace(tzinfo=tz)


def from_pelican(settings: dict[str, Any]) -> EventSettings:
    """Merge HANDBILL_EVENTS over DEFAULTS; unknown keys are logged, not fatal."""
    given = settings.get("HANDBILL_EVENTS") or {}
    for key in given:
        if key not in DEFAULTS:
            log.warning("HANDBILL_EVENTS: unknown setting %r (known: %s)", key, ", ".join(DEFAULTS))
    cfg = {**DEFAULTS, **given}
    timezone = settings.get("TIMEZONE") or "UTC"
    tz = ZoneInfo(timezone)
    path = cfg["path"]
    site_url = (settings.get("SITEURL") or "").rstrip("/")
    region = tuple(cfg["region"]) if cfg["region"] else ("GB", "ENG")
    return EventSettings(
        path=[path] if isinstance(path, str) else list(path),
        region=(region[0], region[1] if len(region) > 1 else None),
        uid_domain=str(cfg["uid_domain"]),
        past_months=int(cfg["past_months"]),
        ahead_months=int(cfg["ahead_months"]),
        calendar_name=cfg["calendar_name"] or settings.get("SITENAME") or "Events",
        refresh_hours=int(cfg["refresh_hours"]),
        upcoming_count=int(cfg["upcoming_count"]),
        next_dates=int(cfg["next_dates"]),
        now=parse_now(cfg["now"], tz),
        state_file=cfg["state_file"],
        site_url=site_url,
        # Calendar apps need absolute addresses even while previewing.
        public_url=site_url or str(cfg["preview_url"]).rstrip("/"),
        timezone=timezone,
        default_category=str(cfg["default_category"]),
        sitename=settings.get("SITENAME") or "",
        list_months=int(cfg["list_months"]),
        feed_atom=cfg["feed_atom"] or "",
        feed_rss=cfg["feed_rss"] or "",
    )
