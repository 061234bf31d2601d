"""Backend "mailman": `join address=...` mailed to the Mailman 3 list's -request address,
from our own address (list policy "open" or "moderate"; we ran the double opt-in)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from handbill_config import SignupConfig

from .. import messages
from ..jobs import mail_job
from .base import Backend

if TYPE_CHECKING:
    from ..config import Config
    from ..spool import Job


class Mailman(Backend):
    name = "mailman"
    action = "They have been sent to Mailman with `join address=`."

    def __init__(self, request_address: str) -> None:
        self.request_address = request_address

    @classmethod
    def configure(cls, config: SignupConfig, env: Mapping[str, str]) -> tuple[Mailman, list[str]]:
        address = config.list_.mailman.request_address
        problems = []
        if not address:
            problems.append(
                config.problem(
                    "list.mailman.request_address",
                    'missing — backend = "mailman" needs the list\'s -request address, '
                    'like "news-request@lists.example.org"',
                )
            )
        return cls(address), problems

    def handoff_jobs(self, cfg: Config, record: dict[str, str], job_id: str) -> list[Job]:
        msg = messages.mailman_join(cfg, self.request_address, record["email"], f"{job_id}-mailman")
        return [mail_job(f"{job_id}-mailman", "handoff: mailman", msg, cfg.mail_from)]
