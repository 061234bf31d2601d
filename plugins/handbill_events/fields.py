"""Readers for single fields (times, dates, places, links), each reporting its own problems.

Hand-written rather than a JSON Schema: each field needs its own wording for volunteers
("write a 24-hour time such as 19:30"), line numbers and "did you mean" suggestions,
which jsonschema's generic messages cannot give.
"""

from __future__ import annotations

import difflib
import re
from datetime import date, datetime, time, timedelta
from functools import cache
from typing import Any
from zoneinfo import available_timezones

from handbill_config.problems import Problem

from .load import LineList, LineMap
from .problems import did_you_mean, shown
from .slugs import ID_RX, slugify
from .spec import Location

STATUSES = ("confirmed", "tentative", "cancelled")


LOCATION_FIELDS = ("name", "address", "geo", "url")


TIME_RX = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?$")


DATETIME_RX = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]+(.+))?$")


# Matched against the stripped text, and every `\s*` follows a unit letter: no two
# optional runs of spaces compete, so a long run of spaces fails at once (the earlier
# pattern backtracked for minutes on `duration:` with 50,000 spaces before a letter).
DURATION_RX = re.compile(
    r"(?:(\d+)\s*d(?:ays?)?\s*)?(?:(\d+)\s*h(?:ours?)?\s*)?(?:(\d+)\s*m(?:in(?:utes?)?)?)?"
)


MAX_DURATION = timedelta(days=366)  # longer is a typo, and huge ones overflow


TIME_HINT = "write a 24-hour time such as 19:30"


DATE_HINT = "write a date as YYYY-MM-DD, e.g. 2026-06-27"


YEARS = (1900, 2999)  # outside these a year is a typo; near 1 or 9999 date sums overflow


DATETIME_HINT = "write YYYY-MM-DD HH:MM in local time, e.g. 2026-01-05 18:00"


class Fields(dict):
    """A block's known fields by their canonical names, and the line each was written on."""

    def __init__(self) -> None:
        super().__init__()
        self.lines: dict[str, int] = {}

    def only(self, *names: str) -> Fields:
        """The same block limited to `names` (their lines kept)."""
        part = Fields()
        part.update((name, self[name]) for name in names if name in self)
        part.lines = self.lines
        return part


