"""Settings for handbill-publish: the HANDBILL_PUBLISH dict in publishconf.py.

HANDBILL_PUBLISH = {
    "upload_to": "deploy@web.example.org:/srv/www/sos-nhs/",
    "stale_days": 3,
}
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import Field

from handbill_config import StrictModel, plugin_settings


class PublishSettings(StrictModel):
    # Where `handbill-publish rebuild` uploads the live site with rsync: a local folder or
    # "user@host:/path/" (over ssh). None: build, check and swap only.
    upload_to: str | None = None
    # Mail the keeper when the site has not been published successfully for this many days.
    stale_days: int = Field(default=3, ge=1)
    # Versions kept in .site/: the live one, the one before it (rollback), and so on.
    keep_versions: int = Field(default=2, ge=2)
    # A build taking longer than this is stopped and counts as failed (a hang in cron).
    build_timeout_minutes: int = Field(default=30, ge=1)


def read(pelican_settings: dict[str, Any]) -> PublishSettings:
    return plugin_settings(pelican_settings, "HANDBILL_PUBLISH", PublishSettings)


def load(settings_file: Path) -> tuple[PublishSettings, dict[str, Any]]:
    """HANDBILL_PUBLISH and the rest of publishconf.py (for HANDBILL_SIGNUP's config path)."""
    from pelican.settings import read_settings

    pelican_settings = read_settings(str(settings_file))
    return read(pelican_settings), pelican_settings
