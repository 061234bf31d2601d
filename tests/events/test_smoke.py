"""The demo events build into pages, calendars and feeds."""

from pathlib import Path


def test_demo_site_builds_every_output(demo_site: Path) -> None:
    for path in (
        "calendar.ics",
        "calendar/meetings.ics",
        "events/index.html",
        "events/planning-meeting/index.html",
        "events/planning-meeting/planning-meeting.ics",
        "events/2026/11/index.html",
        "feeds/events.atom.xml",
        "feeds/events.rss.xml",
    ):
        assert (demo_site / path).is_file(), path
