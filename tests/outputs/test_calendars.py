"""Every .ics calendar reads the same in Python's icalendar and in Thunderbird's ical.js.

Until the events plugin writes calendars, these checks run on tests/outputs/data/fixture.ics
(a hand-written calendar with DST crossings, overrides, EXDATE, RDATE, all-day and UTC
series) plus whatever .ics files the published site has.
"""

from __future__ import annotations

import json
import subprocess
from collections import Counter
from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
import recurring_ical_events
from dateutil.relativedelta import relativedelta
from icalendar import Calendar

HERE = Path(__file__).resolve().parent
FIXTURE = HERE / "data" / "fixture.ics"
EXPAND = HERE / "ical_expand.mjs"
# Both engines expand a little past the window; only starts inside it are compared.
MARGIN = timedelta(days=2)

# The fixture's overrides and DST crossings lie in 2026-2028; compare it over those years too,
# so its coverage does not quietly shrink as "the next 24 months" moves on.
FIXTURE_YEARS = (datetime(2026, 1, 1, tzinfo=UTC), datetime(2029, 1, 1, tzinfo=UTC))

Occurrence = dict[str, str | None]
Window = tuple[datetime, datetime]


@pytest.fixture(scope="session")
def window() -> Window:
    """The next 24 months, as the issue asks: what a subscriber's calendar shows."""
    now = datetime.now(UTC).replace(microsecond=0)
    return now, now + relativedelta(months=24)


def window_for(path: Path, window: Window) -> Window:
    if path.parent != HERE / "data":
        return window
    return min(window[0], FIXTURE_YEARS[0]), max(window[1], FIXTURE_YEARS[1])


def expand_until(window: Window) -> str:
    """How far ical_expand.mjs must go to cover any window_for() this window."""
    return (max(window[1], FIXTURE_YEARS[1]) + MARGIN).strftime("%Y-%m-%dT%H:%M:%SZ")


@pytest.fixture(scope="session")
def calendars(published_site: Path) -> list[Path]:
    site = sorted(published_site.rglob("*.ics"))
    assert site, "the events plugin is on, but the published site has no .ics files"
    return [FIXTURE, *site]


@pytest.fixture(scope="session")
def name(published_site: Path) -> Callable[[Path], str]:
    """How a calendar is named in failure messages: its address in the site."""
    return lambda path: str(path.relative_to(published_site)) if path != FIXTURE else FIXTURE.name


