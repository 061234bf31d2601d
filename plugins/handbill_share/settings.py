"""Settings for handbill_share: the HANDBILL_SHARE dict in pelicanconf.py, checked at start."""

from typing import Any, Literal

from pydantic import Field

from handbill_config import StrictModel, plugin_settings

Service = Literal["email", "whatsapp", "telegram", "bluesky", "mastodon"]
SERVICES: tuple[Service, ...] = ("email", "whatsapp", "telegram", "bluesky", "mastodon")


class ShareSettings(StrictModel):
    # The links shown under each post and event, in this order ("Copy link" and the
    # phone's own share button come with them where the browser can).
    services: list[Service] = Field(default_factory=lambda: list(SERVICES))


def read(settings: dict[str, Any]) -> ShareSettings:
    return plugin_settings(settings, "HANDBILL_SHARE", ShareSettings)
