"""Settings for the events plugin: one HANDBILL_EVENTS dict, checked at start.

Set any of these in pelicanconf.py, for example::

    HANDBILL_EVENTS = {"region": ("GB", "SCT"), "uid_domain": "ourgroup.example.org"}

A misspelt key or a value of the wrong type stops the build at start, naming the key
(`pelicanconf.py: HANDBILL_EVENTS.uid_domian: unknown setting — did you mean "uid_domain"?`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from pydantic import AfterValidator, BeforeValidator, Field, RootModel

from handbill_config import StrictModel, plugin_settings
from handbill_config.model import BuildClock
from handbill_i18n import lang_tag


def _as_tuple(value: Any) -> Any:
    """A folder may be given alone ("events") or as several, in a list or a tuple."""
    if isinstance(value, str):
        return (value,)
    return tuple(value) if isinstance(value, list) else value


def _region(value: Any) -> Any:
    if value is None or value == ():
        return ("GB", "ENG")
    return tuple(value) if isinstance(value, list) else value


# An address as calendar apps take it in `ORGANIZER:mailto:...`: one @, no spaces or brackets.
EMAIL = re.compile(r"[^@\s<>\"(),;:]+@[^@\s<>\"(),;:]+\.[^@\s<>\"(),;:.]+")


def _email(value: str | None) -> str | None:
    if value and not EMAIL.fullmatch(value):
        raise ValueError(
            f'"{value}" is not an email address — write the group\'s public address, such as'
            ' "hello@ourgroup.example.org", or "" for none'
        )
    return value


class EventsSettings(StrictModel):
    # Folders under PATH (content/) that hold one event or series per .yaml file.
    path: Annotated[tuple[str, ...], BeforeValidator(_as_tuple)] = ("events",)
    # Country and subdivision for the `holidays` package. Always give a subdivision:
    # without one, England's Easter Monday and late summer holiday are missing.
    # ("GB", "ENG") England, ("GB", "WLS") Wales, ("GB", "SCT") Scotland, ("GB", "NIR").
    region: Annotated[
        tuple[str, ...], BeforeValidator(_region), Field(min_length=1, max_length=2)
    ] = ("GB", "ENG")
    # UIDs are "<id>@<uid_domain>". Never derived from SITEURL, so that moving the
    # site does not duplicate every event in subscribers' calendars. Set once; never change.
    uid_domain: str = "events.handbill.invalid"
    # Past events stay in the calendars for this many months, so subscribers keep history.
    past_months: int = Field(12, ge=0)
    # Series are expanded this many months ahead for pages; holiday exceptions are
    # listed in the ICS up to the end of the year this far ahead (then the rule stops
    # until the next rebuild, because future one-off holidays are unknown today).
    ahead_months: int = Field(24, ge=0)
    # Name shown in subscribers' calendar apps (default: SITENAME).
    calendar_name: str | None = None
    # The group's public contact, shown as the organiser of every event in calendar apps
    # (ORGANIZER;CN=<SITENAME>:mailto:<address>). None: CONTACT_EMAIL. "": no organiser;
    # the calendars then also leave out METHOD:PUBLISH, which requires one (RFC 5546).
    organizer_email: Annotated[str | None, AfterValidator(_email)] = None
    # How often calendar apps should check for changes (Apple honours it, Google not).
    refresh_hours: int = Field(12, ge=1)
    # How many occurrences the `upcoming_events` template variable holds.
    upcoming_count: int = Field(5, ge=0)
    # How many next dates a series page shows.
    next_dates: int = Field(8, ge=0)
    # The build clock: None means "now"; tests pin it, e.g. "2026-11-22T12:00:00+00:00".
    now: BuildClock = None
    # Where SEQUENCE/LAST-MODIFIED are remembered between builds (relative to PATH).
    # Commit this file. None turns automatic change detection off (use `updated:`).
    state_file: str | None = "events/.events-state.json"
    # Address used for calendar links while previewing (SITEURL is "" then).
    preview_url: str = "http://localhost:8000"
    # Default category for events that name none.
    default_category: str = "events"
    # The /events/ listing shows this many months ahead (month pages go further).
    list_months: int = Field(6, ge=0)
    # Events feeds of new and changed events ("" or None turns one off).
    feed_atom: str | None = "feeds/events.atom.xml"
    feed_rss: str | None = "feeds/events.rss.xml"


# Every setting with its default, by name (from the model: nothing restated by hand).
DEFAULTS: dict[str, Any] = EventsSettings().model_dump()


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
    organizer_email: str = ""  # the organiser's address ("" for none)
    lang: str = "en-GB"  # Pelican's DEFAULT_LANG: pages' words and dates, feeds, calendars

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


def parse_now(value: datetime | None, tz: ZoneInfo) -> datetime:
    """The injectable clock: None (real time) or a datetime; without a zone, the site's."""
    if value is None:
        return datetime.now(tz)
    return value if value.tzinfo else value.replace(tzinfo=tz)


def initialized(pelican: Any) -> None:
    """Check HANDBILL_EVENTS when Pelican starts, before any build: a mistake then stops
    `make html`/`make publish` at once, and a preview keeps its last good settings (a
    failing generator would instead fail every rebuild in a loop)."""
    from_pelican(pelican.settings)


def from_pelican(settings: dict[str, Any]) -> EventSettings:
    """HANDBILL_EVENTS checked (ConfigError on any mistake), plus what we need from Pelican."""
    cfg = plugin_settings(settings, "HANDBILL_EVENTS", EventsSettings)
    timezone = settings.get("TIMEZONE") or "UTC"
    tz = ZoneInfo(timezone)
    site_url = (settings.get("SITEURL") or "").rstrip("/")
    region = cfg.region
    return EventSettings(
        path=list(cfg.path),
        region=(region[0], region[1] if len(region) > 1 else None),
        uid_domain=cfg.uid_domain,
        past_months=cfg.past_months,
        ahead_months=cfg.ahead_months,
        calendar_name=cfg.calendar_name or settings.get("SITENAME") or "Events",
        refresh_hours=cfg.refresh_hours,
        upcoming_count=cfg.upcoming_count,
        next_dates=cfg.next_dates,
        now=parse_now(cfg.now, tz),
        state_file=cfg.state_file,
        site_url=site_url,
        # Calendar apps need absolute addresses even while previewing.
        public_url=site_url or cfg.preview_url.rstrip("/"),
        timezone=timezone,
        default_category=cfg.default_category,
        sitename=settings.get("SITENAME") or "",
        list_months=cfg.list_months,
        feed_atom=cfg.feed_atom or "",
        feed_rss=cfg.feed_rss or "",
        organizer_email=_organizer(cfg.organizer_email, settings),
        lang=lang_tag(settings.get("DEFAULT_LANG") or "en-GB"),
    )


class ContactEmail(RootModel[Annotated[str, AfterValidator(_email)]]):
    """Pelican's CONTACT_EMAIL, checked like `organizer_email` (it is the default)."""


def _organizer(chosen: str | None, settings: dict[str, Any]) -> str:
    """HANDBILL_EVENTS' organizer_email, else CONTACT_EMAIL (a mistake in it stops the build
    at start, naming CONTACT_EMAIL, like any settings mistake)."""
    if chosen is not None:
        return chosen
    if not settings.get("CONTACT_EMAIL"):
        return ""
    return plugin_settings(settings, "CONTACT_EMAIL", ContactEmail).root
