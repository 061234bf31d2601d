"""Settings for handbill-publish: the HANDBILL_PUBLISH dict in publishconf.py.

HANDBILL_PUBLISH = {
    "upload_to": "deploy@web.example.org:/srv/www/sos-nhs/",
    "stale_days": 3,
}
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from typing import Any

from pydantic import Field

from handbill_config import ConfigError, StrictModel, plugin_settings


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
    """HANDBILL_PUBLISH and the other UPPERCASE names of publishconf.py (HANDBILL_SIGNUP's
    config path), read as Pelican reads a settings file: as a module named after the file.
    Without importing Pelican (0.5 s of CPU): the build runs in its own process anyway."""
    name = settings_file.stem
    spec = importlib.util.spec_from_file_location(name, settings_file)
    if spec is None or spec.loader is None:
        raise ConfigError(f"{settings_file}: not a Python settings file")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except FileNotFoundError:
        raise ConfigError(f"{settings_file}: no such settings file") from None
    values = {key: value for key, value in vars(module).items() if key.isupper()}
    return read(values), values
