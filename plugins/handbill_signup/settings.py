"""Settings for handbill_signup, read from the HANDBILL_SIGNUP dict in pelicanconf.py.

The consent wording, its version, the list's name and the result pages' addresses are best
kept in ONE place, `signup.toml`, which the sign-up server reads too: point `config` at it and
the site shows exactly the wording the server records. A value given in HANDBILL_SIGNUP wins
over the file, and the file wins over these defaults.
"""

from __future__ import annotations

import logging
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from handbill_config.consent import DEFAULT_TEXT, DEFAULT_VERSION, Consent, consent_from_table

log = logging.getLogger(__name__)

DEFAULTS: dict[str, Any] = {
    # Path to signup.toml (relative to the folder with pelicanconf.py). Optional.
    "config": None,
    # Where the sign-up server answers: "/signup" (same site, recommended) or a full
    # address. None: no server, and the forms become email links (mailto:) instead.
    "server_url": None,
    # The address the email links go to; None uses CONTACT_EMAIL.
    "email": None,
    # The group's name in the consent wording; None uses SITENAME.
    "group_name": None,
    "list_name": "our mailing list",
    "consent_version": DEFAULT_VERSION,
    # "{group}" is replaced by the group's name. Keep the words specific: what, who, how to stop.
    "consent_text": DEFAULT_TEXT,
    # Ask for a name too (optional for the visitor). Off: we only ask for what we need.
    "ask_name": False,
    # Pages of the site, as paths; result pages are built by this plugin.
    "pages": {
        "join_form": "/join/",
        "contact_form": "/contact/",
        "privacy": "/privacy/",
        "check_email": "/join/check-your-email/",
        "welcome": "/join/welcome/",
        "expired": "/join/expired/",
        "try_later": "/join/try-later/",
        "contact_sent": "/contact/sent/",
    },
    # Hours a confirmation link works (shown on the result pages; the server enforces it).
    "token_max_age_hours": 48,
    "mailto_subject": "Please add me to the mailing list",
    "contact_mailto_subject": "Message from the website",
}

RESULT_PAGES = ("check_email", "welcome", "expired", "try_later", "contact_sent")


@dataclass(frozen=True)
class SignupSettings:
    """Everything the templates need, resolved: URLs include SITEURL."""

    server: bool
    subscribe_url: str
    contact_url: str
    email: str
    group_name: str
    list_name: str
    consent: Consent
    ask_name: bool
    pages: dict[str, str]  # name -> path ("/join/welcome/")
    urls: dict[str, str]  # name -> URL with SITEURL
    token_max_age_hours: int
    join_mailto: str
    contact_mailto: str

    @property
    def consent_text(self) -> str:
        return self.consent.current.text

    @property
    def consent_version(self) -> str:
        return self.consent.current.version

    @property
    def privacy_url(self) -> str:
        return self.urls["privacy"]


def _from_toml(path: Path) -> dict[str, Any]:
    with open(path, "rb") as fh:
        data = tomllib.load(fh)
    site, server = data.get("site", {}), data.get("server", {})
    values: dict[str, Any] = {"_consent_table": data.get("consent", {})}
    if "group_name" in site:
        values["group_name"] = site["group_name"]
    if "name" in data.get("list", {}):
        values["list_name"] = data["list"]["name"]
    if "ask_name" in data.get("form", {}):
        values["ask_name"] = data["form"]["ask_name"]
    if "pages" in site:
        values["pages"] = {**DEFAULTS["pages"], **site["pages"]}
    if "token_max_age_hours" in server:
        values["token_max_age_hours"] = server["token_max_age_hours"]
    if "public_url" in server:
        values["server_url"] = server["public_url"]
    if "inbox" in data.get("contact", {}):
        values["email"] = data["contact"]["inbox"]
    return values


def _read_config(name: str, settings: dict[str, Any]) -> dict[str, Any]:
    # Relative to where pelican runs (the Makefile runs it in the project folder), else to
    # the folder holding the content.
    candidates = [Path(name), Path(settings.get("PATH", ".")).resolve().parent / name]
    for path in candidates:
        if path.is_file():
            try:
                return _from_toml(path)
            except (OSError, ValueError) as exc:
                log.error(
                    '%s: %s. Fix the file, or remove "config" from HANDBILL_SIGNUP '
                    "in pelicanconf.py",
                    path,
                    exc,
                )
                return {}
    log.error(
        "HANDBILL_SIGNUP config %r: file not found. Give its path relative to the "
        'project folder, or remove "config" from HANDBILL_SIGNUP in pelicanconf.py',
        name,
    )
    return {}


def mailto(address: str, subject: str, body: str) -> str:
    # RFC 6068: percent-encode everything, spaces as %20 (not "+"), line breaks as %0D%0A.
    body = body.replace("\r\n", "\n").replace("\n", "\r\n")
    return f"mailto:{address}?subject={quote(subject, safe='')}&body={quote(body, safe='')}"


def _join_mailto_body(group: str, list_name: str, consent: Consent) -> str:
    return (
        f"Hello {group},\n\nPlease add this email address to {list_name}.\n\n"
        f'I agree: "{consent.current.text}"\n(consent wording version '
        f"{consent.current.version})\n\nThank you\n"
    )


def read(settings: dict[str, Any]) -> SignupSettings:
    user = settings.get("HANDBILL_SIGNUP", {}) or {}
    values: dict[str, Any] = dict(DEFAULTS)
    if user.get("config"):
        values.update(_read_config(user["config"], settings))
    values.update(user)
    values["pages"] = {**DEFAULTS["pages"], **values["pages"]}
    group = values["group_name"] or settings.get("SITENAME", "")
    table = values.pop("_consent_table", None)
    if table is None or "consent_text" in user or "consent_version" in user:
        table = {"version": values["consent_version"], "text": values["consent_text"]}
    consent = consent_from_table(
        str(table.get("version", DEFAULT_VERSION)),
        str(table.get("text", DEFAULT_TEXT)),
        {str(k): str(v) for k, v in table.get("previous", {}).items()},
        group,
    )
    siteurl = settings.get("SITEURL", "")
    server_url = values["server_url"]
    if server_url and server_url.startswith("/"):
        server_url = siteurl + server_url
    server_url = (server_url or "").rstrip("/")
    email = values["email"] or settings.get("CONTACT_EMAIL", "")
    return SignupSettings(
        server=bool(server_url),
        subscribe_url=f"{server_url}/subscribe",
        contact_url=f"{server_url}/contact",
        email=email,
        group_name=group,
        list_name=values["list_name"],
        consent=consent,
        ask_name=bool(values["ask_name"]),
        pages=values["pages"],
        urls={name: siteurl + path for name, path in values["pages"].items()},
        token_max_age_hours=int(values["token_max_age_hours"]),
        join_mailto=mailto(
            email, values["mailto_subject"], _join_mailto_body(group, values["list_name"], consent)
        ),
        contact_mailto=mailto(email, values["contact_mailto_subject"], "Hello,\n\n"),
    )
