"""Sign-up end to end in a real browser, with the real sign-up server and a real SMTP server.

Chromium fills in the join form -> the confirmation mail reaches aiosmtpd on loopback -> its
link opens in the browser -> the button is pressed -> the hand-off mail reaches the list's
keeper with the consent record. The site and the server share one origin through a small
proxy, as the nginx set-up in docs/operators.md has it.
"""

from __future__ import annotations

import re
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from functools import partial
from http.server import ThreadingHTTPServer
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from playwright.sync_api import Browser, Page

from outputs.served import ProxyingSiteHandler
from signup_support import env, start_server
from sitebuild import build_site

pytest.importorskip("signup_server", reason="the sign-up server is not installed")

SIGNUP = Path(sys.executable).parent / "handbill-signup"
CONSENT_VERSION = "2026-11-e2e"
CONSENT_TEXT = "Yes, email me news from {group}. I can unsubscribe at any time."
KEEPER = "keeper@anytown.example.org"
VISITOR = "browser.visitor@example.org"
CONFIRM_LINK = re.compile(r"https?://\S+/signup/confirm\?t=\S+")


@dataclass
class Inbox:
    """What aiosmtpd accepted, by recipient."""

    messages: list[tuple[list[str], EmailMessage]] = field(default_factory=list)

    async def handle_DATA(self, server, session, envelope) -> str:  # aiosmtpd's hook
        message = message_from_bytes(
            envelope.original_content or envelope.content, policy=policy.default
        )
        self.messages.append((list(envelope.rcpt_tos), message))
        return "250 OK"

    def to(self, address: str) -> list[EmailMessage]:
        return [message for rcpts, message in self.messages if address in rcpts]


@dataclass(frozen=True)
class SignupSite:
    url: str
    config: Path
    inbox: Inbox

    def deliver(self, address: str) -> EmailMessage:
        """Run the spool worker once (as `handbill-signup spool drain`) and take the mail."""
        for _ in range(20):
            subprocess.run(
                [str(SIGNUP), "spool", "drain", "--config", str(self.config)],
                env=env(),
                capture_output=True,
                timeout=60,
                check=True,
            )
            if found := self.inbox.to(address):
                return found[-1]
            time.sleep(0.25)
        pytest.fail(f"no mail reached {address}; the inbox has {len(self.inbox.messages)}")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def write_config(folder: Path, site_url: str, smtp_port: int) -> Path:
    config = folder / "signup.toml"
    config.write_text(
        f"""
[site]
group_name = "Anytown Save Our NHS"
url = "{site_url}"
origins = ["{site_url}"]

[server]
public_url = "{site_url}/signup"
spool_dir = "{folder / "spool"}"
state_file = "{folder / "state" / "limits.sqlite3"}"
proxy_hops = 1

[consent]
version = "{CONSENT_VERSION}"
text = "{CONSENT_TEXT}"

[mail]
from = "join@anytown.example.org"
[mail.smtp]
host = "127.0.0.1"
port = {smtp_port}
security = "none"
timeout = 5

[list]
name = "Anytown news"
backend = "email"
keeper = "{KEEPER}"

[contact]
inbox = "hello@anytown.example.org"
""",
        encoding="utf-8",
    )
    return config


@pytest.fixture(scope="module")
def signup_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SignupSite]:
    folder = tmp_path_factory.mktemp("signup-e2e")
    inbox = Inbox()
    smtp = Controller(inbox, hostname="127.0.0.1", port=free_port())
    smtp.start()
    backend_port = free_port()
    root = folder / "output"
    handler = partial(ProxyingSiteHandler, directory=str(root), backend_port=backend_port)
    web = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    url = f"http://127.0.0.1:{web.server_address[1]}"
    config = write_config(folder, url, smtp.port)
    # The site reads the same signup.toml, so the form shows the wording the server records.
    build_site(
        root,
        "publishconf.py",
        SITEURL=url,
        FEED_DOMAIN=url,
        HANDBILL_SIGNUP={"config": str(config), "server_url": "/signup"},
    )
    server = start_server(config, backend_port, workers=1)
    threading.Thread(target=web.serve_forever, daemon=True).start()
    try:
        yield SignupSite(url, config, inbox)
    finally:
        web.shutdown()
        web.server_close()
        server.terminate()
        server.wait(timeout=10)
        smtp.stop()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context()
    yield context.new_page()
    context.close()


def test_join_confirm_and_hand_off_in_a_real_browser(signup_site: SignupSite, page: Page) -> None:
    site = signup_site.url
    off_site: list[str] = []
    page.on("request", lambda r: None if r.url.startswith(site) else off_site.append(r.url))
    errors: list[str] = []
    page.on(
        "console",
        lambda m: (
            errors.append(f"{m.text} ({m.location.get('url')})") if m.type == "error" else None
        ),
    )

    page.goto(f"{site}/join/")
    form = page.locator("form.join-form").first
    form.locator("input[type=email]").fill(VISITOR)
    form.locator("input[type=checkbox][required]").check()
    with page.expect_navigation():
        form.locator("button[type=submit], input[type=submit]").click()
    assert page.url == f"{site}/join/check-your-email/", page.url

    confirmation = signup_site.deliver(VISITOR)
    links = CONFIRM_LINK.findall(confirmation.get_body(("plain",)).get_content())
    assert links and links[0].startswith(f"{site}/signup/confirm?t="), links
    page.goto(links[0])
    assert not signup_site.inbox.to(KEEPER), "opening the link alone must not confirm"
    with page.expect_navigation():
        page.locator("form[method=post] button, form[method=post] input[type=submit]").click()
    assert page.url == f"{site}/join/welcome/", page.url

    record = signup_site.deliver(KEEPER).get_body(("plain",)).get_content()
    for expected in (
        f"email: {VISITOR}",
        f"consent_statement_id: {CONSENT_VERSION}",
        CONSENT_TEXT.format(group="Anytown Save Our NHS"),
        "confirmed_at:",
    ):
        assert expected in record, record
    assert not off_site, f"requests off the site: {off_site}"
    assert not errors, f"console errors: {errors}"


LEAVE_LINK = re.compile(r"https?://\S+/signup/leave\?t=\S+")
LEAVER = "browser.leaver@example.org"


def test_leave_from_the_site_in_a_real_browser(signup_site: SignupSite, page: Page) -> None:
    """Leaving is as easy as joining: the site's leave page -> a mail with a leave link ->
    the link shows a button (a scanner's GET changes nothing) -> pressed -> "you've left",
    and the keeper gets the withdrawal record."""
    site = signup_site.url
    page.goto(f"{site}/join/welcome/")
    with page.expect_navigation():
        page.locator("a[href$='/join/leave/']").first.click()
    form = page.locator("form.hb-leave").first
    form.locator("input[type=email]").fill(LEAVER)
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    assert page.url == f"{site}/join/leave/check-your-email/", page.url

    mail = signup_site.deliver(LEAVER)
    [link] = LEAVE_LINK.findall(mail.get_body(("plain",)).get_content())
    assert mail["List-Unsubscribe"] == f"<{link}>"
    assert LEAVER.split("@")[0] not in link
    page.goto(link)
    assert not [m for m in signup_site.inbox.to(KEEPER) if m["Subject"].startswith("Left")]
    with page.expect_navigation():
        page.locator("form[method=post] button").click()
    assert page.url == f"{site}/join/left/", page.url
    record = signup_site.deliver(KEEPER)
    assert record["Subject"] == "Left Anytown news"
    text = record.get_body(("plain",)).get_content()
    assert f"email: {LEAVER}" in text and "withdrawn_at:" in text
