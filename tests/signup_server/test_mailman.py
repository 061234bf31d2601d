"""The Mailman hand-off against a real Mailman 3 core (Debian's mailman3), join and leave.

The test runs its own Mailman (tests/list_backends.py), started and stopped here.
"""

from __future__ import annotations

import pytest

from list_backends import backend_settings, running_mailman
from signup_support import (
    Site,
    confirm_link,
    free_port,
    start_server,
    stop_server,
    write_config,
)

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def mailman(tmp_path_factory, module_smtp):
    with running_mailman(tmp_path_factory.mktemp("mailman"), module_smtp.port) as mm:
        yield mm


@pytest.fixture(scope="module")
def site(tmp_path_factory, module_smtp, mailman):
    tmp = tmp_path_factory.mktemp("signup-mailman")
    port = free_port()
    extra = backend_settings("mailman", mailman=mailman)
    path = write_config(tmp, module_smtp.port, port, backend="mailman", extra=extra)
    s = Site(port, path)
    s.proc = start_server(path, port)
    yield s
    stop_server(s.proc)


def leave_link(received) -> str:
    body = received.msg.get_content()
    word = next(w for w in body.split() if "/signup/leave?t=" in w)
    return word[word.index("/signup/leave") :]


def join_and_confirm(site, sink, email: str, ip: str) -> None:
    assert site.join(email, ip=ip).status == 303
    site.drain()
    [mail] = sink.to(email)
    token = confirm_link(mail).split("t=", 1)[1]
    assert site.request("GET", f"/signup/confirm?t={token}").status == 200  # shows only
    assert site.post("/signup/confirm", {"t": token}, ip=ip).status == 303
    site.drain()


def test_join_then_leave_with_the_button(site, module_smtp, mailman):
    email = "alice@example.org"
    join_and_confirm(site, module_smtp.sink, email, "127.0.5.1")
    assert email in mailman.members(), "pre-verified and pre-confirmed: no second opt-in"
    [confirmation] = module_smtp.sink.to(email)[:1]
    link = leave_link(confirmation)
    assert site.request("GET", link).status == 200  # a mail scanner's GET changes nothing
    site.drain()
    assert email in mailman.members()
    r = site.post("/signup/leave", {"t": link.split("t=", 1)[1]}, ip="127.0.5.1")
    assert r.status == 303 and r.headers["location"].endswith("/join/left/")
    site.drain()
    assert email not in mailman.members()
    records = [
        m for m in module_smtp.sink.to("keeper@anytown.example.org") if email in m.raw.decode()
    ]
    assert any(m.msg["Subject"].startswith("Left ") for m in records)


def test_join_then_one_click_unsubscribe(site, module_smtp, mailman):
    """RFC 8058: the mail program POSTs List-Unsubscribe=One-Click to the header's URL."""
    email = "bob.oneclick@example.org"
    join_and_confirm(site, module_smtp.sink, email, "127.0.5.2")
    assert email in mailman.members()
    [confirmation] = module_smtp.sink.to(email)[:1]
    url = confirmation.msg["List-Unsubscribe"].strip("<>")
    assert confirmation.msg["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    path = url[url.index("/signup/leave") :]
    r = site.post(path, {"List-Unsubscribe": "One-Click"}, headers={"Origin": None})
    assert r.status == 303
    site.drain()
    assert email not in mailman.members()
    # Again (a second click): still a success, nothing changes in Mailman.
    assert site.post(path, {"List-Unsubscribe": "One-Click"}).status == 303
    site.drain()
    assert not site.spool.jobs("failed")
