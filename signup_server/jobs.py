"""Turning messages and hand-offs into spool jobs (the request never talks to SMTP or HTTP).

Two kinds of mail job: "smtp" holds the finished message; "mail" holds only what a message
is made of, and the worker builds it (`render`) just before sending.

Secrets are not written into jobs: HTTP jobs name their backend ("listmonk", "webhook"), and
the worker has that backend sign the request at delivery time (`backends/`).
"""

from __future__ import annotations

import base64
from email.message import EmailMessage
from typing import TYPE_CHECKING, Any

from . import messages
from .messages import SMTP, SMTPUTF8
from .spool import Job

if TYPE_CHECKING:
    from .config import Config


def mail_job(job_id: str, purpose: str, msg: EmailMessage, sender: str) -> Job:
    # policy=SMTP: CRLF line ends, and the generator refuses to fold unsafe header values.
    # An address beyond ASCII (jörg@, @bücher.example) cannot be an RFC 2047 word or an
    # ASCII RCPT TO: such mail goes out raw UTF-8 with the SMTPUTF8 extension.
    to = [a.addr_spec for a in msg["To"].addresses]
    utf8 = not all(addr.isascii() for addr in (sender, *to))
    raw = msg.as_bytes(policy=SMTPUTF8 if utf8 else SMTP)
    data = {"from": sender, "to": to, "message": base64.b64encode(raw).decode("ascii")}
    if utf8:
        data["smtputf8"] = True
    return Job(id=job_id, kind="smtp", purpose=purpose, data=data)


def confirmation_job(job_id: str, email: str, link: str, leave: str = "") -> Job:
    """A confirmation as the request queues it: the few values the mail is made of, not the
    mail. Building an EmailMessage (header objects, policy, folding) was half the CPU of a
    sign-up request; the spool worker does it instead (`render`), off the request path.
    `leave` is the person's leave link (every mail to a supporter has one)."""
    data = {"template": "confirmation", "to": email, "link": link}
    if leave:
        data["leave"] = leave
    return Job(id=job_id, kind="mail", purpose="confirmation", data=data)


def leave_job(job_id: str, email: str, leave: str) -> Job:
    """The mail with a leave link, for someone who asked on the site's leave page."""
    data = {"template": "leave", "to": email, "leave": leave}
    return Job(id=job_id, kind="mail", purpose="leave link", data=data)


def action_confirmation_job(
    job_id: str, email: str, link: str, withdraw: str, action: Any, page: str
) -> Job:
    """An action's confirmation, like `confirmation_job`: the values, built when sent.
    The action's title and kind are the volunteers' (public), the address the signer's."""
    data = {
        "template": "action_confirmation",
        "to": email,
        "link": link,
        "withdraw": withdraw,
        "kind": action.kind,
        "title": action.title,
        "page": page,
    }
    return Job(id=job_id, kind="mail", purpose="action confirmation", data=data)


def pledge_outcome_job(
    job_id: str, email: str, action: Any, state: str, count: int, page: str, withdraw: str
) -> Job:
    """A pledge's outcome mail to one signer ("on" or "off"), built when sent."""
    data = {
        "template": "pledge_outcome",
        "to": email,
        "title": action.title,
        "pledge": action.pledge,
        "threshold": action.threshold,
        "state": state,
        "count": count,
        "page": page,
        "withdraw": withdraw,
    }
    return Job(id=job_id, kind="mail", purpose="pledge outcome", data=data)


def render(cfg: Config, job: Job) -> dict[str, Any]:
    """The SMTP delivery (sender, recipients, raw message) a "mail" job stands for: the
    same message the request used to build, with the job id as Message-ID and the time
    the job was queued as Date, so a retried job sends the same bytes every time."""
    template, data = job.data.get("template"), job.data
    if template == "confirmation":
        msg = messages.confirmation(
            cfg, data["to"], data["link"], job.id, job.created, data.get("leave", "")
        )
    elif template == "leave":
        msg = messages.leave_link(cfg, data["to"], data["leave"], job.id, job.created)
    elif template == "action_confirmation":
        msg = messages.action_confirmation(cfg, data, job.id, job.created)
    elif template == "pledge_outcome":
        msg = messages.pledge_outcome(cfg, data, job.id, job.created)
    else:
        raise ValueError("unknown mail template")
    return mail_job(job.id, job.purpose, msg, cfg.mail_from).data


def handoff_jobs(cfg: Config, record: dict[str, str], job_id: str) -> list[Job]:
    """The jobs that hand one confirmed subscriber to the configured list backend, and the
    consent record for the keeper (the hand-off itself with the "email" backend)."""
    backend = cfg.backend
    jobs = backend.handoff_jobs(cfg, record, job_id)
    if backend.record_is_handoff or cfg.list.record_to_keeper:
        msg = messages.record_for_keeper(cfg, record, f"{job_id}-record", backend.action)
        jobs.append(mail_job(f"{job_id}-record", "handoff: consent record", msg, cfg.mail_from))
    return jobs


def withdrawal_jobs(cfg: Config, record: dict[str, str], job_id: str) -> list[Job]:
    """The jobs that take one person off the list: through the same backend that added
    them, and the withdrawal record for the keeper (the hand-off itself with "email")."""
    backend = cfg.backend
    jobs = backend.withdraw_jobs(cfg, record, job_id)
    if backend.record_is_handoff or cfg.list.record_to_keeper:
        msg = messages.withdrawal_for_keeper(cfg, record, f"{job_id}-record", backend.leave_action)
        jobs.append(mail_job(f"{job_id}-record", "withdrawal: record", msg, cfg.mail_from))
    return jobs
