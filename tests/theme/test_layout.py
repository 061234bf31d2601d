"""The theme's layout in the built demo (issue 15, item 8): a light home page with a call to
action and the join box near the top, a menu that folds on a phone without JavaScript, an
/events/ page that does not repeat its list and is grouped by month, a month grid that
names its days. The phone itself is tests/outputs/test_layout_phone.py (Chromium)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from handbill_config import ConfigError
from sitebuild import build_site

# The home page's HTML and every stylesheet it links, uncompressed (1 KB = 1,024 bytes).
HOME_BUDGET = 30 * 1024


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def stylesheets(site: Path, page: BeautifulSoup) -> list[Path]:
    found = []
    for link in page.select('link[rel="stylesheet"]'):
        path = re.sub(r"^(https?://[^/]+)?/", "", link["href"])
        found.append(site / path)
    return found


def test_home_page_html_and_css_fit_the_budget(published_site: Path) -> None:
    home = published_site / "index.html"
    sheets = stylesheets(published_site, soup(home))
    assert len(sheets) >= 3 and all(sheet.is_file() for sheet in sheets), sheets
    total = home.stat().st_size + sum(sheet.stat().st_size for sheet in sheets)
    assert total <= HOME_BUDGET, f"home page HTML + CSS is {total} bytes, over {HOME_BUDGET}"


def test_home_page_asks_to_act_without_repeating_the_name(published_site: Path) -> None:
    page = soup(published_site / "index.html")
    main = page.find("main")
    h1 = main.find("h1").get_text(strip=True)
    assert h1 and h1 != "Anytown Save Our NHS", h1
    action = main.find("section", class_="home-action")
    picture = action.find("img")
    assert picture["alt"] and picture["width"] and picture["height"]
    # No HOME_ACTION in the demo: the next event that is not cancelled, with a button to it.
    assert action.find("h2").get_text(strip=True) == "Come to our next event"
    button = action.find("a", class_="button")
    assert "/events/" in button["href"]
    # The join box comes next, in the page itself (near the top on a phone), before the news.
    text = str(main)
    assert text.index('class="home-action"') < text.index('class="join-cta"')
    assert text.index('class="join-cta"') < text.index("Latest news")
    assert main.find("form", class_="join-form")
    assert not page.find("aside").find("form", class_="join-form"), "one join form only"


def test_home_action_setting_and_no_picture(tmp_path: Path) -> None:
    """The group's current action, from HOME_ACTION, replaces the next event; no picture."""
    site = build_site(
        tmp_path / "output",
        HOME_IMAGE="",
        HOME_ACTION={
            "title": "Sign the petition to save our A&E",
            "text": "2,000 signatures so far.",
            "url": "/take-action/",
            "link_text": "Sign now",
        },
    )
    action = soup(site / "index.html").find("section", class_="home-action")
    assert action.find("h2").get_text() == "Sign the petition to save our A&E"
    assert "2,000 signatures so far." in action.get_text()
    assert action.find("a", string="Sign now")["href"] == "/take-action/"
    assert action.find("img") is None


def test_a_misspelt_home_action_stops_the_build(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"HOME_ACTION\.titel: .*title"):
        build_site(tmp_path / "output", HOME_ACTION={"titel": "Sign the petition"})


def test_menu_folds_into_a_details_element(published_site: Path) -> None:
    header = soup(published_site / "index.html").find("header", class_="site-header")
    menu = header.find("details", class_="site-menu")
    assert menu.find("summary").get_text(strip=True) == "Menu"
    links = [a.get_text() for a in menu.find("nav").find_all("a")]
    assert links[:3] == ["Home", "News", "Events"] and len(links) >= 5


def test_events_page_groups_by_month_subscribe_first_no_repeated_list(
    published_site: Path,
) -> None:
    page = soup(published_site / "events/index.html")
    main = page.find("main")
    assert page.find("section", class_="upcoming-events") is None, "the sidebar repeats it"
    panel = main.find("section", class_="event-subscribe")
    upcoming = main.find("section", attrs={"aria-labelledby": "events-upcoming"})
    text = str(main)
    assert text.index('class="event-subscribe"') < text.index('aria-labelledby="events-upcoming"')
    assert panel is not None
    months = [h.get_text() for h in upcoming.find_all("h3", class_="event-list__month")]
    assert len(months) >= 2 and len(set(months)) == len(months), months
    for heading in upcoming.find_all("h3", class_="event-list__month"):
        items = heading.find_next_sibling("ul").find_all("time")
        assert items, heading
        year = heading.get_text().split()[-1]
        assert all(t["datetime"].startswith(year) for t in items), heading
    past = main.find("section", class_="events-past")
    assert past.find("details").find("summary").get_text() == "Show past events"


@pytest.mark.parametrize("day", ["Tuesday", "Saturday"])
def test_month_grid_names_the_days(published_site: Path, day: str) -> None:
    grids = sorted(published_site.glob("events/[0-9][0-9][0-9][0-9]/[0-9][0-9]/index.html"))
    names = set()
    for grid in grids:
        for cell in soup(grid).select("td.has-events .month-grid__long"):
            names.add(cell.get_text(strip=True).split()[0])
    assert day in names, names
