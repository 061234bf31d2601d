"""`signup.toml`: one schema, one set of defaults, one parser, for the site and the server.

The Pelican plugin (`handbill_signup`) reads the wording, the list's name and the page paths
from it; the sign-up server (`signup_server.config`) reads all of it and adds the secrets from
the environment. Nothing secret is read from this file, so it can be kept in git. Every
setting is explained in `signup.example.toml`.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Literal

from pydantic import Field, PrivateAttr, ValidationError, field_validator

from .consent import (
    DEFAULT_TEXT,
    DEFAULT_VERSION,
    Consent,
    consent_from_table,
    placeholders_ok,
)
from .errors import ConfigError, problems
from .model import StrictModel

BACKENDS = ("email", "mailman", "listmonk", "webhook")


class Pages(StrictModel):
    """Paths of the site's pages; the result pages are built by the Pelican plugin."""

    join_form: str = "/join/"
    contact_form: str = "/contact/"
    privacy: str = "/privacy/"
    check_email: str = "/join/check-your-email/"
    welcome: str = "/join/welcome/"
    expired: str = "/join/expired/"
    try_later: str = "/join/try-later/"
    contact_sent: str = "/contact/sent/"
    leave_form: str = "/join/leave/"
    leave_check_email: str = "/join/leave/check-your-email/"
    left: str = "/join/left/"
    stall: str = "/join/stall/"

    @field_validator("*")
    @classmethod
    def _a_path(cls, value: str) -> str:
        return page_path(value)


def page_path(value: str) -> str:
    """A page of the site, as a path: the server redirects there, the plugin builds it."""
    if not value.startswith("/"):
        raise ValueError(f'"{value}" is not a path — write one that starts with /, like "/join/"')
    return value


class Site(StrictModel):
    group_name: str = ""
    # The language of the server's pages and mails, as the site's DEFAULT_LANG ("cy": Welsh).
    language: str = Field("en-GB", pattern=r"^[a-z]{2,3}(-[A-Za-z]{2,4})?$")
    url: str = ""
    origins: list[str] = Field(default_factory=list)
    pages: Pages = Field(default_factory=Pages)
    # Which privacy notice people agreed under, for the consent record: its version, and
    # the file it is built from (hashed by the server; relative to this file).
    privacy_version: str = ""
    privacy_file: str = ""


class Server(StrictModel):
    public_url: str = ""
    spool_dir: str = "spool"
    state_file: str = "state/limits.sqlite3"
    token_max_age_hours: float = Field(48, gt=0)
    leave_link_max_age_days: float = Field(400, gt=0)
    max_body_bytes: int = Field(8192, gt=0)
    proxy_hops: int = Field(0, ge=0)
    stylesheets: list[str] = Field(default_factory=list)
    max_attempts: int = Field(40, ge=1)
    secret_keys_env: str = "HANDBILL_SIGNUP_SECRET_KEYS"


class ConsentTable(StrictModel):
    version: str = DEFAULT_VERSION
    text: str = DEFAULT_TEXT
    previous: dict[str, str] = Field(default_factory=dict)

    @field_validator("text")
    @classmethod
    def _only_group_placeholder(cls, value: str) -> str:
        return placeholders_ok(value)


class Form(StrictModel):
    ask_name: bool = False


class Smtp(StrictModel):
    host: str = "127.0.0.1"
    port: int = Field(25, ge=1, le=65535)
    security: Literal["starttls", "ssl", "none"] = "starttls"
    username: str | None = None
    password_env: str = "HANDBILL_SMTP_PASSWORD"
    timeout: float = Field(20, gt=0)


class Mail(StrictModel):
    from_: str = Field("", alias="from")
    confirm_subject: str = "Please confirm you want to join our mailing list"
    smtp: Smtp = Field(default_factory=Smtp)


class Mailman(StrictModel):
    # Mailman 3's REST API (the core's, usually http://127.0.0.1:8001): members are added
    # pre-verified and pre-confirmed (we ran the double opt-in) and removed on leaving.
    rest_url: str = ""
    list_id: str = ""  # "news.lists.example.org", as Mailman names it
    username: str = "restadmin"
    password_env: str = "HANDBILL_MAILMAN_PASSWORD"


class Listmonk(StrictModel):
    url: str = ""
    lists: list[int] = Field(default_factory=list)
    username: str = ""
    token_env: str = "HANDBILL_LISTMONK_TOKEN"


class Webhook(StrictModel):
    url: str = ""
    secret_env: str = "HANDBILL_WEBHOOK_SECRET"


class MailingList(StrictModel):
    name: str = "our mailing list"
    backend: Literal["email", "mailman", "listmonk", "webhook"] = "email"
    keeper: str = ""
    # Mailman and the webhook keep no consent text, so by default the keeper gets a copy.
    record_to_keeper: bool = True
    mailman: Mailman = Field(default_factory=Mailman)
    listmonk: Listmonk = Field(default_factory=Listmonk)
    webhook: Webhook = Field(default_factory=Webhook)


