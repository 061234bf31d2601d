"""RRULE-style VTIMEZONE blocks: what Outlook handles best, checked against zoneinfo."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from handbill_events.vtimezone import transitions, vtimezone

LONDON = """BEGIN:VTIMEZONE\r
TZID:Europe/London\r
BEGIN:DAYLIGHT\r
DTSTART:20250330T010000\r
RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3\r
TZNAME:BST\r
TZOFFSETFROM:+0000\r
TZOFFSETTO:+0100\r
END:DAYLIGHT\r
BEGIN:STANDARD\r
DTSTART:20251026T020000\r
RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10\r
TZNAME:GMT\r
TZOFFSETFROM:+0100\r
TZOFFSETTO:+0000\r
END:STANDARD\r
END:VTIMEZONE\r
"""


def test_europe_london_is_the_classic_two_rule_block() -> None:
    assert vtimezone("Europe/London", 2026, 2040).to_ical().decode() == LONDON


def test_transitions_are_found_to_the_minute() -> None:
    assert transitions(ZoneInfo("Europe/London"), 2026) == [
        datetime(2026, 3, 29, 1, 0, tzinfo=UTC),
        datetime(2026, 10, 25, 1, 0, tzinfo=UTC),
    ]


@pytest.mark.parametrize(
    "tzid",
    [
        "Europe/London",
        "Europe/Dublin",
        "America/New_York",
        "Australia/Sydney",
        "Asia/Kolkata",
        "Pacific/Auckland",
        "Africa/Casablanca",
        "UTC",
    ],
)
def test_block_gives_zoneinfo_offsets_for_every_hour_it_covers(tzid: str) -> None:
    if tzid == "Africa/Casablanca":  # Ramadan rules: falls back to icalendar's RDATE form
        assert "RDATE" in vtimezone(tzid, 2026, 2036).to_ical().decode()
        return
    block = vtimezone(tzid, 2026, 2036).to_tz(lookup_tzid=False)  # ignore the TZID name
    zone = ZoneInfo(tzid)
    start = datetime(2026, 1, 1, tzinfo=UTC)
    moments = [start + timedelta(hours=5 * i) for i in range(10 * 365 * 24 // 5)]
    for year in range(2026, 2036):  # and every quarter hour around each clock change
        for change in transitions(zone, year):
            moments += [change + timedelta(minutes=15 * i) for i in range(-8, 9)]
    wrong = [
        m for m in moments if m.astimezone(block).utcoffset() != m.astimezone(zone).utcoffset()
    ]
    assert wrong == []


def test_site_calendars_use_the_rrule_form(fixture_site: Path) -> None:
    text = (fixture_site / "calendar.ics").read_bytes().decode()
    assert "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3\r\n" in text
    assert "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10\r\n" in text
    assert "RDATE" not in text
