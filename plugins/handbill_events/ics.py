"""ICS calendars with icalendar: series as RRULE + EXDATE, changes as RECURRENCE-ID overrides.

Output is byte-stable: DTSTAMP and LAST-MODIFIED come from the change ledger (or
`updated:`), never from the wall clock, and properties are added in a fixed order.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event as VEvent, Timezone

from .model import Event, Moment, Occurrence, as_written, horizon
from .settings import EventSettings
from .vtimezone import vtimezone

log = logging.getLogger(__name__)

PRODID = "-//Handbill//handbill_events 1.0//EN"
UTC = ZoneInfo("UTC")
EPOCH = datetime(2000, 1, 1, tzinfo=UTC)  # DTSTAMP for events with no known change time


def in_window(event: Event, settings: EventSettings) -> bool:
    """Keep events that end within the past window, so subscribers keep recent history."""
    if event.is_series and event.spec.repeat.until is None and event.spec.repeat.count is None:
        return True
    cutoff = settings.months_back()
    # Newest first: a series that is still running answers at its last date.
    return any(occ.end_utc >= cutoff for occ in reversed(event.occurrences))


def _status(status: str) -> str:
    return status.upper()


def _byday(day) -> str:
    code = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")[day.weekday]
    return f"{day.n}{code}" if day.n else code


def _rrule(event: Event) -> dict:
    rep = event.spec.repeat
    rule: dict = {"FREQ": {1: "MONTHLY", 2: "WEEKLY", 3: "DAILY", 0: "YEARLY"}[rep.freq]}
    if rep.interval > 1:
        rule["INTERVAL"] = rep.interval
    if rep.byweekday:
        rule["BYDAY"] = [_byday(d) for d in rep.byweekday]
    for key, values in (
        ("BYMONTHDAY", rep.bymonthday),
        ("BYMONTH", rep.bymonth),
        ("BYSETPOS", rep.bysetpos),
    ):
        if values:
            rule[key] = list(values)
    if rep.count:
        rule["COUNT"] = rep.count
    elif event.rule_until:
        rule["UNTIL"] = _until(event, event.rule_until)
    return rule


def _until(event: Event, last: date) -> date | datetime:
    # UNTIL must have DTSTART's value type, and be in UTC when DTSTART has a TZID.
    if event.spec.all_day:
        return last
    return datetime.combine(last, time(23, 59, 59), tzinfo=event.tz).astimezone(UTC)


def _description(event: Event, occ: Occurrence) -> str:
    parts = [occ.note, occ.summary, event.description_text]
    if occ.online:
        parts.append(f"Join online: {occ.online}")
    return "\n\n".join(p for p in parts if p)


def _common(vevent: VEvent, event: Event, occ: Occurrence, settings: EventSettings) -> None:
    stamp = event.modified or EPOCH
    vevent.add("uid", event.uid)
    vevent.add("dtstamp", stamp)
    vevent.add("last-modified", stamp)
    vevent.add("sequence", event.sequence)
    vevent.add("summary", occ.title)
    vevent.add("dtstart", occ.start)
    vevent.add("dtend", occ.end)
    vevent.add("status", _status(occ.status))
    description = _description(event, occ)
    if description:
        vevent.add("description", description)
    if occ.place:
        vevent.add("location", occ.place)
    if occ.location and occ.location.geo:
        vevent.add("geo", occ.location.geo)
    vevent.add("url", f"{settings.public_url}/{event.url}")
    vevent.add("categories", [event.spec.category])
    vevent.add("transp", "TRANSPARENT" if occ.all_day else "OPAQUE")


def vevents(event: Event, settings: EventSettings) -> list[VEvent]:
    """The master VEVENT and one override per changed occurrence of a series."""
    master = VEvent()
    _common(master, event, as_written(event), settings)
    if not event.is_series:
        return [master]
    master.add("rrule", _rrule(event))
    for skip in event.skipped:
        master.add("exdate", _at(event, skip.day))
    overrides = []
    for occ in event.occurrences:
        if occ.original_start is None:
            continue
        override = VEvent()
        _common(override, event, occ, settings)
        override.add("recurrence-id", occ.original_start)
        overrides.append(override)
    return [master, *overrides]


def _at(event: Event, day: date) -> Moment:
    """The series start on `day`: EXDATE must match DTSTART's type, TZID and time."""
    start = event.spec.start
    if not isinstance(start, datetime):
        return day
    return datetime.combine(day, start.time(), tzinfo=event.tz)


def _timezones(events: Iterable[Event], settings: EventSettings) -> list[Timezone]:
    events = list(events)
    tzids = sorted({e.spec.timezone for e in events if not e.spec.all_day} | {settings.timezone})
    # Occurrences are sorted, so each event's first one is its earliest.
    years = [e.occurrences[0].start.year for e in events if e.occurrences]
    first = date(min([*years, settings.now.year]) - 1, 1, 1)
    last = date(horizon(settings).year + 10, 1, 1)
    # Always at least one VTIMEZONE, so that a calendar with no events is still valid.
    return [vtimezone(tzid, first.year, last.year) for tzid in tzids]


def build_calendar(
    events: Iterable[Event],
    settings: EventSettings,
    *,
    name: str | None,
    description: str = "",
    url: str = "",
    keep_past: bool = False,
    made: dict[str, bytes] | None = None,
) -> bytes:
    """A complete VCALENDAR as CRLF bytes; valid (it has a VTIMEZONE) even with no events.

    `made` keeps each event's serialised VEVENTs by UID, so that an event that is in
    several calendars (all, its category, its own) is built and serialised once.
    """
    made = {} if made is None else made
    events = sorted((e for e in events if keep_past or in_window(e, settings)), key=lambda e: e.uid)
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    if name:
        # A feed to subscribe to; single-event files leave the name out so that Outlook
        # adds the event to the user's calendar instead of creating a new calendar.
        cal.add("name", name)
        cal.add("x-wr-calname", name)
        if description:
            cal.add("description", description)
            cal.add("x-wr-caldesc", description)
        if url:
            cal.add("url", url)
        cal.add(
            "refresh-interval",
            timedelta(hours=settings.refresh_hours),
            parameters={"VALUE": "DURATION"},
        )
        cal.add("x-published-ttl", f"PT{settings.refresh_hours}H")
    for tz in _timezones(events, settings):
        cal.add_component(tz)
    # Serialising is most of the cost, and a component serialises the same alone as
    # nested, so each event's bytes are made once and spliced into every calendar.
    for event in events:
        if event.uid not in made:
            made[event.uid] = b"".join(v.to_ical() for v in vevents(event, settings))
    head, end = cal.to_ical().rsplit(b"END:VCALENDAR", 1)
    return b"".join([head, *(made[e.uid] for e in events), b"END:VCALENDAR", end])
