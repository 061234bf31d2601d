"""The ICS calendars: parsed by icalendar, vobject and ical; expanded across clock changes."""

from __future__ import annotations

import re
import shutil
from datetime import date, datetime, timedelta
from pathlib import Path

import icalendar
import pytest
import vobject

from handbill_events.ics import category_label

from .conftest import DATA, build
from .icsutil import LONDON, expand, expand_with_ical, ics_files, parse, starts

SITE = DATA / "site"


# --- every file, every tool ----------------------------------------------------------
def test_every_calendar_parses_with_icalendar_and_is_valid(fixture_site: Path) -> None:
    files = ics_files(fixture_site)
    assert len(files) >= 10
    for path in files:
        cal = parse(path)
        for component in cal.walk():
            assert not component.errors, (path, component.errors)
        cal.validate()  # raises on an empty or incomplete calendar


def test_every_calendar_parses_with_vobject(fixture_site: Path) -> None:
    for path in ics_files(fixture_site):
        cal = vobject.readOne(path.read_bytes().decode())
        assert cal.name == "VCALENDAR"
        for vevent in cal.contents.get("vevent", []):
            assert vevent.uid.value.endswith("@anytown.example.org")
            assert vevent.dtstamp.value.utcoffset() == timedelta(0)


def test_every_calendar_parses_with_ical(fixture_site: Path) -> None:
    for path in ics_files(fixture_site):
        expand_with_ical(path, date(2026, 1, 1), date(2027, 1, 1))


def test_serialisation_crlf_folding_and_no_bom(fixture_site: Path) -> None:
    for path in ics_files(fixture_site):
        data = path.read_bytes()
        assert data.startswith(b"BEGIN:VCALENDAR\r\n")
        assert data.endswith(b"END:VCALENDAR\r\n")
        assert b"\n" not in data.replace(b"\r\n", b"")
        for line in data.split(b"\r\n"):
            assert len(line) <= 75, line
            line.decode("utf-8")  # folding never splits a UTF-8 sequence


def test_dtstamp_utc_and_every_tzid_has_a_vtimezone(fixture_site: Path) -> None:
    for path in ics_files(fixture_site):
        text = path.read_bytes().decode()
        assert all(v.endswith("Z") for v in re.findall(r"^DTSTAMP:(\S+)", text, re.M))
        used = set(re.findall(r";TZID=([^:;]+)", text))
        defined = set(re.findall(r"^TZID:(\S+)", text, re.M))
        assert used <= defined, path
        assert "METHOD:PUBLISH" in text


def test_feed_calendars_are_named_single_event_files_are_not(fixture_site: Path) -> None:
    whole = (fixture_site / "calendar.ics").read_bytes().decode()
    for prop in (
        "NAME:",
        "X-WR-CALNAME:",
        "REFRESH-INTERVAL;VALUE=DURATION:PT12H",
        "X-PUBLISHED-TTL:PT12H",
    ):
        assert f"\r\n{prop}" in whole
    single = (fixture_site / "events/festival/festival.ics").read_bytes().decode()
    assert "X-WR-CALNAME" not in single
    assert "URL:https://anytown.example.org/events/festival/" in single


def test_category_calendars_hold_only_their_category(fixture_site: Path) -> None:
    meetings = parse(fixture_site / "calendar/meetings.ics")
    uids = {str(e["UID"]) for e in meetings.walk("VEVENT")}
    assert uids == {
        "planning-meeting@anytown.example.org",
        "members-meeting@anytown.example.org",
        "online@anytown.example.org",
    }
    assert (fixture_site / "calendar/festivals.ics").is_file()


