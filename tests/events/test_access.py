"""Access details (`access:`): validated with exact messages, on the page (yes / no / not
known kept apart) and in JSON-LD as schema.org amenityFeature on the Place, from real builds."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from handbill_events.pipeline import validate_file
from handbill_events.spec import Access

from .conftest import ROOT
from .problems import problems_in

HEAD = "title: Meeting\nstart: 2026-12-07 19:00\nlocation: {name: Library, address: High St}\n"

# (the access block, the messages expected for it: exact, all of them, in order)
CASES = [
    ("access:\n  step_free: yes\n  bsl: no\n", []),
    ("access:\n  Step-free: yes\n  quiet space: true\n  notes: Ramp at the side door\n", []),
    (
        "access:\n  setp_free: yes\n",
        [
            "events/e.yaml:5: access.setp_free: is not a field Handbill knows — "
            "did you mean 'step_free'?"
        ],
    ),
    (
        "access:\n  hearing_loop: maybe\n",
        [
            "events/e.yaml:5: access.hearing_loop: 'maybe' is not yes or no — write yes or no; "
            "leave the line out if you do not know"
        ],
    ),
    (
        "access:\n  bsl: [yes]\n",
        [
            "events/e.yaml:5: access.bsl: ['yes'] is not yes or no — write yes or no; "
            "leave the line out if you do not know"
        ],
    ),
    (
        "access: step free\n",
        [
            "events/e.yaml:4: access: should be a block of yes/no details, not 'step free' — "
            "e.g. `access: {step_free: yes, hearing_loop: no, notes: Ramp at the side door}`"
        ],
    ),
    (
        "access:\n  step_free: yes\n  wheelchair: no\n",
        ["events/e.yaml:6: access.wheelchair: says the same as `step_free` above — keep one"],
    ),
    (
        "access:\n  notes: [a, b]\n",
        [
            "events/e.yaml:5: access.notes: should be text, not a list — write it on one line, "
            "or use `|` for several lines"
        ],
    ),
    (
        "acess:\n  bsl: yes\n",
        ["events/e.yaml:4: acess: is not a field Handbill knows — did you mean 'access'?"],
    ),
]


@pytest.mark.parametrize(("block", "expected"), CASES, ids=[c[0].split("\n")[1] for c in CASES])
def test_access_messages(tmp_path: Path, block: str, expected: list[str]) -> None:
    assert problems_in(tmp_path, HEAD + block) == expected


@pytest.mark.parametrize(
    ("block", "access"),
    [
        ("access:\n  step_free: yes\n  bsl: no\n", Access(step_free=True, bsl=False)),
        ("access:\n  hearing loop: unknown\n  toilets: YES\n", Access(accessible_toilet=True)),
        (
            "accessibility:\n  quiet-space: off\n  note: Ask at the desk\n",
            Access(quiet_space=False, notes="Ask at the desk"),
        ),
        ("access:\n", None),
        ("", None),
    ],
)
def test_access_values(tmp_path: Path, block: str, access: Access | None) -> None:
    path = tmp_path / "e.yaml"
    path.write_text(HEAD + block)
    read = validate_file(path, "events/e.yaml", "Europe/London", "events")
    assert read.problems == []
    assert read.spec is not None
    assert read.spec.access == access


def test_access_does_not_change_the_calendar_sequence(demo_site: Path) -> None:
    """Demo events gained `access:`; their ledger records (hash, SEQUENCE) stay as committed:
    access is on the page, not in calendars, so subscribers' copies are not bumped."""
    committed = json.loads((ROOT / "content" / "events" / ".events-state.json").read_text())
    built = json.loads((demo_site.parent / "content" / "events" / ".events-state.json").read_text())
    assert built == committed


def page(out: Path, slug: str) -> BeautifulSoup:
    return BeautifulSoup((out / "events" / slug / "index.html").read_text(), "html.parser")


def place_of(soup: BeautifulSoup) -> list[dict]:
    data = json.loads(soup.find("script", type="application/ld+json").string)
    items = data if isinstance(data, list) else [data]
    return [item["location"] for item in items]


def test_page_and_json_ld(build_events, tmp_path: Path) -> None:
    events = tmp_path / "src"
    events.mkdir()
    (events / "with-access.yaml").write_text(
        HEAD.replace("2026-12-07", "2026-12-08")
        + "access:\n  step_free: yes\n  hearing_loop: no\n  notes: Lift & ramp <side>\n"
    )
    (events / "without.yaml").write_text(HEAD)
    (events / "moved.yaml").write_text(
        HEAD
        + "repeat: {every: week, count: 3}\n"
        + "changes:\n  2026-12-14: {location: {name: Town Hall}}\n"
        + "access:\n  step_free: no\n"
    )
    out = build_events(events)

    soup = page(out, "with-access")
    section = soup.find("section", class_="event__access")
    rows = {div.dt.get_text(): div.dd.get_text() for div in section.find_all("div", recursive=True)}
    assert rows == {
        "Step-free access": "Yes",
        "Accessible toilet": "Not known",
        "Hearing loop": "No",
        "British Sign Language (BSL) interpreter": "Not known",
        "Quiet space": "Not known",
    }
    assert "Lift & ramp <side>" in section.get_text()
    assert section.h2.get("id") == section.get("aria-labelledby")
    [place] = place_of(soup)
    assert place["@type"] == "Place"
    assert place["amenityFeature"] == [
        {"@type": "LocationFeatureSpecification", "name": "Step-free access", "value": True},
        {"@type": "LocationFeatureSpecification", "name": "Hearing loop", "value": False},
    ]

    soup = page(out, "without")
    assert "not recorded the access details" in soup.find("section", class_="event__access").text
    assert "amenityFeature" not in place_of(soup)[0]

    # A date moved to another venue has no access details we know of.
    places = {p["name"]: p for p in place_of(page(out, "moved"))}
    assert places["Library"]["amenityFeature"][0]["value"] is False
    assert "amenityFeature" not in places["Town Hall"]


def test_demo_events_carry_access(demo_site: Path) -> None:
    soup = page(demo_site, "members-meeting")
    assert soup.find("section", class_="event__access").find("dd").get_text() == "Yes"
    features = place_of(soup)[0]["amenityFeature"]
    assert {f["name"] for f in features} >= {"Step-free access", "Hearing loop"}


def test_the_guide_s_example_is_valid(tmp_path: Path) -> None:
    text = (ROOT / "docs" / "volunteers.md").read_text()
    [example] = re.findall(r"```yaml\n(access:\n.*?)```", text, re.S)
    path = tmp_path / "e.yaml"
    path.write_text(HEAD + example)
    read = validate_file(path, "events/e.yaml", "Europe/London", "events")
    assert read.problems == []
    assert read.spec.access == Access(
        step_free=True,
        accessible_toilet=True,
        hearing_loop=False,
        bsl=True,
        quiet_space=True,
        notes="Level entrance from the car park; the lift is beside the reception desk.",
    )
