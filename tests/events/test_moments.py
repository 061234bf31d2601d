"""moments.py: instants shared by the model, the ledger, calendars and feeds."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from handbill_events.moments import EPOCH, UTC, localise, to_utc

LONDON = ZoneInfo("Europe/London")


def test_an_all_day_date_counts_from_local_midnight() -> None:
    assert to_utc(date(2026, 6, 27), LONDON) == datetime(2026, 6, 26, 23, 0, tzinfo=UTC)
    assert localise(date(2026, 6, 27), LONDON) == date(2026, 6, 27)


def test_the_epoch_is_fixed_and_in_utc() -> None:
    assert datetime(2000, 1, 1, tzinfo=UTC) == EPOCH
