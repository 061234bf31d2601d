"""The whole flow against gunicorn (2 workers) and a real SMTP server on loopback."""

from __future__ import annotations

import time
from urllib.parse import urlencode

from signup_support import confirm_link


def test_join_confirm_handoff_end_to_end(server, module_smtp):
    sink = module_smtp.sink
    r = server.join("alice@example.org", ip="127.0.2.1")
    assert r.status == 303
    assert r.headers["location"] == f"{server.origin}/join/check-your-email/"
    assert not sink.to("alice@example.org"), "the request itself must not send mail"

    server.drain()
    [mail] = sink.to("alice@example.org")
    assert mail.rcpts == ["alice@example.org"]
    assert mail.msg["Subject"] == "Please confirm you want to join our mailing list"
    assert mail.msg["From"] == "Anytown Save Our NHS <join@anytown.example.org>"
    assert mail.msg["Auto-Submitted"] == "auto-generated"
    link = confirm_link(mail)

    # The link opens a page with a button; opening it changes nothing.
    page = server.request("GET", link)
    assert page.status == 200
    assert 'method="post"' in page.text and "Yes, add me to the list" in page.text
    assert "alice" not in page.text
    server.drain()
    assert not sink.to("keeper@anytown.example.org")

    token = link.split("t=", 1)[1]
    done = server.post("/signup/confirm", {"t": token}, ip="127.0.2.1")
    assert done.status == 303
    assert done.headers["location"] == f"{server.origin}/join/welcome/"
    server.drain()
    [record] = sink.to("keeper@anytown.example.org")
    assert record.rcpts == ["keeper@anytown.example.org"]
    text = record.msg.get_content()
    for expected in (
        "email: alice@example.org",
        "consent_statement_id: 2026-01-v2",
        "Yes, please email me news from Anytown Save Our NHS.",
        "requested_at:",
        "confirmed_at:",
        "form_url:",
        "privacy_notice_url:",
        "email confirmation",
    ):
        assert expected in text


def test_scanner_get_does_not_confirm(server, module_smtp):
    server.join("scanned@example.org", ip="127.0.2.2")
    server.drain()
    [mail] = module_smtp.sink.to("scanned@example.org")
    link = confirm_link(mail)
    for _ in range(3):  # link scanners, previews, HEAD requests
        assert server.request("GET", link).status == 200
        assert server.request("HEAD", link).status == 200
    server.drain()
    assert not [
        m
        for m in module_smtp.sink.to("keeper@anytown.example.org")
        if "scanned@example.org" in m.msg.get_content()
    ]


def test_replayed_token_hands_off_once(server, module_smtp):
    server.join("replay@example.org", ip="127.0.2.3")
    server.drain()
    token = confirm_link(module_smtp.sink.to("replay@example.org")[0]).split("t=", 1)[1]
    for _ in range(3):
        r = server.post("/signup/confirm", {"t": token}, ip="127.0.2.3")
        assert r.status == 303 and r.headers["location"].endswith("/join/welcome/")
        server.drain()
    records = [
        m
        for m in module_smtp.sink.to("keeper@anytown.example.org")
        if "replay@example.org" in m.msg.get_content()
    ]
    assert len(records) == 1


def test_tampered_token_is_refused(server, module_smtp):
    server.join("tamper@example.org", ip="127.0.2.4")
    server.drain()
    token = confirm_link(module_smtp.sink.to("tamper@example.org")[0]).split("t=", 1)[1]
    bad = token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")
    for path in (f"/signup/confirm?t={bad}", "/signup/confirm?t=", "/signup/confirm"):
        r = server.request("GET", path)
        assert r.status == 303 and r.headers["location"].endswith("/join/expired/")
    r = server.post("/signup/confirm", {"t": bad})
    assert r.status == 303 and r.headers["location"].endswith("/join/expired/")
    server.drain()
    assert not [
        m
        for m in module_smtp.sink.to("keeper@anytown.example.org")
        if "tamper@example.org" in m.msg.get_content()
    ]


def test_json_answers(server, module_smtp):
    h = {"Accept": "application/json"}
    r = server.join("json@example.org", ip="127.0.2.5", headers=h)
    assert r.status == 200 and r.json == {
        "ok": True,
        "status": "ok",
        "next": f"{server.origin}/join/check-your-email/",
    }
    r = server.post(
        "/signup/subscribe",
        {"email": "nope", "consent": "yes", "consent_version": "2026-01-v2", "website": ""},
        headers=h,
    )
    assert r.status == 400 and r.json["ok"] is False and "email" in r.json["errors"]
    # A JSON body is accepted too, guarded by the very same checks.
    body = (
        b'{"email": "json2@example.org", "consent": true, "consent_version": "2026-01-v2",'
        b' "website": ""}'
    )
    r = server.post(
        "/signup/subscribe",
        raw=body,
        ip="127.0.2.5",
        headers={**h, "Content-Type": "application/json"},
    )
    assert r.status == 200 and r.json["ok"] is True
    server.drain()
    assert len(module_smtp.sink.to("json2@example.org")) == 1


