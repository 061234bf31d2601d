"""Parsing and validation of what visitors send (unit level; the HTTP side is in test_abuse)."""

from __future__ import annotations

import pytest

from signup_server.service import client_key
from signup_server.validate import (
    BadRequest,
    FieldErrors,
    clean_email,
    clean_message,
    clean_name,
    mailbox_key,
    parse_body,
)

FORM = "application/x-www-form-urlencoded"


@pytest.mark.parametrize(
    "value",
    [
        "a@example.org\n",
        "a@example.org\r\nBcc: x@evil.example",
        "a\0@example.org",
        "=?UTF-8?Q?a?=@example.org",
        "a" * 250 + "@example.org",
        "no-at-sign",
        "a@b",
        "",
        "a@example.org, b@example.org",
        "A <a@example.org>",
    ],
)
def test_bad_addresses(value):
    with pytest.raises(FieldErrors):
        clean_email(value)


def test_addresses_are_normalised():
    assert clean_email(" Someone@EXAMPLE.org ") == "Someone@example.org"
    assert clean_email("josé@exämple.org") == "josé@exämple.org"


@pytest.mark.parametrize(
    "value", ["Ann\n", "Ann\rBcc: x", "=?utf-8?q?Ann?=", "Ann\0", "A\x1b[31m", "x" * 101]
)
def test_bad_names(value):
    with pytest.raises(FieldErrors):
        clean_name(value)


def test_message_keeps_lines_but_not_nul():
    assert clean_message("Hi\r\nthere") == "Hi\nthere"
    with pytest.raises(FieldErrors):
        clean_message("a\0b")
    with pytest.raises(FieldErrors):
        clean_message("x" * 5001)


def test_parse_body():
    assert parse_body(b"email=a%40b.org&website=", FORM) == {"email": "a@b.org", "website": ""}
    assert parse_body(b"", FORM) == {}
    for body, ctype in [
        (b"a=1&a=2", FORM),
        (b"a=%ff", FORM),
        (b"\xff=1", FORM),
        (b"a=1", FORM + "; charset=latin-1"),
        (b"[1]", "application/json"),
        (b'{"a": 1}', "application/json"),
        (b"a=1", None),
        (b'{"email": "a@b.org", "email": "c@d.org"}', "application/json"),
        ("&".join(f"f{i}=1" for i in range(30)).encode(), FORM),
    ]:
        with pytest.raises(BadRequest):
            parse_body(body, ctype)


def test_client_key_groups_ipv6_networks():
    assert client_key("2001:db8:1:2:3:4:5:6") == client_key("2001:db8:1:2:ffff::1")
    assert client_key("2001:db8:1:2::1") != client_key("2001:db8:1:3::1")
    assert client_key("::ffff:127.0.0.1") == "127.0.0.1"
    assert client_key("127.0.0.1") == "127.0.0.1"


def test_mailbox_key_folds_what_providers_ignore():
    same = ["Victim@Example.org", "victim+1@example.org", "VICTIM+x+y@EXAMPLE.ORG"]
    assert {mailbox_key(clean_email(a)) for a in same} == {"victim@example.org"}
    gmail = ["v.ictim@gmail.com", "Victim+z@googlemail.com", "victim@gmail.com"]
    assert {mailbox_key(a) for a in gmail} == {"victim@gmail.com"}
    assert mailbox_key("a.b@example.org") != mailbox_key("ab@example.org")


def test_per_address_limit_cannot_be_dodged_with_case_or_tags(tmp_path):
    """Regression: `Victim@`, `victim+1@` ... each got their own confirmation before."""
    from signup_server.service import Visitor
    from signup_support import JOIN, service_for, write_config

    service = service_for(write_config(tmp_path, 25, 8081))
    for i, addr in enumerate(["victim@example.org", "Victim@example.org", "victim+2@example.org"]):
        service.subscribe({**JOIN, "email": addr}, Visitor(f"127.0.9.{i}", None, None))
    assert len(service.spool.jobs()) == 1
