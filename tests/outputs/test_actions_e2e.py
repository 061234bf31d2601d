"""A campaign action end to end in Chromium, with the real sign-up server and SMTP: sign the
demo petition on its built page -> the confirmation mail reaches aiosmtpd -> its link opens a
page with a button (opening it counts nothing) -> pressed -> the counter on the page rises
(refreshed from count.json, same origin, no cookie) and the counts file the next build
bakes in says the same. Site and server share one origin through the test proxy, as the
nginx set-up in docs/operators.md has it."""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial
from http.server import ThreadingHTTPServer
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from playwright.sync_api import Browser

from outputs.served import ProxyingSiteHandler
from outputs.test_signup_e2e import Inbox, SignupSite, free_port, write_config
from outputs.tools import ROOT
from signup_support import start_server
from sitebuild import build_site

SLUG = "save-our-ae"
SIGNER = "browser.signer@example.org"
CONFIRM = re.compile(rf"https?://\S+/signup/actions/{SLUG}/confirm\?t=\S+")


@dataclass(frozen=True)
class ActionSite:
    signup: SignupSite
    counts: Path


@pytest.fixture(scope="module")
def action_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ActionSite]:
    folder = tmp_path_factory.mktemp("actions-e2e")
    inbox = Inbox()
    smtp = Controller(inbox, hostname="127.0.0.1", port=free_port())
    smtp.start()
    backend_port = free_port()
    root = folder / "output"
    handler = partial(ProxyingSiteHandler, directory=str(root), backend_port=backend_port)
    web = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    url = f"http://127.0.0.1:{web.server_address[1]}"
    config = write_config(folder, url, smtp.port)
    counts = folder / "public" / "action-counts.json"
    # The server reads the demo's own action files: the page and the count agree on them.
    with config.open("a", encoding="utf-8") as out:
        out.write(
            f'\n[actions]\nfolder = "{ROOT / "content" / "actions"}"\ncounts_file = "{counts}"\n'
        )
    build_site(
        root,
        "publishconf.py",
        SITEURL=url,
        FEED_DOMAIN=url,
        HANDBILL_SIGNUP={"config": str(config), "server_url": "/signup"},
        HANDBILL_ACTIONS={"counts_file": str(counts)},
    )
    server = start_server(config, backend_port, workers=1)
    threading.Thread(target=web.serve_forever, daemon=True).start()
    try:
        yield ActionSite(SignupSite(url, config, inbox), counts)
    finally:
        web.shutdown()
        web.server_close()
        server.terminate()
        server.wait(timeout=10)
        smtp.stop()


def test_sign_confirm_and_the_counter_rises_in_a_real_browser(
    action_site: ActionSite, browser: Browser
) -> None:
    site = action_site.signup.url
    page_url = f"{site}/actions/{SLUG}/"
    off_site: list[str] = []
    context = browser.new_context()
    page = context.new_page()
    page.on("request", lambda r: None if r.url.startswith(site) else off_site.append(r.url))

    page.goto(page_url)
    counter = page.locator("[data-count]").first
    assert counter.get_attribute("data-count") == "0"
    form = page.locator("form#sign")
    form.locator("input[name=name]").fill("Browser Signer")
    form.locator("input[name=district]").fill("AT1")
    form.locator("input[type=email]").fill(SIGNER)
    assert not form.locator("input[name=keep_informed]").is_checked()
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    assert page.url == f"{site}/join/check-your-email/", page.url

    mail = action_site.signup.deliver(SIGNER)
    [link] = CONFIRM.findall(mail.get_body(("plain",)).get_content())
    assert "browser.signer" not in link
    page.goto(link)
    with page.expect_navigation():
        page.locator("form[method=post] button").click()
    assert "your signature counts" in page.locator("h1").inner_text()
    assert context.cookies() == []
    context.close()

    # Another visitor (a fresh browser: count.json may be cached for a minute): the page
    # was built with 0, the script shows the confirmed count from the server.
    visitor = browser.new_context()
    later = visitor.new_page()
    later.on("request", lambda r: None if r.url.startswith(site) else off_site.append(r.url))
    later.goto(page_url)
    later.wait_for_selector("[data-count='1']", timeout=10_000)
    assert later.locator("[data-count]").first.inner_text() == "1"
    assert visitor.cookies() == []
    visitor.close()
    baked = json.loads(action_site.counts.read_text(encoding="utf-8"))
    assert baked[SLUG]["count"] == 1 and baked[SLUG]["goal"] == 15000
    assert not off_site, f"requests off the site: {off_site}"
