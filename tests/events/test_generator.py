"""The plugin inside the whole site: publish fails on a broken event, preview carries on."""

from __future__ import annotations

import logging
import re
import shutil
from pathlib import Path

import pytest

from handbill_events.load import read_yaml
from handbill_events.validate import check_event
from sitebuild import CONTENT, build_site

from .conftest import build

BROKEN = "title: Meeting\nstart: 2026-12-07 18:00\nend: 25:61\n"


@pytest.fixture
def content_with_a_broken_event(tmp_path: Path) -> Path:
    copy = tmp_path / "content"
    shutil.copytree(CONTENT, copy)
    (copy / "events/broken.yaml").write_text(BROKEN)
    return copy


def test_publish_fails_on_an_invalid_event(
    content_with_a_broken_event: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with pytest.raises(SystemExit) as stop:
        build_site(tmp_path / "out", "publishconf.py", PATH=str(content_with_a_broken_event))
    assert stop.value.code == 1
    assert "events/broken.yaml:3: end: '25:61' is not a time of day" in caplog.text


def test_preview_shows_the_error_and_builds_the_rest(
    content_with_a_broken_event: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    out = build_site(tmp_path / "out", PATH=str(content_with_a_broken_event))
    errors = [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR]
    # Only the broken event: the demo site itself has no broken links or events.
    assert errors == [
        "events/broken.yaml:3: end: '25:61' is not a time of day (hours 0-23, "
        "minutes 0-59) — write a 24-hour time such as 19:30"
    ]
    assert (out / "events/planning-meeting/index.html").is_file()
    assert (out / "calendar.ics").is_file()


def test_no_state_leaks_between_builds(tmp_path: Path) -> None:
    build(tmp_path / "a", CONTENT / "events")
    out = build(tmp_path / "b", None)
    assert "BEGIN:VEVENT" not in (out / "calendar.ics").read_text()
    assert "No upcoming events" in (out / "events/index.html").read_text()


def test_dev_build_uses_preview_address_for_calendar_links(tmp_path: Path) -> None:
    out = build(tmp_path, CONTENT / "events" / "hospital-march.yaml", siteurl="")
    html = (out / "events/hospital-march/index.html").read_text()
    assert 'href="/events/hospital-march/hospital-march.ics"' in html
    assert "webcal://localhost:8000/calendar/actions.ics" in html


def test_demo_content_has_what_the_issue_asks_for() -> None:
    files = sorted((CONTENT / "events").glob("*.yaml"))
    assert len(files) >= 8
    texts = {p.stem: p.read_text() for p in files}
    assert "on: first monday" in texts["planning-meeting"]
    assert "on: [1st tuesday, 3rd tuesday]" in texts["members-meeting"]
    assert "status: cancelled" in texts["film-screening"]
    assert "online: https://" in texts["online-briefing"]
    assert re.search(r"start: \d{4}-\d\d-\d\d\nend: \d{4}-\d\d-\d\d\n", texts["community-festival"])
    for path in files:
        data, problems = read_yaml(path, f"events/{path.name}")
        assert problems == []
        _, more = check_event(data, f"events/{path.name}", path.stem, "Europe/London", "events")
        assert more == []


def _docs_examples() -> list[str]:
    text = (Path(__file__).resolve().parents[2] / "docs/volunteers.md").read_text()
    section = text.split("## Events", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```yaml\n(.*?)```", section, re.S)
    return [b for b in blocks if re.search(r"^title:", b, re.M)]


@pytest.mark.parametrize("example", _docs_examples())
def test_volunteer_guide_examples_are_valid(example: str, tmp_path: Path) -> None:
    path = tmp_path / "example.yaml"
    path.write_text(example)
    data, problems = read_yaml(path, "events/example.yaml")
    assert problems == []
    _, more = check_event(data, "events/example.yaml", "example", "Europe/London", "events")
    assert [str(p) for p in more] == []


def test_volunteer_guide_change_examples_are_valid(tmp_path: Path) -> None:
    text = (Path(__file__).resolve().parents[2] / "docs/volunteers.md").read_text()
    changes = re.search(r"```yaml\n(changes:\n.*?)```", text, re.S).group(1)
    series = (
        "title: M\nstart: 2026-01-05 18:00\nend: 19:30\nrepeat:\n  every: month\n"
        "  on: first monday\n  except: [bank holidays]\n"
    )
    path = tmp_path / "m.yaml"
    path.write_text(series + changes)
    data, _ = read_yaml(path, "events/m.yaml")
    _, more = check_event(data, "events/m.yaml", "m", "Europe/London", "events")
    assert [str(p) for p in more] == []
