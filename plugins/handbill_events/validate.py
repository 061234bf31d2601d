"""Check one event file's fields and turn them into an EventSpec, collecting every problem.

Hand-written checks rather than a JSON Schema: each field needs its own wording for
volunteers ("write 24-hour times such as 19:30"), line numbers and "did you mean"
suggestions, which jsonschema's generic messages cannot give.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import available_timezones

from dateutil.rrule import (
    DAILY,
    FR,
    MO,
    MONTHLY,
    SA,
    SU,
    TH,
    TU,
    WE,
    WEEKLY,
    YEARLY,
    weekday as Weekday,
)
from icalendar.prop import vRecur

from .errors import Problem, did_you_mean
from .load import LineList, LineMap
from .recur import as_naive, build_rrule, rule_dates

STATUSES = ("confirmed", "tentative", "cancelled")
FIELDS = (
    "title",
    "id",
    "slug",
    "start",
    "end",
    "duration",
    "timezone",
    "category",
    "tags",
    "location",
    "online",
    "repeat",
    "changes",
    "status",
    "summary",
    "description",
    "updated",
    "announced",
)
# Synonyms volunteers reach for; each maps to its canonical field.
SYNONYMS = {
    "venue": "location",
    "place": "location",
    "where": "location",
    "tz": "timezone",
    "url": "online",
    "link": "online",
    "recurrence": "repeat",
    "recurring": "repeat",
}
REPEAT_FIELDS = ("every", "interval", "on", "until", "count", "except", "rrule")
REPEAT_SYNONYMS = {
    "frequency": "every",
    "freq": "every",
    "skip": "except",
    "except_on": "except",
    "exceptions": "except",
    "times": "count",
}
CHANGE_FIELDS = ("status", "note", "start", "end", "title", "summary", "location", "online")
LOCATION_FIELDS = ("name", "address", "geo", "url")
EVERY = {"day": DAILY, "week": WEEKLY, "month": MONTHLY, "year": YEARLY}
EVERY_SYNONYMS = {
    "daily": "day",
    "days": "day",
    "weekly": "week",
    "weeks": "week",
    "monthly": "month",
    "months": "month",
    "yearly": "year",
    "years": "year",
    "annually": "year",
}
FREQ_NAMES = {DAILY: "DAILY", WEEKLY: "WEEKLY", MONTHLY: "MONTHLY", YEARLY: "YEARLY"}
WEEKDAYS = {
    "monday": MO,
    "tuesday": TU,
    "wednesday": WE,
    "thursday": TH,
    "friday": FR,
    "saturday": SA,
    "sunday": SU,
}
ORDINALS = {
    "first": 1,
    "1st": 1,
    "second": 2,
    "2nd": 2,
    "third": 3,
    "3rd": 3,
    "fourth": 4,
    "4th": 4,
    "fifth": 5,
    "5th": 5,
    "last": -1,
}
BANK_HOLIDAYS = ("bank holidays", "bank holiday", "public holidays", "holidays")
TIME_RX = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?$")
DATETIME_RX = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]+(.+))?$")
DURATION_RX = re.compile(
    r"^\s*(?:(\d+)\s*d(?:ays?)?)?\s*(?:(\d+)\s*h(?:ours?)?)?\s*"
    r"(?:(\d+)\s*m(?:in(?:utes?)?)?)?\s*$"
)
ID_RX = re.compile(r"^[a-z0-9][a-z0-9._-]*$")
SLUG_RX = re.compile(r"^[a-z0-9][a-z0-9-]*$")
TIME_HINT = "write a 24-hour time such as 19:30"
DATE_HINT = "write a date as YYYY-MM-DD, e.g. 2026-06-27"
DATETIME_HINT = "write YYYY-MM-DD HH:MM in local time, e.g. 2026-01-05 18:00"


@dataclass
class Location:
    name: str
    address: str = ""
    geo: tuple[float, float] | None = None
    url: str = ""


@dataclass
class Repeat:
    """A recurrence rule in RFC 5545 terms, so pages and ICS share one definition."""

    freq: int
    interval: int = 1
    byweekday: list[Weekday] = field(default_factory=list)
    bymonthday: list[int] = field(default_factory=list)
    bymonth: list[int] = field(default_factory=list)
    bysetpos: list[int] = field(default_factory=list)
    until: date | None = None
    count: int | None = None
    except_dates: list[date] = field(default_factory=list)
    except_bank_holidays: bool = False


@dataclass
class Change:
    """One occurrence that differs from the series (keyed by its original date)."""

    status: str | None = None
    note: str = ""
    start: date | datetime | None = None
    end: date | datetime | None = None
    title: str | None = None
    summary: str | None = None
    location: Location | None = None
    online: str | None = None


@dataclass
class EventSpec:
    """What one valid file says, with dates as naive local values in `timezone`."""

    id: str
    slug: str
    title: str
    start: date | datetime
    end: date | datetime  # exclusive for all-day events (the YAML `end:` is inclusive)
    all_day: bool
    timezone: str
    category: str
    tags: list[str]
    location: Location | None
    online: str | None
    repeat: Repeat | None
    changes: dict[date, Change]
    status: str
    summary: str
    description: str
    updated: datetime | None
    announced: datetime | None
    source: str
    line: int = 1


class Checker:
    """Collects problems for one file while reading its fields."""

    def __init__(self, rel: str) -> None:
        self.rel = rel
        self.problems: list[Problem] = []

    def err(self, line: int, name: str, message: str, hint: str = "") -> None:
        self.problems.append(Problem(self.rel, line, name, message, hint))

    # --- scalar readers: each returns None after reporting a problem ----------------
    def text(self, value: Any, line: int, name: str, required: bool = False) -> str | None:
        if value is None or value == "":
            if required:
                self.err(line, name, "is missing", f"add `{name}: …`")
            return None
        if isinstance(value, (dict, list)):
            self.err(
                line,
                name,
                f"should be text, not a {type(value).__name__}",
                "write it on one line, or use `|` for several lines",
            )
            return None
        return str(value).strip()

    def a_date(self, value: Any, line: int, name: str) -> date | None:
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        match = DATETIME_RX.match(str(value).strip())
        if match and not match.group(4):
            try:
                return date(int(match[1]), int(match[2]), int(match[3]))
            except ValueError as exc:
                self.err(line, name, f"{value!r} is not a real date ({exc})", DATE_HINT)
                return None
        self.err(line, name, f"{value!r} is not a date", DATE_HINT)
        return None

    def a_time(self, value: Any, line: int, name: str) -> time | None:
        if isinstance(value, time):
            return value
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            digits = f"{int(value):04d}" if isinstance(value, int) and value < 2400 else ""
            suggestion = f"write {digits[:2]}:{digits[2:]}" if digits else TIME_HINT
            self.err(line, name, f"{value!r} is a number, not a time", suggestion)
            return None
        match = TIME_RX.match(str(value).strip())
        if not match:
            self.err(line, name, f"{value!r} is not a time", TIME_HINT)
            return None
        hour, minute, second = int(match[1]), int(match[2]), int(match[3] or 0)
        if hour > 23 or minute > 59 or second > 59:
            self.err(
                line, name, f"{value!r} is not a time of day (hours 0-23, minutes 0-59)", TIME_HINT
            )
            return None
        return time(hour, minute, second)

    def a_moment(self, value: Any, line: int, name: str) -> date | datetime | None:
        """A date (all day) or a naive local date-time."""
        if isinstance(value, datetime):
            if value.tzinfo is not None:
                self.err(
                    line,
                    name,
                    f"{value} has a UTC offset",
                    "write local time without an offset and set `timezone:` instead",
                )
                return None
            return value
        if isinstance(value, date):
            return value
        if value is None or isinstance(value, (dict, list, bool, int, float)):
            self.err(line, name, f"{value!r} is not a date or date-time", DATETIME_HINT)
            return None
        match = DATETIME_RX.match(str(value).strip())
        if not match:
            self.err(line, name, f"{value!r} is not a date or date-time", DATETIME_HINT)
            return None
        day = self.a_date(f"{match[1]}-{match[2]}-{match[3]}", line, name)
        if day is None or not match.group(4):
            return day
        clock = self.a_time(match.group(4), line, name)
        return datetime.combine(day, clock) if clock else None

    def unknown_fields(
        self, data: LineMap, known: tuple[str, ...], synonyms: dict[str, str], where: str = ""
    ) -> dict[str, Any]:
        """Map synonyms to canonical names; report unknown names with a suggestion."""
        out: dict[str, Any] = {}
        lines: dict[str, int] = {}
        for key, value in data.items():
            name = synonyms.get(str(key).lower(), str(key)) if isinstance(key, str) else key
            line = data.line_of(key)
            if name not in known:
                hint = did_you_mean(key, known, f"known fields: {', '.join(known)}")
                self.err(line, f"{where}{key}", "is not a field Handbill knows", hint)
                continue
            if name in out:
                self.err(line, f"{where}{key}", f"says the same as `{name}` above", "keep one")
                continue
            out[name] = value
            lines[name] = line
        out["__lines__"] = lines
        return out


def _line(fields: dict[str, Any], name: str, default: int) -> int:
    return fields["__lines__"].get(name, default)


def slugify(stem: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", stem.lower()).strip("-") or "event"


def _location(ck: Checker, value: Any, line: int, name: str) -> Location | None:
    if isinstance(value, str):
        return Location(name=value.strip())
    if not isinstance(value, LineMap):
        ck.err(
            line,
            name,
            f"should be a place name or a block with `name:`, not {value!r}",
            "e.g. `location: {name: Town Hall, address: High Street}`",
        )
        return None
    fields = ck.unknown_fields(value, LOCATION_FIELDS, {"postcode": "address"}, f"{name}.")
    place = ck.text(fields.get("name"), value.line, f"{name}.name", required=True)
    address = ck.text(fields.get("address"), _line(fields, "address", line), f"{name}.address")
    url = ck.text(fields.get("url"), _line(fields, "url", line), f"{name}.url") or ""
    geo = None
    if "geo" in fields:
        geo = _geo(ck, fields["geo"], _line(fields, "geo", line), f"{name}.geo")
    if place is None:
        return None
    return Location(name=place, address=address or "", geo=geo, url=url)


def _geo(ck: Checker, value: Any, line: int, name: str) -> tuple[float, float] | None:
    hint = "write [latitude, longitude] in degrees, e.g. [53.3809, -1.4702]"
    numbers = value if isinstance(value, list) and len(value) == 2 else None
    if numbers is None or not all(isinstance(x, (int, float)) for x in numbers):
        ck.err(line, name, f"{value!r} is not a pair of numbers", hint)
        return None
    lat, lon = float(numbers[0]), float(numbers[1])
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        ck.err(
            line,
            name,
            f"{value!r} is off the globe (latitude ±90, longitude ±180)",
            hint + "; latitude comes first",
        )
        return None
    return (lat, lon)


def _url(ck: Checker, value: Any, line: int, name: str) -> str | None:
    text = ck.text(value, line, name)
    if text is None:
        return None
    if not re.match(r"^https?://[^\s/]+\.[^\s]+$", text):
        ck.err(
            line, name, f"{text!r} is not a web address", "write the full link, starting https://"
        )
        return None
    return text


def _status(ck: Checker, value: Any, line: int, name: str) -> str | None:
    text = str(value).strip().lower()
    if text == "canceled":
        text = "cancelled"
    if text not in STATUSES:
        ck.err(
            line,
            name,
            f"{value!r} is not a status",
            did_you_mean(text, STATUSES, f"use one of: {', '.join(STATUSES)}"),
        )
        return None
    return text


def _when(ck: Checker, value: Any, line: int, name: str) -> datetime | None:
    """`updated:`/`announced:` — a date or date-time, as a naive local date-time."""
    moment = ck.a_moment(value, line, name)
    if moment is None or isinstance(moment, datetime):
        return moment
    return datetime.combine(moment, time(0, 0))


def _duration(ck: Checker, value: Any, line: int, name: str) -> timedelta | None:
    match = DURATION_RX.match(str(value)) if isinstance(value, str) else None
    if match and any(match.groups()):
        days, hours, minutes = (int(x or 0) for x in match.groups())
        span = timedelta(days=days, hours=hours, minutes=minutes)
        if span > timedelta(0):
            return span
    ck.err(line, name, f"{value!r} is not a length of time", "write e.g. 1h30m, 2h or 45m")
    return None


def _end(
    ck: Checker, fields: dict[str, Any], start: date | datetime, line: int, prefix: str = ""
) -> date | datetime | None:
    """The (exclusive, for all-day) end, from `end:` or `duration:`; None after a problem."""
    all_day = not isinstance(start, datetime)
    if "end" in fields and "duration" in fields:
        ck.err(
            _line(fields, "duration", line),
            f"{prefix}duration",
            "is given as well as `end:`",
            "keep one of them",
        )
        return None
    if "duration" in fields:
        span = _duration(
            ck, fields["duration"], _line(fields, "duration", line), f"{prefix}duration"
        )
        if span is None:
            return None
        if all_day:
            return start + timedelta(days=max(1, span.days))
        return start + span
    if "end" not in fields:
        return start + (timedelta(days=1) if all_day else timedelta(hours=1))
    eline, value = _line(fields, "end", line), fields["end"]
    if all_day:
        last = ck.a_date(value, eline, f"{prefix}end")
        if last is None:
            return None
        if last < start:
            ck.err(
                eline,
                f"{prefix}end",
                f"{last} is before the start ({start})",
                "an all-day `end:` is the last day, on or after the start date",
            )
            return None
        return last + timedelta(days=1)
    if (isinstance(value, str) and TIME_RX.match(value.strip())) or isinstance(value, int):
        clock = ck.a_time(value, eline, f"{prefix}end")
        end = datetime.combine(start.date(), clock) if clock else None
    else:
        end = ck.a_moment(value, eline, f"{prefix}end")
        if end is not None and not isinstance(end, datetime):
            ck.err(
                eline,
                f"{prefix}end",
                f"{end} is a date but the start has a time",
                "give an end time such as 19:30, or a date-time",
            )
            return None
    if end is not None and end <= start:
        ck.err(
            eline,
            f"{prefix}end",
            f"{value} is not after the start ({start:%Y-%m-%d %H:%M})",
            "give a later end; for events past midnight write the date too, e.g. 2026-01-06 01:00",
        )
        return None
    return end


def _timezone(ck: Checker, value: Any, line: int, default: str) -> str | None:
    if value is None:
        return default
    name = str(value).strip()
    zones = available_timezones()
    if name in zones:
        return name
    lowered = {z.lower(): z for z in zones}
    close = difflib.get_close_matches(name.lower(), list(lowered), n=1, cutoff=0.6)
    hint = (
        f"did you mean {lowered[close[0]]!r}?"
        if close
        else "use a name from the tz database such as Europe/London"
    )
    ck.err(line, "timezone", f"{name!r} is not a time zone name", hint)
    return None


def _on_item(ck: Checker, item: Any, line: int, freq: int, rep: Repeat) -> None:
    """One `on:` entry: `monday`, `first monday`, `1st tuesday`, `last friday` or `15`."""
    if isinstance(item, int) and not isinstance(item, bool):
        if freq != MONTHLY or not 1 <= abs(item) <= 31:
            ck.err(
                line,
                "repeat.on",
                f"{item!r} is not a day of the month here",
                "a day number (1 to 31) only works with `every: month`",
            )
            return
        rep.bymonthday.append(item)
        return
    words = str(item).strip().lower().replace("-", " ").split()
    day_rx = re.fullmatch(r"(\d{1,2})(?:st|nd|rd|th)?", words[0]) if len(words) == 1 else None
    if day_rx and freq == MONTHLY:
        _on_item(ck, int(day_rx[1]), line, freq, rep)
        return
    ordinal = ORDINALS.get(words[0]) if len(words) == 2 else None
    name = words[-1].rstrip("s") if words else ""
    day = WEEKDAYS.get(name) or next((d for n, d in WEEKDAYS.items() if n[:3] == name), None)
    if day is None:
        ck.err(
            line,
            "repeat.on",
            f"{item!r} is not a weekday",
            did_you_mean(
                name, WEEKDAYS, "write e.g. `first monday` or `[1st tuesday, 3rd tuesday]`"
            ),
        )
        return
    if len(words) == 2 and ordinal is None:
        ck.err(
            line,
            "repeat.on",
            f"{words[0]!r} is not an ordinal",
            did_you_mean(words[0], ORDINALS, "use first, second, third, fourth, fifth or last"),
        )
        return
    if len(words) > 2:
        ck.err(
            line,
            "repeat.on",
            f"{item!r} has too many words",
            "write e.g. `first monday`; put several days in a list",
        )
        return
    if ordinal and freq not in (MONTHLY, YEARLY):
        ck.err(
            line,
            "repeat.on",
            f"{item!r} needs `every: month`",
            f"with `every: week` write just `{name}`",
        )
        return
    rep.byweekday.append(day(ordinal) if ordinal else day)


def _raw_rrule(ck: Checker, text: Any, line: int, rep_line: int) -> Repeat | None:
    hint = "write e.g. FREQ=MONTHLY;BYDAY=1MO (without RRULE: or DTSTART)"
    raw = str(text).strip().removeprefix("RRULE:")
    try:
        parts = vRecur.from_ical(raw)
    except ValueError:
        ck.err(line, "repeat.rrule", f"{text!r} is not a recurrence rule", hint)
        return None
    known = {"FREQ", "INTERVAL", "BYDAY", "BYMONTHDAY", "BYMONTH", "BYSETPOS", "COUNT", "UNTIL"}
    unknown = sorted(set(parts) - known)
    freqs = {"DAILY": DAILY, "WEEKLY": WEEKLY, "MONTHLY": MONTHLY, "YEARLY": YEARLY}
    freq = freqs.get(str((parts.get("FREQ") or [""])[0]).upper())
    if unknown or freq is None:
        what = f"uses {', '.join(unknown)}" if unknown else "needs FREQ=DAILY|WEEKLY|MONTHLY|YEARLY"
        ck.err(
            line,
            "repeat.rrule",
            f"{text!r} {what}",
            f"Handbill supports {', '.join(sorted(known))}",
        )
        return None
    rep = Repeat(freq=freq, interval=int((parts.get("INTERVAL") or [1])[0]))
    for code in parts.get("BYDAY", []):
        match = re.fullmatch(r"([+-]?\d)?(MO|TU|WE|TH|FR|SA|SU)", str(code).upper())
        if not match:
            ck.err(line, "repeat.rrule", f"BYDAY {code!r} is not a weekday code", hint)
            return None
        day = {"MO": MO, "TU": TU, "WE": WE, "TH": TH, "FR": FR, "SA": SA, "SU": SU}[match[2]]
        rep.byweekday.append(day(int(match[1])) if match[1] else day)
    rep.bymonthday = [int(x) for x in parts.get("BYMONTHDAY", [])]
    rep.bymonth = [int(x) for x in parts.get("BYMONTH", [])]
    rep.bysetpos = [int(x) for x in parts.get("BYSETPOS", [])]
    if parts.get("COUNT"):
        rep.count = int(parts["COUNT"][0])
    if parts.get("UNTIL"):
        until = parts["UNTIL"][0]
        rep.until = until.date() if isinstance(until, datetime) else until
    return rep


def _repeat(ck: Checker, value: Any, line: int, start: date | datetime | None) -> Repeat | None:
    if not isinstance(value, LineMap):
        ck.err(
            line,
            "repeat",
            f"should be a block of fields, not {value!r}",
            "e.g. `repeat: {every: month, on: first monday}`",
        )
        return None
    fields = ck.unknown_fields(value, REPEAT_FIELDS, REPEAT_SYNONYMS, "repeat.")
    problems_before = len(ck.problems)
    if "rrule" in fields:
        clash = [k for k in ("every", "on", "interval") if k in fields]
        if clash:
            ck.err(
                _line(fields, clash[0], line),
                f"repeat.{clash[0]}",
                "is given as well as `rrule:`",
                "use either `rrule:` or every/on/interval",
            )
            return None
        rep = _raw_rrule(ck, fields["rrule"], _line(fields, "rrule", line), line)
    else:
        rep = _every(ck, fields, line)
    if rep is None:
        return None
    _until_count(ck, fields, line, rep, start)
    rep_excepts = fields.get("except")
    if len(ck.problems) > problems_before or start is None:
        return None
    # RFC 5545 counts DTSTART as an occurrence even when the rule would not produce
    # it, while dateutil skips it; requiring a match keeps pages and calendars equal.
    if next(iter(build_rrule(start, rep)), None) != as_naive(start):
        ck.err(
            _line(fields, "on", line),
            "repeat",
            f"the start ({start:%Y-%m-%d, %A}) is not one of the dates this rule gives",
            _nearest_start(start, rep),
        )
        return None
    if rep_excepts is not None:
        _excepts(ck, rep_excepts, _line(fields, "except", line), rep, start)
    return rep


def _nearest_start(start: date | datetime, rep: Repeat) -> str:
    """Suggest the rule's date nearest to the given start (before or after it)."""
    free = _without_limits(rep)
    earlier = start - timedelta(days=400)
    day = start.date() if isinstance(start, datetime) else start
    dates = [d.date() for d in rule_dates(earlier, free, day + timedelta(days=400))]
    if not dates:
        return "check `every:` and `on:`"
    best = min(dates, key=lambda d: (abs((d - day).days), d))
    return f"the nearest date it gives is {best:%Y-%m-%d (%A)}; start on that date"


