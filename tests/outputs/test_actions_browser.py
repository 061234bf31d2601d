"""Campaign action pages in a real browser (Debian's Chromium via Playwright), issue 13.

- Every action page, Take action and the privacy notice: no console errors, nothing off the
  site, no cookies or storage, no serious axe-core violation, no sideways scrolling.
- The counter refreshes from count.json (same origin, no cookie sent).
- The letter is filled in as the person types, copied, and printed, with 0 network requests
  after the page has loaded; without JavaScript it prints as a letter with blanks.

count.json is answered here in the contract's format, standing in for the sign-up server
(tests of the server itself, signing and confirming, are the server's end-to-end tests).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import date
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Browser, BrowserContext, Route

from outputs.served import ServedSite
from outputs.test_browser import DESKTOP, PHONE, Visit, page_problems, record_console

PAGES = {
    "take-action": "/take-action/",
    "privacy": "/privacy/",
    "petition": "/actions/save-our-ae/",
    "petition-stall": "/actions/save-our-ae/stall/",
    "pledge": "/actions/opt-out-pledge/",
    "poll": "/actions/mass-opt-out-poll/",
    "letter": "/actions/gp-opt-out-letter/",
}
VIEWS = {"desktop": (DESKTOP, "light"), "phone-dark": (PHONE, "dark")}
COUNT = {
    "count": 12345,
    "goal": 15000,
    "last_signed": "2026-11-24T15:00Z",
    "closed": False,
    "results": None,
}


@pytest.fixture
def new_context(browser: Browser) -> Iterator[Callable[..., BrowserContext]]:
    contexts: list[BrowserContext] = []

    def make(**options) -> BrowserContext:
        context = browser.new_context(**options)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def visit(new_context: Callable[..., BrowserContext], axe_source: str) -> Callable[..., Visit]:
    count_requests: list[dict[str, str]] = []

    def answer_count(route: Route) -> None:
        count_requests.append(route.request.headers)
        route.fulfill(
            status=200,
            content_type="application/json",
            headers={"Cache-Control": "public, max-age=60"},
            body=json.dumps(COUNT),
        )

    def open_(url: str, width: int = DESKTOP, scheme: str = "light", **options) -> Visit:
        context = new_context(
            viewport={"width": width, "height": 900}, color_scheme=scheme, **options
        )
        context.add_init_script(script=axe_source)
        context.route("**/count.json", answer_count)
        page = context.new_page()
        seen = Visit(page, 0)
        page.on("console", lambda m: record_console(seen, m))
        page.on("pageerror", lambda e: seen.console_errors.append(f"uncaught: {e}"))
        page.on("request", lambda r: seen.requests.append(r.url))
        response = page.goto(url, wait_until="networkidle")
        seen.status = response.status if response else 0
        return seen

    open_.count_requests = count_requests  # type: ignore[attr-defined]
    return open_


@pytest.mark.parametrize("view", list(VIEWS))
@pytest.mark.parametrize("name", list(PAGES))
def test_action_pages_in_a_real_browser(
    served_site: ServedSite, visit, screenshots_dir, name: str, view: str
) -> None:
    width, scheme = VIEWS[view]
    seen = visit(served_site.url + PAGES[name], width, scheme)
    seen.page.screenshot(path=screenshots_dir / f"action-{name}-{view}.png", full_page=True)
    problems = [] if seen.status == 200 else [f"HTTP status {seen.status}"]
    problems += page_problems(seen, served_site, width)
    assert not problems, f"{name} page, {view} view:\n" + "\n".join(problems)


def test_the_counter_refreshes_from_count_json(served_site: ServedSite, visit) -> None:
    seen = visit(served_site.url + PAGES["petition"])
    page = seen.page
    page.wait_for_function("document.querySelector('[data-count]').textContent === '12,345'")
    assert page.eval_on_selector(".hb-counter progress", "p => p.value") == 12345
    last = page.eval_on_selector("[data-last-signed] time", "t => t.getAttribute('datetime')")
    assert last == "2026-11-24T15:00Z"
    assert page.text_content("[data-last-signed]") == "24 November 2026, 15:00"
    (headers,) = visit.count_requests
    assert "cookie" not in {h.lower() for h in headers}
    asked = [u for u in seen.requests if u.endswith("count.json")]
    assert asked == [f"{served_site.url}/signup/actions/save-our-ae/count.json"]


LETTER_INPUT = {
    "your_name": "Ada Example",
    "your_address": "1 Mill Lane\nAnytown AT1 2BB",
    "practice": "Norfolk Street Surgery",
    "date_of_birth": "1 April 1970",
    "nhs_number": "485 777 3456",
}


def test_the_letter_sends_nothing(served_site: ServedSite, visit) -> None:
    seen = visit(
        served_site.url + PAGES["letter"], permissions=["clipboard-read", "clipboard-write"]
    )
    page = seen.page
    loaded = len(seen.requests)
    assert loaded > 0, "the page load itself was not seen"
    after_load: list[str] = []
    page.on("request", lambda r: after_load.append(r.url))

    for name, value in LETTER_INPUT.items():
        page.locator(f"[data-fills={name}]").press_sequentially(value, delay=5)
    body = page.locator(".hb-letter-body")
    assert body.locator("[data-blank=your_name]").all_text_contents() == ["Ada Example"] * 2
    today = page.evaluate(
        "() => new Intl.DateTimeFormat(document.documentElement.lang,"
        " {day: 'numeric', month: 'long', year: 'numeric'}).format(new Date())"
    )
    assert body.locator("[data-blank=date]").text_content() == today
    assert str(date.today().year) in today

    page.get_by_role("button", name="Copy the letter").click()
    page.wait_for_function("document.querySelector('[data-letter-status]').textContent !== ''")
    copied = page.evaluate("() => navigator.clipboard.readText()")
    assert copied.startswith("Ada Example\n1 Mill Lane\nAnytown AT1 2BB\n\n")
    assert "Dear Practice Manager, Norfolk Street Surgery," in copied
    assert "My date of birth is 1 April 1970 and my NHS number" in copied

    mailto = urlsplit(page.get_attribute("[data-letter-mailto]", "href"))
    query = parse_qs(mailto.query)
    assert mailto.scheme == "mailto"
    assert query["subject"] == ["Please record my type 1 opt-out"]
    assert query["body"][0].replace("\r\n", "\n") == copied

    # Print: the button asks the browser to print; the print layout is the letter alone.
    page.evaluate("() => { window.printed = 0; window.print = () => { window.printed += 1; }; }")
    page.get_by_role("button", name="Print the letter").click()
    assert page.evaluate("() => window.printed") == 1
    page.emulate_media(media="print")
    assert page.locator(".hb-letter-body").is_visible()
    for chrome in ("[data-letter-form]", "[data-letter-tools]", "h1", ".site-header"):
        assert not page.locator(chrome).first.is_visible(), chrome
    page.pdf()  # really lay the page out for print
    page.wait_for_timeout(300)

    assert after_load == [], f"the letter page made requests after loading: {after_load}"
    assert page.context.cookies() == []


def test_the_letter_without_javascript_prints_with_blanks(served_site: ServedSite, visit) -> None:
    seen = visit(served_site.url + PAGES["letter"], java_script_enabled=False)
    page = seen.page
    assert not page.locator("[data-letter-form]").is_visible()
    assert not page.locator("[data-letter-tools]").is_visible()
    assert page.locator("[data-letter-nojs]").is_visible()
    assert page.locator("[data-blank=your_name]").first.text_content() == "your name"
    page.emulate_media(media="print")
    assert page.locator(".hb-letter-body").is_visible()
    assert not page.locator("[data-letter-nojs]").is_visible()
    width = page.eval_on_selector("[data-blank=practice]", "b => b.getBoundingClientRect().width")
    assert width > 100, "a blank must leave room to write by hand"
