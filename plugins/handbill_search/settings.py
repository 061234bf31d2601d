"""Settings for handbill_search: the HANDBILL_SEARCH dict in pelicanconf.py/publishconf.py,
checked at start."""

from typing import Any

from handbill_config import StrictModel, plugin_settings


class SearchSettings(StrictModel):
    # Write the search index after each build (Pagefind). Off: the search page says search
    # is not available and links to the news archive.
    index: bool = True
    # How long the indexer may take before the build reports it as a problem.
    timeout_seconds: int = 600


def read(settings: dict[str, Any]) -> SearchSettings:
    return plugin_settings(settings, "HANDBILL_SEARCH", SearchSettings)