def _without_limits(rep: Repeat) -> Repeat:
    return Repeat(
        freq=rep.freq,
        interval=rep.interval,
        byweekday=rep.byweekday,
        bymonthday=rep.bymonthday,
        bymonth=rep.bymonth,
        bysetpos=rep.bysetpos,
    )


def _every(ck: Checker, fields: dict[str, Any], line: int) -> Repeat | None:
    if "every" not in fields:
        ck.err(line, "repeat.every", "is missing", "add `every: day`, `week`, `month` or `year`")
        return None
    eline = _line(fields, "every", line)
    word = str(fields["every"]).strip().lower()
    interval = 1
    if word in ("fortnight", "fortnightly", "other week"):
        word, interval = "week", 2
    word = EVERY_SYNONYMS.get(word, word)
    if word not in EVERY:
        ck.err(
            eline,
            "repeat.every",
            f"{fields['every']!r} is not a repeat period",
            did_you_mean(word, EVERY, "use day, week, month or year"),
        )
        return None
    rep = Repeat(freq=EVERY[word], interval=interval)
    if "interval" in fields:
        value = fields["interval"]
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            ck.err(
                _line(fields, "interval", line),
                "repeat.interval",
                f"{value!r} is not a whole number of {word}s",
                "e.g. `interval: 2` for fortnightly",
            )
        else:
            rep.interval = value
    if "on" in fields:
        items = fields["on"] if isinstance(fields["on"], list) else [fields["on"]]
        oline = _line(fields, "on", line)
        for index, item in enumerate(items):
            where = items.line_of(index) if isinstance(items, LineList) else oline
            _on_item(ck, item, where, rep.freq, rep)
    return rep