class Contact(StrictModel):
    inbox: str = ""
    subject: str = "Message from the website contact form"


class Limits(StrictModel):
    per_ip: int = Field(5, ge=0)
    per_ip_window: int = Field(600, gt=0)
    per_address: int = Field(1, ge=0)
    per_address_window: int = Field(86400, gt=0)
    confirmations_per_hour: int = Field(50, ge=0)
    contact_per_hour: int = Field(20, ge=0)


class Stall(StrictModel):
    """Stall mode: a stall or meeting takes many sign-ups from one network address. Opened
    for one form and a few hours with `handbill-signup stall open`; its code is typed into
    the stall page's form (a POST field: never in a URL, an access log or on a poster)."""

    # Sign-ups per [limits] per_ip_window from the stall's network address while it is
    # open: a higher limit, still a limit (per address and hourly caps are unchanged).
    per_ip: int = Field(60, ge=1)
    # The longest a stall may stay open.
    max_hours: float = Field(12, gt=0, le=48)


class Actions(StrictModel):
    """Campaign actions (pledges, petitions, polls): where their files are, where the
    server writes their public counts for the site's build, and their own limits, counted
    apart from the join form's (signing a petition never uses up a day's join mail)."""

    # The action files (`handbill_config.actions`), relative to this file.
    folder: str = "content/actions"
    # The site's time zone: an action's dates without a time end at midnight there.
    timezone: str = "Europe/London"
    # The public counts, `{slug: count.json body}`, rewritten on every change; the site's
    # build reads it (HANDBILL_ACTIONS["counts_file"]). Relative to this file.
    counts_file: str = "state/action-counts.json"
    # An action's page on the site ({slug} filled in): the mails and pages link to it.
    page: str = "/actions/{slug}/"
    # Per action: sign-ups from one network address per window, confirmation mails to
    # one address per window, and confirmation mails per hour for the whole action.
    per_ip: int = Field(10, ge=0)
    per_ip_window: int = Field(600, gt=0)
    per_address: int = Field(1, ge=0)
    per_address_window: int = Field(86400, gt=0)
    confirmations_per_hour: int = Field(200, ge=0)

    @field_validator("page")
    @classmethod
    def _a_page(cls, value: str) -> str:
        if "{slug}" not in value:
            raise ValueError('must contain {slug} — write one such as "/actions/{slug}/"')
        return page_path(value)


class SignupConfig(StrictModel):
    """The whole of `signup.toml`, with its defaults."""

    site: Site = Field(default_factory=Site)
    server: Server = Field(default_factory=Server)
    consent: ConsentTable = Field(default_factory=ConsentTable)
    form: Form = Field(default_factory=Form)
    mail: Mail = Field(default_factory=Mail)
    list_: MailingList = Field(default_factory=MailingList, alias="list")
    contact: Contact = Field(default_factory=Contact)
    limits: Limits = Field(default_factory=Limits)
    stall: Stall = Field(default_factory=Stall)
    actions: Actions = Field(default_factory=Actions)
    _source: str = PrivateAttr("signup.toml")

    @property
    def source(self) -> str:
        """The file as named to the program (`signup.toml`, `/etc/handbill-signup/...`)."""
        return self._source

    def consent_for(self, group: str) -> Consent:
        """The wording with the group's name in it, every accepted version."""
        table = self.consent
        return consent_from_table(table.version, table.text, table.previous, group)

    def problem(self, path: str, message: str) -> str:
        """A line in the same form as the schema's own: for checks made elsewhere."""
        return f"{self.source}: {path}: {message}"


TOML_POSITION = re.compile(r"\s*\(at line (\d+), column (\d+)\)$")


def load_signup_config(path: str | Path) -> SignupConfig:
    """Read and check `signup.toml`. Raises ConfigError listing every mistake, each as
    `signup.toml: limits.per_ip: "5" is text — write a number such as 5`."""
    source = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise ConfigError(f"{source}: cannot be read: {reason}") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(_toml_problem(exc, text, source)) from None
    return signup_config_from_dict(data, source)


def _toml_problem(exc: tomllib.TOMLDecodeError, text: str, source: str) -> str:
    """`signup.toml:12: not valid TOML: ...`, with the line number tomllib found."""
    message = str(exc)
    found = TOML_POSITION.search(message)
    message = TOML_POSITION.sub("", message)
    if not found:
        return f"{source}: not valid TOML: {message} — see signup.example.toml"
    number = int(found.group(1))
    lines = text.splitlines()
    line = lines[number - 1] if 0 < number <= len(lines) else ""
    if re.search(r"=\s*(True|False)\b", line):
        hint = "TOML writes true and false in lower case"
    else:
        hint = "see signup.example.toml"
    return f"{source}:{number}: not valid TOML: {message} — {hint}"


def signup_config_from_dict(data: dict, source: str = "signup.toml") -> SignupConfig:
    """The same checks for a table already read (TOML syntax: true/false, [tables])."""
    try:
        config = SignupConfig.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(problems(exc, SignupConfig, source, "", python=False)) from None
    config._source = source
    return config
