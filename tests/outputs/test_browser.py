"""The demo site in a real browser (Debian's Chromium via Playwright), as visitors get it.

Each key page, at desktop and phone widths (and phone in dark mode): no console errors, no
request off the site, no cookies or web storage, no serious or critical axe-core violations,
no sideways scrolling on a phone, and a screenshot for a person to look at. Then the join
form, filled in with the keyboard alone.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote_plus, urlsplit

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, Route

from outputs.served import ServedSite

DESKTOP, PHONE = 1280, 375
# (width, colour scheme) per view; the theme has a dark palette, so axe checks its contrast too.
VIEWS = {"desktop": (DESKTOP, "light"), "phone": (PHONE, "light"), "phone-dark": (PHONE, "dark")}
NOT_FOUND_PATH = "/no-such-page-for-the-404-test/"
SERIOUS = {"serious", "critical"}


def first(root: Path, pattern: str, skip: Callable[[Path], bool] = lambda p: False) -> str | None:
    """The address of the first built page matching `pattern`, or None."""
    for path in sorted(root.glob(pattern), key=lambda p: (-len(p.parts), str(p))):
        if not skip(path.relative_to(root)):
            return "/" + str(path.parent.relative_to(root)).strip(".") + "/"
    return None


def is_listing(path: Path) -> bool:
    return "page" in path.parts or path.parent.name.isdigit()


def event_page(root: Path) -> str | None:
    """An event's own page: events/<slug>/, preferring one that offers its own .ics."""
    pages = [
        p
        for p in sorted(root.glob("events/*/index.html"))
        if not is_listing(p.relative_to(root)) and p.parent.name not in {"category", "tag"}
    ]
    pages.sort(key=lambda p: not any(p.parent.glob("*.ics")))
    return f"/events/{pages[0].parent.name}/" if pages else None


# name -> how to find its address in the build
PAGES: dict[str, Callable[[Path], str | None]] = {
    "home": lambda root: "/" if (root / "index.html").is_file() else None,
    "article": lambda root: first(root, "news/[0-9][0-9][0-9][0-9]/*/index.html", is_listing),
    "category": lambda root: first(root, "news/category/*/index.html", is_listing),
    "events": lambda root: "/events/" if (root / "events/index.html").is_file() else None,
    "event": event_page,
    "join": lambda root: "/join/" if (root / "join/index.html").is_file() else None,
    # The demo's responsive photo (srcset, lazy loading) and an event's access details.
    "photo": lambda root: (
        "/news/2026/consultation-closes/"
        if (root / "news/2026/consultation-closes/index.html").is_file()
        else None
    ),
    "access": lambda root: (
        "/events/members-meeting/"
        if (root / "events/members-meeting/index.html").is_file()
        else None
    ),
    "404": lambda root: NOT_FOUND_PATH if (root / "404.html").is_file() else None,
}


def address(site: ServedSite, name: str) -> str:
    found = PAGES[name](site.root)
    if found is None:
        pytest.fail(f"the demo site has no {name} page")
    return found


@dataclass
class Visit:
    """One page load with everything the page did on the way."""

    page: Page
    status: int
    console_errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)


@pytest.fixture
def open_page(browser: Browser, axe_source: str) -> Iterator[Callable[[str, int], Visit]]:
    contexts = []

    def visit(url: str, width: int, scheme: str = "light") -> Visit:
        # A fresh context per visit: no cookies or cache carried over from another page.
        context = browser.new_context(viewport={"width": width, "height": 900}, color_scheme=scheme)
        contexts.append(context)
        # An init script is injected by the browser itself, so the site's CSP cannot block axe.
        context.add_init_script(script=axe_source)
        page = context.new_page()
        seen = Visit(page, 0)
        page.on("console", lambda m: record_console(seen, m))
        page.on("pageerror", lambda e: seen.console_errors.append(f"uncaught: {e}"))
        page.on("request", lambda r: seen.requests.append(r.url))
        response = page.goto(url, wait_until="networkidle")
        seen.status = response.status if response else 0
        return seen

    yield visit
    for context in contexts:
        context.close()


