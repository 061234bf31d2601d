"""Pelican's Writer, with each template render and feed going through the RenderCache."""

from __future__ import annotations

import os
from typing import Any

import jinja2
from pelican import Pelican
from pelican.writers import Writer

from . import settings as cache_settings
from .cache import RenderCache
from .digest import Unstable, digest


class CachingWriter(Writer):
    cache: RenderCache  # set on the per-build subclass made by get_writer()

    def write_file(self, name, template, context, *args, **kwargs) -> None:
        # Pelican renders inside write_file; handing it this template lets the cache
        # answer with the page already written, which Pelican then writes back unchanged.
        super().write_file(name, _Template(template, self.cache, context), context, *args, **kwargs)
        self.cache.note_written()

    def _open_w(self, filename, encoding, override=False):
        # Pelican opens every page for writing; a page kept as it is must not be emptied,
        # so it gets a sink instead (after the same bookkeeping of names written).
        if not self.cache.keeps_file(filename) or filename in self._written_files:
            return super()._open_w(filename, encoding, override)
        self._written_files.add(filename)
        if override:
            self._overridden_files.add(filename)
        return open(os.devnull, "w", encoding=encoding)

    def write_feed(
        self,
        elements,
        context,
        path=None,
        url=None,
        feed_type="atom",
        override_output=False,
        feed_title=None,
    ):
        def write() -> Any:
            return super(CachingWriter, self).write_feed(
                elements, context, path, url, feed_type, override_output, feed_title
            )

        if not path:
            return write()
        shown = elements[: self.settings["FEED_MAX_ITEMS"]]
        try:
            key = digest(self.cache.describer.describe([shown, path, url, feed_type, feed_title]))
        except Unstable:
            key = ""
        result = self.cache.feed(path, key, write, context)
        self.cache.note_written()
        return result


class _Template:
    def __init__(self, template: jinja2.Template, cache: RenderCache, shared: dict) -> None:
        self.template, self.cache, self.shared = template, cache, shared

    def render(self, local: dict[str, Any]) -> str:
        return self.cache.render(self.template, local, self.shared)


def get_writer(pelican: Pelican) -> type[Writer] | None:
    # Signals are process-wide: a build without this plugin, or a publish, gets Pelican's.
    if not cache_settings.active(pelican.settings):
        return None
    cache = RenderCache(pelican.settings)
    pelican.handbill_rendercache = cache
    return type("CachingWriter", (CachingWriter,), {"cache": cache})


def finalized(pelican: Pelican) -> None:
    cache = getattr(pelican, "handbill_rendercache", None)
    if cache is not None:
        cache.save()
        del pelican.handbill_rendercache
