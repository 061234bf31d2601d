"""present.py: links and JSON-LD for templates."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import icalendar

from handbill_events.ics import CalendarWriter
from handbill_events.present import add_links, json_ld

from .test_model import SETTINGS, event_from


def test_add_links_for_all_day_events(tmp_path: Path) -> None:
    event = event_from("title: Fest\nstart: 2026-06-27\nend: 2026-06-28\n", tmp_path)
    links = add_links(event.occurrences[0], SETTINGS)
    assert "dates=20260627%2F20260629" in links["google"]
    assert "ctz=" not in links["google"]
    assert "allday=true" in links["outlook"]


def _query(link: str) -> dict[str, str]:
    return {key: values[0] for key, values in parse_qs(urlsplit(link).query).items()}


def _day(text: str) -> date:
    """A Google `dates=` half (YYYYMMDD) or an Outlook `startdt`/`enddt` (ISO) as a date."""
    if "-" in text:
        moment = datetime.fromisoformat(text)
        assert moment.time() == datetime.min.time(), text  # all-day: midnight or a date
        return moment.date()
    return datetime.strptime(text, "%Y%m%d").date()


def test_all_day_ends_agree_in_outlook_google_and_the_ics(tmp_path: Path) -> None:
    # 27 and 28 June. RFC 5545's DTEND;VALUE=DATE, Google's `dates=` and Exchange's
    # all-day end (midnight after the last day, cited in present.py) are all exclusive.
    event = event_from("title: Fest\nstart: 2026-06-27\nend: 2026-06-28\n", tmp_path)
    links = add_links(event.occurrences[0], SETTINGS)
    calendar = icalendar.Calendar.from_ical(CalendarWriter(SETTINGS).calendar([event], name=None))
    (vevent,) = calendar.walk("VEVENT")
    ics = (vevent.decoded("DTSTART"), vevent.decoded("DTEND"))
    assert ics == (date(2026, 6, 27), date(2026, 6, 29))
    google = tuple(map(_day, _query(links["google"])["dates"].split("/")))
    for outlook_link in (links["outlook"], links["office365"]):
        outlook = _query(outlook_link)
        assert outlook["allday"] == "true"
        assert (_day(outlook["startdt"]), _day(outlook["enddt"])) == google == ics


def test_one_day_event_ends_the_next_midnight_everywhere(tmp_path: Path) -> None:
    event = event_from("title: Fair\nstart: 2026-07-04\n", tmp_path)
    links = add_links(event.occurrences[0], SETTINGS)
    assert _query(links["google"])["dates"] == "20260704/20260705"
    outlook = _query(links["outlook"])
    assert (outlook["startdt"], outlook["enddt"]) == ("2026-07-04", "2026-07-05")


def test_json_ld_can_never_close_its_script_element(tmp_path: Path) -> None:
    event = event_from("title: </script><b>x</b>\nstart: 2026-06-27 18:00\n", tmp_path)
    blob = json_ld(event.occurrences, SETTINGS)
    assert "</" not in blob
    assert json.loads(blob)["name"] == "</script><b>x</b>"
