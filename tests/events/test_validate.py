"""Every broken file gives `file:line: field: what — fix`, all problems, never a traceback."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from handbill_events.load import read_yaml
from handbill_events.validate import check_event

BROKEN = Path(__file__).parent / "broken"

# (file, line, expected text in the message). A file may have several rows: all are reported.
CASES = [
    ("all-day-end-before-start.yaml", 3, "end: 2026-06-26 is before the start (2026-06-27)"),
    (
        "bad-change-field.yaml",
        8,
        "changes.2026-02-02.stauts: is not a field Handbill knows — did you mean 'status'?",
    ),
    ("bad-duration.yaml", 3, "duration: 'an hour' is not a length of time — write e.g. 1h30m"),
    ("bad-every.yaml", 4, "repeat.every: 'montly' is not a repeat period — did you mean 'month'?"),
    ("bad-geo.yaml", 5, "location.geo: [153.38, -1.47] is off the globe"),
    ("bad-id.yaml", 2, "id: 'My Meeting!' cannot be used as an id — use lower-case letters"),
    (
        "bad-online.yaml",
        3,
        "online: 'meet.example.org/room' is not a web address — write the full link",
    ),
    ("bad-ordinal.yaml", 5, "repeat.on: 'sixth' is not an ordinal — did you mean 'fifth'?"),
    ("bad-rrule.yaml", 4, "repeat.rrule: 'FREQ=MONTHLY;BYDAY=1XX' is not a recurrence rule"),
    ("bad-start-date.yaml", 2, "start: '2026-02-30' is not a real date"),
    ("bad-status.yaml", 3, "status: 'cancled' is not a status — did you mean 'cancelled'?"),
    (
        "bad-time.yaml",
        3,
        "end: '25:61' is not a time of day (hours 0-23, minutes 0-59) — write a 24-hour time"
        " such as 19:30",
    ),
    (
        "bad-timezone.yaml",
        3,
        "timezone: 'Europe/Londn' is not a time zone name — did you mean 'Europe/London'?",
    ),
    (
        "change-not-in-series.yaml",
        7,
        "changes.2026-03-03: 2026-03-03 is not a date of this series — the nearest dates of this"
        " series are 2026-02-02 (Mon) and 2026-03-02 (Mon)",
    ),
    ("changes-on-one-off.yaml", 3, "changes: only applies to repeating events"),
    ("comments-only.yaml", 1, "file: is empty — an event needs at least `title:` and `start:`"),
    ("duplicate-key.yaml", 3, "title: appears twice in the same block"),
    ("empty.yaml", 1, "file: is empty"),
    ("end-and-duration.yaml", 4, "duration: is given as well as `end:` — keep one of them"),
    ("end-before-start.yaml", 3, "end: 17:00 is not after the start (2026-01-05 18:00)"),
    (
        "except-not-in-series.yaml",
        8,
        "repeat.except: 2026-08-04 is not a date of this series — the nearest dates of this series"
        " are 2026-07-06 (Mon) and 2026-08-03 (Mon)",
    ),
    ("interval-zero.yaml", 5, "repeat.interval: 0 is not a whole number of weeks"),
    (
        "invalid-yaml.yaml",
        4,
        "YAML: not valid YAML (while parsing a flow sequence expected ',' or ']'",
    ),
    ("list-not-mapping.yaml", 1, "file: holds a list, not fields of one event"),
    ("location-list.yaml", 3, "location: should be a place name or a block with `name:`"),
    ("many-errors.yaml", 3, "end: '25:00' is not a time of day"),
    (
        "many-errors.yaml",
        5,
        "status: 'maybe' is not a status — use one of: confirmed, tentative, cancelled",
    ),
    ("many-errors.yaml", 8, "repeat.on: '3rd tuesdy' is not a weekday — did you mean 'tuesday'?"),
    ("missing-start.yaml", 1, "start: is missing — add e.g. `start: 2026-01-05 18:00`"),
    ("missing-title.yaml", 2, "title: is missing"),
    ("not-utf8.yaml", 3, "file: byte 0xe9 is not UTF-8 text — save the file as UTF-8"),
    ("numeric-end.yaml", 3, "end: 1930 is a number, not a time — write 19:30"),
    (
        "offset-start.yaml",
        2,
        "start: 2026-01-05 18:00:00+01:00 has a UTC offset — write local time without an offset"
        " and set `timezone:`",
    ),
    ("ordinal-with-week.yaml", 5, "repeat.on: 'first monday' needs `every: month`"),
    (
        "start-not-in-rule.yaml",
        5,
        "repeat: the start (2026-01-06, Tuesday) is not one of the dates this rule gives — the"
        " nearest date it gives is 2026-01-05 (Monday)",
    ),
    (
        "tabs.yaml",
        3,
        "YAML: not valid YAML (while scanning for the next token found character '\\t'",
    ),
    ("unknown-field.yaml", 3, "locaton: is not a field Handbill knows — did you mean 'location'?"),
    (
        "unknown-weekday.yaml",
        5,
        "repeat.on: 'first munday' is not a weekday — did you mean 'monday'?",
    ),
    ("until-and-count.yaml", 6, "repeat.count: is given as well as `until:`"),
    ("until-before-start.yaml", 5, "repeat.until: 2025-12-31 is before the start"),
]


def problems_of(path: Path) -> list[str]:
    rel = f"events/{path.name}"
    data, problems = read_yaml(path, rel)
    if data is not None:
        _, more = check_event(data, rel, path.stem, "Europe/London", "events")
        problems = problems + more
    return [str(p) for p in problems]


def test_corpus_is_large_enough_and_fully_covered() -> None:
    files = {p.name for p in BROKEN.glob("*.yaml")}
    assert len(files) >= 25
    assert files == {name for name, _, _ in CASES}


@pytest.mark.parametrize(("name", "line", "expected"), CASES, ids=[f"{c[0]}:{c[1]}" for c in CASES])
def test_broken_file_reports_line_and_message(name: str, line: int, expected: str) -> None:
    messages = problems_of(BROKEN / name)
    where = f"events/{name}:{line}: "
    assert any(m.startswith(where) and expected in m for m in messages), messages


@pytest.mark.parametrize("name", sorted({c[0] for c in CASES}))
def test_every_problem_is_expected_and_has_a_fix(name: str) -> None:
    messages = problems_of(BROKEN / name)
    assert len(messages) == sum(1 for c in CASES if c[0] == name), messages
    assert all(" — " in m for m in messages), messages


def test_the_issue_example_is_valid() -> None:
    path = Path(__file__).parent / "data" / "site" / "planning-meeting.yaml"
    assert problems_of(path) == []


def test_build_logs_every_problem_and_builds_the_valid_events(build_events, caplog) -> None:
    good = Path(__file__).parent / "data" / "site" / "members-meeting.yaml"
    out = build_events([BROKEN, good])
    errors = [
        r.getMessage()
        for r in caplog.records
        if r.levelno >= logging.ERROR and r.name.startswith("handbill_events")
    ]
    assert len(errors) == len(CASES)
    assert not any("Traceback" in m for m in caplog.messages)
    assert (out / "events/members-meeting/index.html").is_file()
    assert not (out / "events/bad-time").exists()


def test_duplicate_ids_are_reported_with_both_files(build_events, caplog, tmp_path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    (src / "a.yaml").write_text("title: A\nid: meeting\nstart: 2026-12-01 18:00\n")
    (src / "b.yaml").write_text("title: B\nid: meeting\nstart: 2026-12-02 18:00\n")
    (src / "meeting.yaml").write_text("title: C\nstart: 2026-12-03 18:00\n")
    build_events(src)
    errors = [
        r.getMessage()
        for r in caplog.records
        if r.levelno >= logging.ERROR and r.name.startswith("handbill_events")
    ]
    assert "events/b.yaml:2: id: 'meeting' is already the id of events/a.yaml" in errors[0]
    assert "events/meeting.yaml:1: id: 'meeting' is already the id of events/a.yaml" in errors[1]
    assert len(errors) == 2
