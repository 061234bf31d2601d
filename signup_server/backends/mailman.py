"""Backend "mailman": Mailman 3's REST API. A confirmed subscriber is added pre-verified,
pre-confirmed and pre-approved (we ran the double opt-in, so Mailman must not run a second
one); a person who leaves is removed from the list's roster.

Not the `join address=` command mailed to the list's -request address, which this backend
used before: Mailman 3 registers such an address unverified and mails it a confirmation of
its own (a second opt-in), and its `leave` command only ever acts on the sender's own
address, so a withdrawal could not be handed over at all (docs/operators.md, "Mailman").
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from typing import TYPE_CHECKING
from urllib.parse import quote, urlencode

from handbill_config import SignupConfig

from .base import Backend, http_job, secret

if TYPE_CHECKING:
    from ..config import Config
    from ..spool import Job

FORM = "application/x-www-form-urlencoded"


class Mailman(Backend):
    name = "mailman"
    action = "They have been added to the Mailman list (pre-confirmed)."
    leave_action = "They have been removed from the Mailman list."

    def __init__(self, rest_url: str, list_id: str, user: str, password: str | None) -> None:
        self.rest_url, self.list_id, self.user, self.password = rest_url, list_id, user, password

    @classmethod
    def configure(cls, config: SignupConfig, env: Mapping[str, str]) -> tuple[Mailman, list[str]]:
        table = config.list_.mailman
        password = secret(env, table.password_env)
        needed = 'required with backend = "mailman"'
        problems = [
            config.problem(f"list.mailman.{key}", f"missing — {needed}, like {example}")
            for key, value, example in (
                ("rest_url", table.rest_url, '"http://127.0.0.1:8001"'),
                ("list_id", table.list_id, '"news.lists.example.org"'),
            )
            if not value
        ]
        if not password:
            problems.append(
                f"environment: {table.password_env}: not set — Mailman's REST password, {needed}"
            )
        url = table.rest_url.rstrip("/")
        return cls(url, table.list_id, table.username, password), problems

    def handoff_jobs(self, cfg: Config, record: dict[str, str], job_id: str) -> list[Job]:
        body = urlencode(
            {
                "list_id": self.list_id,
                "subscriber": record["email"],
                "display_name": record.get("name", ""),
                "pre_verified": "true",
                "pre_confirmed": "true",
                "pre_approved": "true",
            }
        )
        url = f"{self.rest_url}/3.1/members"
        purpose = "handoff: mailman"
        return [http_job(f"{job_id}-mailman", purpose, self.name, url, body, content_type=FORM)]

    def withdraw_jobs(self, cfg: Config, record: dict[str, str], job_id: str) -> list[Job]:
        # The roster's DELETE takes addresses and answers which were members: one call,
        # and a repeat (or someone who was never on the list) is a success, not an error.
        url = f"{self.rest_url}/3.1/lists/{quote(self.list_id, safe='')}/roster/member"
        body = urlencode({"emails": record["email"]})
        return [
            http_job(
                f"{job_id}-mailman", "withdrawal: mailman", self.name, url, body, "DELETE", FORM
            )
        ]

    def sign(self, body: bytes, job_id: str) -> dict[str, str]:
        pair = f"{self.user}:{self.password or ''}".encode()
        return {"Authorization": "Basic " + base64.b64encode(pair).decode("ascii")}

    def already_delivered(self, status: int) -> bool:
        # 409 "Member already subscribed": the hand-off happened before.
        return status == 409
