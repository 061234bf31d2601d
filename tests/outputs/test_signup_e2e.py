"""Join -> leave in a real browser, for every list backend, and the stall page.

Chromium fills in the join form -> the confirmation mail reaches aiosmtpd on loopback -> its
link opens in the browser -> the button is pressed -> the subscriber reaches the backend:
the keeper's mail, a real Mailman 3 core, listmonk (a fake kept to its documented API) or a
webhook (tests/list_backends.py). Then the person leaves from the site's leave page -> the
leave link from the mail -> the button -> off the list, and the keeper gets the withdrawal
record. The site and the real sign-up server (gunicorn) share one origin through a small
proxy, as the nginx set-up in docs/operators.md has it. The join step through real nginx and
Caddy under the site's CSP is tests/deploy/test_join_browser.py.
"""

from __future__ import annotations

import subprocess
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import ThreadingHTTPServer
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page

from list_backends import (
    FakeListmonk,
    WebhookReceiver,
    backend_settings,
    on_list,
    running_mailman,
)
from outputs.served import ProxyingSiteHandler
from signup_support import (
    BIN,
    Received,
    Site,
    SmtpServer,
    confirm_link,
    env,
    free_port,
    start_server,
    stop_server,
    write_config,
)
from sitebuild import build_site

KEEPER = "keeper@anytown.example.org"  # signup_support's signup.toml
CONSENT_TEXT = "Yes, please email me news from Anytown Save Our NHS."
BACKENDS = ["email", "mailman", "listmonk", "webhook"]


@dataclass
class Backends:
    """The site, its proxy, the SMTP server and the list backends the servers talk to."""

    url: str
    folder: Path
    smtp: SmtpServer
    listmonk: FakeListmonk
    webhook: WebhookReceiver
    proxied: dict[str, int] = field(default_factory=dict)  # where /signup/ goes now


@dataclass
class SignupSite:
    """The site with one backend's sign-up server behind its /signup/."""

    url: str
    backend: str
    server: Site
    smtp: SmtpServer

    def deliver(self, to: str, about: str = "") -> Received:
        """Run the spool worker once and take the newest mail to `to` (about `about`)."""
        self.server.drain()
        found = [m for m in self.smtp.sink.to(to) if about in m.msg.get_content()]
        assert found, f"no mail reached {to} about {about!r}"
        return found[-1]


@pytest.fixture(scope="module")
def backends(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Backends]:
    """One built site for every backend: only the server behind /signup/ changes (all of
    their signup.toml files have the same wording, which the site shows)."""
    folder = tmp_path_factory.mktemp("signup-e2e")
    smtp = SmtpServer()
    smtp.start()
    listmonk, webhook = FakeListmonk(), WebhookReceiver()
    proxied: dict[str, int] = {}
    root = folder / "output"

    def handler(*args: object) -> ProxyingSiteHandler:
        return ProxyingSiteHandler(*args, directory=str(root), backend_port=proxied["port"])

    web = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    port = web.server_address[1]
    url = f"http://127.0.0.1:{port}"
    wording = write_config(folder, smtp.port, port)
    build_site(
        root,
        "publishconf.py",
        SITEURL=url,
        FEED_DOMAIN=url,
        HANDBILL_SIGNUP={"config": str(wording), "server_url": "/signup"},
    )
    threading.Thread(target=web.serve_forever, daemon=True).start()
    try:
        yield Backends(url, folder, smtp, listmonk, webhook, proxied)
    finally:
        web.shutdown()
        web.server_close()
        listmonk.close()
        webhook.close()
        smtp.stop()


@pytest.fixture(scope="module")
def mailman(backends: Backends) -> Iterator[object]:
    """Started only when a Mailman test runs: it takes some seconds."""
    with running_mailman(backends.folder / "mailman-core", backends.smtp.port) as mm:
        yield mm


def start_behind_proxy(
    backends: Backends, name: str, backend: str, extra: str = "", limits: str = ""
) -> Site:
    folder = backends.folder / name
    folder.mkdir()
    port = int(backends.url.rsplit(":", 1)[1])
    config = write_config(
        folder, backends.smtp.port, port, backend=backend, extra=extra, limits=limits
    )
    server = Site(free_port(), config)
    server.proc = start_server(config, server.port, workers=1)
    backends.proxied["port"] = server.port
    return server


@pytest.fixture(scope="module", params=BACKENDS)
def signup_site(request: pytest.FixtureRequest, backends: Backends) -> Iterator[SignupSite]:
    backend = request.param
    running = {"mailman": request.getfixturevalue("mailman")} if backend == "mailman" else {}
    extra = backend_settings(
        backend, listmonk=backends.listmonk, webhook=backends.webhook, **running
    )
    server = start_behind_proxy(backends, backend, backend, extra)
    try:
        yield SignupSite(backends.url, backend, server, backends.smtp)
    finally:
        stop_server(server.proc)


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context()
    yield context.new_page()
    context.close()


def watch(page: Page, site: str) -> list[str]:
    """Requests off the site and console errors, gathered while the test runs."""
    problems: list[str] = []
    page.on("request", lambda r: None if r.url.startswith(site) else problems.append(r.url))
    page.on(
        "console",
        lambda m: (
            problems.append(f"{m.text} ({m.location.get('url')})") if m.type == "error" else None
        ),
    )
    return problems


def listed(signup_site: SignupSite, backends: Backends, email: str, mailman) -> bool | None:
    return on_list(
        signup_site.backend,
        email,
        mailman=mailman,
        listmonk=backends.listmonk,
        webhook=backends.webhook,
    )


