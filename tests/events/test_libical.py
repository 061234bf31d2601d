"""libical (Evolution, GNOME Calendar) reads every built calendar without a complaint: no
parse error and nothing from its restriction checker (`icalrestriction_check`).

libical is reached through Debian's GObject bindings (gir1.2-ical-3.0, python3-gi; .ci/run
installs them) with the system Python: see libical_check.py.
"""

from __future__ import annotations

import dataclasses
import json
import subprocess
from pathlib import Path

import icalendar
import pytest

from handbill_events.ics import build_calendars

from .conftest import DATA, build
from .icsutil import ics_files
from .test_model import SETTINGS, event_from

CHECKER = Path(__file__).with_name("libical_check.py")
SYSTEM_PYTHON = "/usr/bin/python3"


def libical(paths: list[Path]) -> dict[str, list[str]]:
    """libical's complaints about each file, by file name."""
    done = subprocess.run(
        [SYSTEM_PYTHON, str(CHECKER), *map(str, paths)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, (
        "libical_check.py failed; it needs Debian's python3-gi and gir1.2-ical-3.0"
        f" (apt-get install python3-gi gir1.2-ical-3.0; .ci/run does):\n{done.stderr[-2000:]}"
    )
    return json.loads(done.stdout)


def complaints(site: Path) -> list[str]:
    files = ics_files(site)
    assert files, f"no .ics files in {site}"
    return [
        f"{Path(path).relative_to(site)}: {complaint}"
        for path, found in libical(files).items()
        for complaint in found
    ]


def test_libical_has_no_complaint_about_the_demo_calendars(demo_site: Path) -> None:
    assert len(ics_files(demo_site)) >= 10
    assert complaints(demo_site) == []


def test_libical_has_no_complaint_about_the_published_calendars(published_site: Path) -> None:
    # The whole demo as `make publish` builds it (publishconf.py, every plugin).
    assert complaints(published_site) == []


def test_libical_has_no_complaint_about_the_fixture_calendars(fixture_site: Path) -> None:
    # Overrides (RECURRENCE-ID), EXDATEs, all-day and multi-day events, cancellations.
    assert complaints(fixture_site) == []


def test_every_event_names_the_group_as_organiser(demo_site: Path) -> None:
    text = (demo_site / "calendar.ics").read_bytes().decode()
    unfolded = text.replace("\r\n ", "")
    assert "\r\nMETHOD:PUBLISH\r\n" in text
    organizers = [line for line in unfolded.split("\r\n") if line.startswith("ORGANIZER")]
    assert len(organizers) == unfolded.count("BEGIN:VEVENT") > 0
    assert set(organizers) == {
        'ORGANIZER;CN="Anytown Save Our NHS":mailto:hello@anytown-sos-nhs.example.org'
    }


def test_without_a_contact_the_calendars_leave_method_out(tmp_path: Path) -> None:
    # No public address: no ORGANIZER, so no METHOD (which requires one); still no complaint.
    site = build(tmp_path, DATA / "site", now="2026-01-01T09:00:00+00:00", organizer_email="")
    text = (site / "calendar.ics").read_bytes().decode()
    assert "ORGANIZER" not in text and "METHOD" not in text
    assert complaints(site) == []


def test_a_group_name_with_quotes_and_semicolons_stays_one_organiser(tmp_path: Path) -> None:
    # CN is a parameter: quotes are written as ^' (RFC 6868), the rest quoted.
    name = 'Ysbyty "Ni" Cymru: A&E; ŵ'
    settings = dataclasses.replace(SETTINGS, sitename=name, organizer_email="post@ni.example")
    event = event_from("title: Rali\nstart: 2026-06-27 11:00\n", tmp_path)
    path = tmp_path / "calendar.ics"
    path.write_bytes(build_calendars([event], settings)["calendar.ics"])
    assert libical([path])[str(path)] == []
    (vevent,) = icalendar.Calendar.from_ical(path.read_bytes()).walk("VEVENT")
    assert vevent["ORGANIZER"].params["CN"] == name
    assert str(vevent["ORGANIZER"]) == "mailto:post@ni.example"


def test_the_checker_catches_an_event_without_organiser(tmp_path: Path) -> None:
    # Guards the checks above: what the calendars looked like before they named an organiser.
    bad = tmp_path / "bad.ics"
    bad.write_bytes(
        b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//x//y//EN\r\nMETHOD:PUBLISH\r\n"
        b"BEGIN:VEVENT\r\nUID:a@x\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:20260102T100000Z\r\n"
        b"SUMMARY:ok\r\nORGANIZER:mailto:a@x.org\r\nEND:VEVENT\r\n"
        b"BEGIN:VEVENT\r\nUID:b@x\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:20260103T100000Z\r\n"
        b"SUMMARY:no organiser\r\nEND:VEVENT\r\n"
        b"BEGIN:VEVENT\r\nUID:c@x\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:20260104T100000Z\r\n"
        b"SUMMARY:none either\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    found = libical([bad])[str(bad)]
    assert len(found) == 2, found  # each failing event, not only the first
    assert all("ORGANIZER" in line for line in found), found
    assert found[0].startswith("b@x: ") and found[1].startswith("c@x: ")


@pytest.mark.parametrize("broken", [b"BEGIN:VCALENDAR\r\nnot a calendar", b"hello"])
def test_the_checker_reports_what_libical_cannot_read(tmp_path: Path, broken: bytes) -> None:
    bad = tmp_path / "bad.ics"
    bad.write_bytes(broken)
    assert libical([bad])[str(bad)], broken
