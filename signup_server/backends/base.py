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
    # True when the keeper's consent-record mail is itself the hand-off.
    record_is_handoff: ClassVar[bool] = False

    def handoff_jobs(self, cfg: Config, record: dict[str, str], job_id: str) -> list[Job]:
        return []

    def sign(self, body: bytes, job_id: str) -> dict[str, str]:
        return {}

    def already_delivered(self, status: int) -> bool:
        return False


def secret(env: Mapping[str, str], name: str) -> str | None:
    """A secret from the environment; empty counts as unset."""
    return env.get(name) or None
