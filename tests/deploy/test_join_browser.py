"""The join flow in Chromium through each proxy, under the site's CSP as the guide sets it.

Debian's Chromium fills in the join form; the sign-up server (behind the proxy at /signup/)
queues the confirmation, which reaches aiosmtpd on loopback; its link opens through the
proxy, the button is pressed, and the keeper's mail carries the consent record.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, Response

from deploy.servers import CSP, KEEPER, Deployed, Proxy
from signup_support import confirm_link


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context()
    yield context.new_page()
    context.close()


def test_join_in_chromium_through_the_proxy_under_the_sites_csp(
    proxy: Proxy, deployed: Deployed, page: Page
):
    site = deployed.url
    visitor = f"browser.{proxy.kind}@example.org"
    problems: list[str] = []
    policies: dict[str, list[str]] = {}

    def console(message: ConsoleMessage) -> None:
        # A blocked script, style or form shows here: Chromium reports CSP violations as errors.
        if message.type == "error":
            problems.append(f"{message.text} ({message.location.get('url')})")

    def answered(response: Response) -> None:
        if response.request.resource_type == "document":
            policies[response.url] = response.headers_array()

    page.on("console", console)
    page.on("pageerror", lambda error: problems.append(f"uncaught: {error}"))
    page.on("request", lambda r: None if r.url.startswith(site) else problems.append(r.url))
    page.on("response", answered)

    page.goto(f"{site}/join/", wait_until="networkidle")
    # Shown, not downloaded, and styled: the stylesheets arrived as text/css.
    styled = "[...document.styleSheets].filter(sheet => sheet.cssRules.length).length"
    assert page.evaluate(styled) >= 2, "the site's stylesheets did not apply"
    form = page.locator("form.join-form").first
    assert "Yes, please email me news from Anytown Save Our NHS." in form.inner_text()
    form.locator("input[type=email]").fill(visitor)
    form.locator("input[type=checkbox][required]").check()
    with page.expect_navigation():
        form.locator("button[type=submit], input[type=submit]").click()
    assert page.url == f"{site}/join/check-your-email/", page.url

    link = confirm_link(deployed.deliver(visitor))
    page.goto(f"{site}{link}", wait_until="networkidle")
    deployed.drain()
    assert not deployed.mail(KEEPER, visitor), "opening the link alone must not confirm"
    with page.expect_navigation():
        page.locator("form[method=post] button, form[method=post] input[type=submit]").click()
    assert page.url == f"{site}/join/welcome/", page.url
    # The consent record shows the wording the page showed (the site read the same signup.toml).
    record = deployed.deliver(KEEPER, visitor).msg.get_content()
    for expected in (
        f"email: {visitor}",
        "consent_statement_id: 2026-01-v2",
        "Yes, please email me news from Anytown Save Our NHS.",
        "confirmed_at:",
    ):
        assert expected in record, record

    assert not problems, f"{proxy.kind}: {problems}"
    token = link.split("t=", 1)[1]
    for log, text in proxy.logs().items():
        assert visitor not in text and token not in text, f"{proxy.kind}: {log}"
    # Every page the browser showed came with the site's policy from the proxy.
    assert len(policies) >= 4, policies.keys()
    for url, headers in policies.items():
        csp = [h["value"] for h in headers if h["name"].lower() == "content-security-policy"]
        # Playwright joins repeated headers with a newline; the site's policy must be one.
        assert CSP in "\n".join(csp).split("\n"), (url, csp)
