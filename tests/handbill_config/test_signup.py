"""signup.toml's mistakes, each with the exact line the operator sees (issue 12).

Each case changes one line of the shipped `signup.example.toml`; `handbill-signup check`
and the site build read the file through the same `load_signup_config`.
"""

from __future__ import annotations

import pytest

from handbill_config import ConfigError, SignupConfig, load_signup_config
from sitebuild import ROOT

EXAMPLE = (ROOT / "signup.example.toml").read_text(encoding="utf-8")


def line_of(text: str) -> int:
    """The line of signup.example.toml where `text` first appears (the file grows)."""
    return EXAMPLE[: EXAMPLE.index(text)].count("\n") + 1


MISTAKES = [
    # The five figures of the issue: each passed `check` or ended it in a traceback.
    ("per_ip = 5 ", 'per_ip = "5" ', 'limits.per_ip: "5" is text — write a number such as 5'),
    ("port = 587", 'port = "25x"', 'mail.smtp.port: "25x" is text — write a number such as 25'),
    ("per_ip = 5 ", "per_ip = -5 ", "limits.per_ip: -5 is too small — write 0 or more"),
    (
        "token_max_age_hours = 48",
        'token_max_age_hours = "two days"',
        'server.token_max_age_hours: "two days" is text — write a number such as 48',
    ),
    (
        "proxy_hops = 1 ",
        'proxy_hops = "one" ',
        'server.proxy_hops: "one" is text — write a number such as 0',
    ),
    # Numbers out of range, or not whole.
    ("port = 587", "port = 70000", "mail.smtp.port: 70000 is too big — write 65535 or less"),
    (
        "max_body_bytes = 8192",
        "max_body_bytes = 0",
        "server.max_body_bytes: 0 is too small — write a number above 0",
    ),
    (
        "per_ip_window = 600",
        "per_ip_window = 1.5",
        "limits.per_ip_window: 1.5 is not a whole number — write one such as 2",
    ),
    (
        "max_attempts = 40",
        "max_attempts = 0",
        "server.max_attempts: 0 is too small — write 1 or more",
    ),
    (
        "confirmations_per_hour = 50",
        "confirmations_per_hour = -1",
        "limits.confirmations_per_hour: -1 is too small — write 0 or more",
    ),
    (
        "per_address = 1 ",
        'per_address = "1" ',
        'limits.per_address: "1" is text — write a number such as 1',
    ),
    (
        "timeout = 20",
        'timeout = "20s"',
        'mail.smtp.timeout: "20s" is text — write a number such as 20',
    ),
    # Choices.
    (
        'security = "starttls" ',
        'security = "tls" ',
        'mail.smtp.security: "tls" is not a choice here — write one of "starttls", "ssl", "none"',
    ),
    (
        'backend = "email"',
        'backend = "mailmn"',
        'list.backend: "mailmn" is not one of "email", "mailman", "listmonk", "webhook" — '
        'did you mean "mailman"?',
    ),
    # Booleans, text and lists of the wrong type.
    ("ask_name = false", 'ask_name = "yes"', 'form.ask_name: "yes" is text — write true or false'),
    (
        "record_to_keeper = true",
        "record_to_keeper = 1",
        "list.record_to_keeper: 1 is a number — write true or false",
    ),
    (
        'group_name = "Anytown Save Our NHS"',
        "group_name = 5",
        'site.group_name: 5 is a number — write text in quotes, such as "5"',
    ),
    (
        'username = "join@anytown-sos-nhs.example.org"',
        "username = 5",
        'mail.smtp.username: 5 is a number — write text in quotes, such as "5"',
    ),
    (
        'inbox = "hello@anytown-sos-nhs.example.org"',
        'inbox = ["hello@anytown-sos-nhs.example.org"]',
        'contact.inbox: this is a list — write text in quotes, such as "…"',
    ),
    (
        'origins = ["https://anytown-sos-nhs.example.org"]',
        'origins = "https://anytown-sos-nhs.example.org"',
        'site.origins: "https://anytown-sos-nhs.example.org" is text — write a list, such as ["…"]',
    ),
    (
        'stylesheets = ["/theme/css/handbill.css", "/theme/css/handbill_signup.css"]',
        'stylesheets = "/theme/css/handbill.css"',
        'server.stylesheets: "/theme/css/handbill.css" is text — write a list, such as ["…"]',
    ),
    (
        "record_to_keeper = true",
        'record_to_keeper = true\n[list.listmonk]\nlists = ["3"]',
        'list.listmonk.lists[0]: "3" is text — write a number such as 3',
    ),
    (
        "[form]",
        '[consent.previous]\n"2025-06-v1" = 3\n\n[form]',
        'consent.previous.2025-06-v1: 3 is a number — write text in quotes, such as "3"',
    ),
    # Unknown keys: "did you mean", or the keys that exist there.
    ("[limits]", "[limtis]", 'limtis: unknown setting — did you mean "limits"?'),
    ("\n[mail.smtp]\n", "\n[mail.stmp]\n", 'mail.stmp: unknown setting — did you mean "smtp"?'),
    (
        'public_url = "https',
        'public_ulr = "https',
        'server.public_ulr: unknown setting — did you mean "public_url"?',
    ),
    (
        "record_to_keeper = true",
        'record_to_keeper = true\n[list.webhook]\nurl = "https://crm.example.org/h"\nsecret = "x"',
        'list.webhook.secret: unknown setting — did you mean "secret_env"?',
    ),
    (
        "[form]\n",
        "[form]\nask_email = true\n",
        "form.ask_email: unknown setting — the settings here are ask_name",
    ),
    # Values checked beyond their type.
    (
        "[consent]",
        '[site.pages]\nwelcome = "join/welcome/"\n\n[consent]',
        'site.pages.welcome: "join/welcome/" is not a path — write one that starts with /, '
        'like "/join/"',
    ),
    (
        "from {group}.",
        "from {group_name}.",
        "consent.text: only {group} may stand in braces — write {{ and }} for a brace itself",
    ),
]

