"""Reading `repeat:` (every/on/until/count/except or an RRULE) and `changes:` of a series."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from typing import Any

from dateutil.rrule import DAILY, FR, MO, MONTHLY, SA, SU, TH, TU, WE, WEEKLY, YEARLY
from icalendar import vRecur

from .fields import (
    DATE_HINT,
    DATETIME_RX,
    TIME_RX,
    Checker,
    Fields,
    field_line,
    read_end,
    read_location,
    read_status,
    read_url,
)
from .load import LineList, LineMap
from .problems import did_you_mean, shown
from .rule_dates import MAX_DATES, TooManyDates, as_naive, dates_within, rule_dates
from .spec import Change, Repeat

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


def _on_item(ck: Checker, item: Any, line: int, freq: int, rep: Repeat) -> None:
    """One `on:` entry: `monday`, `first monday`, `1st tuesday`, `last friday` or `15`."""
    if isinstance(item, int) and not isinstance(item, bool):
        if freq != MONTHLY or not 1 <= abs(item) <= 31:
            ck.err(
                line,
                "repeat.on",
                f"{shown(item)} is not a day of the month here",
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
            f"{shown(item)} is not a weekday",
            did_you_mean(
                name, WEEKDAYS, "write e.g. `first monday` or `[1st tuesday, 3rd tuesday]`"
            ),
        )
        return
    if len(words) == 2 and ordinal is None:
        ck.err(
            line,
            "repeat.on",
            f"{shown(words[0])} is not an ordinal",
            did_you_mean(words[0], ORDINALS, "use first, second, third, fourth, fifth or last"),
        )
        return
    if len(words) > 2:
        ck.err(
            line,
            "repeat.on",
            f"{shown(item)} has too many words",
            "write e.g. `first monday`; put several days in a list",
        )
        return
    if ordinal and freq not in (MONTHLY, YEARLY):
        ck.err(
            line,
            "repeat.on",
            f"{shown(item)} needs `every: month`",
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
        ck.err(line, "repeat.rrule", f"{shown(text)} is not a recurrence rule", hint)
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
            f"{shown(text)} {what}",
            f"Handbill supports {', '.join(sorted(known))}",
        )
        return None
    rep = Repeat(freq=freq, interval=int((parts.get("INTERVAL") or [1])[0]))
    for code in parts.get("BYDAY", []):
        match = re.fullmatch(r"([+-]?\d)?(MO|TU|WE|TH|FR|SA|SU)", str(code).upper())
        if not match:
            ck.err(line, "repeat.rrule", f"BYDAY {shown(code)} is not a weekday code", hint)
            return None
        day = {"MO": MO, "TU": TU, "WE": WE, "TH": TH, "FR": FR, "SA": SA, "SU": SU}[match[2]]
        if match[1] and int(match[1]) == 0:
            ck.err(
                line,
                "repeat.rrule",
                f"BYDAY={code} is out of range",
                "use 1 to 5 or -1 to -5 before the day, or the day alone (MO)",
            )
            return None
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


def read_repeat(ck: Checker, value: Any, line: int, start: date | datetime | None) -> Repeat | None:
    if not isinstance(value, LineMap):
        ck.err(
            line,
            "repeat",
            f"should be a block of fields, not {shown(value)}",
            "e.g. `repeat: {every: month, on: first monday}`",
        )
        return None
    fields = ck.unknown_fields(value, REPEAT_FIELDS, REPEAT_SYNONYMS, "repeat.")
    problems_before = len(ck.problems)
    if "rrule" in fields:
        clash = [k for k in ("every", "on", "interval") if k in fields]
        if clash:
            ck.err(
                field_line(fields, clash[0], line),
                f"repeat.{clash[0]}",
                "is given as well as `rrule:`",
                "use either `rrule:` or every/on/interval",
            )
            return None
        rep = _raw_rrule(ck, fields["rrule"], field_line(fields, "rrule", line), line)
    else:
        rep = _every(ck, fields, line)
    if rep is None:
        return None
    _until_count(ck, fields, line, rep, start)
    wrong = _out_of_range(rep)
    if wrong:
        where, what, allowed = wrong
        where = "rrule" if "rrule" in fields else where
        ck.err(
            field_line(fields, where, line), f"repeat.{where}", f"{what} is out of range", allowed
        )
    else:
        never = _never(rep)
        if never:
            where = "rrule" if "rrule" in fields else "on"
            ck.err(field_line(fields, where, line), f"repeat.{where}", *never)
    rep_excepts = fields.get("except")
    if len(ck.problems) > problems_before or start is None:
        return None
    # RFC 5545 counts DTSTART as an occurrence even when the rule would not produce
    # it, while dateutil skips it; requiring a match keeps pages and calendars equal.
    if _first_date(start, rep) != as_naive(start):
        ck.err(
            field_line(fields, "on", line),
            "repeat",
            f"the start ({start:%Y-%m-%d, %A}) is not one of the dates this rule gives",
            _nearest_start(start, rep),
        )
        return None
    if rep_excepts is not None:
        _excepts(ck, rep_excepts, field_line(fields, "except", line), rep, start)
    return rep


# Beyond these, dateutil loops for ever or fails, or the ICS integer overflows.
LIMITS = (
    ("INTERVAL", "interval", "interval", 1, 1000),
    ("COUNT", "count", "count", 1, 10_000),
    ("BYMONTHDAY", "bymonthday", "on", -31, 31),
    ("BYMONTH", "bymonth", "on", 1, 12),
    ("BYSETPOS", "bysetpos", "on", -366, 366),
)


def _out_of_range(rep: Repeat) -> tuple[str, str, str] | None:
    """(field, `NAME=value`, what would be right) for the first number that cannot work."""
    for name, attr, where, low, high in LIMITS:
        value = getattr(rep, attr)
        for number in value if isinstance(value, list) else [value]:
            if number is not None and not (low <= number <= high and number != 0):
                allowed = f"use {low} to {high}" + (", but not 0" if low < 0 else "")
                return where, f"{name}={number}", allowed
    most = {MONTHLY: 5, YEARLY: 53}.get(rep.freq, 0)
    for day in rep.byweekday:
        if day.n and not (0 < abs(day.n) <= most):
            allowed = f"use 1 to {most} or -1 to -{most}" if most else "only with every month"
            return "on", f"BYDAY={day.n}{str(day)[:2]}", allowed
    return None


# The most days each month can have (February: in leap years).
MONTH_DAYS = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _never(rep: Repeat) -> tuple[str, str] | None:
    """(what, fix) when the rule can never give a date, found without running it."""
    months = rep.bymonth or range(1, 13)
    if rep.bymonthday and not any(
        abs(day) <= MONTH_DAYS[month - 1] for month in months for day in rep.bymonthday
    ):
        days = ",".join(str(d) for d in rep.bymonthday)
        where = f" in BYMONTH={','.join(str(m) for m in rep.bymonth)}" if rep.bymonth else ""
        return (
            f"BYMONTHDAY={days}{where} never gives a date",
            "no month has that day: check the day and month numbers",
        )
    most = _most_per_period(rep)
    if most is not None and rep.bysetpos and all(abs(pos) > most for pos in rep.bysetpos):
        period = PERIODS[rep.freq]
        allowed = "use 1 or -1" if most == 1 else f"use 1 to {most} or -1 to -{most}"
        return (
            f"BYSETPOS={','.join(str(p) for p in rep.bysetpos)} never gives a date",
            f"each {period} has at most {most} date{'s' if most > 1 else ''} to pick from: "
            + allowed,
        )
    return None


PERIODS = {DAILY: "day", WEEKLY: "week", MONTHLY: "month", YEARLY: "year"}


def _most_per_period(rep: Repeat) -> int | None:
    """How many dates one day, week or month of the rule can hold (None: not worked out)."""
    if rep.freq == DAILY:
        return 1
    if rep.freq == WEEKLY and not rep.bymonthday:
        return len({d.weekday for d in rep.byweekday}) or 1
    if rep.freq == MONTHLY:
        counts = [31]
        if rep.bymonthday:
            counts.append(len(set(rep.bymonthday)))
        if rep.byweekday:
            counts.append(sum(1 if d.n else 5 for d in set(rep.byweekday)))
        if not rep.bymonthday and not rep.byweekday:
            counts.append(1)
        return min(counts)
    return None


def _first_date(start: date | datetime, rep: Repeat) -> datetime | None:
    """The rule's first date if that is `start`, else None (in bounded time)."""
    moment = as_naive(start)
    try:
        found = dates_within(start, rep, moment, moment)
    except (ValueError, IndexError, OverflowError):  # dateutil on a rule it cannot run
        return None
    return found[0] if found else None