def test_contact_form_goes_only_to_inbox(server, module_smtp):
    fields = {
        "email": "visitor@example.org",
        "name": "Vi Sitor",
        "message": "Hello,\nwhen is the next meeting?",
        "website": "",
    }
    r = server.post("/signup/contact", fields, ip="127.0.2.6")
    assert r.status == 303 and r.headers["location"].endswith("/contact/sent/")
    server.drain()
    [mail] = [m for m in module_smtp.sink.messages if "next meeting" in m.msg.get_content()]
    assert mail.rcpts == ["hello@anytown.example.org"]
    assert mail.msg["Reply-To"] == "visitor@example.org"
    assert "Vi Sitor" in mail.msg.get_content()
    assert mail.msg["From"] == "Anytown Save Our NHS <join@anytown.example.org>"
    assert not module_smtp.sink.to("visitor@example.org")


def test_security_headers_on_every_page(server):
    responses = [
        server.join("headers@example.org", ip="127.0.2.7"),
        server.request("GET", "/signup/confirm?t=x"),
        server.request("GET", "/signup/subscribe"),
        server.request("GET", "/signup/nothing-here"),
        server.post("/signup/subscribe", {"email": "x"}),
        server.post("/signup/subscribe", raw=urlencode({"email": "a@b.c"}).encode() * 1000),
        server.request("GET", "/signup/health"),
    ]
    for r in responses:
        assert "default-src 'none'" in r.headers["content-security-policy"]
        assert "form-action 'self'" in r.headers["content-security-policy"]
        assert r.headers["x-content-type-options"] == "nosniff"
        assert r.headers["referrer-policy"] == "no-referrer"
        assert r.headers["cache-control"] == "no-store"


def test_mistakes_are_shown_next_to_their_fields(server):
    from bs4 import BeautifulSoup

    r = server.post(
        "/signup/subscribe",
        {"email": "not-an-address", "consent_version": "2026-01-v2", "website": ""},
        ip="127.0.2.8",
    )
    assert r.status == 400
    doc = BeautifulSoup(r.body, "html5lib")
    assert doc.select_one("[role=alert]") is not None
    for field in ("email", "consent"):
        box = doc.select_one(f"#join-{field}")
        assert box["aria-invalid"] == "true"
        error_id = box["aria-describedby"].split()[0]
        assert doc.find(id=error_id).get_text(strip=True)
        assert doc.select_one(f'[role=alert] a[href="#join-{field}"]')
    assert "not-an-address" not in r.text, "nothing the visitor typed is put back"
    assert not doc.select_one("#join-email").get("value")

    r = server.post(
        "/signup/contact",
        {"email": "a@example.org", "name": "", "message": " ", "website": ""},
        ip="127.0.2.8",
    )
    doc = BeautifulSoup(r.body, "html5lib")
    assert r.status == 400
    assert doc.select_one("#contact-message")["aria-invalid"] == "true"
    assert doc.select_one("#contact-email").get("aria-invalid") is None


def test_server_pages_use_the_site_styles_only(server):
    from bs4 import BeautifulSoup

    token_page = server.request("GET", "/signup/confirm?t=bad")
    assert token_page.status == 303
    r = server.post("/signup/subscribe", {"email": "x", "website": ""}, ip="127.0.2.9")
    doc = BeautifulSoup(r.body, "html5lib")
    assert not doc.select("script, style, [style]")
    for link in doc.select("link[rel=stylesheet]"):
        assert link["href"].startswith("/theme/css/")


def test_expired_token_against_the_server(server, module_smtp):
    from signup_server.tokens import Pending, Tokens
    from signup_support import SECRET

    two_days_ago = Tokens((SECRET,), 48 * 3600, clock=lambda: time.time() - 49 * 3600)
    old = two_days_ago.make(
        Pending("expired@example.org", "", "2026-01-v2", "2026-01-01T00:00:00+00:00")
    )
    for r in (
        server.request("GET", f"/signup/confirm?t={old}"),
        server.post("/signup/confirm", {"t": old}, ip="127.0.2.10"),
    ):
        assert r.status == 303 and r.headers["location"].endswith("/join/expired/")
    r = server.post(
        "/signup/confirm", {"t": old}, ip="127.0.2.10", headers={"Accept": "application/json"}
    )
    assert r.status == 400 and r.json["status"] == "expired"
    server.drain()
    assert not [
        m
        for m in module_smtp.sink.to("keeper@anytown.example.org")
        if "expired@example.org" in m.msg.get_content()
    ]