def _until_count(
    ck: Checker, fields: dict[str, Any], line: int, rep: Repeat, start: date | datetime | None
) -> None:
    if "until" in fields and "count" in fields:
        ck.err(
            _line(fields, "count", line),
            "repeat.count",
            "is given as well as `until:`",
            "keep one: a last date or a number of times",
        )
        return
    if "until" in fields:
        uline = _line(fields, "until", line)
        until = ck.a_date(fields["until"], uline, "repeat.until")
        if until and start and until < (start.date() if isinstance(start, datetime) else start):
            ck.err(
                uline,
                "repeat.until",
                f"{until} is before the start",
                "give the date of the last meeting, on or after `start:`",
            )
        elif until:
            rep.until = until
    if "count" in fields:
        count = fields["count"]
        if not isinstance(count, int) or isinstance(count, bool) or count < 1:
            ck.err(
                _line(fields, "count", line),
                "repeat.count",
                f"{count!r} is not a number of times",
                "write a whole number such as 12",
            )
        else:
            rep.count = count


def _nearest(day: date, dates: list[date]) -> str:
    near = sorted(dates, key=lambda d: abs((d - day).days))[:2]
    return "the nearest dates of this series are " + " and ".join(
        f"{d:%Y-%m-%d (%a)}" for d in sorted(near)
    )


