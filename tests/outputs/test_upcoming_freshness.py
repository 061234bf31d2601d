"""Upcoming-event lists stay right between builds: the demo in Chromium with the clock moved on.

The demo is built with the build clock pinned, then each page is loaded in Debian's Chromium
with the browser's clock 1, 8, 14 and 56 days later, served with the Content-Security-Policy
the operators' guide gives. What each list shows is compared with the next dates computed
independently from the built calendar files by recurring-ical-events.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import partial
from http.server import ThreadingHTTPServer
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar
import pytest
import recurring_ical_events
from pelican.settings import read_settings
from playwright.sync_api import Browser, Locator, Page

from handbill_events.upcoming import MAX_LATER
from outputs.served import ServedSite, SiteHandler
from outputs.tools import ROOT
from sitebuild import build_site

# The build clock: the day the issue was seen. The demo has meetings before and after it.
BUILT_AT = datetime(2026, 11, 24, 9, 0, tzinfo=ZoneInfo("UTC"))
AS_OF = "24 November 2026"
LATER_DAYS = [0, 1, 8, 14, 56]
LONDON = ZoneInfo("Europe/London")
UPCOMING_COUNT = 5  # the events plugin's default upcoming_count, which the demo keeps
NEXT_DATES = 8  # the events plugin's default next_dates: a series page's next dates
# The policy docs/operators.md tells hosts to send: no inline scripts, nothing from elsewhere.
CSP = (
    "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)


class StrictSiteHandler(SiteHandler):
    """The static host, with the operators' guide's security policy on every answer."""

    def end_headers(self) -> None:
        self.send_header("Content-Security-Policy", CSP)
        super().end_headers()


@dataclass(frozen=True)
class Dated:
    """One date of an event as a list shows it: title and start (an instant or a day)."""

    title: str
    start: str  # UTC ISO instant, or a date for all-day events

    @classmethod
    def of(cls, title: str, start: date | datetime) -> Dated:
        if isinstance(start, datetime):
            return cls(title.strip(), start.astimezone(ZoneInfo("UTC")).isoformat())
        return cls(title.strip(), start.isoformat())


@pytest.fixture(scope="module")
def frozen_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServedSite]:
    """The published demo, built with the clock at BUILT_AT, on a loopback host with the CSP."""
    root = tmp_path_factory.mktemp("fresh") / "output"
    server, url = serve(root)
    demo_events = read_settings(str(ROOT / "pelicanconf.py"))["HANDBILL_EVENTS"]
    try:
        build_site(
            root,
            "publishconf.py",
            SITEURL=url,
            FEED_DOMAIN=url,
            HANDBILL_EVENTS={**demo_events, "now": BUILT_AT.isoformat()},
        )
        yield ServedSite(url, root)
    finally:
        server.shutdown()
        server.server_close()


def serve(root: Path) -> tuple[ThreadingHTTPServer, str]:
    """A static host with the CSP for `root` (which may not exist yet), on a free port."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(StrictSiteHandler, directory=str(root)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


def instant(moment: date | datetime) -> datetime:
    """An ICS start or end as an instant; an all-day date counts from London midnight."""
    if isinstance(moment, datetime):
        return moment if moment.tzinfo else moment.replace(tzinfo=LONDON)
    return datetime(moment.year, moment.month, moment.day, tzinfo=LONDON)


def next_dates(ics: Path, at: datetime, until: date | None = None) -> list[Dated]:
    """Every date in the calendar file not over at `at`, soonest first (ties by UID)."""
    calendar = icalendar.Calendar.from_ical(ics.read_bytes())
    found = recurring_ical_events.of(calendar).between(at, at + timedelta(days=3 * 366))
    dated = []
    for vevent in found:
        start, end = vevent.decoded("DTSTART"), vevent.decoded("DTEND")
        if instant(end) <= at or (until and instant(start).date() > until):
            continue
        dated.append((instant(start), str(vevent["UID"]), Dated.of(str(vevent["SUMMARY"]), start)))
    return [d for _, _, d in sorted(dated, key=lambda x: (x[0], x[1]))]


def shown(items: Locator, titled: str | None = None) -> list[Dated]:
    """The dates a list shows right now (visible items only), as the visitor sees them."""
    dated = []
    for item in items.all():
        if not item.is_visible():
            continue
        title = titled or item.locator("a").first.inner_text()
        start = item.locator("time").first.get_attribute("datetime") or ""
        moment = datetime.fromisoformat(start) if "T" in start else date.fromisoformat(start)
        dated.append(Dated.of(title, moment))
    return dated