def record_console(seen: Visit, message: ConsoleMessage) -> None:
    if message.type == "error":
        where = message.location.get("url", "")
        seen.console_errors.append(f"{message.text} ({where})")


def off_site(requests: list[str], host: str) -> list[str]:
    local_schemes = {"data", "blob", "about"}
    return [
        u
        for u in requests
        if urlsplit(u).scheme not in local_schemes and urlsplit(u).netloc != host
    ]


def axe_violations(page: Page) -> list[str]:
    violations = page.evaluate(
        """async () => {
            const result = await axe.run(document, {resultTypes: ["violations"]});
            return result.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                targets: v.nodes.slice(0, 3).map(n => n.target.join(" ")),
                // e.g. "Element has insufficient color contrast of 3.1 (foreground ...)"
                why: (v.nodes[0].failureSummary || "").split("\\n").slice(1).join(" ").trim(),
            }));
        }"""
    )
    return [
        f"axe {v['impact']} {v['id']}: {v['help']} at {v['targets']}: {v['why']}"
        for v in violations
        if v["impact"] in SERIOUS
    ]


def sideways_overflow(page: Page) -> int:
    """How many CSS pixels wider than the viewport the page is (0 when it fits)."""
    return page.evaluate(
        """() => Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)
                 - window.innerWidth"""
    )


def page_problems(seen: Visit, site: ServedSite, width: int) -> list[str]:
    """Everything wrong with a loaded page, as lines for the failure message."""
    errors = seen.console_errors
    if seen.status == 404:
        # The page itself answering 404 is the point; Chromium logs that as an error.
        page_url = seen.page.url
        errors = [
            e for e in errors if not (e.startswith("Failed to load resource") and page_url in e)
        ]
    problems = [f"console: {e}" for e in errors]
    problems += [f"request off the site: {u}" for u in off_site(seen.requests, site.host)]
    problems += [f"cookie set: {c['name']}" for c in seen.page.context.cookies()]
    # Web storage is a cookie by another name as far as the privacy notice is concerned.
    stored = seen.page.evaluate(
        "() => [...Object.keys(localStorage), ...Object.keys(sessionStorage)]"
    )
    problems += [f"web storage used: {key}" for key in stored]
    problems += axe_violations(seen.page)
    if width == PHONE and (extra := sideways_overflow(seen.page)) > 0:
        problems.append(f"scrolls sideways: {extra}px wider than a {PHONE}px phone")
    return problems


@pytest.mark.parametrize("view", list(VIEWS))
@pytest.mark.parametrize("name", list(PAGES))
def test_page_in_a_real_browser(
    served_site: ServedSite, open_page, screenshots_dir: Path, name: str, view: str
) -> None:
    url = served_site.url + address(served_site, name)
    width, scheme = VIEWS[view]
    seen = open_page(url, width, scheme)
    seen.page.screenshot(path=screenshots_dir / f"{name}-{view}.png", full_page=True)
    expected_status = 404 if name == "404" else 200
    problems = [] if seen.status == expected_status else [f"HTTP status {seen.status}"]
    problems += page_problems(seen, served_site, width)
    assert not problems, f"{name} page {url}, {view} view:\n" + "\n".join(problems)


GUARD_PAGE = """<!DOCTYPE html><html lang="en"><head><title>guard</title></head><body>
<img src="http://localhost:9/tracker.png">
<div style="width: 900px">too wide for a phone</div>
<script>document.cookie = "tracked=yes; path=/"; localStorage.setItem("seen", "1");
console.error("boom");</script>
</body></html>"""


def test_the_browser_checks_catch_a_bad_page(served_site: ServedSite, open_page) -> None:
    # Guards the checks: each kind of problem they look for must show up on this page.
    guard = served_site.root / "guard-page-for-tests"
    guard.mkdir(exist_ok=True)
    (guard / "index.html").write_text(GUARD_PAGE, encoding="utf-8")
    seen = open_page(f"{served_site.url}/guard-page-for-tests/", PHONE)
    report = "\n".join(page_problems(seen, served_site, PHONE))
    for expected in (
        "console: boom",
        "request off the site: http://localhost:9/",
        "cookie set: tracked",
        "web storage used: seen",
        "axe critical image-alt",
        "scrolls sideways",
    ):
        assert expected in report, report


