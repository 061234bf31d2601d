"""The layout on a 375 px phone and a desktop, in Chromium, with JavaScript off where it must
not matter: the menu folds into one line and opens by keyboard, the join box and the
calendar's subscribe panel are near the top, the month grid names its days.

Measured before this layout (issue 15): the menu took 180 of the first 800 px, the join form
sat about 3,500 px down the home page, /events/ was about 11,700 px long with the subscribe
panel at about 4,900 px.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page

from outputs.served import ServedSite

PHONE, DESKTOP = 375, 1280


@pytest.fixture
def open_at(browser: Browser) -> Iterator:
    contexts = []

    def opened(url: str, width: int, javascript: bool = True) -> Page:
        context = browser.new_context(
            viewport={"width": width, "height": 800}, java_script_enabled=javascript
        )
        contexts.append(context)
        page = context.new_page()
        page.goto(url)
        return page

    yield opened
    for context in contexts:
        context.close()


def top(page: Page, selector: str) -> float:
    return page.locator(selector).first.evaluate("e => e.getBoundingClientRect().top")


def test_phone_menu_is_one_line_and_opens_by_keyboard_without_javascript(
    served_site: ServedSite, open_at
) -> None:
    page = open_at(f"{served_site.url}/", PHONE, javascript=False)
    header = page.locator("header.site-header").bounding_box()
    assert header and header["height"] <= 80, header
    events = page.locator("nav[aria-label=Main] a", has_text="Events")
    assert not events.is_visible()
    page.locator(".site-menu > summary").focus()
    page.keyboard.press("Enter")
    assert events.is_visible()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Home"


def test_desktop_menu_is_always_open(served_site: ServedSite, open_at) -> None:
    page = open_at(f"{served_site.url}/", DESKTOP, javascript=False)
    assert not page.locator(".site-menu > summary").is_visible()
    links = page.locator("nav[aria-label=Main] a")
    assert links.count() >= 5 and all(link.is_visible() for link in links.all())
    page.keyboard.press("Tab")  # the skip link
    page.keyboard.press("Tab")  # the site's name
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Home"


def test_phone_home_page_has_its_call_to_action_and_join_box_near_the_top(
    served_site: ServedSite, open_at
) -> None:
    page = open_at(f"{served_site.url}/", PHONE)
    assert top(page, ".home-action .button") < 800, "the call to action on the first screen"
    assert top(page, "main .join-form input[type=email]") < 1400


def test_phone_events_page_subscribe_near_the_top_and_shorter(
    served_site: ServedSite, open_at
) -> None:
    page = open_at(f"{served_site.url}/events/", PHONE)
    assert top(page, ".event-subscribe") < 600
    height = page.evaluate("document.documentElement.scrollHeight")
    assert height < 8000, height


def test_phone_month_grid_says_the_weekday(served_site: ServedSite, open_at) -> None:
    months = sorted(served_site.root.glob("events/[0-9][0-9][0-9][0-9]/[0-9][0-9]/index.html"))
    busy = [m for m in months if "has-events" in m.read_text(encoding="utf-8")]
    url = f"{served_site.url}/{busy[0].parent.relative_to(served_site.root)}/"
    page = open_at(url, PHONE)
    days = page.locator("td.has-events .month-grid__date")
    assert days.count() >= 1
    first = days.first.inner_text()
    weekday, number, month = first.split()
    assert weekday.endswith("day") and number.isdigit() and month.isalpha(), first
    wide = open_at(url, DESKTOP)
    # On a desktop the column says the weekday; the month stays for screen readers only.
    assert wide.locator("td.has-events .month-grid__date").first.inner_text().split()[0].isdigit()
    assert not wide.locator("td.has-events .month-grid__long").first.is_visible()