def open_at(browser: Browser, url: str, when: datetime, script: bool = True) -> Page:
    context = browser.new_context(java_script_enabled=script)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    # Playwright's clock is installed by the browser itself, so the site's CSP does not apply.
    page.clock.set_fixed_time(when)
    page.goto(url, wait_until="load")
    page.wait_for_load_state("networkidle")
    assert not errors, f"{url}: {errors}"
    return page


def visible_text(page: Page, text: str) -> bool:
    return any(node.is_visible() for node in page.get_by_text(text).all())


@pytest.mark.parametrize("days", LATER_DAYS)
def test_home_page_lists_the_next_meetings_days_after_the_build(
    frozen_site: ServedSite, browser: Browser, days: int
) -> None:
    # Regression: eight days after the last build the home page said "No upcoming events"
    # while meetings in December and January were in the calendar.
    at = BUILT_AT + timedelta(days=days)
    expected = next_dates(frozen_site.root / "calendar.ics", at)[:UPCOMING_COUNT]
    assert len(expected) == UPCOMING_COUNT, "the demo should have meetings left to show"
    page = open_at(browser, frozen_site.url + "/", at)
    try:
        box = page.locator(".upcoming-events")
        assert shown(box.locator("li")) == expected, f"{days} days after the build"
        assert not visible_text(page, "No upcoming events")
    finally:
        page.context.close()


@pytest.mark.parametrize("days", LATER_DAYS)
def test_sidebar_lists_the_next_meetings_days_after_the_build(
    frozen_site: ServedSite, browser: Browser, days: int
) -> None:
    at = BUILT_AT + timedelta(days=days)
    expected = next_dates(frozen_site.root / "calendar.ics", at)[:UPCOMING_COUNT]
    page = open_at(browser, frozen_site.url + "/about/", at)
    try:
        assert shown(page.locator("aside .upcoming-events li")) == expected
        assert not visible_text(page, "No upcoming events")
    finally:
        page.context.close()


@pytest.mark.parametrize("days", LATER_DAYS)
def test_events_page_lists_every_date_still_to_come(
    frozen_site: ServedSite, browser: Browser, days: int
) -> None:
    at = BUILT_AT + timedelta(days=days)
    page = open_at(browser, frozen_site.url + "/events/", at)
    try:
        note = page.locator(".events-list__more").inner_text()
        found = re.search(r"events until (\d+ \w+ \d{4})", note)
        assert found, note
        until = datetime.strptime(found.group(1), "%d %B %Y").date()
        expected = next_dates(frozen_site.root / "calendar.ics", at, until)
        assert shown(page.locator("main .event-list:not(.event-list--past) li")) == expected
        assert not visible_text(page, "No upcoming events")
    finally:
        page.context.close()


@pytest.mark.parametrize("days", LATER_DAYS)
def test_series_page_lists_its_next_dates_days_after_the_build(
    frozen_site: ServedSite, browser: Browser, days: int
) -> None:
    at = BUILT_AT + timedelta(days=days)
    folder = frozen_site.root / "events" / "members-meeting"
    expected = next_dates(folder / "members-meeting.ics", at)[:NEXT_DATES]
    page = open_at(browser, frozen_site.url + "/events/members-meeting/", at)
    try:
        title = page.locator("h1").inner_text()
        dates = shown(page.locator("ul.event__dates li"), titled=title)
        assert dates == [Dated(title, d.start) for d in expected]
        assert not visible_text(page, "This has ended")
    finally:
        page.context.close()


def test_without_javascript_the_page_shows_what_the_build_knew_and_when(
    frozen_site: ServedSite, browser: Browser
) -> None:
    at = BUILT_AT + timedelta(days=14)
    expected = next_dates(frozen_site.root / "calendar.ics", BUILT_AT)[:UPCOMING_COUNT]
    page = open_at(browser, frozen_site.url + "/", at, script=False)
    try:
        box = page.locator(".upcoming-events")
        assert shown(box.locator("li")) == expected
        assert f"as of {AS_OF}" in box.inner_text()
    finally:
        page.context.close()


