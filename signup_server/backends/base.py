"""The interface every delivery backend implements (see `backends/__init__.py`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, ClassVar, Self

from handbill_config import SignupConfig

if TYPE_CHECKING:
    from ..config import Config
    from ..spool import Job


class Backend:
    """The interface; the defaults suit a backend that only sends mail."""

    @classmethod
    def configure(cls, config: SignupConfig, env: Mapping[str, str]) -> tuple[Self, list[str]]:
        """The backend with its settings and secrets, and what is missing (one line each)."""
        raise NotImplementedError

    name: ClassVar[str]
    action: ClassVar[str]
    leave_action: ClassVar[str]  # the keeper's withdrawal-record mail: what happened
    # True when the keeper's consent-record mail is itself the hand-off.
    record_is_handoff: ClassVar[bool] = False

    def handoff_jobs(self, cfg: Config, record: dict[str, str], job_id: str) -> list[Job]:
        return []

    def withdraw_jobs(self, cfg: Config, record: dict[str, str], job_id: str) -> list[Job]:
        """The jobs that take one person off the list (they used a leave link)."""
        return []

    def sign(self, body: bytes, job_id: str) -> dict[str, str]:
        return {}

    def already_delivered(self, status: int) -> bool:
        return False


def http_job(
    job_id: str,
    purpose: str,
    backend: str,
    url: str,
    body: str,
    method: str = "POST",
    content_type: str = "application/json",
) -> Job:
    """An HTTP call for the worker to make, signed by `backend` at delivery time."""
    from ..spool import Job

    data = {"url": url, "body": body, "auth": backend}
    if method != "POST":
        data["method"] = method
    if content_type != "application/json":
        data["content_type"] = content_type
    return Job(id=job_id, kind="http", purpose=purpose, data=data)


def secret(env: Mapping[str, str], name: str) -> str | None:
    """A secret from the environment; empty counts as unset."""
    return env.get(name) or None