def test_category_calendars_are_named_and_described(fixture_site: Path) -> None:
    # RFC 7986 NAME/DESCRIPTION and the X-WR- pair older apps read; the category as a heading.
    meetings = parse(fixture_site / "calendar/meetings.ics")
    for prop in ("NAME", "X-WR-CALNAME"):
        assert str(meetings[prop]) == "Anytown Save Our NHS: Meetings"
    for prop in ("DESCRIPTION", "X-WR-CALDESC"):
        assert str(meetings[prop]) == "Meetings: events of Anytown Save Our NHS"
    whole = parse(fixture_site / "calendar.ics")
    assert str(whole["NAME"]) == "Anytown Save Our NHS"
    assert str(whole["X-WR-CALDESC"]) == "Events of Anytown Save Our NHS"
    # The subscribe links name the calendar as the calendar names itself.
    page = (fixture_site / "events/category/meetings/index.html").read_text(encoding="utf-8")
    assert "name=Anytown%20Save%20Our%20NHS%3A%20Meetings" in page


def test_category_labels_keep_capitals_the_volunteer_wrote() -> None:
    assert category_label("meetings") == "Meetings"
    assert category_label("GP surgeries") == "GP surgeries"
    assert category_label("NHS campaigns") == "NHS campaigns"
    assert category_label("élections") == "Élections"


# --- the first-Monday meeting -------------------------------------------------------------
def test_first_monday_skips_bank_holidays_and_the_extra_exception(fixture_site: Path) -> None:
    path = fixture_site / "events/planning-meeting/planning-meeting.ics"
    days = [d.date() for d in starts(expand(path, date(2026, 1, 1), date(2027, 1, 1)))]
    assert date(2026, 4, 6) not in days  # Easter Monday
    assert date(2026, 5, 4) not in days  # Early May bank holiday
    assert date(2026, 8, 3) not in days  # `except: [..., 2026-08-03]`
    assert days == [
        date(2026, 1, 5),
        date(2026, 2, 2),
        date(2026, 3, 2),
        date(2026, 6, 8),
        date(2026, 7, 6),
        date(2026, 9, 7),
        date(2026, 10, 5),
        date(2026, 11, 2),
        date(2026, 12, 7),
    ]
    independent = [
        e.dtstart.date() for e in expand_with_ical(path, date(2026, 1, 1), date(2027, 1, 1))
    ]
    assert independent == days


def test_exdates_match_dtstart_type_tzid_and_time(fixture_site: Path) -> None:
    text = (fixture_site / "events/planning-meeting/planning-meeting.ics").read_bytes().decode()
    assert "EXDATE;TZID=Europe/London:20260406T180000" in text
    assert "EXDATE;TZID=Europe/London:20260504T180000" in text
    assert "RRULE:FREQ=MONTHLY;UNTIL=20271231T235959Z;BYDAY=1MO" in text


def test_local_time_stays_18_00_across_both_clock_changes(fixture_site: Path) -> None:
    path = fixture_site / "events/planning-meeting/planning-meeting.ics"
    for event in expand(path, date(2026, 1, 1), date(2027, 1, 1)):
        start = event["DTSTART"].dt.astimezone(LONDON)
        assert (start.hour, start.minute) == (18, 0)
    by_day = {
        e["DTSTART"].dt.date(): e["DTSTART"].dt
        for e in expand(path, date(2026, 1, 1), date(2027, 1, 1))
    }
    assert by_day[date(2026, 2, 2)].utcoffset() == timedelta(0)  # GMT
    assert by_day[date(2026, 7, 6)].utcoffset() == timedelta(hours=1)  # BST
    assert by_day[date(2026, 11, 2)].utcoffset() == timedelta(0)  # GMT again


def test_tuesday_meetings_keep_19_15_around_the_october_change(fixture_site: Path) -> None:
    path = fixture_site / "events/members-meeting/members-meeting.ics"
    found = expand(path, date(2026, 10, 1), date(2026, 11, 30))
    assert [
        (e["DTSTART"].dt.date(), e["DTSTART"].dt.astimezone(LONDON).strftime("%H:%M"))
        for e in found
    ] == [
        (date(2026, 10, 6), "19:15"),
        (date(2026, 10, 20), "19:15"),
        (date(2026, 11, 3), "19:15"),
        (date(2026, 11, 17), "19:15"),
    ]
    utc_hours = [
        e["DTSTART"].dt.astimezone(icalendar.timezone.tzp.timezone("UTC")).hour for e in found
    ]
    assert utc_hours == [18, 18, 19, 19]


