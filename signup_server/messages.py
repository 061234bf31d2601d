"""Every message the server sends, built with EmailMessage and fixed subjects.

Recipients come only from the configuration, except the subscriber's own validated address,
which only ever gets the fixed confirmation (no visitor text in it: spammers use name fields
to make a "legitimate" opt-in mail carry their ads).
"""

from __future__ import annotations

import hashlib
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
        "action-ip": "too many signatures of one action from one network address",
        "action-address": "a second signature confirmation to one address within the day",
        "action-global": "over an action's hourly cap for confirmations",
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


# --- Campaign actions (signup_server/actions.py) ------------------------------------------

ACTION_METHOD = "web form on the action's page + email confirmation (double opt-in)"
ACTION_JOIN_METHOD = (
    "separate unticked 'keep me informed' box on an action's form + email confirmation "
    "(double opt-in)"
)


def gettext_for(cfg: Config):
    """The supporter's words in the site's language (English until a catalogue ships)."""
    return translations(cfg.language).gettext


def signature_record(
    cfg: Config, action, signing, signer: str, confirmed_at: str
) -> dict[str, str]:
    """The record of one signature, with the ICO's fields: who (a keyed hash of the
    address, never the address; the name is kept beside it while the action needs it),
    when, what wording and version, how, and how to withdraw."""
    wording = action_wording(action)
    return {
        "who": f"signer {signer.split(':')[-1]} (keyed hash of the email address)",
        "action": action.slug,
        "kind": action.kind,
        "controller": cfg.group_name,
        "requested_at": signing.requested_at,
        "confirmed_at": confirmed_at,
        "wording_version": str(signing.version),
        "wording_sha256": hashlib.sha256(wording.encode("utf-8")).hexdigest(),
        "wording": wording,
        "method": ACTION_METHOD,
        "keep_informed": "yes (separate consent, handed to the list)"
        if signing.keep_informed
        else "no",
        "form_url": cfg.action_url(action.slug),
        "privacy_notice_url": cfg.page_url("privacy"),
        "privacy_notice_version": cfg.privacy_version,
        "withdraw_how": "the withdrawal link in the confirmation email",
        "handler": f"handbill-signup {__version__}",
    }


def action_wording(action) -> str:
    """What the signer put their name to: the statement the counter counts."""
    if action.kind == "pledge":
        place = f" {action.place}" if action.place else ""
        return (
            f"I will {action.pledge}, but only if {action.threshold}{place} will too "
            f"(deadline {action.deadline.isoformat()})."
        )
    if action.kind == "petition":
        return f"To {action.target}: {action.body.strip()}"
    return f"{action.question} ({' | '.join(action.options)})"


def action_confirmation(
    cfg: Config, data: dict[str, str], msg_id: str, date: float | None = None
) -> EmailMessage:
    """The mail that asks a signer to confirm, with the link to take it back later. No
    visitor text in it (not even their name), as for the join confirmation."""
    _ = gettext_for(cfg)
    if data["kind"] == "poll":
        subject = _("Please confirm your vote: %(title)s")
        ask = _("Someone, hopefully you, voted in our poll “%(title)s” from %(group)s.")
        button = _("To make your vote count, open this link and press the button on the page:")
    else:
        subject = _("Please confirm your signature: %(title)s")
        ask = _("Someone, hopefully you, signed “%(title)s” from %(group)s.")
        button = _("To make your signature count, open this link and press the button on the page:")
    values = {"title": data["title"], "group": cfg.group_name}
    msg = _base(cfg, _address(data["to"]), subject % values, msg_id, date)
    hours = cfg.token_max_age // 3600
    ignore = _(
        "If this was not you, ignore this email: nothing is counted, and we will not "
        "email you again."
    )
    msg.set_content(
        f"{_('Hello,')}\n\n{ask % values}\n\n{button}\n\n{data['link']}\n\n"
        f"{_('The link works for %(hours)s hours.') % {'hours': hours}}\n\n"
        f"{ignore}\n\n"
        f"{_('If you change your mind after confirming, this link takes it back:')}\n"
        f"{data['withdraw']}\n\n"
        f"{_('About this action: %(url)s') % {'url': data['page']}}\n"
        f"{_footer(cfg, _)}"
    )
    return msg


def pledge_outcome(cfg: Config, data: dict, msg_id: str, date: float | None = None) -> EmailMessage:
    """The one mail a pledge's signer gets after confirming: it's on, or it's off. Sent to
    the pledge's signers as a list, so with RFC 8058 unsubscribe (the withdrawal link)."""
    _ = gettext_for(cfg)
    values = {
        "title": data["title"],
        "pledge": data["pledge"],
        "count": data["count"],
        "threshold": data["threshold"],
        "group": cfg.group_name,
    }
    ngettext = translations(cfg.language).ngettext
    if data["state"] == "on":
        subject = _("It's on: %(title)s") % values
        body = (
            ngettext(
                "%(count)s person signed the pledge, and %(threshold)s were needed: it's on. "
                "Now is the time to do what we pledged together: %(pledge)s.",
                "%(count)s people signed the pledge, and %(threshold)s were needed: it's on. "
                "Now is the time to do what we pledged together: %(pledge)s.",
                data["count"],
            )
            % values
        )
        after = _("What to do next, step by step:")
    else:
        subject = _("It's off: %(title)s") % values
        body = (
            _(
                "The deadline has passed and %(count)s of the %(threshold)s people needed signed "
                "the pledge, so it's off: you don't need to do anything. Thank you for signing."
            )
            % values
        )
        after = _("What happens now:")
    msg = _base(cfg, _address(data["to"]), subject, msg_id, date)
    add_unsubscribe(msg, data["withdraw"])
    msg.set_content(
        f"{_('Hello,')}\n\n{body}\n\n{after} {data['page']}\n\n"
        f"{_('This is the only email about this pledge: we have now deleted your address.')}\n\n"
        f"{_footer(cfg, _)}"
    )
    return msg
