"""Join -> leave end to end for the keeper-mail, listmonk and webhook backends: the real server
under gunicorn, a real SMTP server on loopback, the link from the mail (Mailman: test_mailman).

listmonk is a fake that keeps to its documented API, and the webhook's receiver checks the
signature: both in tests/list_backends.py, shared with the browser tests.
"""

from __future__ import annotations

import pytest

from list_backends import FakeListmonk, WebhookReceiver, backend_settings, on_list
from signup_support import Site, confirm_link, free_port, start_server, stop_server, write_config

pytestmark = pytest.mark.e2e
KEEPER = "keeper@anytown.example.org"


@pytest.fixture(scope="module")
def listmonk():
    fake = FakeListmonk()
    yield fake
    fake.close()


@pytest.fixture(scope="module")
def webhook():
    hook = WebhookReceiver()
    yield hook
    hook.close()


@pytest.fixture(scope="module", params=["email", "listmonk", "webhook"])
def site(request, tmp_path_factory, module_smtp, listmonk, webhook):
    backend = request.param
    extra = backend_settings(backend, listmonk=listmonk, webhook=webhook)
    tmp = tmp_path_factory.mktemp(f"leave-{backend}")
    port = free_port()
    path = write_config(tmp, module_smtp.port, port, backend=backend, extra=extra)
    s = Site(port, path)
    s.proc = start_server(path, port)
    s.backend = backend  # type: ignore[attr-defined]
    yield s
    stop_server(s.proc)


def link_in(mail, kind: str) -> str:
    word = next(w for w in mail.msg.get_content().split() if f"/signup/{kind}?t=" in w)
    return word[word.index(f"/signup/{kind}") :]


def keeper_mail(sink, email: str, subject_start: str) -> list:
    return [
        m
        for m in sink.to(KEEPER)
        if m.msg["Subject"].startswith(subject_start) and email in m.msg.get_content()
    ]


def listed(site, listmonk, webhook, email: str) -> bool:
    found = on_list(site.backend, email, listmonk=listmonk, webhook=webhook)
    return True if found is None else found  # keeper mail: checked through the records


def test_join_then_leave_through_the_same_backend(site, module_smtp, listmonk, webhook):
    sink = module_smtp.sink
    email = f"leaver.{site.backend}@example.org"
    assert site.join(email, ip="127.0.6.1").status == 303
    site.drain()
    [confirmation] = sink.to(email)
    token = confirm_link(confirmation).split("t=", 1)[1]
    assert site.post("/signup/confirm", {"t": token}, ip="127.0.6.1").status == 303
    site.drain()
    assert listed(site, listmonk, webhook, email)
    [record] = keeper_mail(sink, email, "New subscriber")
    text = record.msg.get_content()
    assert "withdraw_url: http://127.0.0.1" in text and "/join/leave/" in text
    assert "privacy_notice_version:" in text and "privacy_notice_sha256:" in text

    # The leave page on the site: one field; the server mails a leave link.
    r = site.post("/signup/leave-request", {"email": email, "website": ""}, ip="127.0.6.2")
    assert r.status == 303 and r.headers["location"].endswith("/join/leave/check-your-email/")
    site.drain()
    leave_mail = sink.to(email)[-1]
    assert leave_mail.msg["Subject"] == "Leave Anytown news"
    link = link_in(leave_mail, "leave")
    page = site.request("GET", link)  # what a mail scanner does: nothing changes
    assert page.status == 200 and b"Yes, take me off the list" in page.body
    site.drain()
    assert listed(site, listmonk, webhook, email) and not keeper_mail(sink, email, "Left")
    r = site.post("/signup/leave", {"t": link.split("t=", 1)[1]}, ip="127.0.6.3")
    assert r.status == 303 and r.headers["location"].endswith("/join/left/")
    site.drain()
    assert not site.spool.jobs("failed") and not site.spool.jobs("queue")
    [left] = keeper_mail(sink, email, "Left")
    assert "withdrawn_at:" in left.msg.get_content()
    if site.backend == "listmonk":
        assert listmonk.subscribers[email]["lists"][7] == "unsubscribed"
        assert ("PUT", "/api/subscribers/query/lists") in listmonk.calls
    elif site.backend == "webhook":
        assert webhook.events[-1]["event"] == "subscriber.withdrawn"
        assert webhook.events[-1]["record"]["email"] == email


def test_a_dead_leave_link_goes_to_the_leave_page(site):
    r = site.request("GET", "/signup/leave?t=gAAAAAnotatoken")
    assert r.status == 303 and r.headers["location"].endswith("/join/leave/")
    r = site.post("/signup/leave", {"t": "gAAAAAnotatoken"})
    assert r.status == 303 and r.headers["location"].endswith("/join/leave/")


def test_leave_form_answers_the_same_for_anyone(site, module_smtp):
    """No enumeration: an address never on the list gets the same answer (and its owner
    the leave link, which changes nothing for them)."""
    r = site.post("/signup/leave-request", {"email": "never@example.org", "website": ""})
    assert r.status == 303 and r.headers["location"].endswith("/join/leave/check-your-email/")
    r = site.post("/signup/leave-request", {"email": "bot@example.org", "website": "x"})
    assert r.status == 303 and r.headers["location"].endswith("/join/leave/check-your-email/")
    site.drain()
    assert not module_smtp.sink.to("bot@example.org")