def _nearest_start(start: date | datetime, rep: Repeat) -> str:
    """Suggest the rule's date nearest to the given start (before or after it)."""
    free = _without_limits(rep)
    day = start.date() if isinstance(start, datetime) else start
    earlier = as_naive(start) - timedelta(days=400)
    try:
        found = dates_within(earlier, free, earlier, as_naive(day + timedelta(days=400)))
    except (ValueError, IndexError, OverflowError):
        found = []
    dates = [d.date() for d in found]
    if not dates:
        return "it gives no date within a year of the start: check `every:` and `on:`"
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


def _every(ck: Checker, fields: Fields, line: int) -> Repeat | None:
    if "every" not in fields:
        ck.err(line, "repeat.every", "is missing", "add `every: day`, `week`, `month` or `year`")
        return None
    eline = field_line(fields, "every", line)
    word = str(fields["every"]).strip().lower()
    interval = 1
    if word in ("fortnight", "fortnightly", "other week"):
        word, interval = "week", 2
    word = EVERY_SYNONYMS.get(word, word)
    if word not in EVERY:
        ck.err(
            eline,
            "repeat.every",
            f"{shown(fields['every'])} is not a repeat period",
            did_you_mean(word, EVERY, "use day, week, month or year"),
        )
        return None
    rep = Repeat(freq=EVERY[word], interval=interval)
    if "interval" in fields:
        value = fields["interval"]
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            ck.err(
                field_line(fields, "interval", line),
                "repeat.interval",
                f"{shown(value)} is not a whole number of {word}s",
                "e.g. `interval: 2` for fortnightly",
            )
        else:
            rep.interval = value
    if "on" in fields:
        items = fields["on"] if isinstance(fields["on"], list) else [fields["on"]]
        oline = field_line(fields, "on", line)
        for index, item in enumerate(items):
            where = items.line_of(index) if isinstance(items, LineList) else oline
            _on_item(ck, item, where, rep.freq, rep)
    return rep


