"""Settings for handbill_rendercache: the HANDBILL_RENDERCACHE dict, checked at start."""

from typing import Any

from handbill_config import StrictModel, plugin_settings


class RenderCacheSettings(StrictModel):
    # Reuse unchanged pages when Pelican's content cache is on (CACHE_CONTENT and
    # LOAD_CONTENT_CACHE). Set to False to render every page on every build.
    enabled: bool = True
    # The record of the last build's pages, inside CACHE_PATH (`make clean` removes it).
    file: str = "handbill-rendercache.json"


def read(settings: dict[str, Any]) -> RenderCacheSettings:
    return plugin_settings(settings, "HANDBILL_RENDERCACHE", RenderCacheSettings)


def initialized(pelican: Any) -> None:
    """Check the dict at start, in every build: a publish never uses the cache, but a
    mistake in the dict must not wait for the next preview to show."""
    read(pelican.settings)


def active(settings: dict[str, Any]) -> bool:
    """On for previews only: a publish never loads a cache, so it never reuses a page."""
    return bool(
        any(name.endswith("handbill_rendercache") for name in settings.get("PLUGINS", []))
        and settings.get("CACHE_CONTENT")
        and settings.get("LOAD_CONTENT_CACHE")
        and not settings.get("WRITE_SELECTED")
        and read(settings).enabled
    )
