"""Backend "webhook": a signed JSON POST to any URL (a CRM, a script). The signature is
HMAC-SHA256 over `timestamp.delivery-id.body`, so a captured call can be neither replayed
later nor passed off as a different delivery."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Mapping
from typing import TYPE_CHECKING

from handbill_config import SignupConfig

from .base import Backend, http_job, secret

if TYPE_CHECKING:
    from ..config import Config
    from ..spool import Job


class Webhook(Backend):
    name = "webhook"
    action = "They have been sent to the webhook."
    leave_action = "Their withdrawal has been sent to the webhook."

    def __init__(self, url: str, key: str | None) -> None:
        self.url, self.key = url, key

    @classmethod
    def configure(cls, config: SignupConfig, env: Mapping[str, str]) -> tuple[Webhook, list[str]]:
        table = config.list_.webhook
        key = secret(env, table.secret_env)
        needed = 'required with backend = "webhook"'
        problems = [] if table.url else [config.problem("list.webhook.url", f"missing — {needed}")]
        if not key:
            problems.append(
                f"environment: {table.secret_env}: not set — the webhook's HMAC key, {needed}"
            )
        return cls(table.url, key), problems

    def handoff_jobs(self, cfg: Config, record: dict[str, str], job_id: str) -> list[Job]:
        body = json.dumps({"event": "subscriber.confirmed", "record": record}, ensure_ascii=False)
        return [http_job(f"{job_id}-webhook", "handoff: webhook", self.name, self.url, body)]

    def withdraw_jobs(self, cfg: Config, record: dict[str, str], job_id: str) -> list[Job]:
        body = json.dumps({"event": "subscriber.withdrawn", "record": record}, ensure_ascii=False)
        return [http_job(f"{job_id}-webhook", "withdrawal: webhook", self.name, self.url, body)]

    def sign(self, body: bytes, job_id: str) -> dict[str, str]:
        ts = str(int(time.time()))
        signed = f"{ts}.{job_id}.".encode() + body
        sig = hmac.new((self.key or "").encode(), signed, hashlib.sha256).hexdigest()
        return {
            "X-Handbill-Timestamp": ts,
            "X-Handbill-Delivery": job_id,
            "X-Handbill-Signature": f"sha256={sig}",
        }
