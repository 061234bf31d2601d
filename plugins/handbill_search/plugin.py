"""Wiring: the settings checked at start, the search page, and the index after the build.

The index is written at Pelican's `finalized` signal, after every page is on disk, so
`make html`, `make serve` and `make publish` all give a searchable site.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import Any

from pelican import signals
from pelican.generators import Generator

from .index import BUNDLE, pages_digest, write_index
from .settings import SearchSettings, read

log = logging.getLogger(__name__)
CHECKED = "HANDBILL_SEARCH_CHECKED"
URL = "search/"  # the search page (the main menu links to it)
# The pages each build's index should hold, by the build's settings dict: the generator
# knows them, the `finalized` signal (which gets only Pelican) needs them.
_PAGES: dict[int, list[str]] = {}


def pages_to_index(context: dict[str, Any]) -> list[str]:
    """Posts and pages (with their translations), event and action pages: what visitors
    look for (each plugin's list in the context, when it is enabled)."""
    items = [*context.get("articles", []), *context.get("pages", [])]
    items += [t for item in items for t in getattr(item, "translations", [])]
    items += [*context.get("events", []), *context.get("handbill_actions", [])]
    return sorted({item.save_as for item in items if getattr(item, "save_as", "")})


class SearchPageGenerator(Generator):
    """Writes the search page and notes which pages the index should hold."""

    def generate_output(self, writer: Any) -> None:
        search: SearchSettings = self.settings[CHECKED]
        writer.write_file(
            f"{URL}index.html",
            self.get_template("search"),
            self.context,
            search_url=URL,
            search=search,
            relative_urls=self.settings["RELATIVE_URLS"],
        )
        _PAGES[id(self.settings)] = pages_to_index(self.context)


def initialized(pelican: Any) -> None:
    pelican.settings[CHECKED] = read(pelican.settings)


def finalized(pelican: Any) -> None:
    search: SearchSettings = pelican.settings[CHECKED]
    pages = _PAGES.pop(id(pelican.settings), [])
    if not search.index:
        return
    started = time.perf_counter()
    output = Path(pelican.output_path)
    remembered = _remembered(pelican.settings)
    digest = pages_digest(output, pages) if remembered else ""
    if remembered and (output / BUNDLE).is_dir() and _read(remembered) == digest:
        log.info("search: no indexed page changed; the index is kept")
        return
    result = write_index(output, pages, search.timeout_seconds)
    if not result.ok:
        log.error("search: %s — see docs/operators.md, 'Search and sharing'", result.problem)
        return
    if remembered:
        remembered.parent.mkdir(parents=True, exist_ok=True)
        remembered.write_text(digest, encoding="utf-8")
    took = time.perf_counter() - started
    log.info("search: %d pages indexed in %.1f s", result.pages, took)


def _remembered(settings: dict[str, Any]) -> Path | None:
    """Where a preview (which keeps its output and a cache between builds) notes what its
    index was made from, so a rebuild in which no indexed page changed skips the indexer.
    A publish builds into a new folder every time: nothing to keep, no note."""
    if not (settings.get("CACHE_CONTENT") and settings.get("LOAD_CONTENT_CACHE")):
        return None
    return Path(settings["CACHE_PATH"]) / "handbill_search.sha256"


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except OSError:
        return ""


def get_generators(pelican: Any) -> type[SearchPageGenerator]:
    return SearchPageGenerator


def register() -> None:
    signals.initialized.connect(initialized)
    signals.get_generators.connect(get_generators)
    signals.finalized.connect(finalized)