def test_one_off_on_the_march_clock_change_day(fixture_site: Path) -> None:
    found = expand(fixture_site / "events/online/online.ics", date(2026, 3, 29), date(2026, 3, 30))
    start = found[0]["DTSTART"].dt
    assert start.astimezone(LONDON).strftime("%H:%M %Z") == "18:00 BST"


def test_cancelled_and_moved_occurrences(fixture_site: Path) -> None:
    path = fixture_site / "events/planning-meeting/planning-meeting.ics"
    by_day = {e["DTSTART"].dt.date(): e for e in expand(path, date(2026, 1, 1), date(2027, 1, 1))}
    assert str(by_day[date(2026, 3, 2)]["STATUS"]) == "CANCELLED"
    assert "strike" in str(by_day[date(2026, 3, 2)]["DESCRIPTION"])
    moved = by_day[date(2026, 6, 8)]
    assert moved["RECURRENCE-ID"].dt == datetime(2026, 6, 1, 18, 0, tzinfo=LONDON)
    assert str(moved["LOCATION"]) == "Quaker Meeting House"
    assert date(2026, 6, 1) not in by_day
    overrides = [e for e in parse(path).walk("VEVENT") if "RECURRENCE-ID" in e]
    master = next(e for e in parse(path).walk("VEVENT") if "RRULE" in e)
    assert all(o["SEQUENCE"] >= master["SEQUENCE"] for o in overrides)
    assert {str(o["UID"]) for o in overrides} == {str(master["UID"])}


def test_cancelled_one_off_stays_in_the_feed_as_cancelled(fixture_site: Path) -> None:
    cal = parse(fixture_site / "calendar.ics")
    film = next(e for e in cal.walk("VEVENT") if str(e["UID"]).startswith("cancelled@"))
    assert str(film["STATUS"]) == "CANCELLED"
    assert str(film["LOCATION"]) == "Arts Centre, 4 Mill Street; Anytown, AN1"
    assert (
        "LOCATION:Arts Centre\\, 4 Mill Street\\; Anytown\\, AN1"
        in (fixture_site / "calendar.ics").read_bytes().decode()
    )


def test_all_day_events_use_dates_with_exclusive_end(fixture_site: Path) -> None:
    text = (fixture_site / "events/festival/festival.ics").read_bytes().decode()
    assert "DTSTART;VALUE=DATE:20260627\r\n" in text
    assert "DTEND;VALUE=DATE:20260629\r\n" in text  # `end: 2026-06-28` is the last day
    found = expand(
        fixture_site / "events/festival/festival.ics", date(2026, 6, 1), date(2026, 7, 1)
    )
    assert found[0]["DTSTART"].dt == date(2026, 6, 27)
    assert found[0]["DTEND"].dt == date(2026, 6, 29)


def test_count_limited_weekly_series(fixture_site: Path) -> None:
    found = expand(
        fixture_site / "events/weekly-walk/weekly-walk.ics", date(2026, 1, 1), date(2027, 12, 31)
    )
    assert len(found) == 8
    assert {e["DTSTART"].dt.strftime("%A %H:%M") for e in found} == {"Saturday 10:00"}


# --- identity and change detection ------------------------------------------------------
def _uid_and_sequence(out: Path, name: str) -> tuple[str, int, datetime]:
    cal = parse(out / "calendar.ics")
    master = next(
        e
        for e in cal.walk("VEVENT")
        if str(e["UID"]).startswith(f"{name}@") and "RECURRENCE-ID" not in e
    )
    return str(master["UID"]), int(master["SEQUENCE"]), master["LAST-MODIFIED"].dt


