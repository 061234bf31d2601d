"""Search in Debian's Chromium, on the published demo, under the policies the guide's nginx
file sends (the search page and pagefind/ with 'wasm-unsafe-eval', every other page without):
found by keyboard alone, a post and an event, with no request to another host; and the page
without JavaScript links to the archive.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from functools import partial
from http.server import ThreadingHTTPServer

import pytest
from playwright.sync_api import Browser, Page, expect

from outputs.served import ServedSite, SiteHandler
from outputs.test_browser import off_site
from outputs.tools import ROOT
from sitebuild import build_site

NGINX = ROOT / "deploy" / "nginx" / "handbill.conf"
MAP = re.compile(r"map \$uri \$handbill_csp \{(.*?)\n\}", re.DOTALL)
ENTRY = re.compile(r'^\s*(\S+)\s+"([^"]+)";', re.MULTILINE)


def guide_policies() -> tuple[str, re.Pattern[str], str]:
    """(default policy, the path pattern given its own policy, that policy) from nginx's map."""
    found = MAP.search(NGINX.read_text(encoding="utf-8"))
    assert found, f"no Content-Security-Policy map in {NGINX}"
    entries = dict(ENTRY.findall(found[1]))
    default = entries.pop("default")
    [(pattern, policy)] = entries.items()
    return default, re.compile(pattern.removeprefix("~")), policy


class PolicyHandler(SiteHandler):
    policies: tuple[str, re.Pattern[str], str] = ("", re.compile("^$"), "")

    def end_headers(self) -> None:
        default, pattern, special = self.policies
        path = self.path.split("?", 1)[0]
        self.send_header("Content-Security-Policy", special if pattern.search(path) else default)
        super().end_headers()


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServedSite]:
    """The published demo, built for and served by a loopback server sending the guide's
    policies (so every absolute link stays on it)."""
    root = tmp_path_factory.mktemp("search") / "output"
    handler = type("Handler", (PolicyHandler,), {"policies": guide_policies()})
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(handler, directory=str(root)))
    url = f"http://127.0.0.1:{server.server_address[1]}"
    build_site(root, "publishconf.py", SITEURL=url, FEED_DOMAIN=url)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield ServedSite(url, root)
    finally:
        server.shutdown()
        server.server_close()


def tab_to(page: Page, element_id: str, limit: int = 60) -> None:
    """Press Tab until the element has the focus, as a keyboard user would."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement && document.activeElement.id") == element_id:
            return
    pytest.fail(f"#{element_id} never got the focus after {limit} presses of Tab")


def search_by_keyboard(page: Page, words: str) -> list[str]:
    """Type `words`, press Enter, wait for the live region; the result addresses."""
    page.keyboard.press("Control+A")
    page.keyboard.type(words)
    page.keyboard.press("Enter")
    status = page.locator("[data-search-status]")
    expect(status).to_contain_text(words, timeout=15_000)
    return page.locator("[data-search-results] a").evaluate_all("(as) => as.map(a => a.href)")


def test_keyboard_search_finds_a_post_and_an_event_without_other_hosts(
    site: ServedSite, browser: Browser
) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    requests: list[str] = []
    errors: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        page.goto(f"{site.url}/search/", wait_until="networkidle")
        expect(page.locator("form[data-search]")).to_be_visible()
        expect(page.locator("[data-search-fallback]")).to_be_hidden()
        # The live region and the field's label, for screen readers.
        assert page.locator("[data-search-status]").get_attribute("aria-live") == "polite"
        expect(page.get_by_label("Search the news, pages and events")).to_be_visible()
        tab_to(page, "search-q")

        post = search_by_keyboard(page, "persuaded")
        assert f"{site.url}/news/2026/scrutiny-committee/" in post, post
        assert re.search(r"Results for “persuaded”: \d+", page.inner_text("[data-search-status]"))

        event = search_by_keyboard(page, "heist")
        assert event == [f"{site.url}/events/film-screening/"], event

        nothing = search_by_keyboard(page, "zyzzyvaquux")
        assert nothing == []
        assert "No results" in page.inner_text("[data-search-status]")

        # The first result is one Tab away, and Enter opens it.
        search_by_keyboard(page, "heist")
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.type") == "submit":
            page.keyboard.press("Tab")
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert page.url == f"{site.url}/events/film-screening/"
    finally:
        context.close()
    assert not errors, errors
    assert any("/pagefind/" in u for u in requests), "the index was never loaded"
    assert off_site(requests, site.host) == []


def test_a_query_in_the_address_is_searched(site: ServedSite, browser: Browser) -> None:
    context = browser.new_context()
    page = context.new_page()
    try:
        page.goto(f"{site.url}/search/?q=persuaded", wait_until="networkidle")
        found = page.locator("[data-search-results] a[href$='/news/2026/scrutiny-committee/']")
        expect(found).to_have_count(1)
        assert page.input_value("#search-q") == "persuaded"
    finally:
        context.close()


def test_without_javascript_the_page_links_to_the_archive(
    site: ServedSite, browser: Browser
) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    try:
        page.goto(f"{site.url}/search/", wait_until="networkidle")
        expect(page.locator("form[data-search]")).to_be_hidden()
        archive = page.locator("[data-search-fallback] a", has_text="All our news")
        expect(archive).to_have_attribute("href", f"{site.url}/news/archives/")
    finally:
        context.close()
    assert not any("/pagefind/" in u for u in requests), requests


def test_other_pages_load_nothing_of_search(site: ServedSite) -> None:
    for page in ("index.html", "events/index.html", "news/2026/scrutiny-committee/index.html"):
        html = (site.root / page).read_text(encoding="utf-8")
        assert "pagefind/" not in html and "search.js" not in html, page


def test_the_index_holds_every_post_page_and_event(site: ServedSite) -> None:
    """Every page marked for the index (posts, pages, events, actions), and those only."""
    entry = (site.root / "pagefind" / "pagefind-entry.json").read_text(encoding="utf-8")
    indexed = sum(int(n) for n in re.findall(r'"page_count":\s*(\d+)', entry))
    pages = site.root.rglob("*.html")
    marked = [p for p in pages if "data-pagefind-body" in p.read_text(encoding="utf-8")]
    kinds = {p.relative_to(site.root).parts[0] for p in marked}
    assert {"news", "events", "about", "join", "actions"} <= kinds, kinds
    assert indexed == len(marked), (indexed, len(marked))
