"""Sharing in Debian's Chromium: "Copy link" copies the page's address, the phone's share
button shows only where the browser has one, and the Mastodon page sends the visitor to
their own server's share page. No request leaves the site until the visitor says where to.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from playwright.sync_api import Browser, Route, expect

from outputs.served import ServedSite
from outputs.test_browser import off_site

POST = "/news/2026/scrutiny-committee/"


def test_copy_link_and_no_share_button_without_the_web_share_api(
    served_site: ServedSite, browser: Browser
) -> None:
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    try:
        page.goto(served_site.url + POST, wait_until="networkidle")
        has_share = page.evaluate("typeof navigator.share === 'function'")
        expect(page.locator("[data-share-native]")).to_be_visible(visible=has_share)
        copy = page.get_by_role("button", name="Copy link")
        copy.focus()
        page.keyboard.press("Enter")
        expect(page.locator("[data-share-said]")).to_have_text("Link copied")
        assert page.evaluate("navigator.clipboard.readText()") == served_site.url + POST
    finally:
        context.close()
    assert off_site(requests, served_site.host) == []


def test_mastodon_page_goes_to_the_visitors_own_server(
    served_site: ServedSite, browser: Browser
) -> None:
    context = browser.new_context()
    page = context.new_page()
    went: list[str] = []

    def server(route: Route) -> None:  # stands in for the visitor's Mastodon server
        went.append(route.request.url)
        route.fulfill(status=200, content_type="text/html", body="<title>Mastodon</title>")

    context.route("https://social.example.net/**", server)
    try:
        page.goto(served_site.url + POST, wait_until="networkidle")
        page.get_by_role("link", name="Mastodon").click()
        page.wait_for_load_state("networkidle")
        text = page.input_value("#mastodon-text")
        assert text.endswith(POST) and text.startswith("Councillors question the A&E plan")
        # Not a server name: said, and nothing happens.
        page.fill("#mastodon-server", "not a server")
        page.get_by_role("button", name="Go to my server to post it").click()
        expect(page.get_by_role("alert")).to_contain_text("Write the name of your Mastodon")
        assert went == []
        # The visitor's address as Mastodon shows it works too.
        page.fill("#mastodon-server", "@campaigner@Social.Example.net")
        with page.expect_navigation():
            page.keyboard.press("Enter")
    finally:
        context.close()
    assert len(went) == 1, went
    address = urlsplit(went[0])
    assert (address.netloc, address.path) == ("social.example.net", "/share")
    assert parse_qs(address.query) == {"text": [text]}


def test_mastodon_page_without_javascript_says_what_to_do(
    served_site: ServedSite, browser: Browser
) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(served_site.url + "/share/mastodon/?text=x", wait_until="networkidle")
        expect(page.locator("form[data-mastodon]")).to_be_hidden()
        expect(page.locator("[data-mastodon-fallback]")).to_contain_text("paste it into a new post")
    finally:
        context.close()
