"""Settings for handbill_checks, read from the HANDBILL_CHECKS dict in pelicanconf.py."""

from typing import Any

DEFAULTS: dict[str, Any] = {
    # Exit with status 1 at the end of the build when any error was logged (publishconf.py).
    "fail_on_error": False,
    # Look for internal links and images in the written pages that lead nowhere.
    "check_links": True,
}


def read(settings: dict[str, Any]) -> dict[str, Any]:
    return {**DEFAULTS, **settings.get("HANDBILL_CHECKS", {})}