def join_in_browser(page: Page, signup_site: SignupSite, visitor: str) -> None:
    site = signup_site.url
    page.goto(f"{site}/join/")
    form = page.locator("form.join-form").first
    assert CONSENT_TEXT in form.inner_text()
    form.locator("input[type=email]").fill(visitor)
    form.locator("input[type=checkbox][required]").check()
    with page.expect_navigation():
        form.locator("button[type=submit], input[type=submit]").click()
    assert page.url == f"{site}/join/check-your-email/", page.url
    confirmation = signup_site.deliver(visitor, "/signup/confirm?t=")
    page.goto(f"{site}{confirm_link(confirmation)}")
    signup_site.server.drain()
    kept = [m for m in signup_site.smtp.sink.to(KEEPER) if visitor in m.msg.get_content()]
    assert not kept, "opening the link alone must not confirm"
    with page.expect_navigation():
        page.locator("form[method=post] button, form[method=post] input[type=submit]").click()
    assert page.url == f"{site}/join/welcome/", page.url


def leave_in_browser(page: Page, signup_site: SignupSite, visitor: str) -> None:
    site = signup_site.url
    with page.expect_navigation():
        page.locator("a[href$='/join/leave/']").first.click()
    form = page.locator("form.hb-leave").first
    form.locator("input[type=email]").fill(visitor)
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    assert page.url == f"{site}/join/leave/check-your-email/", page.url
    mail = signup_site.deliver(visitor, "/signup/leave?t=")
    assert mail.msg["Subject"] == "Leave Anytown news"
    link = mail.msg["List-Unsubscribe"].strip("<>")
    assert link.startswith(f"{site}/signup/leave?t=") and link in mail.msg.get_content()
    assert visitor.split("@")[0] not in link
    page.goto(link)  # what a mail scanner does too: nothing changes yet
    signup_site.server.drain()
    with page.expect_navigation():
        page.locator("form[method=post] button").click()
    assert page.url == f"{site}/join/left/", page.url


@pytest.mark.parametrize("signup_site", BACKENDS, indirect=True)
def test_join_then_leave_in_a_real_browser(
    signup_site: SignupSite, backends: Backends, page: Page, request: pytest.FixtureRequest
) -> None:
    """Join -> confirm -> on the list -> leave -> off the list, through the backend."""
    backend = signup_site.backend
    mailman = request.getfixturevalue("mailman") if backend == "mailman" else None
    visitor = f"browser.{backend}@example.org"
    problems = watch(page, signup_site.url)

    join_in_browser(page, signup_site, visitor)
    record = signup_site.deliver(KEEPER, visitor)
    assert record.msg["Subject"].startswith("New subscriber"), record.msg["Subject"]
    text = record.msg.get_content()
    for expected in (
        f"email: {visitor}",
        "consent_statement_id: 2026-01-v2",
        CONSENT_TEXT,
        "confirmed_at:",
        "withdraw_url:",
    ):
        assert expected in text, text
    assert listed(signup_site, backends, visitor, mailman) in (True, None)

    leave_in_browser(page, signup_site, visitor)
    left = signup_site.deliver(KEEPER, "withdrawn_at:")
    assert left.msg["Subject"] == "Left Anytown news"
    assert f"email: {visitor}" in left.msg.get_content()
    assert listed(signup_site, backends, visitor, mailman) in (False, None)
    assert not signup_site.server.spool.jobs("failed")
    if backend == "webhook":
        assert [e["event"] for e in backends.webhook.events if e["record"]["email"] == visitor] == [
            "subscriber.confirmed",
            "subscriber.withdrawn",
        ]
    if backend == "listmonk":
        assert backends.listmonk.subscribers[visitor]["lists"] == {7: "unsubscribed"}
    assert not problems, f"{backend}: {problems}"


@pytest.fixture
def stall_site(backends: Backends) -> Iterator[SignupSite]:
    """The keeper-mail server with the usual limit of 5 sign-ups per address, behind the
    proxy for one test (the other backends' server is put back afterwards)."""
    before = backends.proxied.get("port")
    server = start_behind_proxy(backends, "stall", "email", limits="per_ip = 5")
    try:
        yield SignupSite(backends.url, "email", server, backends.smtp)
    finally:
        stop_server(server.proc)
        if before is not None:
            backends.proxied["port"] = before


def test_stall_page_takes_many_signups_from_one_place(stall_site: SignupSite, page: Page) -> None:
    """Stall mode in the browser: the code typed into the stall page's password field, many
    people from one address (here: all of them from 127.0.0.1), each gets their mail."""
    signup_site = stall_site
    config = str(signup_site.server.config_path)
    command = ["stall", "open", "--hours", "1", "--per-ip", "20", "-c", config]
    opened = subprocess.run(
        [str(BIN / "handbill-signup"), *command],
        env=env(),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    code = opened.stdout.strip().rsplit(" ", 1)[1]
    people = [f"stall.visitor{i}@example.org" for i in range(7)]  # above the usual 5
    for email in people:
        page.goto(f"{signup_site.url}/join/stall/")
        form = page.locator("form.join-form").first
        form.locator("input[type=email]").fill(email)
        form.locator("input[type=checkbox][required]").check()
        form.locator("input[name=stall]").fill(code)
        with page.expect_navigation():
            form.locator("button[type=submit]").click()
        assert page.url == f"{signup_site.url}/join/check-your-email/", page.url
        assert code not in page.url
    for email in people:
        signup_site.deliver(email)