def _excepts(ck: Checker, value: Any, line: int, rep: Repeat, start: date | datetime) -> None:
    items = value if isinstance(value, list) else [value]
    for index, item in enumerate(items):
        where = items.line_of(index) if isinstance(items, LineList) else line
        if isinstance(item, str) and item.strip().lower() in BANK_HOLIDAYS:
            rep.except_bank_holidays = True
            continue
        if isinstance(item, str) and not DATETIME_RX.match(item.strip()):
            ck.err(
                where,
                "repeat.except",
                f"{item!r} is not a date or `bank holidays`",
                did_you_mean(item, BANK_HOLIDAYS, DATE_HINT),
            )
            continue
        day = ck.a_date(item, where, "repeat.except")
        if day is None:
            continue
        dates = [d.date() for d in rule_dates(start, rep, day + timedelta(days=40))]
        if day not in dates:
            ck.err(
                where,
                "repeat.except",
                f"{day} is not a date of this series",
                _nearest(day, dates) if dates else "check the date",
            )
            continue
        rep.except_dates.append(day)


def _change(
    ck: Checker, key: Any, value: Any, line: int, spec_start: date | datetime, rep: Repeat
) -> tuple[date, Change] | None:
    where = f"changes.{key}"
    day = ck.a_date(key, line, where)
    if day is None:
        return None
    if not isinstance(value, LineMap):
        ck.err(
            line,
            where,
            f"should be a block of fields, not {value!r}",
            "e.g. `{status: cancelled, note: Venue closed}`",
        )
        return None
    fields = ck.unknown_fields(
        value, CHANGE_FIELDS, {"venue": "location", "reason": "note"}, f"{where}."
    )
    before = len(ck.problems)
    dates = [d.date() for d in rule_dates(spec_start, rep, day + timedelta(days=40))]
    if day not in dates:
        ck.err(
            line,
            where,
            f"{day} is not a date of this series",
            _nearest(day, dates) if dates else "check the date",
        )
    change = Change(
        note=ck.text(fields.get("note"), _line(fields, "note", line), f"{where}.note") or ""
    )
    if "status" in fields:
        change.status = _status(
            ck, fields["status"], _line(fields, "status", line), f"{where}.status"
        )
    for name in ("title", "summary"):
        if name in fields:
            setattr(
                change, name, ck.text(fields[name], _line(fields, name, line), f"{where}.{name}")
            )
    if "location" in fields:
        change.location = _location(
            ck, fields["location"], _line(fields, "location", line), f"{where}.location"
        )
    if "online" in fields:
        change.online = _url(ck, fields["online"], _line(fields, "online", line), f"{where}.online")
    if "start" in fields:
        change.start = _change_start(
            ck, fields["start"], _line(fields, "start", line), where, day, spec_start
        )
    if "end" in fields:
        base = change.start or (
            datetime.combine(day, spec_start.time()) if isinstance(spec_start, datetime) else day
        )
        change.end = _end(
            ck, {"end": fields["end"], "__lines__": fields["__lines__"]}, base, line, f"{where}."
        )
    if len(ck.problems) > before:
        return None
    return day, change