def kind_of(value: list | dict) -> str:
    """What a list or mapping is, in a volunteer's words (never our class names)."""
    return "a list" if isinstance(value, list) else "a block of fields"


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
                f"should be text, not {kind_of(value)}",
                "write it on one line, or use `|` for several lines",
            )
            return None
        return str(value).strip()

    def a_date(self, value: Any, line: int, name: str) -> date | None:
        if isinstance(value, date):
            return self._in_years(
                value.date() if isinstance(value, datetime) else value, line, name
            )
        match = DATETIME_RX.match(str(value).strip())
        if match and not match.group(4):
            try:
                day = date(int(match[1]), int(match[2]), int(match[3]))
            except ValueError as exc:
                self.err(line, name, f"{shown(value)} is not a real date ({exc})", DATE_HINT)
                return None
            return self._in_years(day, line, name)
        self.err(line, name, f"{shown(value)} is not a date", DATE_HINT)
        return None

    def _in_years(self, day: date, line: int, name: str) -> date | None:
        if YEARS[0] <= day.year <= YEARS[1]:
            return day
        self.err(line, name, f"{day} is not a year this calendar can hold", DATE_HINT)
        return None

    def a_time(self, value: Any, line: int, name: str) -> time | None:
        if isinstance(value, time):
            return value
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            digits = f"{int(value):04d}" if isinstance(value, int) and value < 2400 else ""
            suggestion = f"write {digits[:2]}:{digits[2:]}" if digits else TIME_HINT
            self.err(line, name, f"{shown(value)} is a number, not a time", suggestion)
            return None
        match = TIME_RX.match(str(value).strip())
        if not match:
            self.err(line, name, f"{shown(value)} is not a time", TIME_HINT)
            return None
        hour, minute, second = int(match[1]), int(match[2]), int(match[3] or 0)
        if hour > 23 or minute > 59 or second > 59:
            self.err(
                line,
                name,
                f"{shown(value)} is not a time of day (hours 0-23, minutes 0-59)",
                TIME_HINT,
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
            return value if self.a_date(value, line, name) else None
        if isinstance(value, date):
            return self.a_date(value, line, name)
        if value is None or isinstance(value, (dict, list, bool, int, float)):
            self.err(line, name, f"{shown(value)} is not a date or date-time", DATETIME_HINT)
            return None
        match = DATETIME_RX.match(str(value).strip())
        if not match:
            self.err(line, name, f"{shown(value)} is not a date or date-time", DATETIME_HINT)
            return None
        day = self.a_date(f"{match[1]}-{match[2]}-{match[3]}", line, name)
        if day is None or not match.group(4):
            return day
        clock = self.a_time(match.group(4), line, name)
        return datetime.combine(day, clock) if clock else None

    def unknown_fields(
        self, data: LineMap, known: tuple[str, ...], synonyms: dict[str, str], where: str = ""
    ) -> Fields:
        """Map synonyms to canonical names; report unknown names with a suggestion."""
        out = Fields()
        lines = out.lines
        for key, value in data.items():
            name = synonyms.get(str(key).lower(), str(key)) if isinstance(key, str) else key
            line = data.line_of(key)
            if name not in known:
                hint = did_you_mean(key, known, f"known fields: {', '.join(known)}")
                self.err(line, f"{where}{field_name(key)}", "is not a field Handbill knows", hint)
                continue
            if name in out:
                self.err(line, f"{where}{key}", f"says the same as `{name}` above", "keep one")
                continue
            out[name] = value
            lines[name] = line
        return out


def field_name(key: object) -> str:
    """A key as a message names it: a whole pasted line would bury the message."""
    text = str(key)
    return text if len(text) <= 40 else text[:39] + "…"


def field_line(fields: Fields, name: str, default: int) -> int:
    return fields.lines.get(name, default)


def read_location(ck: Checker, value: Any, line: int, name: str) -> Location | None:
    if isinstance(value, str):
        return Location(name=value.strip())
    if not isinstance(value, LineMap):
        ck.err(
            line,
            name,
            f"should be a place name or a block with `name:`, not {shown(value)}",
            "e.g. `location: {name: Town Hall, address: High Street}`",
        )
        return None
    fields = ck.unknown_fields(value, LOCATION_FIELDS, {"postcode": "address"}, f"{name}.")
    place = ck.text(fields.get("name"), value.line, f"{name}.name", required=True)
    address = ck.text(fields.get("address"), field_line(fields, "address", line), f"{name}.address")
    url = ck.text(fields.get("url"), field_line(fields, "url", line), f"{name}.url") or ""
    geo = None
    if "geo" in fields:
        geo = _geo(ck, fields["geo"], field_line(fields, "geo", line), f"{name}.geo")
    if place is None:
        return None
    return Location(name=place, address=address or "", geo=geo, url=url)


def _geo(ck: Checker, value: Any, line: int, name: str) -> tuple[float, float] | None:
    hint = "write [latitude, longitude] in degrees, e.g. [53.3809, -1.4702]"
    numbers = value if isinstance(value, list) and len(value) == 2 else None
    if numbers is None or not all(
        isinstance(x, (int, float)) and not isinstance(x, bool) for x in numbers
    ):
        ck.err(line, name, f"{shown(value)} is not a pair of numbers", hint)
        return None
    lat, lon = float(numbers[0]), float(numbers[1])
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        ck.err(
            line,
            name,
            f"{shown(value)} is off the globe (latitude ±90, longitude ±180)",
            hint + "; latitude comes first",
        )
        return None
    return (lat, lon)


def read_url(ck: Checker, value: Any, line: int, name: str) -> str | None:
    text = ck.text(value, line, name)
    if text is None:
        return None
    if not re.match(r"^https?://[^\s/]+\.[^\s]+$", text):
        ck.err(
            line,
            name,
            f"{shown(text)} is not a web address",
            "write the full link, starting https://",
        )
        return None
    return text


def read_status(ck: Checker, value: Any, line: int, name: str) -> str | None:
    text = str(value).strip().lower()
    if text == "canceled":
        text = "cancelled"
    if text not in STATUSES:
        ck.err(
            line,
            name,
            f"{shown(value)} is not a status",
            did_you_mean(text, STATUSES, f"use one of: {', '.join(STATUSES)}"),
        )
        return None
    return text


def read_when(ck: Checker, value: Any, line: int, name: str) -> datetime | None:
    """`updated:`/`announced:` — a date or date-time, as a naive local date-time."""
    moment = ck.a_moment(value, line, name)
    if moment is None or isinstance(moment, datetime):
        return moment
    return datetime.combine(moment, time(0, 0))


def _duration(ck: Checker, value: Any, line: int, name: str) -> timedelta | None:
    match = DURATION_RX.fullmatch(value.strip()) if isinstance(value, str) else None
    if match and any(match.groups()):
        days, hours, minutes = (int(x or 0) for x in match.groups())
        # Count in minutes first: timedelta() itself overflows on absurd numbers.
        if 0 < (days * 24 + hours) * 60 + minutes <= MAX_DURATION // timedelta(minutes=1):
            return timedelta(days=days, hours=hours, minutes=minutes)
    ck.err(line, name, f"{shown(value)} is not a length of time", "write e.g. 1h30m, 2h or 45m")
    return None


def read_end(
    ck: Checker, fields: Fields, start: date | datetime, line: int, prefix: str = ""
) -> date | datetime | None:
    """The (exclusive, for all-day) end, from `end:` or `duration:`; None after a problem."""
    all_day = not isinstance(start, datetime)
    if "end" in fields and "duration" in fields:
        ck.err(
            field_line(fields, "duration", line),
            f"{prefix}duration",
            "is given as well as `end:`",
            "keep one of them",
        )
        return None
    if "duration" in fields:
        span = _duration(
            ck, fields["duration"], field_line(fields, "duration", line), f"{prefix}duration"
        )
        if span is None:
            return None
        if all_day:
            return start + timedelta(days=max(1, span.days))
        return start + span
    if "end" not in fields:
        return start + (timedelta(days=1) if all_day else timedelta(hours=1))
    eline, value = field_line(fields, "end", line), fields["end"]
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


@cache
def _zone_names() -> frozenset[str]:
    # available_timezones() walks the tz database on every call (about 30 ms).
    return frozenset(available_timezones())


def read_timezone(ck: Checker, value: Any, line: int, default: str) -> str | None:
    if value is None:
        return default
    name = str(value).strip()
    zones = _zone_names()
    if name in zones:
        return name
    lowered = {z.lower(): z for z in zones}
    close = difflib.get_close_matches(name.lower(), list(lowered), n=1, cutoff=0.6)
    hint = (
        f"did you mean {lowered[close[0]]!r}?"
        if close
        else "use a name from the tz database such as Europe/London"
    )
    ck.err(line, "timezone", f"{shown(name)} is not a time zone name", hint)
    return None


def read_ident(ck: Checker, fields: Fields, at: Any, stem: str) -> str | None:
    if "id" not in fields:
        return slugify(stem)
    ident = ck.text(fields["id"], at("id"), "id")
    if ident is None or not ID_RX.match(ident):
        ck.err(
            at("id"),
            "id",
            f"{shown(fields['id'])} cannot be used as an id",
            f"use lower-case letters, digits and hyphens, e.g. {slugify(str(fields['id']))!r}; "
            "once published, never change it",
        )
        return None
    return ident


def read_tags(ck: Checker, value: Any, line: int) -> list[str]:
    items = value if isinstance(value, list) else [value] if value else []
    tags = []
    for index, item in enumerate(items):
        where = items.line_of(index) if isinstance(items, LineList) else line
        if isinstance(item, (dict, list)) or item is None:
            ck.err(
                where, "tags", f"{shown(item)} is not a tag", "write tags as [planning, members]"
            )
            continue
        tags.append(str(item).strip())
    return tags
