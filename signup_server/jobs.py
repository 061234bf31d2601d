"""Turning messages and hand-offs into spool jobs (the request never talks to SMTP or HTTP).

Two kinds of mail job: "smtp" holds the finished message; "mail" holds only what a message
is made of, and the worker builds it (`render`) just before sending.

Secrets are not written into jobs: HTTP jobs name the credential ("listmonk", "webhook") and
the worker adds it from the environment at delivery time.
"""

from __future__ import annotations

import base64
import json
from email.message import EmailMessage
from typing import Any

from . import messages
from .config import Config
from .messages import SMTP, SMTPUTF8
from .spool import Job


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


def confirmation_job(job_id: str, email: str, link: str) -> Job:
    """A confirmation as the request queues it: the few values the mail is made of, not the
    mail. Building an EmailMessage (header objects, policy, folding) was half the CPU of a
    sign-up request; the spool worker does it instead (`render`), off the request path."""
    data = {"template": "confirmation", "to": email, "link": link}
    return Job(id=job_id, kind="mail", purpose="confirmation", data=data)


def render(cfg: Config, job: Job) -> dict[str, Any]:
    """The SMTP delivery (sender, recipients, raw message) a "mail" job stands for: the
    same message the request used to build, with the job id as Message-ID and the time
    the job was queued as Date, so a retried job sends the same bytes every time."""
    if job.data.get("template") != "confirmation":
        raise ValueError("unknown mail template")
    msg = messages.confirmation(cfg, job.data["to"], job.data["link"], job.id, job.created)
    return mail_job(job.id, job.purpose, msg, cfg.mail_from).data


def handoff_jobs(cfg: Config, record: dict[str, str], job_id: str) -> list[Job]:
    """The jobs that hand one confirmed subscriber to the configured list backend."""
    backend = cfg.list.backend
    email = record["email"]
    jobs: list[Job] = []
    if backend == "mailman":
        msg = messages.mailman_join(cfg, email, f"{job_id}-mailman")
        jobs.append(mail_job(f"{job_id}-mailman", "handoff: mailman", msg, cfg.mail_from))
    elif backend == "listmonk":
        jobs.append(_listmonk_job(cfg, record, f"{job_id}-listmonk"))
    elif backend == "webhook":
        body = json.dumps({"event": "subscriber.confirmed", "record": record}, ensure_ascii=False)
        data = {"url": cfg.list.webhook_url, "body": body, "auth": "webhook"}
        jobs.append(Job(id=f"{job_id}-webhook", kind="http", purpose="handoff: webhook", data=data))
    if backend == "email" or cfg.list.record_to_keeper:
        action = {
            "email": "Please add them to the list.",
            "mailman": "They have been sent to Mailman with `join address=`.",
            "listmonk": "They have been added to listmonk (pre-confirmed).",
            "webhook": "They have been sent to the webhook.",
        }[backend]
        msg = messages.record_for_keeper(cfg, record, f"{job_id}-record", action)
        jobs.append(mail_job(f"{job_id}-record", "handoff: consent record", msg, cfg.mail_from))
    return jobs


def _listmonk_job(cfg: Config, record: dict[str, str], job_id: str) -> Job:
    # The admin API, pre-confirmed because we ran the double opt-in; the public
    # subscription endpoint has no abuse protection (listmonk #2038).
    payload = {
        "email": record["email"],
        "name": record.get("name") or record["email"].partition("@")[0],
        "status": "enabled",
        "lists": list(cfg.list.listmonk_lists),
        "preconfirm_subscriptions": True,
        "attribs": {"consent": record},
    }
    data = {
        "url": f"{cfg.list.listmonk_url}/api/subscribers",
        "body": json.dumps(payload, ensure_ascii=False),
        "auth": "listmonk",
    }
    return Job(id=job_id, kind="http", purpose="handoff: listmonk", data=data)