def _change_start(
    ck: Checker, value: Any, line: int, where: str, day: date, spec_start: date | datetime
) -> date | datetime | None:
    if isinstance(value, str) and TIME_RX.match(value.strip()):
        clock = ck.a_time(value, line, f"{where}.start")
        return datetime.combine(day, clock) if clock else None
    moment = ck.a_moment(value, line, f"{where}.start")
    if moment is not None and isinstance(moment, datetime) != isinstance(spec_start, datetime):
        ck.err(
            line,
            f"{where}.start",
            "mixes an all-day date with a timed series",
            "give a date-time for timed events, a date for all-day ones",
        )
        return None
    return moment


def _changes(
    ck: Checker, value: Any, line: int, spec_start: date | datetime | None, rep: Repeat | None
) -> dict[date, Change]:
    if not isinstance(value, LineMap):
        ck.err(
            line,
            "changes",
            f"should be a block of dates, not {value!r}",
            "e.g. `2026-03-02: {status: cancelled}` on its own line under `changes:`",
        )
        return {}
    if rep is None:
        if spec_start is not None:
            ck.err(
                line,
                "changes",
                "only applies to repeating events",
                "edit `start:`/`status:` of this one-off event directly",
            )
        return {}
    out: dict[date, Change] = {}
    for key, item in value.items():
        found = _change(ck, key, item, value.line_of(key), spec_start, rep)
        if found:
            out[found[0]] = found[1]
    return out


