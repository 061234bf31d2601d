"""Backend "email" (the default): the list keeper gets the consent record and adds the
subscriber by hand. Works with any list host."""

from __future__ import annotations

from collections.abc import Mapping

from handbill_config import SignupConfig

from .base import Backend


class KeeperEmail(Backend):
    name = "email"
    action = "Please add them to the list."
    leave_action = "Please take them off the list now."
    record_is_handoff = True

    @classmethod
    def configure(
        cls, config: SignupConfig, env: Mapping[str, str]
    ) -> tuple[KeeperEmail, list[str]]:
        return cls(), []
