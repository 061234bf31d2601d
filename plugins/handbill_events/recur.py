"""The dateutil rule for a Repeat: used by validation, pages and (as RRULE) the ICS."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import TYPE_CHECKING

from dateutil.rrule import rrule

if TYPE_CHECKING:  # validate.py imports this module, so no import at run time
    from .spec import Repeat


def as_naive(moment: date | datetime) -> datetime:
    """dateutil needs date-times; an all-day start counts from midnight."""
    return moment if isinstance(moment, datetime) else datetime.combine(moment, time(0, 0))


def build_rrule(start: date | datetime, rep: Repeat) -> rrule:
    """The rule from `start` (naive local), as the file gives it (UNTIL or COUNT, or open).

    Times stay in local wall-clock time so 18:00 stays 18:00 across clock changes;
    the ICS anchors the same rule with TZID for the same reason.
    """
    last = rep.until
    return rrule(
        rep.freq,
        dtstart=as_naive(start),
        interval=rep.interval,
        byweekday=rep.byweekday or None,
        bymonthday=rep.bymonthday or None,
        bymonth=rep.bymonth or None,
        bysetpos=rep.bysetpos or None,
        count=rep.count,
        until=datetime.combine(last, time(23, 59, 59)) if last and not rep.count else None,
    )


def rule_dates(start: date | datetime, rep: Repeat, last: date) -> list[datetime]:
    """Every start the rule gives up to and including the day `last`."""
    return list(
        build_rrule(start, rep).between(
            as_naive(start), datetime.combine(last, time(23, 59, 59)), inc=True
        )
    )