def check_event(
    data: LineMap, rel: str, stem: str, timezone: str, default_category: str
) -> tuple[EventSpec | None, list[Problem]]:
    """Validate one file's fields; an EventSpec only when there was no problem at all."""
    ck = Checker(rel)
    fields = ck.unknown_fields(data, FIELDS, SYNONYMS)
    line = data.line

    def at(name: str) -> int:
        return _line(fields, name, line)

    title = ck.text(fields.get("title"), at("title"), "title", required=True)
    ident = _ident(ck, fields, at, stem)
    slug = ck.text(fields.get("slug"), at("slug"), "slug") or ident
    if slug and not SLUG_RX.match(slug):
        ck.err(
            at("slug"),
            "slug",
            f"{slug!r} is not a web-address word",
            f"use lower-case letters, digits and hyphens, e.g. {slugify(slug)!r}",
        )
    tz = _timezone(ck, fields.get("timezone"), at("timezone"), timezone)
    start = None
    if "start" not in fields:
        ck.err(line, "start", "is missing", "add e.g. `start: 2026-01-05 18:00` or a date")
    else:
        start = ck.a_moment(fields["start"], at("start"), "start")
    end = _end(ck, fields, start, line) if start is not None else None
    rep = _repeat(ck, fields["repeat"], at("repeat"), start) if "repeat" in fields else None
    changes = (
        _changes(ck, fields["changes"], at("changes"), start, rep) if "changes" in fields else {}
    )
    status = _status(ck, fields.get("status", "confirmed"), at("status"), "status")
    category = ck.text(fields.get("category"), at("category"), "category") or default_category
    tags = _tags(ck, fields.get("tags", []), at("tags"))
    location = (
        _location(ck, fields["location"], at("location"), "location")
        if fields.get("location") is not None
        else None
    )
    online = _url(ck, fields["online"], at("online"), "online") if "online" in fields else None
    summary = ck.text(fields.get("summary"), at("summary"), "summary") or ""
    description = ck.text(fields.get("description"), at("description"), "description") or ""
    updated = (
        _when(ck, fields["updated"], at("updated"), "updated") if "updated" in fields else None
    )
    announced = (
        _when(ck, fields["announced"], at("announced"), "announced")
        if "announced" in fields
        else None
    )
    if ck.problems or None in (title, ident, start, end, tz, status):
        return None, sorted(ck.problems, key=lambda p: p.line)
    return EventSpec(
        id=ident,
        slug=slug,
        title=title,
        start=start,
        end=end,
        all_day=not isinstance(start, datetime),
        timezone=tz,
        category=category,
        tags=tags,
        location=location,
        online=online,
        repeat=rep,
        changes=changes,
        status=status,
        summary=summary,
        description=description,
        updated=updated,
        announced=announced,
        source=rel,
        line=line,
    ), []


def _ident(ck: Checker, fields: dict[str, Any], at: Any, stem: str) -> str | None:
    if "id" not in fields:
        return slugify(stem)
    ident = ck.text(fields["id"], at("id"), "id")
    if ident is None or not ID_RX.match(ident):
        ck.err(
            at("id"),
            "id",
            f"{fields['id']!r} cannot be used as an id",
            f"use lower-case letters, digits and hyphens, e.g. {slugify(str(fields['id']))!r}; "
            "once published, never change it",
        )
        return None
    return ident


def _tags(ck: Checker, value: Any, line: int) -> list[str]:
    items = value if isinstance(value, list) else [value] if value else []
    tags = []
    for index, item in enumerate(items):
        where = items.line_of(index) if isinstance(items, LineList) else line
        if isinstance(item, (dict, list)) or item is None:
            ck.err(where, "tags", f"{item!r} is not a tag", "write tags as [planning, members]")
            continue
        tags.append(str(item).strip())
    return tags
