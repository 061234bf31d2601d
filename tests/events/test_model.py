"""Occurrences: the one source of truth for pages, JSON-LD and calendars."""

from __future__ import annotations

import time
from datetime import date, datetime
from pathlib import Path

from handbill_events.description import plain_text
from handbill_events.load import read_yaml
from handbill_events.model import build_event, when_text
from handbill_events.present import rule_text
from handbill_events.settings import DEFAULTS, from_pelican
from handbill_events.validate import check_event

from .conftest import DATA

SETTINGS = from_pelican(
    {
        "TIMEZONE": "Europe/London",
        "SITENAME": "Anytown",
        "SITEURL": "https://anytown.example.org",
        "HANDBILL_EVENTS": {"now": "2026-01-01T00:00:00+00:00"},
    }
)


def event_from(text: str, tmp_path: Path, name: str = "e"):
    path = tmp_path / f"{name}.yaml"
    path.write_text(text)
    data, problems = read_yaml(path, f"events/{name}.yaml")
    spec, more = check_event(data, f"events/{name}.yaml", name, "Europe/London", "events")
    assert not problems + more, problems + more
    return build_event(spec, SETTINGS, None)


def test_issue_example_occurrences() -> None:
    path = DATA / "site/planning-meeting.yaml"
    data, _ = read_yaml(path, "events/planning-meeting.yaml")
    spec, _ = check_event(data, "events/planning-meeting.yaml", "x", "Europe/London", "events")
    event = build_event(spec, SETTINGS, None)
    assert event.uid == "planning-meeting@events.handbill.invalid"
    assert [(s.day, s.reason) for s in event.skipped][:3] == [
        (date(2026, 4, 6), "bank holiday (Easter Monday)"),
        (date(2026, 5, 4), "bank holiday (May Day)"),
        (date(2026, 8, 3), "not held on this date"),
    ]
    # 24 first Mondays in 2026-27, less three bank holidays and one `except:` date.
    assert len(event.occurrences) == 24 - 4
    assert event.skipped[-1].day == date(2027, 5, 3)
    moved = next(o for o in event.occurrences if o.moved)
    assert moved.start == datetime(2026, 6, 8, 18, 0, tzinfo=moved.start.tzinfo)
    assert moved.end.hour == 19 and moved.end.minute == 30  # keeps the series' length
    assert moved.location.name == "Quaker Meeting House"


def test_a_change_can_move_a_bank_holiday_meeting(tmp_path: Path) -> None:
    event = event_from(
        "title: M\nstart: 2026-01-05 18:00\nrepeat:\n  every: month\n  on: first monday\n"
        "  until: 2026-06-30\n  except: bank holidays\nchanges:\n"
        "  2026-05-04: {start: 2026-05-11 18:00, note: Moved for the bank holiday}\n",
        tmp_path,
    )
    days = [o.day for o in event.occurrences]
    assert date(2026, 5, 11) in days
    assert date(2026, 4, 6) not in days
    assert [s.day for s in event.skipped] == [date(2026, 4, 6)]


def test_cancelled_series_cancels_every_date(tmp_path: Path) -> None:
    event = event_from(
        "title: M\nstart: 2026-01-05 18:00\nstatus: cancelled\nrepeat:\n"
        "  every: week\n  count: 3\n",
        tmp_path,
    )
    assert [o.status for o in event.occurrences] == ["cancelled"] * 3


def test_fortnightly_and_day_of_month(tmp_path: Path) -> None:
    fortnightly = event_from(
        "title: F\nstart: 2026-01-03 10:00\nrepeat:\n  every: fortnight\n  count: 3\n",
        tmp_path,
        "f",
    )
    assert [o.day.day for o in fortnightly.occurrences] == [3, 17, 31]
    monthly = event_from(
        "title: D\nstart: 2026-01-15 10:00\nrepeat:\n  every: month\n  on: 15th\n  count: 2\n",
        tmp_path,
        "d",
    )
    assert [o.day for o in monthly.occurrences] == [date(2026, 1, 15), date(2026, 2, 15)]
    assert rule_text(fortnightly) == "Every other week, 10:00 to 11:00, 3 times."
    assert rule_text(monthly) == "On the 15th of every month, 10:00 to 11:00, 2 times."


def test_words_for_times() -> None:
    path = DATA / "site/members-meeting.yaml"
    data, _ = read_yaml(path, "events/m.yaml")
    spec, _ = check_event(data, "events/m.yaml", "m", "Europe/London", "events")
    event = build_event(spec, SETTINGS, None)
    assert when_text(event.occurrences[0]) == "Tuesday 6 January 2026, 19:15 to 21:00"
    assert rule_text(event) == (
        "The first Tuesday and third Tuesday of every month, 19:15 to "
        "21:00, until Thursday 31 December 2026."
    )


def test_plain_text_keeps_links_and_lists() -> None:
    html = '<p>Hello <a href="https://x.example/">there</a></p><ul><li>one</li><li>two</li></ul>'
    assert plain_text(html) == "Hello there (https://x.example/)\n\n- one\n- two"


def test_every_setting_has_a_default() -> None:
    assert {
        "path",
        "region",
        "uid_domain",
        "past_months",
        "calendar_name",
        "refresh_hours",
        "now",
    } <= set(DEFAULTS)
    defaults = from_pelican({"TIMEZONE": "Europe/London"})
    assert defaults.region == ("GB", "ENG")
    assert defaults.past_months == 12
    assert defaults.public_url == "http://localhost:8000"


def test_open_ended_series_stops_at_the_horizon(tmp_path: Path) -> None:
    # Regression: an open-ended rule was listed to the year 9999 before being cut to the
    # horizon (about 35 s for a daily series); now it stops at the horizon itself.
    started = time.perf_counter()
    event = event_from("title: Daily\nstart: 2026-01-01 09:00\nrepeat: {every: day}\n", tmp_path)
    assert time.perf_counter() - started < 3
    assert event.occurrences[-1].day == date(2028, 12, 31)
