"""Backend "listmonk": listmonk's admin API, the subscriber pre-confirmed (we ran the double
opt-in) with the consent record in their attributes. Not the public subscription endpoint:
it has no abuse protection (listmonk #2038)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING

from handbill_config import SignupConfig

from .base import Backend, http_job, secret

if TYPE_CHECKING:
    from ..config import Config
    from ..spool import Job


class Listmonk(Backend):
    name = "listmonk"
    action = "They have been added to listmonk (pre-confirmed)."
    leave_action = "They have been unsubscribed from the list in listmonk."

    def __init__(self, url: str, lists: tuple[int, ...], user: str, token: str | None) -> None:
        self.url, self.lists, self.user, self.token = url, lists, user, token

    @classmethod
    def configure(cls, config: SignupConfig, env: Mapping[str, str]) -> tuple[Listmonk, list[str]]:
        table = config.list_.listmonk
        token = secret(env, table.token_env)
        needed = 'required with backend = "listmonk"'
        problems = [
            config.problem(f"list.listmonk.{key}", f"missing — {needed}")
            for key, value in (("url", table.url), ("lists", table.lists))
            if not value
        ]
        if not token:
            problems.append(f"environment: {table.token_env}: not set — the API token, {needed}")
        return cls(table.url.rstrip("/"), tuple(table.lists), table.username, token), problems

    def handoff_jobs(self, cfg: Config, record: dict[str, str], job_id: str) -> list[Job]:
        payload = {
            "email": record["email"],
            "name": record.get("name") or record["email"].partition("@")[0],
            "status": "enabled",
            "lists": list(self.lists),
            "preconfirm_subscriptions": True,
            "attribs": {"consent": record},
        }
        body = json.dumps(payload, ensure_ascii=False)
        url = f"{self.url}/api/subscribers"
        return [http_job(f"{job_id}-listmonk", "handoff: listmonk", self.name, url, body)]

    def withdraw_jobs(self, cfg: Config, record: dict[str, str], job_id: str) -> list[Job]:
        # listmonk's documented "manage lists by query": unsubscribe whoever has this
        # address from our lists, in one call, without first looking up their id. The
        # address is a validated one, but a ' is allowed in it: doubled, as SQL wants.
        address = record["email"].replace("'", "''")
        payload = {
            "query": f"subscribers.email = '{address}'",
            "action": "unsubscribe",
            "target_list_ids": list(self.lists),
        }
        body = json.dumps(payload, ensure_ascii=False)
        url = f"{self.url}/api/subscribers/query/lists"
        purpose = "withdrawal: listmonk"
        return [http_job(f"{job_id}-listmonk", purpose, self.name, url, body, "PUT")]

    def sign(self, body: bytes, job_id: str) -> dict[str, str]:
        return {"Authorization": f"token {self.user}:{self.token}"}

    def already_delivered(self, status: int) -> bool:
        # listmonk answers 409 when the subscriber exists: the hand-off already happened.
        return status == 409
