"""Every message the server sends, built with EmailMessage and fixed subjects.

Recipients come only from the configuration, except the subscriber's own validated address,
which only ever gets the fixed confirmation (no visitor text in it: spammers use name fields
to make a "legitimate" opt-in mail carry their ads).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from email import policy as email_policy
from email.headerregistry import Address, BaseHeader, HeaderRegistry
from email.message import EmailMessage
from email.utils import format_datetime
from typing import TYPE_CHECKING

from handbill_i18n import N_, translations

from . import __version__

if TYPE_CHECKING:
    from .config import Config

# signup.toml's default subjects (handbill_config.signup): left as they are, they are sent in
# the site's language (signup_server.config.in_language).
DEFAULT_SUBJECTS = (
    N_("Please confirm you want to join our mailing list"),
    N_("Message from the website contact form"),
)

METHOD = "web form (unticked consent checkbox) + email confirmation (double opt-in)"


class _HeaderClasses(HeaderRegistry):
    """The stdlib's registry builds a new class with type() for every header it makes, and
    a message makes about twenty (set, read, generated): a third of the spool worker's CPU
    per confirmation. The class for a header name is the same every time: build it once."""

    def __init__(self) -> None:
        super().__init__()
        self._classes: dict[str, type[BaseHeader]] = {}

    def __getitem__(self, name: str) -> type[BaseHeader]:
        key = name.lower()
        cls = self._classes.get(key)
        if cls is None:
            cls = self._classes[key] = super().__getitem__(name)
        return cls


_HEADERS = _HeaderClasses()
# The stdlib policies with that registry: same rules, same bytes, less work.
DEFAULT = email_policy.default.clone(header_factory=_HEADERS)
# Lines up to RFC 5322's hard limit (998), not its advice (78): a List-Unsubscribe link
# has no space to fold at, and the generator would otherwise turn it into an RFC 2047
# encoded word, which no mail program follows.
SMTP = email_policy.SMTP.clone(header_factory=_HEADERS, max_line_length=998)
SMTPUTF8 = email_policy.SMTPUTF8.clone(header_factory=_HEADERS, max_line_length=998)


def utcnow() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def _address(addr: str, name: str = "") -> Address:
    local, _, domain = addr.rpartition("@")
    return Address(display_name=name, username=local, domain=domain)


def _base(
    cfg: Config, to: Address, subject: str, msg_id: str, date: float | None = None
) -> EmailMessage:
    msg = EmailMessage(policy=DEFAULT)
    msg["From"] = _address(cfg.mail_from, cfg.group_name)
    msg["To"] = to
    msg["Subject"] = subject
    when = datetime.now(UTC) if date is None else datetime.fromtimestamp(date, UTC)
    msg["Date"] = format_datetime(when)
    # A stable Message-ID per job lets the receiving side spot a resent duplicate.
    msg["Message-ID"] = f"<{msg_id}@{cfg.mail_from.rpartition('@')[2]}>"
    msg["Auto-Submitted"] = "auto-generated"
    return msg


def confirmation(
    cfg: Config,
    email: str,
    link: str,
    msg_id: str,
    date: float | None = None,
    leave: str = "",
) -> EmailMessage:
    # Built by the spool worker from the request's small record (jobs.confirmation_job),
    # with the request's time as Date, so every attempt sends the same bytes.
    msg = _base(cfg, _address(email), cfg.confirm_subject, msg_id, date)
    _ = translations(cfg.language).gettext
    hours = cfg.token_max_age // 3600
    if leave:
        add_unsubscribe(msg, leave)
    parts = [
        _("Hello,"),
        _("Someone, hopefully you, asked to join %(list)s from %(group)s.")
        % {"list": cfg.list.name, "group": cfg.group_name},
        _("To confirm, open this link and press the button on the page:") + f"\n\n{link}",
        _("The link works for %(hours)s hours.") % {"hours": hours},
        _(
            "If this wasn't you, ignore this email: you won't be added, and we won't email "
            "you again."
        ),
    ]
    if leave:
        parts.append(_("Already on our list and want to leave? %(link)s") % {"link": leave})
    parts.append(_footer(cfg, _))
    msg.set_content("\n\n".join(parts))
    return msg


def _footer(cfg: Config, _: Callable[[str], str]) -> str:
    return (
        _("How we look after your details: %(url)s") % {"url": cfg.page_url("privacy")}
        + "\n"
        + _("Questions? Write to %(email)s") % {"email": cfg.contact_inbox}
        + f"\n\n{cfg.group_name}\n"
    )


def add_unsubscribe(msg: EmailMessage, leave: str) -> None:
    """RFC 8058 one-click unsubscribe, for mail to people on (or joining) the list: mail
    programs show an "Unsubscribe" button that POSTs `List-Unsubscribe=One-Click` to the
    link; the server acts on that POST without a further step (the link is the proof)."""
    msg["List-Unsubscribe"] = f"<{leave}>"
    msg["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"


def leave_link(
    cfg: Config, email: str, leave: str, msg_id: str, date: float | None = None
) -> EmailMessage:
    _ = translations(cfg.language).gettext
    subject = _("Leave %(list)s") % {"list": cfg.list.name}
    msg = _base(cfg, _address(email), subject, msg_id, date)
    add_unsubscribe(msg, leave)
    parts = [
        _("Hello,"),
        _(
            "Someone, hopefully you, asked on our website to take this address off "
            "%(list)s from %(group)s."
        )
        % {"list": cfg.list.name, "group": cfg.group_name},
        _("To leave, open this link and press the button on the page:") + f"\n\n{leave}",
        _("If this wasn't you, ignore this email: nothing changes."),
        _footer(cfg, _),
    ]
    msg.set_content("\n\n".join(parts))
    return msg


def consent_record(
    cfg: Config, email: str, name: str, version: str, requested_at: str, confirmed_at: str
) -> dict[str, str]:
    statement = cfg.consent.get(version) or cfg.consent.current
    record = {
        "email": email,
        "list": cfg.list.name,
        "controller": cfg.group_name,
        "requested_at": requested_at,
        "confirmed_at": confirmed_at,
        "consent_statement_id": statement.version,
        "consent_statement_sha256": statement.sha256,
        "consent_statement_text": statement.text,
        "privacy_notice_url": cfg.page_url("privacy"),
        "privacy_notice_version": cfg.privacy_version,
        "privacy_notice_sha256": cfg.privacy_sha256,
        "form_url": cfg.page_url("join_form"),
        "method": METHOD,
        "withdraw_url": cfg.page_url("leave_form"),
        "withdraw_how": "the leave link in every email, or the leave page (withdraw_url)",
        "handler": f"handbill-signup {__version__}",
    }
    if name:
        record["name"] = name
    return record


def record_for_keeper(
    cfg: Config, record: dict[str, str], msg_id: str, action: str
) -> EmailMessage:
    msg = _base(cfg, _address(cfg.list.keeper), f"New subscriber for {cfg.list.name}", msg_id)
    msg.set_content(
        f"A visitor confirmed they want to join {cfg.list.name}.\n{action}\n\n"
        f"Consent record (keep it for as long as they are on the list):\n\n{_shown(record)}"
    )
    return msg


def _shown(record: dict[str, str]) -> str:
    """A record for the keeper: one `key: value` line each, then the same as JSON."""
    lines = "\n".join(f"{k}: {v}" for k, v in record.items())
    as_json = json.dumps(record, indent=2, ensure_ascii=False)
    return f"{lines}\n\nThe same record as JSON:\n\n{as_json}\n"


def withdrawal_record(cfg: Config, email: str, method: str, withdrawn_at: str) -> dict[str, str]:
    return {
        "email": email,
        "list": cfg.list.name,
        "controller": cfg.group_name,
        "withdrawn_at": withdrawn_at,
        "method": method,
        "handler": f"handbill-signup {__version__}",
    }


def withdrawal_for_keeper(
    cfg: Config, record: dict[str, str], msg_id: str, action: str
) -> EmailMessage:
    msg = _base(cfg, _address(cfg.list.keeper), f"Left {cfg.list.name}", msg_id)
    msg.set_content(
        f"Someone withdrew their consent and left {cfg.list.name}.\n{action}\n"
        f"Keep this with their consent record; send them nothing more.\n\n{_shown(record)}"
    )
    return msg


def contact(cfg: Config, email: str, name: str, message: str, msg_id: str) -> EmailMessage:
    msg = _base(cfg, _address(cfg.contact_inbox), cfg.contact_subject, msg_id)
    # The bare address only: a display name would be one more visitor string in a header.
    msg["Reply-To"] = _address(email)
    del msg["Auto-Submitted"]
    who = f"{name} <{email}>" if name else email
    msg.set_content(
        f"Message sent with the contact form on the website.\n"
        f"From: {who} (press Reply to answer)\nSent: {utcnow()}\n\n{message}\n"
    )
    return msg


def cap_alert(cfg: Config, what: str, cap: int, msg_id: str) -> EmailMessage:
    msg = _base(cfg, _address(cfg.list.keeper), f"Sign-up server paused: {what}", msg_id)
    msg.set_content(
        f"More than {cap} {what} were requested in the last hour, which is far more than "
        f"usual for {cfg.group_name}. The sign-up server has stopped sending them until the "
        f"hour is over, in case someone is abusing the form.\n\n"
        f"Visitors still see the normal page. You get this alert once per hour at most.\n"
    )
    return msg


def refusal_summary(cfg: Config, day: str, counts: dict[str, int], msg_id: str) -> EmailMessage:
    total = sum(counts.values())
    msg = _base(
        cfg, _address(cfg.list.keeper), f"Sign-up limits on {day}: {total} turned away", msg_id
    )
    names = {
        "ip": "too many sign-ups from one network address",
        "address": "a second confirmation to one address within the day",
        "global": "over the hourly cap for all confirmations",
        "leave-ip": "too many leave requests from one network address",
        "leave-address": "a second leave link to one address within the day",
    }
    lines = "\n".join(f"  {n:5d}  {names[k]}" for k, n in counts.items() if n)
    msg.set_content(
        f"On {day} (UTC) the sign-up server's limits turned away {total} submissions. "
        f"Those visitors saw the usual page and got no mail:\n\n{lines}\n\n"
        f"Only numbers: the server keeps no addresses. Many from one network address can be "
        f"a stall or a meeting on one wi-fi (see the operators' guide, limits); many second "
        f"confirmations are usually people trying again.\n"
    )
    return msg


def delivery_failed(
    cfg: Config, purpose: str, job_id: str, error: str, msg_id: str
) -> EmailMessage:
    msg = _base(cfg, _address(cfg.list.keeper), "Sign-up server: a delivery failed", msg_id)
    msg.set_content(
        f"The sign-up server gave up delivering one item ({purpose}, job {job_id[:28]}): "
        f"{error}\n\nNothing is lost: it is kept on the server. Ask whoever runs the server to "
        f"run `handbill-signup spool show`, fix the cause, then "
        f"`handbill-signup spool drain --retry-failed`.\n"
    )
    return msg
