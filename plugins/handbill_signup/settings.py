"""Settings for handbill_signup: the HANDBILL_SIGNUP dict in pelicanconf.py, over `signup.toml`.

The consent wording, its version, the list's name and the result pages' addresses are best
kept in ONE place, `signup.toml`, which the sign-up server reads too: point `config` at it and
the site shows exactly the wording the server records. The file is read by the one parser
both share (`handbill_config.load_signup_config`), with the one set of defaults; a value given
in HANDBILL_SIGNUP wins over the file.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from pydantic import Field, field_validator

from handbill_config import ConfigError, StrictModel, load_signup_config, plugin_settings
from handbill_config.consent import (
    DEFAULT_TEXT,
    DEFAULT_VERSION,
    Consent,
    consent_from_table,
    placeholders_ok,
)
from handbill_config.signup import SignupConfig, page_path
from handbill_i18n import N_, lang_tag, translations

log = logging.getLogger(__name__)


class PageOverrides(StrictModel):
    """Some of the page paths of `signup.toml`'s [site.pages], to change for this site only."""

    join_form: str | None = None
    contact_form: str | None = None
    privacy: str | None = None
    check_email: str | None = None
    welcome: str | None = None
    expired: str | None = None
    try_later: str | None = None
    contact_sent: str | None = None
    leave_form: str | None = None
    leave_check_email: str | None = None
    left: str | None = None
    stall: str | None = None
    sign_check_email: str | None = None

    @field_validator("*")
    @classmethod
    def _a_path(cls, value: str | None) -> str | None:
        return value if value is None else page_path(value)


class SignupPluginSettings(StrictModel):
    """HANDBILL_SIGNUP. A key left out takes its value from `config` (signup.toml), else
    from signup.toml's defaults (handbill_config.signup)."""

    # Path to signup.toml (relative to the folder with pelicanconf.py). Optional.
    config: str | None = None
    # Where the sign-up server answers: "/signup" (same site, recommended) or a full
    # address. None: no server, and the forms become email links (mailto:) instead.
    server_url: str | None = None
    # The address the email links go to; None uses CONTACT_EMAIL.
    email: str | None = None
    # The group's name in the consent wording; None uses SITENAME.
    group_name: str | None = None
    list_name: str | None = None
    consent_version: str | None = None
    # "{group}" is replaced by the group's name. Keep the words specific: what, who, how to stop.
    consent_text: str | None = None
    # Ask for a name too (optional for the visitor). Off: we only ask for what we need.
    ask_name: bool | None = None
    # Pages of the site, as paths; result pages are built by this plugin.
    pages: PageOverrides = Field(default_factory=PageOverrides)
    # Hours a confirmation link works (shown on the result pages; the server enforces it).
    token_max_age_hours: float | None = Field(None, gt=0)
    mailto_subject: str = N_("Please add me to the mailing list")
    contact_mailto_subject: str = N_("Message from the website")

    @field_validator("consent_text")
    @classmethod
    def _only_group_placeholder(cls, value: str | None) -> str | None:
        return value if value is None else placeholders_ok(value)


RESULT_PAGES = (
    "check_email",
    "welcome",
    "expired",
    "try_later",
    "contact_sent",
    "leave_form",
    "leave_check_email",
    "left",
    "stall",
    "sign_check_email",
)


@dataclass(frozen=True)
class SignupSettings:
    """Everything the templates need, resolved: URLs include SITEURL."""

    server: bool
    subscribe_url: str
    contact_url: str
    leave_request_url: str
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
    leave_mailto: str

    @property
    def consent_text(self) -> str:
        return self.consent.current.text

    @property
    def consent_version(self) -> str:
        return self.consent.current.version

    @property
    def privacy_url(self) -> str:
        return self.urls["privacy"]


def _signup_file(name: str, settings: dict[str, Any]) -> SignupConfig:
    """signup.toml, relative to where pelican runs (the Makefile runs it in the project
    folder), else to the folder holding the content. A missing or faulty file is logged as
    an error (so a publish fails) and the defaults are used, so a preview still builds."""
    candidates = [Path(name), Path(settings.get("PATH", ".")).resolve().parent / name]
    for path in candidates:
        if path.is_file():
            try:
                return load_signup_config(path if path.is_absolute() else name)
            except ConfigError as exc:
                for problem in exc.problems:
                    log.error("%s", problem)
                return SignupConfig()
    log.error(
        "HANDBILL_SIGNUP config %r: file not found. Give its path relative to the "
        'project folder, or remove "config" from HANDBILL_SIGNUP in pelicanconf.py',
        name,
    )
    return SignupConfig()


