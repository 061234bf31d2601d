"""VTIMEZONE blocks in the compact RRULE style that Outlook handles best.

icalendar's `Timezone.from_tzid` lists every transition as RDATEs for a fixed span; Outlook
copes better with the classic two-rule form ("last Sunday of March", "last Sunday of
October"), which also covers open-ended series. We derive those rules from zoneinfo and
check them against every transition in the span; zones whose rules changed within the
span fall back to icalendar's RDATE form.
"""

from __future__ import annotations

import calendar
from datetime import date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from icalendar import Timezone, TimezoneDaylight, TimezoneStandard

UTC = ZoneInfo("UTC")
CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


@lru_cache(maxsize=1024)
def transitions(zone: ZoneInfo, year: int) -> list[datetime]:
    """The UTC instants in `year` at which the zone's offset changes (to the minute).

    Cached: calendars of different spans ask for the same years again. Callers only
    read the list.
    """
    found = []
    moment = datetime(year, 1, 1, tzinfo=UTC)
    end = datetime(year + 1, 1, 1, tzinfo=UTC)
    offset = moment.astimezone(zone).utcoffset()
    while moment < end:
        step = moment + timedelta(hours=6)
        if step.astimezone(zone).utcoffset() != offset:
            low = moment  # binary search down to the minute
            high = step
            while high - low > timedelta(minutes=1):
                middle = low + (high - low) / 2
                if middle.astimezone(zone).utcoffset() == offset:
                    low = middle
                else:
                    high = middle
            found.append(high.replace(second=0, microsecond=0))
            offset = step.astimezone(zone).utcoffset()
        moment = step
    return found


def _byday(day: date) -> list[str]:
    """Candidate BYDAY values for a date: its n-th weekday and, if it is, the last one."""
    code = CODES[day.weekday()]
    options = [f"{(day.day - 1) // 7 + 1}{code}"]
    if day.day + 7 > calendar.monthrange(day.year, day.month)[1]:
        options.insert(0, f"-1{code}")
    return options


def _rule_day(year: int, month: int, byday: str) -> date | None:
    n, code = int(byday[:-2]), byday[-2:]
    weekday = CODES.index(code)
    days = [
        d
        for d in calendar.Calendar().itermonthdates(year, month)
        if d.month == month and d.weekday() == weekday
    ]
    if n > len(days):
        return None  # no fifth Sunday this month
    return days[n - 1] if n > 0 else days[n]


@lru_cache(maxsize=32)
def vtimezone(tzid: str, first_year: int, last_year: int) -> Timezone:
    """A VTIMEZONE valid from `first_year` on: RRULE form when it fits, else RDATE form."""
    zone = ZoneInfo(tzid)
    try:
        return _rrule_form(tzid, zone, first_year, last_year)
    except ValueError:
        return Timezone.from_tzid(
            tzid, first_date=date(first_year, 1, 1), last_date=date(last_year, 12, 31)
        )


def _rrule_form(tzid: str, zone: ZoneInfo, first_year: int, last_year: int) -> Timezone:
    # Start a year early: the first rule must begin before the span does.
    years = range(first_year - 1, last_year + 1)
    per_year = [transitions(zone, y) for y in years]
    tz = Timezone()
    tz.add("tzid", tzid)
    if not any(per_year):
        start = datetime(first_year, 1, 1)
        offset = start.replace(tzinfo=zone).utcoffset()
        tz.add_component(
            _part(
                TimezoneStandard, start, offset, offset, start.replace(tzinfo=zone).tzname(), None
            )
        )
        return tz
    if any(len(t) != 2 for t in per_year):
        raise ValueError("not a plain two-transition zone")
    for index in (0, 1):
        instants = [t[index] for t in per_year]
        before = [i - timedelta(minutes=1) for i in instants]
        if len({b.astimezone(zone).utcoffset() for b in before}) != 1:
            raise ValueError("offsets changed within the span")
        offset_from = before[0].astimezone(zone).utcoffset()
        offset_to = instants[0].astimezone(zone).utcoffset()
        local = [i + offset_from for i in instants]  # wall time by the old offset
        if len({(d.month, d.time()) for d in local}) != 1:
            raise ValueError("transition moves between months or hours")
        rule = next(
            (
                b
                for b in _byday(local[0].date())
                if all(_rule_day(d.year, d.month, b) == d.date() for d in local)
            ),
            None,
        )
        if rule is None:
            raise ValueError("no BYDAY rule fits every year")
        kind = TimezoneDaylight if offset_to > offset_from else TimezoneStandard
        name = instants[0].astimezone(zone).tzname()
        tz.add_component(
            _part(
                kind,
                local[0].replace(tzinfo=None),
                offset_from,
                offset_to,
                name,
                {"FREQ": "YEARLY", "BYMONTH": local[0].month, "BYDAY": rule},
            )
        )
    return tz


def _part(kind, start: datetime, offset_from, offset_to, name: str | None, rrule: dict | None):
    part = kind()
    part.add("dtstart", start)
    if rrule:
        part.add("rrule", rrule)
    part.add("tzoffsetfrom", offset_from)
    part.add("tzoffsetto", offset_to)
    if name:
        part.add("tzname", name)
    return part
