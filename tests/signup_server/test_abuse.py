"""Abuse and safety: every item of the checklist, against the real server and SMTP."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest

from signup_support import Site, start_server, stop_server, write_config

EVIL = "evil@attacker.example"
INJECTIONS = [
    f"x\r\nBcc: {EVIL}",
    f"x\nBcc: {EVIL}",
    f"x\rBcc: {EVIL}",
    f"Hi =?UTF-8?Q?=0A?=Bcc: {EVIL}",
    "trailing newline\n",
    "nul\0byte",
    f"x%0d%0aBcc: {EVIL}",  # double-encoded: must stay harmless text
]
JOIN = {
    "email": "safe@example.org",
    "consent": "yes",
    "consent_version": "2026-01-v2",
    "website": "",
}
CONTACT = {"email": "safe@example.org", "name": "Sam", "message": "Hello", "website": ""}


def assert_no_leak(server, sink) -> None:
    server.drain()
    for m in sink.messages:
        assert len(m.rcpts) == 1 and EVIL not in m.rcpts
        assert m.msg["Bcc"] is None and m.msg["Cc"] is None
        for name, value in m.msg.items():
            assert EVIL not in str(value), f"{name} carries visitor text"


@pytest.mark.parametrize("payload", INJECTIONS)
@pytest.mark.parametrize("field", ["email", "consent", "consent_version", "website"])
def test_header_injection_in_join_fields(server, module_smtp, field, payload):
    before = len(module_smtp.sink.messages)
    fields = {**JOIN, field: payload}
    r = server.post("/signup/subscribe", fields, ip="127.0.3.1")
    # A filled honeypot gets the usual answer; everything else is refused as invalid.
    assert r.status == (303 if field == "website" else 400)
    server.drain()
    assert len(module_smtp.sink.messages) == before, "nothing may be sent"
    assert_no_leak(server, module_smtp.sink)


@pytest.mark.parametrize("payload", INJECTIONS)
@pytest.mark.parametrize("field", ["email", "name", "message", "website"])
def test_header_injection_in_contact_fields(server, module_smtp, field, payload):
    before = len(module_smtp.sink.messages)
    r = server.post("/signup/contact", {**CONTACT, field: payload}, ip="127.0.3.2")
    server.drain()
    new = module_smtp.sink.messages[before:]
    if field in ("email", "name") and "%0d" not in payload:
        assert r.status == 400 and not new
    for m in new:  # the message body may hold any text, but never reach a header
        assert m.rcpts == ["hello@anytown.example.org"]
        assert m.msg["Bcc"] is None and EVIL not in str(m.msg["Reply-To"])
    assert_no_leak(server, module_smtp.sink)


def test_injection_in_confirm_token(server, module_smtp):
    for payload in INJECTIONS:
        r = server.post("/signup/confirm", {"t": payload})
        assert r.status == 303 and r.headers["location"].endswith("/join/expired/")
    assert_no_leak(server, module_smtp.sink)


@pytest.mark.parametrize(
    "extra", ["_cc", "cc", "bcc", "to", "recipient", "redirect", "_next", "next", "subject", "name"]
)
def test_unknown_fields_are_refused(server, module_smtp, extra):
    before = len(module_smtp.sink.messages)
    r = server.post(
        "/signup/subscribe", {**JOIN, "email": "unknown@example.org", extra: EVIL}, ip="127.0.3.3"
    )
    assert r.status == 400
    assert EVIL not in r.text and "unknown@example.org" not in r.text
    if extra not in CONTACT:  # the contact form has a name field
        r = server.post("/signup/contact", {**CONTACT, extra: EVIL}, ip="127.0.3.3")
        assert r.status == 400
    server.drain()
    assert len(module_smtp.sink.messages) == before


@pytest.mark.parametrize("honeypot", [None, "http://spam.example", " "])
def test_honeypot_gives_normal_success_and_no_mail(server, module_smtp, honeypot):
    fields = {**JOIN, "email": "bot@example.org", "website": honeypot}
    if honeypot is None:
        del fields["website"]  # missing is as suspicious as filled
    r = server.post("/signup/subscribe", fields, ip="127.0.3.4")
    assert r.status == 303 and r.headers["location"].endswith("/join/check-your-email/")
    c = server.post("/signup/contact", {**CONTACT, "website": honeypot or "x"}, ip="127.0.3.4")
    assert c.status == 303 and c.headers["location"].endswith("/contact/sent/")
    server.drain()
    assert not module_smtp.sink.to("bot@example.org")


def test_oversize_body(server, module_smtp):
    big = {**JOIN, "email": "big@example.org", "website": "x" * 9000}
    r = server.post("/signup/subscribe", big)
    assert r.status == 413
    r = server.post("/signup/contact", {**CONTACT, "message": "y" * 20000})
    assert r.status == 413
    server.drain()
    assert not module_smtp.sink.to("big@example.org")


def test_oversize_chunked_body(server, module_smtp):
    """Regression: a chunked body has no Content-Length, so the limit was never applied and
    megabytes were read into memory (a honeypot-filled one even got the success page)."""
    import http.client

    body = urlencode({**JOIN, "email": "chunked@example.org", "website": "x" * 60_000})
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    conn.request(
        "POST",
        "/signup/subscribe",
        body=iter([body.encode()]),
        headers={"Content-Type": "application/x-www-form-urlencoded", "Origin": server.origin},
        encode_chunked=True,
    )
    r = conn.getresponse()
    conn.close()
    assert r.status == 413 and r.getheader("Content-Security-Policy")


@pytest.mark.parametrize(
    "raw,ctype",
    [
        (
            b"email=caf\xe9%40example.org&consent=yes&consent_version=2026-01-v2&website=",
            "application/x-www-form-urlencoded",
        ),
        (
            b"email=caf%E9%40example.org&consent=yes&consent_version=2026-01-v2&website=",
            "application/x-www-form-urlencoded",
        ),
        (
            b"email=latin%40example.org&consent=yes&consent_version=2026-01-v2&website=",
            "application/x-www-form-urlencoded; charset=iso-8859-1",
        ),
        (b'{"email": "caf\xe9@example.org"}', "application/json"),
        (b"email=a%40example.org", "multipart/form-data; boundary=x"),
        (b"email=a%40example.org", "text/plain"),
        (b"email=a%40example.org&email=b%40example.org", "application/x-www-form-urlencoded"),
    ],
)
def test_non_utf8_and_odd_bodies_are_refused(server, module_smtp, raw, ctype):
    before = len(module_smtp.sink.messages)
    r = server.post("/signup/subscribe", raw=raw, headers={"Content-Type": ctype})
    assert r.status == 400
    server.drain()
    assert len(module_smtp.sink.messages) == before


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "https://attacker.example"},
        {"Origin": None, "Referer": "https://attacker.example/page"},
    ],
)
def test_cross_origin_post_gets_usual_answer_and_no_mail(server, module_smtp, headers):
    r = server.join("crossorigin@example.org", ip="127.0.3.5", headers=headers)
    assert r.status == 303 and r.headers["location"].endswith("/join/check-your-email/")
    server.drain()
    assert not module_smtp.sink.to("crossorigin@example.org")


def test_missing_or_null_origin_is_allowed(server, module_smtp):
    server.join("noorigin@example.org", ip="127.0.3.6", headers={"Origin": None})
    server.join("nullorigin@example.org", ip="127.0.3.6", headers={"Origin": "null"})
    server.drain()
    assert len(module_smtp.sink.to("noorigin@example.org")) == 1
    assert len(module_smtp.sink.to("nullorigin@example.org")) == 1


def test_nothing_reflected_and_no_redirect_from_request(server):
    marker = "<script>alert(1)</script>"
    r = server.post("/signup/subscribe", {**JOIN, "email": marker}, ip="127.0.3.7")
    assert r.status == 400 and marker not in r.text and "alert(1)" not in r.text
    assert 'href="http://127.0.0.1' in r.text  # links back to the configured form only
    r = server.request("GET", f"/signup/confirm?t={marker}")
    assert marker not in r.text
    r = server.post("/signup/subscribe?next=https://attacker.example", JOIN, ip="127.0.3.7")
    assert "attacker" not in r.headers.get("location", "")


def test_get_on_subscribe_is_not_allowed(server):
    assert server.request("GET", "/signup/subscribe?email=x%40example.org").status == 405


def test_logs_carry_no_addresses(server):
    server.join("logcheck@example.org", ip="127.0.3.8")
    server.post("/signup/contact", {**CONTACT, "name": "Lorna Logcheck"}, ip="127.0.3.8")
    log = (server.config_path.parent / "server.log").read_text()
    assert "logcheck" not in log.lower() and "example.org" not in log


# --- rate limits, shared by two servers (four worker processes) on one state file ----------


@pytest.fixture(scope="module")
def pair(tmp_path_factory, module_smtp):
    tmp = tmp_path_factory.mktemp("limits")
    from signup_support import free_port

    ports = [free_port(), free_port()]
    limits = "per_ip = 3\nper_ip_window = 600"
    path = write_config(tmp, module_smtp.port, ports[0], limits=limits)
    # Both servers read one config (same spool and state file), as two hosts or two
    # gunicorn masters would; the second server's origin is allowed too.
    text = path.read_text().replace(
        f'origins = ["http://127.0.0.1:{ports[0]}"]',
        f'origins = ["http://127.0.0.1:{ports[0]}", "http://127.0.0.1:{ports[1]}"]',
    )
    path.write_text(text)
    sites = [Site(p, path) for p in ports]
    for s in sites:
        s.proc = start_server(path, s.port)
    yield sites
    for s in sites:
        stop_server(s.proc)


def test_per_address_limit_across_processes(pair, module_smtp):
    a, b = pair
    answers = [(a if i % 2 else b).join("bomb@example.org", ip=f"127.0.4.{i}") for i in range(4)]
    assert {r.status for r in answers} == {303}
    assert {r.headers["location"].rsplit("/", 2)[-2] for r in answers} == {"check-your-email"}
    a.drain()
    assert len(module_smtp.sink.to("bomb@example.org")) == 1


def test_per_ip_limit_across_processes(pair, module_smtp):
    a, b = pair
    answers = [(a if i % 2 else b).join(f"ip{i}@example.org", ip="127.0.5.1") for i in range(5)]
    assert len({(r.status, r.headers["location"]) for r in answers}) <= 2  # two origins
    assert all(r.headers["location"].endswith("/join/check-your-email/") for r in answers)
    a.drain()
    sent = [i for i in range(5) if module_smtp.sink.to(f"ip{i}@example.org")]
    assert len(sent) == 3


def test_global_cap_stops_sending_and_alerts_keeper_once(tmp_path, smtp):
    from signup_support import free_port

    port = free_port()
    path = write_config(
        tmp_path, smtp.port, port, limits="per_ip = 100\nconfirmations_per_hour = 6"
    )
    site = Site(port, path)
    site.proc = start_server(path, port)
    try:
        answers = [site.join(f"flood{i}@example.org", ip=f"127.0.6.{i}") for i in range(12)]
    finally:
        stop_server(site.proc)
    assert {(r.status, r.headers["location"]) for r in answers} == {
        (303, f"{site.origin}/join/check-your-email/")
    }
    site.drain()
    confirmations = [m for m in smtp.sink.messages if m.rcpts[0].startswith("flood")]
    assert len(confirmations) == 6
    alerts = smtp.sink.to("keeper@anytown.example.org")
    assert len(alerts) == 1 and alerts[0].msg["Subject"].startswith("Sign-up server paused")
    assert "flood" not in alerts[0].msg.get_content()


def raw_exchange(server, request: bytes, half_close: bool = False) -> tuple[bytes, bool]:
    """Send bytes as they are; return everything the server answered and whether it then
    closed the connection (rather than leaving it open or resetting it)."""
    import socket

    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as sock:
        sock.sendall(request)
        if half_close:
            sock.shutdown(socket.SHUT_WR)
        data = b""
        try:
            while chunk := sock.recv(65536):
                data += chunk
        except TimeoutError:
            return data, False
        return data, True


def test_deeply_nested_json_is_a_400_not_a_503(server, module_smtp):
    """Regression: 3,000 nested `[` (6 KB, under the size limit) raised RecursionError and
    the visitor was told "try later" (503)."""
    for body in ("[" * 3000 + "]" * 3000, '{"email": ' + "[" * 3000 + "]" * 3000 + "}"):
        r = server.post(
            "/signup/subscribe",
            raw=body.encode(),
            headers={"Content-Type": "application/json", "Accept": "application/json"},
        )
        assert r.status == 400 and r.json["status"] == "bad-request"


def test_body_shorter_than_its_content_length_is_refused(server, module_smtp):
    """Regression: a truncated body was processed as if it were the whole form."""
    body = urlencode({**JOIN, "email": "short@example.org"}).encode()
    head = (
        f"POST /signup/subscribe HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: 127.0.3.20\r\n"
        f"Content-Type: application/x-www-form-urlencoded\r\nOrigin: {server.origin}\r\n"
        f"Content-Length: {len(body) + 40}\r\n\r\n"
    ).encode()
    answer, _ = raw_exchange(server, head + body, half_close=True)
    assert answer.startswith(b"HTTP/1.1 400 "), answer[:200]
    server.drain()
    assert not module_smtp.sink.to("short@example.org")


def test_413_says_connection_close_and_closes(server):
    """Regression: the 413 answer said keep-alive, then the connection was dropped while
    gunicorn read the unread body as the next request."""
    body = b"website=" + b"x" * 20_000
    head = (
        "POST /signup/subscribe HTTP/1.1\r\nHost: x\r\n"
        "Content-Type: application/x-www-form-urlencoded\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    ).encode()
    answer, closed = raw_exchange(server, head + body)
    headers = answer.split(b"\r\n\r\n", 1)[0].lower()
    assert answer.startswith(b"HTTP/1.1 413 ")
    assert b"\r\nconnection: close" in headers and b"keep-alive" not in headers
    assert closed
    # The answer is complete: its body is as long as it says.
    length = int(headers.split(b"content-length: ", 1)[1].split(b"\r\n", 1)[0])
    assert len(answer.split(b"\r\n\r\n", 1)[1]) == length


def test_413_for_a_chunked_body_closes_too(server):
    chunk = b"x" * 20_000
    request = (
        b"POST /signup/subscribe HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
        b"Content-Type: application/x-www-form-urlencoded\r\n\r\n"
        + f"{len(chunk):x}\r\n".encode()
        + chunk
        + b"\r\n0\r\n\r\n"
    )
    answer, closed = raw_exchange(server, request)
    assert answer.startswith(b"HTTP/1.1 413 ") and closed
    assert b"\r\nconnection: close" in answer.split(b"\r\n\r\n", 1)[0].lower()


def test_ascii_xn_address_stays_ascii(server, module_smtp):
    """Regression: bob@xn--bcher-kva.example was rewritten to Unicode and sent with
    SMTPUTF8, which a relay without SMTPUTF8 refuses."""
    addr = "bob@xn--bcher-kva.example"
    assert server.join(addr, ip="127.0.3.21").status == 303
    server.drain()
    [mail] = module_smtp.sink.to(addr)
    assert not mail.utf8 and mail.raw.isascii()
    assert f"To: {addr}\r\n".encode() in mail.raw