@pytest.fixture(scope="session")
def icaljs(node: str, ical_js: Path, calendars: list[Path], window) -> dict[str, dict]:
    """ical.js's reading of every calendar, from one Node run."""
    done = subprocess.run(
        [node, str(EXPAND), expand_until(window), *map(str, calendars)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        cwd=HERE,
    )
    assert done.returncode == 0, f"ical_expand.mjs failed:\n{done.stderr[-3000:]}"
    return json.loads(done.stdout)


def line_problems(data: bytes) -> list[str]:
    """RFC 5545 3.1: lines end in CRLF and are at most 75 octets, not counting the CRLF."""
    if not data.endswith(b"\r\n"):
        return ["the file does not end with CRLF"]
    problems = []
    for number, line in enumerate(data[:-2].split(b"\r\n"), start=1):
        if b"\n" in line or b"\r" in line:
            problems.append(f"line {number}: bare LF or CR (lines must end in CRLF)")
        if len(line) > 75:
            problems.append(f"line {number}: {len(line)} octets (at most 75): {line[:40]!r}...")
    return problems


def as_text(value: date | datetime) -> tuple[str, str | None]:
    """(local wall time, UTC) in ical.js's notation; UTC is None for all-day and floating."""
    if not isinstance(value, datetime):
        return value.isoformat(), None
    local = value.replace(tzinfo=None).isoformat(timespec="seconds")
    if value.tzinfo is None:
        return local, None
    return local, value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def python_occurrences(data: bytes, window: Window) -> list[Occurrence]:
    calendar = Calendar.from_ical(data)
    query = recurring_ical_events.of(calendar)
    found = []
    for event in query.between(window[0] - MARGIN, window[1] + MARGIN):
        start_local, start_utc = as_text(event.start)
        end_local, end_utc = as_text(event.end)
        found.append(
            {
                "uid": str(event.get("UID")),
                "summary": str(event["SUMMARY"]) if "SUMMARY" in event else None,
                "status": str(event["STATUS"]) if "STATUS" in event else None,
                "start_local": start_local,
                "start_utc": start_utc,
                "end_local": end_local,
                "end_utc": end_utc,
            }
        )
    return found


def in_window(occurrence: Occurrence, window: Window) -> bool:
    # All-day and floating times have no instant; their wall time stands in for one.
    text = occurrence["start_utc"] or occurrence["start_local"] or ""
    start = datetime.fromisoformat(text.replace("Z", "+00:00"))
    start = start if start.tzinfo else start.replace(tzinfo=UTC)
    return window[0] <= start < window[1]


def projection(occurrences: Iterable[Occurrence], clock: str) -> Counter:
    """The occurrences as a multiset, seen on one clock ("local" or "utc")."""
    keys = ("uid", "summary", "status", f"start_{clock}", f"end_{clock}")
    return Counter(tuple(o.get(k) for k in keys) for o in occurrences)


def differences(ours: Counter, theirs: Counter) -> str:
    only_theirs = sorted((theirs - ours).elements(), key=str)
    only_ours = sorted((ours - theirs).elements(), key=str)
    lines = [f"  only ical.js: {o}" for o in only_theirs[:10]]
    lines += [f"  only recurring-ical-events: {o}" for o in only_ours[:10]]
    if len(only_theirs) > 10 or len(only_ours) > 10:
        lines.append(f"  ... {len(only_theirs)} and {len(only_ours)} in all")
    return "\n".join(lines)


def compare(path: Path, expansion: dict, window: Window, clock: str) -> tuple[str, int]:
    """(differences as text, occurrences compared) for one calendar on one clock."""
    theirs = [o for o in expansion["occurrences"] if in_window(o, window)]
    ours = [o for o in python_occurrences(path.read_bytes(), window) if in_window(o, window)]
    return differences(projection(ours, clock), projection(theirs, clock)), len(ours)


def test_every_calendar_has_crlf_lines_of_at_most_75_octets(calendars, name) -> None:
    problems = [f"{name(c)}: {p}" for c in calendars for p in line_problems(c.read_bytes())]
    assert not problems, "\n".join(problems)


def test_every_calendar_parses_with_icalendar(calendars: list[Path], name) -> None:
    problems = []
    for path in calendars:
        try:
            calendar = Calendar.from_ical(path.read_bytes())
        except ValueError as error:
            problems.append(f"{name(path)}: {error}")
            continue
        if calendar.name != "VCALENDAR":
            problems.append(f"{name(path)}: top component is {calendar.name}, not VCALENDAR")
    assert not problems, "\n".join(problems)


def test_every_calendar_parses_with_icaljs(calendars: list[Path], icaljs: dict, name) -> None:
    problems = [f"{name(c)}: {e}" for c in calendars for e in icaljs[str(c)]["errors"]]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("clock", ["local", "utc"])
def test_icaljs_and_recurring_ical_events_expand_the_same_occurrences(
    calendars: list[Path], icaljs: dict, window, name, clock: str
) -> None:
    report, compared = [], Counter()
    for path in calendars:
        diff, count = compare(path, icaljs[str(path)], window_for(path, window), clock)
        compared["fixture" if path == FIXTURE else "site"] += count
        if diff:
            report.append(f"{name(path)} ({clock} time):\n{diff}")
    if report and clock == "utc":
        # recurring-ical-events takes the zone's rules from zoneinfo, ical.js from the file.
        report.append(
            "If mostly UTC differs, ical.js reads the file's VTIMEZONE differently: "
            "it takes only the first value of a multi-value RDATE (see the guard test below)."
        )
    assert not report, "\n".join(report)
    # The fixture alone has weekly series; an empty comparison means the expansion broke.
    assert compared["fixture"] > 100, f"only {compared['fixture']} fixture occurrences"
    assert compared["site"] > 0, "no event of the site's calendars in the next 24 months"


def test_the_line_check_catches_bad_lines() -> None:
    # Guards the octet count: "é" is two octets, so 38 of them make a 76-octet line.
    assert line_problems(b"BEGIN:VCALENDAR\r\n") == []
    assert line_problems(b"BEGIN:VCALENDAR\n")
    assert line_problems(b"A\nB\r\n")
    assert line_problems(("X:" + "é" * 37).encode() + b"\r\n")
    assert not line_problems(("X:" + "é" * 36 + "a").encode() + b"\r\n")


def test_icaljs_reports_a_tzid_without_vtimezone(node: str, ical_js: Path, tmp_path: Path) -> None:
    # Guards the Node script: without the VTIMEZONE, ical.js would quietly float the times.
    text = FIXTURE.read_bytes().decode()  # not read_text: that would turn CRLF into LF
    start, end = text.index("BEGIN:VTIMEZONE"), text.index("END:VTIMEZONE\r\n") + 15
    broken = tmp_path / "no-vtimezone.ics"
    broken.write_bytes((text[:start] + text[end:]).encode())
    done = subprocess.run(
        [node, str(EXPAND), "2030-01-01T00:00:00Z", str(broken)],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
        cwd=HERE,
    )
    errors = json.loads(done.stdout)[str(broken)]["errors"]
    assert errors and "Europe/London has no VTIMEZONE" in errors[0], errors


def test_the_comparison_catches_a_vtimezone_icaljs_misreads(node: str, ical_js: Path, window):
    # Guards the comparison, with a real interop bug: the fixture's series under a VTIMEZONE
    # written as RDATE lists (as icalendar's Timezone.from_tzinfo does). ical.js reads only
    # each RDATE's first value, so from 2027 it misses the change to summer time (and an
    # UNTIL given in UTC then also cuts a series short in local time).
    calendar = HERE / "data" / "rdate-list-vtimezone.ics"
    done = subprocess.run(
        [node, str(EXPAND), expand_until(window), str(calendar)],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
        cwd=HERE,
    )
    expansion = json.loads(done.stdout)[str(calendar)]
    assert "only ical.js" in compare(calendar, expansion, window_for(calendar, window), "utc")[0]