STRICT_CSP_PAGE = """<!DOCTYPE html><html lang="en"><head><title>csp</title>
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'self'">
</head><body><main><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw="></main></body></html>"""


def test_axe_runs_under_a_strict_csp(served_site: ServedSite, open_page) -> None:
    # The site forbids inline and injected scripts; axe must still run, or every page would
    # pass the accessibility check unseen. The image without alt text is there to be found.
    guard = served_site.root / "csp-page-for-tests"
    guard.mkdir(exist_ok=True)
    (guard / "index.html").write_text(STRICT_CSP_PAGE, encoding="utf-8")
    seen = open_page(f"{served_site.url}/csp-page-for-tests/", DESKTOP)
    assert any("image-alt" in v for v in axe_violations(seen.page)), "axe did not run"


JOIN_FORM = "form.join-form"
EMAIL = "keyboard.only@example.org"
# What the keyboard test needs to know about whatever has focus.
FOCUSED = """(formSelector) => {
    const el = document.activeElement;
    const form = el && el.closest(formSelector);
    return el ? {
        inForm: form !== null, tag: el.tagName.toLowerCase(), type: (el.type || "").toLowerCase(),
        name: el.name || "", required: !!el.required, checked: !!el.checked, empty: !el.value,
        label: (el.labels && el.labels[0] ? el.labels[0].textContent : el.name || "").trim(),
    } : null;
}"""


def press_tab_until(page: Page, wanted: Callable[[dict], bool], limit: int = 80) -> dict:
    """Tab through the page until the focused element is `wanted`; fail if it never is."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED, JOIN_FORM)
        if focused and wanted(focused):
            return focused
    pytest.fail(f"{limit} presses of Tab never reached the join form's next control")


def fill_by_keyboard(page: Page) -> list[str]:
    """Email, then consent (Space), then submit (Enter), moving only with Tab.

    Returns the names of the boxes ticked on the way.
    """
    press_tab_until(page, lambda f: f["inForm"] and f["type"] == "email")
    page.keyboard.type(EMAIL)
    ticked = []
    for _ in range(20):
        focused = press_tab_until(page, lambda f: f["inForm"])
        if focused["type"] == "checkbox" and focused["required"] and not focused["checked"]:
            page.keyboard.press("Space")
            ticked.append(focused["name"])
        elif focused["tag"] == "button" or focused["type"] == "submit":
            page.keyboard.press("Enter")
            return ticked
        elif focused["required"] and focused["empty"]:
            page.keyboard.type("Keyboard Tester")  # e.g. a required name field
    pytest.fail("Tab never reached the join form's submit button")


def test_the_join_form_can_be_completed_with_the_keyboard_alone(
    served_site: ServedSite, open_page
) -> None:
    seen = open_page(served_site.url + address(served_site, "join"), DESKTOP)
    page = seen.page
    assert page.locator(JOIN_FORM).count() == 1, f"the join page has no {JOIN_FORM}"

    def stand_in(route: Route) -> None:
        # Stand in for the sign-up server: this test is about the form, not the server.
        if route.request.method == "POST":
            route.fulfill(
                status=200,
                content_type="text/html",
                body="<!DOCTYPE html><title>Thanks</title><p>Check your email.",
            )
        else:
            route.continue_()

    page.route("**/*", stand_in)
    with page.expect_request(lambda r: r.method == "POST", timeout=10_000) as submitted:
        ticked = fill_by_keyboard(page)
    assert ticked, "the join form has no required consent box to tick"
    # Whatever the encoding (form fields, multipart or JSON), the values must be in the body.
    body = unquote_plus(submitted.value.post_data or "")
    assert EMAIL in body, f"the email typed is not in what the form sent: {body!r}"
    for name in ticked:
        assert name and name in body, f"consent box {name!r} is not in what was sent: {body!r}"
