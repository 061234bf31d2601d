"""Our line folding and serialising give icalendar's own bytes, and stay within 75 octets."""

from __future__ import annotations

import random
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from icalendar import Event as VEvent
from icalendar.parser.string import _foldline

from handbill_events.fold import LineCache, ValueCache, fold, to_ical

SAMPLES = [
    "",
    "SUMMARY:short",
    "DESCRIPTION:" + "x" * 62,  # 74 octets: not folded
    "DESCRIPTION:" + "x" * 63,  # 75 octets: folded
    "DESCRIPTION:" + "é" * 100,  # two-byte characters
    "DESCRIPTION:" + "€" * 100,  # three bytes
    "DESCRIPTION:" + "😀" * 100,  # four bytes
    "DESCRIPTION:" + "a" * 61 + "\\,b" * 30,  # an escape right at the fold
    "DESCRIPTION:" + "ab€" * 40 + "\\n" * 40,
    "X-THING:^" * 30,
]


def random_lines(count: int) -> list[str]:
    rng = random.Random(2026)
    alphabet = ["a", "b", " ", "\\", "^", ",", ";", ":", "é", "€", "😀", "中"]
    return [
        "".join(rng.choice(alphabet) for _ in range(rng.randint(60, 260))) for _ in range(count)
    ]


@pytest.mark.parametrize("line", SAMPLES + random_lines(300))
def test_fold_matches_icalendar(line: str) -> None:
    assert fold(line) == _foldline(line).encode()


@pytest.mark.parametrize("line", SAMPLES + random_lines(300))
def test_folded_lines_are_short_whole_utf8_with_crlf(line: str) -> None:
    folded = fold(line)
    parts = folded.split(b"\r\n")
    assert all(len(part) <= 75 for part in parts)
    assert all(part.startswith(b" ") for part in parts[1:])
    for part in parts:
        part.decode("utf-8")  # no character is split between two lines
    assert b"".join([parts[0], *(p[1:] for p in parts[1:])]).decode() == line


def sample_event(summary: str) -> VEvent:
    london = ZoneInfo("Europe/London")
    event = VEvent()
    event.add("uid", "x@example.org")
    event.add("dtstamp", datetime(2026, 1, 1, tzinfo=ZoneInfo("UTC")))
    event.add("summary", summary)
    event.add("dtstart", datetime(2026, 3, 29, 18, 0, tzinfo=london))
    event.add("dtend", date(2026, 3, 30))
    event.add("description", "Line one\n\nLine two, with a comma; and ümlauts " * 4)
    event.add("geo", (51.5, -0.12))
    event.add("categories", ["meetings"])
    event.add("rrule", {"FREQ": "WEEKLY", "BYDAY": ["MO"]})
    event.add("exdate", datetime(2026, 4, 6, 18, 0, tzinfo=london))
    event.add("exdate", datetime(2026, 4, 13, 18, 0, tzinfo=london))
    return event


def test_to_ical_matches_icalendar() -> None:
    event = sample_event("Branch meeting — all welcome")
    assert to_ical(event) == event.to_ical()


def test_shared_values_give_the_same_bytes() -> None:
    values, lines = ValueCache(), LineCache()
    london = ZoneInfo("Europe/London")
    made = []
    for n in range(3):
        event = VEvent()
        for name, value in [
            ("uid", "same@example.org"),
            ("summary", f"Meeting {n % 2}"),
            ("dtstart", datetime(2026, 1, 5 + n, 18, 0, tzinfo=london)),
            ("sequence", 0),
            ("categories", ["meetings"]),
        ]:
            values.add(event, name, value)
        made.append((to_ical(event, lines), event))
    for serialised, event in made:
        assert serialised == event.to_ical()


def test_equal_instants_in_other_zones_are_not_shared() -> None:
    values = ValueCache()
    utc = datetime(2026, 1, 5, 18, 0, tzinfo=ZoneInfo("UTC"))
    first, second = VEvent(), VEvent()
    values.add(first, "dtstart", utc)
    values.add(second, "dtstart", utc.astimezone(ZoneInfo("America/New_York")))
    assert to_ical(first) != to_ical(second)
    assert b"TZID=America/New_York" in to_ical(second)
