"""Event pages, listings and the month grid; HTML, JSON-LD and ICS tell the same story."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, datetime, timedelta
from itertools import pairwise
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from jinja2 import Environment, FileSystemLoader

from .conftest import ROOT, SITEURL
from .icsutil import LONDON, expand

EVENT_PAGES = [
    "planning-meeting",
    "members-meeting",
    "festival",
    "online",
    "cancelled",
    "weekly-walk",
]


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html5lib")


def _moment(value: str) -> date | datetime:
    return datetime.fromisoformat(value) if "T" in value else date.fromisoformat(value)


def _aware(moment: date | datetime) -> datetime:
    if isinstance(moment, datetime):
        return moment
    return datetime(moment.year, moment.month, moment.day, tzinfo=LONDON)


def page_dates(page: BeautifulSoup) -> list[tuple[date | datetime, bool]]:
    """The dates the page shows (the hidden ones after them are for events.js)."""
    items = page.select("ul.event__dates > li:not([hidden])")
    return [
        (_moment(li.find("time")["datetime"]), "is-cancelled" in li.get("class", []))
        for li in items
    ]


def jsonld_dates(page: BeautifulSoup) -> list[tuple[date | datetime, bool]]:
    data = json.loads(page.find("script", type="application/ld+json").string)
    items = data if isinstance(data, list) else [data]
    return [(_moment(d["startDate"]), d["eventStatus"].endswith("EventCancelled")) for d in items]


def ics_dates(path: Path, first, last) -> list[tuple[date | datetime, bool]]:
    lo = first if isinstance(first, date) and not isinstance(first, datetime) else first.date()
    hi = (last if not isinstance(last, datetime) else last.date()) + timedelta(days=1)
    found = expand(path, lo, hi)
    return [
        (e["DTSTART"].dt, str(e.get("STATUS")) == "CANCELLED")
        for e in found
        if first <= e["DTSTART"].dt <= last
    ]


@pytest.mark.parametrize("name", EVENT_PAGES)
def test_html_jsonld_and_ics_agree(fixture_site: Path, name: str) -> None:
    page = soup(fixture_site / f"events/{name}/index.html")
    html = page_dates(page)
    assert html, name
    assert jsonld_dates(page) == html
    ics = ics_dates(fixture_site / f"events/{name}/{name}.ics", html[0][0], html[-1][0])
    assert ics == html


@pytest.mark.parametrize(
    "name",
    [
        "planning-meeting",
        "members-meeting",
        "hospital-march",
        "community-festival",
        "online-briefing",
        "film-screening",
    ],
)
def test_demo_pages_agree_too(demo_site: Path, name: str) -> None:
    page = soup(demo_site / f"events/{name}/index.html")
    html = page_dates(page)
    assert jsonld_dates(page) == html
    assert ics_dates(demo_site / f"events/{name}/{name}.ics", html[0][0], html[-1][0]) == html


def test_first_monday_page_explains_skipped_dates(fixture_site: Path) -> None:
    page = soup(fixture_site / "events/planning-meeting/index.html")
    skipped = [li.get_text(" ", strip=True) for li in page.select("ul.event__skipped li")]
    assert "No meeting on Monday 6 April 2026 : bank holiday (Easter Monday)" in skipped
    assert "No meeting on Monday 4 May 2026 : bank holiday (May Day)" in skipped
    assert "No meeting on Monday 3 August 2026 : not held on this date" in skipped
    days = [d.date() for d, _ in page_dates(page)]
    assert date(2026, 4, 6) not in days
    assert date(2026, 5, 4) not in days
    rule = page.select_one(".event__rule").get_text()
    assert rule == (
        "The first Monday of every month, 18:00 to 19:30, until Friday 31 December "
        "2027, except on bank holidays."
    )


def test_cancelled_and_moved_occurrences_on_the_page(fixture_site: Path) -> None:
    page = soup(fixture_site / "events/planning-meeting/index.html")
    items = {li.find("time")["datetime"][:10]: li for li in page.select("ul.event__dates > li")}
    cancelled = items["2026-03-02"]
    assert "is-cancelled" in cancelled["class"]
    assert "Cancelled" in cancelled.get_text()
    assert "Cancelled because of the strike" in cancelled.get_text()
    moved = items["2026-06-08"]
    assert "Moved" in moved.get_text()
    assert "instead of Monday 1 June" in moved.get_text()
    assert "Quaker Meeting House" in moved.get_text()
    assert "2026-06-01" not in items
    ld = json.loads(page.find("script", type="application/ld+json").string)
    by_start = {d["startDate"][:10]: d for d in ld}
    assert by_start["2026-03-02"]["eventStatus"] == "https://schema.org/EventCancelled"
    assert by_start["2026-06-08"]["eventStatus"] == "https://schema.org/EventRescheduled"
    assert by_start["2026-06-08"]["previousStartDate"] == "2026-06-01T18:00:00+01:00"
    assert by_start["2026-06-08"]["location"]["name"] == "Quaker Meeting House"


def test_event_page_words_location_and_links(fixture_site: Path) -> None:
    page = soup(fixture_site / "events/planning-meeting/index.html")
    assert page.find("h1").get_text() == "Monthly planning meeting"
    first = page.select_one("ul.event__dates time")
    assert first.get_text() == "Monday 5 January 2026, 18:00 to 19:30"
    osm = page.find("a", string="United Reformed Church on OpenStreetMap")
    assert osm["href"].startswith("https://www.openstreetmap.org/?mlat=53.3809&mlon=-1.4702")
    assert not page.find("iframe")
    add = page.select_one(".event-add")
    assert (
        add.find("a", string="Download all dates (.ics)")["href"]
        == f"{SITEURL}/events/planning-meeting/planning-meeting.ics"
    )
    google = add.find("a", string="Google Calendar")["href"]
    assert "dates=20260105T180000%2F20260105T193000" in google
    assert "ctz=Europe%2FLondon" in google
    assert add.find("a", string="Outlook.com")["href"].startswith(
        "https://outlook.live.com/calendar/0/deeplink/compose?"
    )
    assert add.find("a", string="Office 365")["href"].startswith(
        "https://outlook.office.com/calendar/0/deeplink/compose?"
    )
    sub = page.select_one(".event-subscribe")
    assert (
        sub.find("a", string="Subscribe in your calendar app")["href"]
        == "webcal://anytown.example.org/calendar/meetings.ics"
    )
    assert sub.find("input")["value"] == "https://anytown.example.org/calendar/meetings.ics"
    assert "Google checks for changes only every 12 to 24 hours" in sub.get_text()


def test_description_is_markdown_on_the_page_and_plain_text_in_the_calendar(
    fixture_site: Path,
) -> None:
    page = soup(fixture_site / "events/planning-meeting/index.html")
    assert page.select_one(".event__description p") is not None
    text = (fixture_site / "events/planning-meeting/planning-meeting.ics").read_bytes().decode()
    assert "<p>" not in text


def test_online_event(fixture_site: Path) -> None:
    page = soup(fixture_site / "events/online/index.html")
    assert page.find("a", string="join online")["href"] == "https://meet.example.org/briefing"
    ld = json.loads(page.find("script", type="application/ld+json").string)
    assert ld["eventAttendanceMode"] == "https://schema.org/OnlineEventAttendanceMode"
    assert ld["location"] == {
        "@type": "VirtualLocation",
        "url": "https://meet.example.org/briefing",
    }


def test_cancelled_event_page(fixture_site: Path) -> None:
    page = soup(fixture_site / "events/cancelled/index.html")
    assert "This event will not take place." in page.get_text()
    ld = json.loads(page.find("script", type="application/ld+json").string)
    assert ld["eventStatus"] == "https://schema.org/EventCancelled"


def test_all_day_event_in_words(fixture_site: Path) -> None:
    page = soup(fixture_site / "events/festival/index.html")
    assert (
        page.select_one("ul.event__dates time").get_text()
        == "Saturday 27 June to Sunday 28 June 2026"
    )
    ld = json.loads(page.find("script", type="application/ld+json").string)
    assert (ld["startDate"], ld["endDate"]) == ("2026-06-27", "2026-06-28")


def test_listing_upcoming_soonest_first_with_cancellations_marked(fixture_site: Path) -> None:
    page = soup(fixture_site / "events/index.html")
    upcoming = page.select("section[aria-labelledby=events-upcoming] li")
    starts = [_aware(_moment(li.find("time")["datetime"])) for li in upcoming]
    assert starts == sorted(starts)
    assert starts[0].date() == date(2026, 1, 5)
    assert date(2026, 6, 27) in [s.date() for s in starts]
    march = [li for li in upcoming if li.find("time")["datetime"].startswith("2026-03-02")]
    assert "is-cancelled" in march[0]["class"]
    assert all(li.has_attr("data-event-end") for li in upcoming)


def test_past_events_by_year(demo_site: Path) -> None:
    page = soup(demo_site / "events/index.html")
    past = page.select_one("section.events-past")
    assert [h.get_text() for h in past.find_all("h3")] == ["2026", "2025"] or [
        h.get_text() for h in past.find_all("h3")
    ] == ["2026"]
    text = past.get_text()
    assert "Public meeting: keep Elm Street surgery open" in text
    assert not past.select("[data-event-end]")  # the ageing script leaves the past alone


def test_category_listing(fixture_site: Path) -> None:
    page = soup(fixture_site / "events/category/festivals/index.html")
    assert page.find("h1").get_text() == "Festivals"
    titles = {a.get_text() for a in page.select(".event-item__title")}
    assert titles == {"Anytown Festival"}
    assert (
        page.find("a", string="Subscribe in your calendar app")["href"]
        == "webcal://anytown.example.org/calendar/festivals.ics"
    )


def test_category_names_keep_the_capitals_the_volunteer_wrote(
    build_events: Callable[..., Path], tmp_path: Path
) -> None:
    # Jinja's |capitalize would show "Gp surgeries"; "meetings" still starts with a capital.
    events = tmp_path / "events"
    events.mkdir()
    (events / "surgery.yaml").write_text(
        "title: Drop-in advice\nstart: 2026-12-02 10:00\nend: 12:00\n"
        "category: GP surgeries\nlocation: Elm Street surgery\n"
    )
    (events / "meeting.yaml").write_text(
        "title: Planning\nstart: 2026-12-03 19:00\nend: 20:00\n"
        "category: meetings\nlocation: Anytown Library\n"
    )
    site = build_events(events)
    page = soup(site / "events/category/gp-surgeries/index.html")
    assert page.find("h1").get_text() == "GP surgeries"
    assert page.title.get_text().startswith("GP surgeries: events |")
    assert page.find("link", type="text/calendar")["title"] == "GP surgeries: calendar"
    nav = [a.get_text() for a in page.select(".events-nav a")]
    assert "GP surgeries" in nav and "Meetings" in nav
    event = soup(site / "events/surgery/index.html")
    assert event.select_one(".event__category a").get_text() == "GP surgeries"
    assert "Gp surgeries" not in (site / "events/index.html").read_text(encoding="utf-8")


def test_month_grid_without_javascript(fixture_site: Path) -> None:
    page = soup(fixture_site / "events/2026/06/index.html")
    table = page.find("table", class_="month-grid")
    assert table.caption.get_text() == "June 2026"
    assert [th.get_text() for th in table.select("thead th")] == [
        "Mon",
        "Tue",
        "Wed",
        "Thu",
        "Fri",
        "Sat",
        "Sun",
    ]
    cells = {td.find("time")["datetime"]: td for td in table.select("td")}
    assert "Anytown Festival" in cells["2026-06-27"].get_text()
    assert "Anytown Festival" in cells["2026-06-28"].get_text()  # multi-day: both days
    assert "18:00 Monthly planning meeting" in cells["2026-06-08"].get_text(" ", strip=True)
    nav = page.find("nav", attrs={"aria-label": "Months"})
    assert nav.find("a", rel="next")["href"] == f"{SITEURL}/events/2026/07/"


def test_no_inline_scripts_or_styles_and_no_other_hosts(fixture_site: Path) -> None:
    for path in (fixture_site / "events").rglob("*.html"):
        page = soup(path)
        for script in page.find_all("script"):
            assert script.get("type") == "application/ld+json" or (
                script.get("src", "").endswith("/theme/js/events.js") and not script.string
            )
        assert not page.find(style=True)
        assert not page.find("style")
        for tag in page.find_all(["img", "iframe", "link", "script"], src=True):
            assert tag["src"].startswith(SITEURL + "/"), tag
        headings = [int(h.name[1]) for h in page.find_all(["h1", "h2", "h3", "h4"])]
        assert all(b - a <= 1 for a, b in pairwise(headings)), path


def test_upcoming_partial_renders_empty_and_full() -> None:
    env = Environment(
        loader=FileSystemLoader(str(ROOT / "theme/templates")),
        autoescape=True,
        # the theme's {% once %} and its words (handbill_i18n)
        extensions=["handbill_i18n.jinja.Languages", "handbill_theme.jinja.BuildOnce"],
    )
    template = env.get_template("partials/upcoming_events.html")
    empty = template.render(upcoming_events=[], SITEURL="", THEME_STATIC_DIR="theme")
    assert "No upcoming events" in empty
    missing = template.render(SITEURL="", THEME_STATIC_DIR="theme")
    assert "No upcoming events" in missing


def test_upcoming_events_variable_in_pages(fixture_site: Path) -> None:
    # On an event's page (the sidebar); /events/ has the full list instead.
    assert (
        soup(fixture_site / "events/index.html").find("section", class_="upcoming-events") is None
    )
    page = soup(fixture_site / "events/members-meeting/index.html")
    box = page.find("section", class_="upcoming-events")
    items = box.select("li:not([hidden])")
    assert 1 <= len(items) <= 5
    assert items[0].find("time")["datetime"].startswith("2026-01-05")
