"""Dates and instants shared by the model, the ledger, calendars and feeds."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

UTC = ZoneInfo("UTC")
# The change time of an event with none known: DTSTAMP in calendars, the date in feeds.
# Fixed, never the wall clock, so the same content gives the same bytes.
EPOCH = datetime(2000, 1, 1, tzinfo=UTC)

Moment = date | datetime  # a date for all-day events, else a date-time


def to_utc(moment: Moment, tz: ZoneInfo) -> datetime:
    """Sortable instant; an all-day date counts from local midnight."""
    if isinstance(moment, datetime):
        return moment.astimezone(UTC)
    return datetime(moment.year, moment.month, moment.day, tzinfo=tz).astimezone(UTC)


def localise(moment: Moment, tz: ZoneInfo) -> Moment:
    return moment.replace(tzinfo=tz) if isinstance(moment, datetime) else moment
