"""ICS calendars with icalendar: series as RRULE + EXDATE, changes as RECURRENCE-ID overrides.

Output is byte-stable: DTSTAMP and LAST-MODIFIED come from the change ledger (or
`updated:`), never from the wall clock, and properties are added in a fixed order.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from typing import Any

from icalendar import Calendar, Event as VEvent, vCalAddress, vText

from handbill_i18n import translations

from . import fold
from .fold import Lines
from .model import Event, Occurrence, as_written, categories, horizon
from .moments import EPOCH, UTC, Moment
from .settings import EventSettings
from .vtimezone import vtimezone

log = logging.getLogger(__name__)

PRODID = "-//Handbill//handbill_events 1.0//EN"


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
        join = translations(event.lang).gettext("Join online: %(url)s")
        parts.append(join % {"url": occ.online})
    return "\n\n".join(p for p in parts if p)


def organizer(settings: EventSettings) -> vCalAddress | None:
    """The group's public contact as ORGANIZER, or None when the group gives none.

    Under METHOD:PUBLISH, RFC 5546 (section 3.2.1) requires ORGANIZER in every VEVENT;
    libical's restriction checker (Evolution, GNOME Calendar) flags each event without one.
    With no address the calendars leave METHOD out instead (see `_calendar`): a plain
    RFC 5545 calendar needs no organiser."""
    if not settings.organizer_email:
        return None
    return vCalAddress.new(settings.organizer_email, cn=settings.sitename or None)


def _worded(text: str, event: Event) -> str | vText:
    """Text with the language it is written in (RFC 5545 LANGUAGE, the site's DEFAULT_LANG).
    English, the default the calendar apps assume, is left unmarked: the same bytes as
    before for English sites."""
    if event.lang.split("-")[0].lower() == "en":
        return text
    return vText(text, params={"LANGUAGE": event.lang})


def _properties(event: Event, occ: Occurrence, settings: EventSettings) -> list[tuple[str, Any]]:
    """The properties every VEVENT has, in the order they are added."""
    stamp = event.modified or EPOCH
    props: list[tuple[str, Any]] = [
        ("uid", event.uid),
        ("dtstamp", stamp),
        ("last-modified", stamp),
        ("sequence", event.sequence),
        ("summary", _worded(occ.title, event)),
        ("dtstart", occ.start),
        ("dtend", occ.end),
        ("status", _status(occ.status)),
    ]
    contact = organizer(settings)
    if contact is not None:
        props.append(("organizer", contact))
    description = _description(event, occ)
    if description:
        props.append(("description", _worded(description, event)))
    if occ.place:
        props.append(("location", _worded(occ.place, event)))
    if occ.location and occ.location.geo:
        props.append(("geo", occ.location.geo))
    props.append(("url", f"{settings.public_url}/{event.url}"))
    props.append(("categories", [event.spec.category]))
    props.append(("transp", "TRANSPARENT" if occ.all_day else "OPAQUE"))
    return props


def vevent_properties(event: Event, settings: EventSettings) -> list[list[tuple[str, Any]]]:
    """The master VEVENT and one override per changed occurrence of a series, each as
    the (name, value) pairs added to it, in order."""
    master = _properties(event, as_written(event), settings)
    if not event.is_series:
        return [master]
    master.append(("rrule", _rrule(event)))
    master += [("exdate", _at(event, skip.day)) for skip in event.skipped]
    overrides = [
        [*_properties(event, occ, settings), ("recurrence-id", occ.original_start)]
        for occ in event.occurrences
        if occ.original_start is not None
    ]
    return [master, *overrides]


def _at(event: Event, day: date) -> Moment:
    """The series start on `day`: EXDATE must match DTSTART's type, TZID and time."""
    start = event.spec.start
    if not isinstance(start, datetime):
        return day
    return datetime.combine(day, start.time(), tzinfo=event.tz)


def _zone_keys(events: list[Event], settings: EventSettings) -> list[tuple[str, int, int]]:
    """The VTIMEZONEs a calendar of `events` needs: (TZID, first year, last year)."""
    tzids = sorted({e.spec.timezone for e in events if not e.spec.all_day} | {settings.timezone})
    # Occurrences are sorted, so each event's first one is its earliest.
    years = [e.occurrences[0].start.year for e in events if e.occurrences]
    first = date(min([*years, settings.now.year]) - 1, 1, 1)
    last = date(horizon(settings).year + 10, 1, 1)
    # Always at least one VTIMEZONE, so that a calendar with no events is still valid.
    return [(tzid, first.year, last.year) for tzid in tzids]


class CalendarWriter:
    """Builds the calendars of one build, and remembers what several of them share.

    Serialising is most of the cost, and a component serialises the same alone as
    nested, so each event's VEVENTs, each VTIMEZONE and each calendar head are made
    once and spliced into every calendar that has them.
    """

    def __init__(self, settings: EventSettings) -> None:
        self.settings = settings
        self._events: dict[str, bytes] = {}  # VEVENTs by UID
        self._lines = Lines()  # encoded lines by value, shared by every VEVENT
        self._zones: dict[tuple[str, int, int], bytes] = {}
        self._heads: dict[tuple[str | None, str, str], bytes] = {}

    def calendar(
        self,
        events: Iterable[Event],
        *,
        name: str | None,
        description: str = "",
        url: str = "",
        keep_past: bool = False,
    ) -> bytes:
        """A complete VCALENDAR as CRLF bytes; valid (it has a VTIMEZONE) even with no events."""
        settings = self.settings
        chosen = sorted(
            (e for e in events if keep_past or in_window(e, settings)), key=lambda e: e.uid
        )
        parts = [self._head(name, description, url)]
        parts += [self._zone(*key) for key in _zone_keys(chosen, settings)]
        parts += [self._event(e) for e in chosen]
        parts.append(b"END:VCALENDAR\r\n")
        return b"".join(parts)

    def _event(self, event: Event) -> bytes:
        made = self._events.get(event.uid)
        if made is None:
            made = b"".join(
                self._lines.component(VEvent, props)
                for props in vevent_properties(event, self.settings)
            )
            self._events[event.uid] = made
        return made

    def _zone(self, tzid: str, first: int, last: int) -> bytes:
        key = (tzid, first, last)
        if key not in self._zones:
            self._zones[key] = fold.to_ical(vtimezone(tzid, first, last))
        return self._zones[key]

    def _head(self, name: str | None, description: str, url: str) -> bytes:
        key = (name, description, url)
        if key not in self._heads:
            head = fold.to_ical(_calendar(name, description, url, self.settings))
            self._heads[key] = head.removesuffix(b"END:VCALENDAR\r\n")
        return self._heads[key]


def _calendar(name: str | None, description: str, url: str, settings: EventSettings) -> Calendar:
    """The VCALENDAR and its properties, without components."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    if settings.organizer_email:
        # PUBLISH, never REQUEST (Outlook would treat the feed as an invitation); only with
        # an ORGANIZER in every VEVENT, which RFC 5546 requires under any METHOD.
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
    return cal


def category_label(category: str) -> str:
    """A category as a heading: "meetings" -> "Meetings"; a name written with capitals
    ("NHS campaigns", "GP surgeries") is kept as the volunteer wrote it."""
    if category.islower():
        return category[:1].upper() + category[1:]
    return category


def calendar_title(settings: EventSettings, category: str = "") -> str:
    """A calendar's name in subscribers' apps (NAME and X-WR-CALNAME), and in the
    subscribe links: "Anytown Save Our NHS: Meetings" for a category."""
    if not category:
        return settings.calendar_name
    return f"{settings.calendar_name}: {category_label(category)}"


def calendar_description(settings: EventSettings, category: str = "") -> str:
    """A calendar's description (RFC 7986 DESCRIPTION and X-WR-CALDESC), in the site's
    language: apps show it under the name when someone subscribes."""
    _ = translations(settings.lang).gettext
    site = settings.sitename or settings.calendar_name
    if not category:
        return _("Events of %(site)s") % {"site": site}
    return _("%(category)s: events of %(site)s") % {
        "category": category_label(category),
        "site": site,
    }


def build_calendars(
    events: list[Event], settings: EventSettings, writer: CalendarWriter | None = None
) -> dict[str, bytes]:
    """Every calendar of a build by output path: all events, one per category, one per
    event. The benchmark (bench/ics.py) times this, so it measures what the build does."""
    writer = writer or CalendarWriter(settings)
    made = {
        "calendar.ics": writer.calendar(
            events,
            name=calendar_title(settings),
            description=calendar_description(settings),
            url=f"{settings.public_url}/events/",
        )
    }
    for name, slug in categories(events):
        made[f"calendar/{slug}.ics"] = writer.calendar(
            [e for e in events if e.category_slug == slug],
            name=calendar_title(settings, name),
            description=calendar_description(settings, name),
            url=f"{settings.public_url}/events/category/{slug}/",
        )
    for event in events:
        # Single-event files ignore the past window: someone may want an old one.
        made[event.ics_save_as] = writer.calendar([event], name=None, keep_past=True)
    return made
