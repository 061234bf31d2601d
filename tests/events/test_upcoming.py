"""upcoming_dates: the dates a list carries are exactly enough for weeks after the build."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from handbill_events.load import read_yaml
from handbill_events.model import Occurrence, build_event
from handbill_events.settings import from_pelican
from handbill_events.upcoming import FRESH_FOR, MAX_LATER, upcoming_dates
from handbill_events.validate import check_event
from handbill_i18n.dates import date_words

NOW = datetime(2026, 11, 24, 9, 0, tzinfo=ZoneInfo("Europe/London"))
SETTINGS = from_pelican(
    {
        "TIMEZONE": "Europe/London",
        "SITENAME": "Anytown",
        "HANDBILL_EVENTS": {"now": NOW.isoformat()},
    }
)
# Weekly, fortnightly and monthly meetings, a one-off, a two-day festival and a daily vigil:
# dates that end in a different order than they start, and ties.
FILES = {
    "weekly": "title: W\nstart: 2026-11-02 19:00\nend: 21:00\nrepeat:\n  every: week\n",
    "fortnight": "title: F\nstart: 2026-11-07 10:30\nend: 12:30\n"
    "repeat:\n  every: fortnight\n  count: 12\n",
    "monthly": "title: M\nstart: 2026-01-05 18:00\nend: 19:30\n"
    "repeat:\n  every: month\n  on: first monday\n",
    "one-off": "title: O\nstart: 2026-12-03 19:00\nend: 20:00\n",
    "festival": "title: Fest\nstart: 2027-01-09\nend: 2027-01-10\n",
    "long": "title: L\nstart: 2026-11-20 09:00\nend: 2026-12-20 17:00\n",
}


def occurrences(tmp_path: Path, names: list[str]) -> list[Occurrence]:
    found = []
    for name in names:
        path = tmp_path / f"{name}.yaml"
        path.write_text(FILES[name])
        data, problems = read_yaml(path, f"events/{name}.yaml")
        spec, more = check_event(data, f"events/{name}.yaml", name, "Europe/London", "events")
        assert not problems + more, problems + more
        found += build_event(spec, SETTINGS, None).occurrences
    return sorted(found, key=lambda o: o.sort_key)


def next_at(every: list[Occurrence], at: datetime, count: int) -> list[Occurrence]:
    return [o for o in every if not o.ended(at)][:count]


def test_the_carried_dates_give_the_right_list_at_every_moment_of_the_window(
    tmp_path: Path,
) -> None:
    every = occurrences(tmp_path, list(FILES))
    for count in (1, 3, 5, 8):
        dates = upcoming_dates(every, NOW, count)
        carried = [*dates.shown, *dates.later]
        assert dates.shown == next_at(every, NOW, count)
        # Every moment any date starts or ends is where the right list changes.
        moments = sorted(
            {NOW, NOW + FRESH_FOR} | {o.end_utc for o in every} | {o.start_utc for o in every}
        )
        for at in (m for m in moments if NOW <= m <= NOW + FRESH_FOR):
            assert next_at(carried, at, count) == next_at(every, at, count), (count, at)
        # No more than that: the dates that end within the window, and `count` after them.
        ending = [o for o in every if NOW < o.end_utc <= NOW + FRESH_FOR]
        assert len(carried) <= count + len(ending)
        assert dates.more


def test_fresh_for_at_least_eight_weeks() -> None:
    assert timedelta(weeks=8) <= FRESH_FOR


def test_a_busy_calendar_carries_at_most_the_cap_and_says_when_it_runs_out(
    tmp_path: Path,
) -> None:
    path = tmp_path / "daily.yaml"
    path.write_text("title: D\nstart: 2026-11-01 08:00\nend: 08:30\nrepeat:\n  every: day\n")
    data, _ = read_yaml(path, "events/daily.yaml")
    spec, _ = check_event(data, "events/daily.yaml", "daily", "Europe/London", "events")
    every = sorted(
        build_event(spec, SETTINGS, None).occurrences * 2, key=lambda o: o.sort_key
    )  # two a day: 126 dates end within the window
    dates = upcoming_dates(every, NOW, 5)
    assert len(dates.later) == MAX_LATER
    assert dates.more
    carried = [*dates.shown, *dates.later]
    # Right until the carried dates no longer fill the list: when all but 4 of them ended.
    runs_out = sorted(o.end_utc for o in carried)[len(carried) - 5]
    assert NOW < runs_out < NOW + FRESH_FOR
    before = runs_out - timedelta(seconds=1)
    assert next_at(carried, before, 5) == next_at(every, before, 5)
    assert len(next_at(carried, runs_out, 5)) < 5


def test_no_dates_left_means_none_carried_and_nothing_more(tmp_path: Path) -> None:
    every = occurrences(tmp_path, ["one-off"])
    dates = upcoming_dates(every, NOW + timedelta(days=30), 5)
    assert not dates and not dates.later and not dates.more


def test_all_dates_when_the_list_has_no_count(tmp_path: Path) -> None:
    every = occurrences(tmp_path, ["one-off", "fortnight"])
    dates = upcoming_dates(every, NOW, 0)
    assert dates.shown == next_at(every, NOW, len(every)) and not dates.later


def test_as_of_is_the_build_day_in_words() -> None:
    dates = upcoming_dates([], NOW, 5)
    assert dates.as_of == date(2026, 11, 24)
    assert date_words("en-GB").day(dates.as_of) == "24 November 2026"


def test_events_page_with_dates_only_after_its_end_does_not_say_none(
    build_events, tmp_path: Path
) -> None:
    source = tmp_path / "src"
    source.mkdir()
    (source / "festival.yaml").write_text("title: Summer festival\nstart: 2027-07-10\n")
    out = build_events(source, now="2026-11-24T09:00:00+00:00")
    listing = (out / "events" / "index.html").read_text(encoding="utf-8")
    start = listing.index('<section aria-labelledby="events-upcoming">')
    upcoming = listing[start : listing.index("</section>", start)]
    assert "No upcoming events" not in upcoming
    assert "No events before 26 May 2027" in upcoming
    box = listing[listing.index('class="upcoming-events"') :]
    assert "Summer festival" in box[: box.index("</section>")]
