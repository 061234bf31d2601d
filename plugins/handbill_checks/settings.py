"""Settings for handbill_checks: the HANDBILL_CHECKS dict in pelicanconf.py/publishconf.py,
checked at start (a misspelt `fail_on_error` must not switch the publish guard off)."""

from typing import Any

from handbill_config import StrictModel, plugin_settings


class ChecksSettings(StrictModel):
    # Exit with status 1 at the end of the build when any error was logged (publishconf.py).
    fail_on_error: bool = False
    # Look for internal links and images in the written pages that lead nowhere.
    check_links: bool = True


def read(settings: dict[str, Any]) -> ChecksSettings:
    return plugin_settings(settings, "HANDBILL_CHECKS", ChecksSettings)
