"""Helpers for reading generated calendars with three independent tools."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar
import recurring_ical_events
from ical.calendar_stream import IcsCalendarStream

LONDON = ZoneInfo("Europe/London")


def ics_files(out: Path) -> list[Path]:
    return sorted(out.rglob("*.ics"))


def parse(path: Path) -> icalendar.Calendar:
    return icalendar.Calendar.from_ical(path.read_bytes())


def expand(path: Path, first: date, last: date) -> list:
    """Occurrences between two dates according to recurring-ical-events."""
    cal = parse(path)
    found = recurring_ical_events.of(cal).between(first, last)
    return sorted(found, key=lambda e: _utc(e["DTSTART"].dt))


def expand_with_ical(path: Path, first: date, last: date) -> list:
    """The same with allenporter's `ical`, an independent parser and recurrence engine."""
    cal = IcsCalendarStream.calendar_from_ics(path.read_text(encoding="utf-8"))
    return list(cal.timeline_tz(LONDON).overlapping(first, last))


def _utc(moment: date | datetime) -> datetime:
    if isinstance(moment, datetime):
        return moment
    return datetime(moment.year, moment.month, moment.day, tzinfo=LONDON)


def starts(events: list) -> list[date | datetime]:
    return [e["DTSTART"].dt for e in events]


def vevents(event, settings) -> list:
    """An event's VEVENTs built the plain icalendar way, one `add()` per property: what
    the calendar writer's faster serialising is compared with (tests/events/test_fold.py)."""
    from icalendar import Event as VEvent

    from handbill_events.ics import vevent_properties

    made = []
    for props in vevent_properties(event, settings):
        vevent = VEvent()
        for name, value in props:
            vevent.add(name, value)
        made.append(vevent)
    return made
