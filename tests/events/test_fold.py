"""Our line folding and serialising give icalendar's own bytes, and stay within 75 octets."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from icalendar import Event as VEvent
from icalendar.parser.string import _foldline

from handbill_events.fold import Lines, fold, to_ical

from .conftest import DATA, NOW, ROOT

DEMO = ROOT / "content" / "events"
SITE = DATA / "site"

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


def sample_props(summary: str) -> list[tuple[str, object]]:
    london = ZoneInfo("Europe/London")
    return [
        ("uid", "x@example.org"),
        ("dtstamp", datetime(2026, 1, 1, tzinfo=ZoneInfo("UTC"))),
        ("summary", summary),
        ("dtstart", datetime(2026, 3, 29, 18, 0, tzinfo=london)),
        ("dtend", date(2026, 3, 30)),
        ("description", "Line one\n\nLine two, with a comma; and ümlauts " * 4),
        ("geo", (51.5, -0.12)),
        ("categories", ["meetings"]),
        ("rrule", {"FREQ": "WEEKLY", "BYDAY": ["MO"]}),
        ("exdate", datetime(2026, 4, 13, 18, 0, tzinfo=london)),
        ("exdate", datetime(2026, 4, 6, 18, 0, tzinfo=london)),
        ("x-custom", "last, alphabetically"),
        ("sequence", 3),
    ]


def made_by_icalendar(props: list[tuple[str, object]]) -> bytes:
    event = VEvent()
    for name, value in props:
        event.add(name, value)
    return event.to_ical()


def test_to_ical_matches_icalendar() -> None:
    event = VEvent()
    for name, value in sample_props("Branch meeting — all welcome"):
        event.add(name, value)
    assert to_ical(event) == event.to_ical()


def test_lines_match_icalendar_for_many_components_sharing_values() -> None:
    lines = Lines()
    for n in range(4):
        props = sample_props(f"Meeting {n % 2}")
        props[3] = ("dtstart", datetime(2026, 1, 5 + n, 18, 0, tzinfo=ZoneInfo("Europe/London")))
        assert lines.component(VEvent, props) == made_by_icalendar(props)


def test_equal_instants_in_other_zones_are_not_shared() -> None:
    lines = Lines()
    utc = datetime(2026, 1, 5, 18, 0, tzinfo=ZoneInfo("UTC"))
    first = lines.line(VEvent, "dtstart", utc)
    second = lines.line(VEvent, "dtstart", utc.astimezone(ZoneInfo("America/New_York")))
    assert first == b"DTSTART:20260105T180000Z\r\n"
    assert second == b"DTSTART;TZID=America/New_York:20260105T130000\r\n"


def corpus_events() -> list:
    """The demo events and the test site's, modelled as the generator does."""
    from handbill_events.load import read_yaml
    from handbill_events.model import build_event
    from handbill_events.settings import from_pelican
    from handbill_events.validate import check_event

    cfg = from_pelican(
        {
            "TIMEZONE": "Europe/London",
            "SITEURL": "https://x.example",
            "HANDBILL_EVENTS": {"now": NOW},
        }
    )
    events = []
    for path in sorted([*DEMO.glob("*.yaml"), *SITE.rglob("*.yaml")]):
        data, problems = read_yaml(path, path.name)
        spec, more = check_event(data, path.name, path.stem, "Europe/London", "events")
        if spec is not None and not problems + more:
            events.append(build_event(spec, cfg, None))
    return [events, cfg]


def test_the_writer_gives_icalendars_own_bytes_for_real_events() -> None:
    from handbill_events.ics import vevent_properties

    from .icsutil import vevents

    events, cfg = corpus_events()
    assert len(events) > 10
    lines = Lines()
    for event in events:
        ours = [lines.component(VEvent, props) for props in vevent_properties(event, cfg)]
        assert ours == [v.to_ical() for v in vevents(event, cfg)], event.uid


@pytest.mark.parametrize("name", ["dtstart", "dtend", "recurrence-id", "exdate", "dtstamp"])
@pytest.mark.parametrize("zone", ["Europe/London", "UTC", "America/St_Johns", None, "date"])
def test_dates_and_times_match_icalendar_value_after_value(name: str, zone: str | None) -> None:
    """Dates after the first of a property and zone reuse its shape: check many, across
    clock changes, and the DTSTAMP that icalendar turns into UTC first."""
    lines = Lines()
    first = datetime(2025, 12, 28, 18, 30)
    for day in range(0, 400, 3):
        moment = first + timedelta(days=day, minutes=day)
        value: date | datetime = moment
        if zone == "date":
            value = moment.date()
        elif zone is not None:
            value = moment.replace(tzinfo=ZoneInfo(zone))
        if name == "dtstamp" and zone in (None, "date"):
            continue  # DTSTAMP is always a UTC date-time
        assert lines.component(VEvent, [(name, value)]) == made_by_icalendar([(name, value)])


def test_guard_icalendar_api_the_calendar_writer_uses() -> None:
    """Fails loudly on an icalendar release that changes what fold.py relies on."""
    import icalendar
    from icalendar import Component

    version = getattr(icalendar, "__version__", "?")
    assert callable(getattr(Component, "content_line", None)), (
        f"icalendar {version} has no Component.content_line: fold.Lines needs another way to "
        "encode one property (see docs/architecture.md)"
    )
    event = VEvent()
    event.add("summary", "Tea, cake; and a \\ backslash")
    event.add("dtstart", datetime(2026, 1, 5, 18, 0, tzinfo=ZoneInfo("Europe/London")))
    lines = [event.content_line(name, value) for name, value in event.property_items()[1:-1]]
    assert lines == [
        "SUMMARY:Tea\\, cake\\; and a \\\\ backslash",
        "DTSTART;TZID=Europe/London:20260105T180000",
    ], f"icalendar {version} encodes content lines differently: check fold.py"
    assert to_ical(event) == event.to_ical(), f"icalendar {version} serialises differently"
