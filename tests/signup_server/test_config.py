"""The server's own checks on top of signup.toml's schema: what a running server needs
(secrets, a backend's settings, header-safe values), every problem listed at once."""

from __future__ import annotations

import pytest

from signup_server.config import ConfigError, load_config
from signup_support import env, write_config

MISTAKES = [
    (
        'backend = "email"',
        'backend = "mailman"',
        {"HANDBILL_MAILMAN_PASSWORD": ""},
        [
            'list.mailman.rest_url: missing — required with backend = "mailman", '
            'like "http://127.0.0.1:8001"',
            'list.mailman.list_id: missing — required with backend = "mailman", '
            'like "news.lists.example.org"',
            "environment: HANDBILL_MAILMAN_PASSWORD: not set — Mailman's REST password, "
            'required with backend = "mailman"',
        ],
    ),
    (
        'backend = "email"',
        'backend = "webhook"',
        {"HANDBILL_WEBHOOK_SECRET": ""},
        [
            'list.webhook.url: missing — required with backend = "webhook"',
            "environment: HANDBILL_WEBHOOK_SECRET: not set — the webhook's HMAC key, "
            'required with backend = "webhook"',
        ],
    ),
    (
        'backend = "email"',
        'backend = "listmonk"',
        {"HANDBILL_LISTMONK_TOKEN": ""},
        [
            'list.listmonk.url: missing — required with backend = "listmonk"',
            'list.listmonk.lists: missing — required with backend = "listmonk"',
            "environment: HANDBILL_LISTMONK_TOKEN: not set — the API token, "
            'required with backend = "listmonk"',
        ],
    ),
    (
        'public_url = "http://127.0.0.1',
        'public_url = "127.0.0.1',
        {},
        [
            "server.public_url: must be the full address — write one such as "
            '"https://example.org/signup"'
        ],
    ),
    (
        'from = "join@anytown.example.org"',
        'from = "Join <join@anytown.example.org>"',
        {},
        [
            'mail.from: "Join <join@anytown.example.org>" is not a plain email address — '
            "write just the address, like join@example.org"
        ],
    ),
    (
        'group_name = "Anytown Save Our NHS"',
        'group_name = ""',
        {},
        ["site.group_name: missing — the group's name, shown in every mail"],
    ),
    (
        'name = "Anytown news"',
        'name = "News\\nBcc: x@evil.example"',
        {},
        ['list.name: no line breaks, NUL or "=?" — write it on one line'],
    ),
    (
        'security = "none"',
        'security = "none"\nusername = "join"',
        {},
        [],  # a local relay: the password never leaves the machine
    ),
    (
        'host = "127.0.0.1"',
        'host = "mail.example.org"\nusername = "join"',
        {},
        [
            'mail.smtp.username: a username needs security = "starttls" or "ssl" — the '
            "password would cross the network in the clear"
        ],
    ),
]


@pytest.mark.parametrize("old,new,environ,problems", MISTAKES, ids=[m[1] for m in MISTAKES])
def test_server_checks(tmp_path, old, new, environ, problems):
    path = write_config(tmp_path, 25, 9)
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    if not problems:
        load_config(path, {**env(), **environ})
        return
    with pytest.raises(ConfigError) as caught:
        load_config(path, {**env(), **environ})
    # Problems of the file name it; the environment's name the variable.
    named = [p if p.startswith("environment: ") else f"{path}: {p}" for p in problems]
    assert caught.value.problems == named


def test_signing_keys_come_from_the_environment(tmp_path):
    path = write_config(tmp_path, 25, 9)
    without = {k: v for k, v in env().items() if k != "HANDBILL_SIGNUP_SECRET_KEYS"}
    with pytest.raises(ConfigError) as caught:
        load_config(path, without)
    assert caught.value.problems == [
        "environment: HANDBILL_SIGNUP_SECRET_KEYS: not set — set the signing key in it "
        "(32+ characters)"
    ]