def mailto(address: str, subject: str, body: str) -> str:
    # RFC 6068: percent-encode everything, spaces as %20 (not "+"), line breaks as %0D%0A.
    body = body.replace("\r\n", "\n").replace("\n", "\r\n")
    return f"mailto:{address}?subject={quote(subject, safe='')}&body={quote(body, safe='')}"


def _join_mailto_body(group: str, list_name: str, consent: Consent, _: Any) -> str:
    """The email a visitor sends to join when there is no server, in the site's language."""
    return "\n\n".join(
        [
            _("Hello %(group)s,") % {"group": group},
            _("Please add this email address to %(list)s.") % {"list": list_name},
            _('I agree: "%(consent)s"') % {"consent": consent.current.text}
            + "\n"
            + _("(consent wording version %(version)s)") % {"version": consent.current.version},
            _("Thank you") + "\n",
        ]
    )


def _in_language(user: SignupPluginSettings, key: str, gettext: Any) -> str:
    """A mailto subject as set in HANDBILL_SIGNUP; left at its default, in the site's language."""
    value = getattr(user, key)
    return gettext(value) if key not in user.model_fields_set else value


def _same_language(file: SignupConfig, lang: str) -> None:
    """The server speaks signup.toml's language, the site DEFAULT_LANG: say so when they
    differ (a Welsh site whose confirmation emails would come in English)."""
    if file.site.language.split("-")[0].lower() != lang.split("-")[0].lower():
        log.warning(
            file.problem(
                "site.language",
                f'"{file.site.language}", but the site is in "{lang}" (DEFAULT_LANG) — set '
                f'language = "{lang}" so the sign-up pages, emails and consent wording match',
            )
        )


def read(settings: dict[str, Any]) -> SignupSettings:
    user = plugin_settings(settings, "HANDBILL_SIGNUP", SignupPluginSettings)
    given = user.model_fields_set
    file = _signup_file(user.config, settings) if user.config else SignupConfig()
    group = user.group_name or file.site.group_name or settings.get("SITENAME", "")
    if "consent_text" in given or "consent_version" in given:
        version = user.consent_version or DEFAULT_VERSION
        consent = consent_from_table(version, user.consent_text or DEFAULT_TEXT, {}, group)
    else:
        consent = file.consent_for(group)
    overrides = {k: v for k, v in user.pages.model_dump().items() if v is not None}
    pages = {**file.site.pages.model_dump(), **overrides}
    list_name = user.list_name if "list_name" in given else file.list_.name
    siteurl = settings.get("SITEURL", "")
    server_url = user.server_url if "server_url" in given else file.server.public_url
    if server_url and server_url.startswith("/"):
        server_url = siteurl + server_url
    server_url = (server_url or "").rstrip("/")
    email = user.email or file.contact.inbox or settings.get("CONTACT_EMAIL", "")
    hours = user.token_max_age_hours or file.server.token_max_age_hours
    lang = lang_tag(settings.get("DEFAULT_LANG") or "en-GB")  # Pelican lower-cases it
    _ = translations(lang).gettext
    if user.config:
        _same_language(file, lang)
    return SignupSettings(
        server=bool(server_url),
        subscribe_url=f"{server_url}/subscribe",
        contact_url=f"{server_url}/contact",
        leave_request_url=f"{server_url}/leave-request",
        email=email,
        group_name=group,
        list_name=list_name or "",
        consent=consent,
        ask_name=user.ask_name if user.ask_name is not None else file.form.ask_name,
        pages=pages,
        urls={name: siteurl + path for name, path in pages.items()},
        token_max_age_hours=int(hours),
        join_mailto=mailto(
            email,
            _in_language(user, "mailto_subject", _),
            _join_mailto_body(group, list_name, consent, _),
        ),
        contact_mailto=mailto(
            email, _in_language(user, "contact_mailto_subject", _), _("Hello,") + "\n\n"
        ),
        leave_mailto=mailto(
            email,
            _("Please take me off the mailing list"),
            "\n\n".join(
                [
                    _("Hello %(group)s,") % {"group": group},
                    _("Please take this email address off %(list)s.") % {"list": list_name},
                    _("Thank you") + "\n",
                ]
            ),
        ),
    )
