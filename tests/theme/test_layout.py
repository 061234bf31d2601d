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
    # No HOME_ACTION in the demo: its open action closing soonest (the petition closes
    # 2027-01-15, the poll 2027-01-31, the pledge 2027-03-31), with a button to its page.
    assert action.find("h2").get_text(strip=True) == "Keep a full A&E at Anytown General"
    assert "signatures · goal 15,000 · Closes at the end of" in action.get_text(" ", strip=True)
    button = action.find("a", class_="button")
    assert button.get_text() == "Sign the petition"
    assert button["href"].endswith("/actions/save-our-ae/")
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


def home_action(site: Path) -> BeautifulSoup:
    return soup(site / "index.html").find("section", class_="home-action")


@pytest.mark.parametrize(
    "now,title,button",
    [
        # The petition has closed: the poll closes next.
        ("2027-01-20T12:00:00+00:00", "Should we organise a mass opt-out?", "Vote"),
        # Only the pledge is still open.
        ("2027-02-10T12:00:00+00:00", "Opt out together", "Sign the pledge"),
    ],
)
def test_home_page_features_the_open_action_closing_soonest(
    tmp_path: Path, now: str, title: str, button: str
) -> None:
    site = build_site(tmp_path / "output", HANDBILL_ACTIONS={"now": now})
    action = home_action(site)
    assert action.find("h2").get_text() == title
    assert action.find("a", class_="button").get_text() == button


def test_without_a_closing_date_the_most_recent_action_then_the_next_event(
    tmp_path: Path, content_copy: Path
) -> None:
    folder = content_copy / "actions"
    for path in folder.glob("*.md"):
        path.unlink()
    for slug, started in (("older", "2026-09-01"), ("newer", "2026-11-01"), ("undated", "")):
        dated = f"Date: {started}\n" if started else ""
        (folder / f"{slug}.md").write_text(
            f"Title: The {slug} petition\nKind: petition\nTarget: The council\n{dated}\nText.\n",
            encoding="utf-8",
        )
    (folder / "letter.md").write_text(
        "Title: A letter\nKind: letter\nSubject: Hello\nDate: 2026-11-20\n\nDear {name},\n",
        encoding="utf-8",
    )
    site = build_site(tmp_path / "output", PATH=str(content_copy))
    action = home_action(site)
    assert action.find("h2").get_text() == "The newer petition"  # a letter is never featured
    assert action.find("a", class_="button")["href"].endswith("/actions/newer/")

    for path in folder.glob("*.md"):
        path.unlink()
    site = build_site(tmp_path / "again", PATH=str(content_copy))
    assert home_action(site).find("h2").get_text() == "Come to our next event"
    assert "/events/" in home_action(site).find("a", class_="button")["href"]


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