def _until_count(
    ck: Checker, fields: Fields, line: int, rep: Repeat, start: date | datetime | None
) -> None:
    if "until" in fields and "count" in fields:
        ck.err(
            field_line(fields, "count", line),
            "repeat.count",
            "is given as well as `until:`",
            "keep one: a last date or a number of times",
        )
        return
    if "until" in fields:
        uline = field_line(fields, "until", line)
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
                field_line(fields, "count", line),
                "repeat.count",
                f"{shown(count)} is not a number of times",
                "write a whole number such as 12",
            )
        else:
            rep.count = count


def _in_series(
    ck: Checker, day: date, line: int, name: str, start: date | datetime, rep: Repeat
) -> bool:
    """True if the series has a date on `day`; otherwise report it with the nearest dates."""
    try:
        dates = [d.date() for d in rule_dates(start, rep, day + timedelta(days=40))]
    except TooManyDates:
        ck.err(
            line,
            name,
            f"{day} is more than {MAX_DATES:,} dates of this series after its start",
            "check the year",
        )
        return False
    if day in dates:
        return True
    near = sorted(sorted(dates, key=lambda d: abs((d - day).days))[:2])
    hint = "the nearest dates of this series are " + " and ".join(
        f"{d:%Y-%m-%d (%a)}" for d in near
    )
    ck.err(line, name, f"{day} is not a date of this series", hint if dates else "check the date")
    return False


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
                f"{shown(item)} is not a date or `bank holidays`",
                did_you_mean(item, BANK_HOLIDAYS, DATE_HINT),
            )
            continue
        day = ck.a_date(item, where, "repeat.except")
        if day is None:
            continue
        if not _in_series(ck, day, where, "repeat.except", start, rep):
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
            f"should be a block of fields, not {shown(value)}",
            "e.g. `{status: cancelled, note: Venue closed}`",
        )
        return None
    fields = ck.unknown_fields(
        value, CHANGE_FIELDS, {"venue": "location", "reason": "note"}, f"{where}."
    )
    before = len(ck.problems)
    _in_series(ck, day, line, where, spec_start, rep)
    change = Change(
        note=ck.text(fields.get("note"), field_line(fields, "note", line), f"{where}.note") or ""
    )
    if "status" in fields:
        change.status = read_status(
            ck, fields["status"], field_line(fields, "status", line), f"{where}.status"
        )
    for name in ("title", "summary"):
        if name in fields:
            setattr(
                change,
                name,
                ck.text(fields[name], field_line(fields, name, line), f"{where}.{name}"),
            )
    if "location" in fields:
        change.location = read_location(
            ck, fields["location"], field_line(fields, "location", line), f"{where}.location"
        )
    if "online" in fields:
        change.online = read_url(
            ck, fields["online"], field_line(fields, "online", line), f"{where}.online"
        )
    if "start" in fields:
        change.start = _change_start(
            ck, fields["start"], field_line(fields, "start", line), where, day, spec_start
        )
    if "end" in fields:
        base = change.start or (
            datetime.combine(day, spec_start.time()) if isinstance(spec_start, datetime) else day
        )
        change.end = read_end(ck, fields.only("end"), base, line, f"{where}.")
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


def read_changes(
    ck: Checker, value: Any, line: int, spec_start: date | datetime | None, rep: Repeat | None
) -> dict[date, Change]:
    if not isinstance(value, LineMap):
        ck.err(
            line,
            "changes",
            f"should be a block of dates, not {shown(value)}",
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
