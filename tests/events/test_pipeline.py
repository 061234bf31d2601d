"""pipeline.py: which files are read, and one file through load and validate."""

from __future__ import annotations

from pathlib import Path

import pytest

from handbill_events.pipeline import model_event, reads_file, validate_file


@pytest.mark.parametrize("name", ["event.YAML", "event.Yml", "event.yml", "EVENT.yaml"])
def test_event_files_are_read_in_any_letter_case(build_events, tmp_path, name: str) -> None:
    src = tmp_path / "src"
    src.mkdir()
    (src / name).write_text("title: Meeting\nstart: 2026-12-07 18:00\n")
    out = build_events(src)
    slug = Path(name).stem.lower()
    assert (out / f"events/{slug}/index.html").is_file()
    assert "SUMMARY:Meeting" in (out / "calendar.ics").read_text()


def test_reads_file_says_which_files_the_events_plugin_reads() -> None:
    assert reads_file("events/meeting.yaml")
    assert reads_file("events/sub/meeting.YML", {})
    assert not reads_file("events/meeting.md")
    assert not reads_file("events/meeting.yaml.txt")
    assert not reads_file("posts/meeting.yaml")
    assert not reads_file("events/.events-state.json")
    custom = {"HANDBILL_EVENTS": {"path": ["diary", "more/events"]}}
    assert reads_file("diary/x.Yaml", custom) and reads_file("more/events/x.yml", custom)
    assert not reads_file("events/x.yaml", custom)


def test_a_file_that_validates_never_reaches_the_catch_all(tmp_path: Path) -> None:
    path = tmp_path / "ok.yaml"
    path.write_text("title: x\nstart: 2026-12-07 18:00\n")
    read = validate_file(path, "events/ok.yaml", "Europe/London", "events")
    assert read.problems == [] and read.spec is not None


def test_regression_series_started_in_the_wrong_century_is_a_problem(tmp_path: Path) -> None:
    # A daily series from 1900 expanded 47,000 dates (about a second) on every build.
    from handbill_events.description import render

    from .fuzzing import MD, SETTINGS

    path = tmp_path / "e.yaml"
    path.write_text("title: x\nstart: 1900-01-01 18:00\nrepeat: {every: day}\n")
    read = validate_file(path, "events/e.yaml", "Europe/London", "events")
    made = model_event(read.spec, SETTINGS, lambda text: render(text, MD))
    assert made.event is None
    assert [str(p) for p in made.problems] == [
        "events/e.yaml:2: start: 1900-01-01 makes this series list more than 20,000 dates up to"
        " 2028-12-31 — check the year of `start:`, or end the series with `until:` or `count:`"
    ]