SYNTAX = [
    (
        "per_ip = 5 ",
        "per_ip 5 ",
        f":{line_of('per_ip = 5 ')}: not valid TOML: Expected '=' after a key in a key/value "
        "pair — see signup.example.toml",
    ),
    (
        "per_ip = 5 ",
        "per_ip = 5 \nper_ip = 6 ",
        f":{line_of('per_ip = 5 ') + 1}: not valid TOML: Cannot overwrite a value — see "
        "signup.example.toml",
    ),
    (
        "ask_name = false",
        "ask_name = False",
        f":{line_of('ask_name = false')}: not valid TOML: Invalid value — TOML writes true and "
        "false in lower case",
    ),
]


def load_changed(tmp_path, monkeypatch, old: str, new: str) -> SignupConfig:
    assert old in EXAMPLE, old
    (tmp_path / "signup.toml").write_text(EXAMPLE.replace(old, new, 1), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return load_signup_config("signup.toml")


def test_at_least_thirty_mistakes_are_pinned():
    assert len(MISTAKES) + len(SYNTAX) >= 30


@pytest.mark.parametrize("old,new,message", MISTAKES, ids=[m[1].strip() for m in MISTAKES])
def test_mistake_is_named_in_one_line(tmp_path, monkeypatch, old, new, message):
    with pytest.raises(ConfigError) as caught:
        load_changed(tmp_path, monkeypatch, old, new)
    assert caught.value.problems == [f"signup.toml: {message}"]


@pytest.mark.parametrize("old,new,message", SYNTAX, ids=[m[1].strip() for m in SYNTAX])
def test_toml_syntax_mistake_has_its_line(tmp_path, monkeypatch, old, new, message):
    with pytest.raises(ConfigError) as caught:
        load_changed(tmp_path, monkeypatch, old, new)
    assert str(caught.value) == f"signup.toml{message}"


def test_every_mistake_of_a_file_at_once(tmp_path, monkeypatch):
    text = EXAMPLE.replace("per_ip = 5 ", 'per_ip = "5" ').replace("port = 587", 'port = "25x"')
    (tmp_path / "signup.toml").write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ConfigError) as caught:
        load_signup_config("signup.toml")
    assert caught.value.problems == [
        'signup.toml: mail.smtp.port: "25x" is text — write a number such as 25',
        'signup.toml: limits.per_ip: "5" is text — write a number such as 5',
    ]


def test_a_long_wrong_value_is_shortened(tmp_path, monkeypatch):
    """Regression (issue 12): `token_max_age_hours = "two days"` printed the text 3,600 times."""
    with pytest.raises(ConfigError) as caught:
        load_changed(
            tmp_path,
            monkeypatch,
            "token_max_age_hours = 48",
            f'token_max_age_hours = "{"x" * 500}"',
        )
    assert len(str(caught.value)) < 200


def test_missing_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ConfigError, match=r"^nope\.toml: cannot be read: No such file"):
        load_signup_config("nope.toml")


def test_example_and_defaults_agree():
    """The example file spells out the defaults it does not change: one set of defaults."""
    example, defaults = load_signup_config(ROOT / "signup.example.toml"), SignupConfig()
    assert example.site.pages == defaults.site.pages
    assert example.limits == defaults.limits
    assert example.consent == defaults.consent
    assert example.server.token_max_age_hours == defaults.server.token_max_age_hours
