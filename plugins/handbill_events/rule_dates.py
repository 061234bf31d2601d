"""The dateutil rule for a Repeat: used by validation, pages and (as RRULE) the ICS."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time
from typing import TYPE_CHECKING

from dateutil.rrule import rrule

if TYPE_CHECKING:  # validate.py imports this module, so no import at run time
    from .spec import Repeat


def as_naive(moment: date | datetime) -> datetime:
    """dateutil needs date-times; an all-day start counts from midnight."""
    return moment if isinstance(moment, datetime) else datetime.combine(moment, time(0, 0))


def build_rrule(start: date | datetime, rep: Repeat, years: int = 0) -> rrule:
    """The rule from `start` (naive local), as the file gives it (UNTIL or COUNT, or open).

    Times stay in local wall-clock time so 18:00 stays 18:00 across clock changes;
    the ICS anchors the same rule with TZID for the same reason. `years` moves the rule
    by whole 400-year cycles (see `dates_within`).
    """
    last = rep.until
    first = as_naive(start)
    return rrule(
        rep.freq,
        dtstart=first.replace(year=first.year + years),
        interval=rep.interval,
        byweekday=rep.byweekday or None,
        bymonthday=rep.bymonthday or None,
        bymonth=rep.bymonth or None,
        bysetpos=rep.bysetpos or None,
        count=rep.count,
        until=(
            datetime.combine(last.replace(year=last.year + years), time(23, 59, 59))
            if last and not rep.count
            else None
        ),
    )


# More dates than any real series has (a daily one runs 55 years on this): a start or a
# change dated in the wrong century would otherwise expand into hundreds of thousands.
MAX_DATES = 20_000


class TooManyDates(ValueError):
    """A series gives more than MAX_DATES dates up to the day asked for."""


def rule_dates(start: date | datetime, rep: Repeat, last: date) -> list[datetime]:
    """Every start the rule gives up to and including the day `last`.

    Raises TooManyDates past MAX_DATES, so no file can make a build list dates for
    minutes; validation and the model report it in the volunteer's words.
    """
    end = datetime.combine(last, time(23, 59, 59))
    found = []
    for moment in build_rrule(start, rep):
        if moment > end:
            break
        if len(found) == MAX_DATES:
            raise TooManyDates(f"more than {MAX_DATES:,} dates up to {last}")
        found.append(moment)
    return found


# The Gregorian calendar repeats every 400 years (146,097 days: whole weeks too).
CYCLE = 400


def dates_within(
    start: date | datetime, rep: Repeat, first: datetime, last: datetime
) -> list[datetime]:
    """The rule's starts from `first` to `last`, in bounded time for any rule.

    dateutil looks for a rule's next date until the year 9999, whatever UNTIL says: a
    rule that gives no dates (`FREQ=DAILY;BYSETPOS=2`) or none for a long time took
    seconds. Moved by whole 400-year cycles to just before 9999, the rule gives the same
    dates (moved), and the search ends within one cycle. For validation's questions
    about a rule that may be wrong; a valid rule's expansion uses `rule_dates`.
    """
    years = CYCLE * ((9999 - last.year) // CYCLE)
    if rep.until is not None and rep.until > last.date():
        rep = replace(rep, until=last.date())
    rule = build_rrule(start, rep, years)
    found = rule.between(
        first.replace(year=first.year + years), last.replace(year=last.year + years), inc=True
    )
    return [moment.replace(year=moment.year - years) for moment in found]