def test_uid_survives_title_date_slug_and_siteurl_edits(tmp_path: Path) -> None:
    out = build(tmp_path, SITE / "festival.yaml")
    uid, seq, modified = _uid_and_sequence(out, "festival")
    assert uid == "festival@anytown.example.org"
    assert seq == 0
    source = tmp_path / "content/events/festival.yaml"
    source.write_text(
        source.read_bytes()
        .decode()
        .replace("title: Anytown Festival", "title: Anytown Summer Festival")
        .replace("start: 2026-06-27\nend: 2026-06-28", "start: 2026-07-04\nend: 2026-07-05")
        + "slug: summer-festival\n"
    )
    out = build(
        tmp_path,
        fresh=False,
        now="2026-11-23T08:00:00+00:00",
        siteurl="https://elsewhere.example.net",
    )
    uid2, seq2, modified2 = _uid_and_sequence(out, "festival")
    assert uid2 == uid
    assert seq2 == 1
    assert modified2 == datetime(2026, 11, 23, 8, 0, tzinfo=modified2.tzinfo)
    assert modified2 > modified
    assert (out / "events/summer-festival/summer-festival.ics").is_file()


def test_sequence_rises_with_each_change_and_not_without_one(tmp_path: Path) -> None:
    build(tmp_path, SITE / "members-meeting.yaml")
    source = tmp_path / "content/events/members-meeting.yaml"
    sequences = []
    for step, end in enumerate(("21:00", "21:30", "21:30", "22:00")):
        source.write_text(re.sub(r"end: \S+", f"end: {end}", source.read_bytes().decode()))
        out = build(tmp_path, fresh=False, now=f"2026-11-2{step}T12:00:00+00:00")
        sequences.append(_uid_and_sequence(out, "members-meeting")[1])
    assert sequences == [0, 1, 1, 2]


