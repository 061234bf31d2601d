"""Settings for handbill_content: the HANDBILL_CONTENT dict in pelicanconf.py, checked at start."""

from typing import Any

from handbill_config import StrictModel, plugin_settings


class ContentSettings(StrictModel):
    # Keep HTML in posts and pages as written: scripts, frames (a video or map embed), inline
    # styles. Off by default: the site's security policy blocks them, so they are removed
    # with a warning. Turn it on only if your group needs an embed, and allow the embed's
    # host in the web server's Content-Security-Policy (docs/operators.md).
    allow_raw_html: bool = False


def read(settings: dict[str, Any]) -> ContentSettings:
    return plugin_settings(settings, "HANDBILL_CONTENT", ContentSettings)