@contextmanager
def built_with_events(content: Path, events: dict[str, str]) -> Iterator[ServedSite]:
    """The demo's posts and pages with these event files only, built at BUILT_AT and served."""
    folder = content / "events"
    for old in folder.glob("*.yaml"):
        old.unlink()
    for name, text in events.items():
        (folder / f"{name}.yaml").write_text(text, encoding="utf-8")
    root = content.parent / "output"
    server, url = serve(root)
    demo_events = read_settings(str(ROOT / "pelicanconf.py"))["HANDBILL_EVENTS"]
    try:
        build_site(
            root,
            "publishconf.py",
            PATH=str(content),
            SITEURL=url,
            FEED_DOMAIN=url,
            HANDBILL_EVENTS={**demo_events, "now": BUILT_AT.isoformat(), "state_file": None},
        )
        yield ServedSite(url, root)
    finally:
        server.shutdown()
        server.server_close()


def test_no_upcoming_events_once_the_last_one_is_over(content_copy: Path, browser: Browser) -> None:
    one_off = "title: Last meeting\nstart: 2026-11-27 19:00\nend: 21:00\n"
    with built_with_events(content_copy, {"last-meeting": one_off}) as site:
        before = open_at(browser, site.url + "/", BUILT_AT + timedelta(days=1))
        after = open_at(browser, site.url + "/", BUILT_AT + timedelta(days=4))
        try:
            assert [d.title for d in shown(before.locator(".upcoming-events li"))] == [
                "Last meeting"
            ]
            assert not visible_text(before, "No upcoming events")
            assert shown(after.locator(".upcoming-events li")) == []
            assert visible_text(after, "No upcoming events")
        finally:
            before.context.close()
            after.context.close()


def test_a_calendar_too_busy_to_carry_points_to_all_events_not_to_none(
    content_copy: Path, browser: Browser
) -> None:
    # Three dates a day: more end within the window than a page carries, so the list runs
    # out of dates before 56 days; it must then send visitors on, not say there are none.
    daily = "title: {}\nstart: 2026-11-20 {}:00\nend: {}:30\nrepeat:\n  every: day\n"
    events = {f"vigil-{h}": daily.format(f"Vigil {h}", h, h) for h in ("08", "12", "18")}
    with built_with_events(content_copy, events) as site:
        at = BUILT_AT + timedelta(days=56)
        page = open_at(browser, site.url + "/", at)
        try:
            box = page.locator(".upcoming-events")
            assert not visible_text(page, "No upcoming events")
            assert box.get_by_text("For later dates, see all events").is_visible()
            carried = box.locator("li").count()
            assert carried <= UPCOMING_COUNT + MAX_LATER, f"{carried} dates on every page"
        finally:
            page.context.close()


def test_events_page_with_only_later_dates_points_to_them_not_to_none(
    content_copy: Path, browser: Browser
) -> None:
    # The /events/ list ends six months on; a festival after that is still a coming event.
    festival = "title: Summer festival\nstart: 2027-07-10\n"
    soon = "title: Last stall\nstart: 2026-11-28 10:00\nend: 12:00\n"
    with built_with_events(content_copy, {"festival": festival, "stall": soon}) as site:
        for days in (0, 7):
            page = open_at(browser, site.url + "/events/", BUILT_AT + timedelta(days=days))
            try:
                main = page.locator("main")
                assert not visible_text(page, "No upcoming events")
                later = main.get_by_text("No events before")
                assert later.is_visible() == (days == 7), days
                # The list itself (the page has no second, sidebar list): the stall until
                # it is over, then nothing but the pointer to the later festival.
                box = page.locator("main .event-list:not(.event-list--past) li")
                assert [d.title for d in shown(box)] == ["Last stall"][days // 7 :]
            finally:
                page.context.close()


def test_a_page_left_open_moves_on_by_itself(frozen_site: ServedSite, browser: Browser) -> None:
    context = browser.new_context()
    page = context.new_page()
    try:
        page.clock.install(time=BUILT_AT + timedelta(days=1))
        page.goto(frozen_site.url + "/", wait_until="load")
        box = page.locator(".upcoming-events li")
        calendar = frozen_site.root / "calendar.ics"
        assert shown(box) == next_dates(calendar, BUILT_AT + timedelta(days=1))[:UPCOMING_COUNT]
        page.clock.run_for(10 * 24 * 3600 * 1000)  # ten days with the page open
        later = BUILT_AT + timedelta(days=11)
        assert shown(box) == next_dates(calendar, later)[:UPCOMING_COUNT]
    finally:
        context.close()