def test_updated_field_sets_last_modified(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    (src / "talk.yaml").write_text(
        "title: Talk\nstart: 2026-12-01 19:00\nupdated: 2026-11-20 09:30\n"
    )
    out = build(tmp_path / "site", src)
    _, _, modified = _uid_and_sequence(out, "talk")
    assert modified == datetime(2026, 11, 20, 9, 30, tzinfo=LONDON)


def test_same_content_gives_the_same_bytes(tmp_path: Path) -> None:
    first = build(tmp_path / "a", SITE)
    ledger = tmp_path / "a/content/events/.events-state.json"
    (tmp_path / "b/content/events").mkdir(parents=True)
    shutil.copytree(
        tmp_path / "a/content/events", tmp_path / "b/content/events", dirs_exist_ok=True
    )
    assert ledger.is_file()
    second = build(tmp_path / "b", fresh=False, now="2026-11-22T12:00:00+00:00")
    names = sorted(p.relative_to(first) for p in first.rglob("*") if p.is_file())
    assert names == sorted(p.relative_to(second) for p in second.rglob("*") if p.is_file())
    for name in names:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name


# --- windows and edge cases --------------------------------------------------------------
def test_empty_calendar_is_still_valid(tmp_path: Path) -> None:
    out = build(tmp_path, None)
    cal = parse(out / "calendar.ics")
    cal.validate()
    assert list(cal.walk("VTIMEZONE"))
    assert vobject.readOne((out / "calendar.ics").read_bytes().decode()).name == "VCALENDAR"


def test_past_window_keeps_a_year_of_history(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    (src / "recent.yaml").write_text("title: Recent\nstart: 2026-01-10 19:00\n")
    (src / "old.yaml").write_text("title: Old\nstart: 2025-06-10 19:00\n")
    out = build(tmp_path / "site", src)
    uids = {str(e["UID"]) for e in parse(out / "calendar.ics").walk("VEVENT")}
    assert uids == {"recent@anytown.example.org"}
    assert (out / "events/old/old.ics").is_file()  # its own file and page remain


def test_open_ended_series_with_bank_holidays_stops_at_the_horizon(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    (src / "forever.yaml").write_text(
        "title: Forever\nstart: 2026-01-05 18:00\nrepeat:\n  every: month\n  on: first monday\n"
        "  except: bank holidays\n"
    )
    out = build(tmp_path / "site", src)
    text = (out / "calendar.ics").read_bytes().decode()
    assert "UNTIL=20281231T235959Z" in text  # end of the year 24 months ahead
    assert "EXDATE;TZID=Europe/London:20280501T180000" in text
    assert "EXDATE;TZID=Europe/London:20280103T180000" in text  # New Year substitute


@pytest.mark.parametrize(
    ("region", "skipped"),
    [
        (("GB", "ENG"), date(2026, 4, 6)),
        (("GB", "SCT"), date(2026, 8, 3)),
    ],
)
def test_region_setting_chooses_the_bank_holidays(tmp_path: Path, region, skipped) -> None:
    src = tmp_path / "src"
    src.mkdir()
    (src / "m.yaml").write_text(
        "title: M\nstart: 2026-01-05 18:00\nrepeat:\n  every: month\n"
        "  on: first monday\n  until: 2026-12-31\n  except: bank holidays\n"
    )
    out = build(tmp_path / "site", src, region=region)
    days = [
        d.date() for d in starts(expand(out / "calendar.ics", date(2026, 1, 1), date(2027, 1, 1)))
    ]
    assert skipped not in days


def test_edge_cases_build_without_errors(tmp_path: Path, caplog) -> None:
    src = tmp_path / "src"
    src.mkdir()
    # Its only date is a bank holiday, so it has no occurrences at all.
    (src / "only-holiday.yaml").write_text(
        "title: H\nstart: 2026-05-04 18:00\nrepeat:\n  every: week\n  count: 1\n"
        "  except: bank holidays\n"
    )
    # Starts beyond the horizon.
    (src / "far.yaml").write_text("title: Far\nstart: 2031-01-06 18:00\nrepeat:\n  every: week\n")
    # In another time zone.
    (src / "ny.yaml").write_text(
        "title: NY\nstart: 2026-12-01 18:00\nend: 19:00\ntimezone: America/New_York\n"
    )
    out = build(tmp_path / "site", src)
    assert not [
        r
        for r in caplog.records
        if r.levelname in ("ERROR", "CRITICAL") and r.name.startswith("handbill_events")
    ]
    text = (out / "calendar.ics").read_bytes().decode()
    assert "DTSTART;TZID=America/New_York:20261201T180000" in text
    assert "TZID:America/New_York" in text
    found = expand(out / "events/ny/ny.ics", date(2026, 12, 1), date(2026, 12, 3))
    assert found[0]["DTSTART"].dt.astimezone(LONDON).hour == 23
    assert (out / "events/only-holiday/index.html").is_file()
    assert (
        expand(out / "events/only-holiday/only-holiday.ics", date(2026, 1, 1), date(2027, 1, 1))
        == []
    )


def test_exceptions_and_changes_past_the_horizon_reach_the_calendar(tmp_path: Path) -> None:
    # Regression: only dates up to the horizon were expanded, so an open-ended series
    # lost an `except:` date or a cancellation further ahead, and subscribers saw it held.
    src = tmp_path / "src"
    src.mkdir()
    (src / "weekly.yaml").write_text(
        "title: Weekly\nstart: 2026-01-05 18:00\nrepeat:\n  every: week\n"
        "  except: [2031-01-06]\nchanges:\n  2031-01-13: {status: cancelled}\n"
    )
    path = build(tmp_path / "site", src) / "events/weekly/weekly.ics"
    found = {
        e["DTSTART"].dt.date(): str(e["STATUS"])
        for e in expand(path, date(2031, 1, 1), date(2031, 1, 31))
    }
    assert date(2031, 1, 6) not in found
    assert found[date(2031, 1, 13)] == "CANCELLED"
    assert found[date(2031, 1, 20)] == "CONFIRMED"


def test_a_damaged_ledger_record_restarts_that_event(tmp_path: Path) -> None:
    # Regression: a hand-edited or half-merged record raised KeyError/TypeError mid-build.
    content = tmp_path / "content/events"
    content.mkdir(parents=True)
    (content / "talk.yaml").write_text("title: Talk\nstart: 2026-12-01 19:00\n")
    (content / "walk.yaml").write_text("title: Walk\nstart: 2026-12-02 10:00\n")
    (content / ".events-state.json").write_text(
        '{"talk": {"hash": "x", "sequence": "many"}, "walk": {"hash": "x", "sequence": 4,'
        ' "modified": "2026-01-01T00:00:00"}, "other": [1]}'
    )
    out = build(tmp_path, fresh=False)
    assert _uid_and_sequence(out, "talk")[1] == 0
    assert _uid_and_sequence(out, "walk")[1] == 0
