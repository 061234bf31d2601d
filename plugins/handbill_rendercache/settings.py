"""Settings for handbill_rendercache, read from the HANDBILL_RENDERCACHE dict."""

from typing import Any

DEFAULTS: dict[str, Any] = {
    # Reuse unchanged pages when Pelican's content cache is on (CACHE_CONTENT and
    # LOAD_CONTENT_CACHE). Set to False to render every page on every build.
    "enabled": True,
    # The record of the last build's pages, inside CACHE_PATH (`make clean` removes it).
    "file": "handbill-rendercache.json",
}


def read(settings: dict[str, Any]) -> dict[str, Any]:
    return {**DEFAULTS, **settings.get("HANDBILL_RENDERCACHE", {})}


def active(settings: dict[str, Any]) -> bool:
    """On for previews only: a publish never loads a cache, so it never reuses a page."""
    return bool(
        any(name.endswith("handbill_rendercache") for name in settings.get("PLUGINS", []))
        and settings.get("CACHE_CONTENT")
        and settings.get("LOAD_CONTENT_CACHE")
        and not settings.get("WRITE_SELECTED")
        and read(settings)["enabled"]
    )
