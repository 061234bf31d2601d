"""Pelican's Writer, with each template render and feed going through the RenderCache."""

from __future__ import annotations

import functools
import inspect
import logging
import os
from typing import Any

import jinja2
import pelican
from pelican import Pelican
from pelican.contents import Article
from pelican.settings import DEFAULT_CONFIG
from pelican.writers import Writer

from . import settings as cache_settings
from .cache import RenderCache
from .digest import Unstable, digest

log = logging.getLogger(__name__)


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


# Two things here lean on Pelican's own code rather than its documented API, because no
# public way gives the same (docs/architecture.md, "Private names we rely on", has the
# figures). Both are checked before each preview build; if a Pelican release changes them,
# the preview renders every page, as Pelican alone does, and says so.
#   1. CachingWriter._open_w: Pelican's Writer opens each file through _open_w and records
#      its name in _written_files/_overridden_files; a kept page gets a sink instead.
#   2. RenderCache._watch: a post's `content` and `summary` properties call the instance's
#      get_content/get_summary, which the cache replaces per post to note who read them.
#   3. Describer.content_digests reads each post's converted text from `_content`.
OPEN_W_PARAMETERS = ["self", "filename", "encoding", "override"]


@functools.cache
def pelican_mismatch() -> str | None:
    """What, if anything, in this Pelican differs from what the render cache relies on."""
    open_w = vars(Writer).get("_open_w")
    if open_w is None:
        return "Writer._open_w is gone"
    if list(inspect.signature(open_w).parameters) != OPEN_W_PARAMETERS:
        return f"Writer._open_w now takes {list(inspect.signature(open_w).parameters)}"
    writer = Writer(os.devnull, settings={})
    for name in ("_written_files", "_overridden_files"):
        if not isinstance(getattr(writer, name, None), set):
            return f"Writer.{name} is no longer a set"
    return _reads_mismatch()


def _reads_mismatch() -> str | None:
    post = Article("<p>Text</p>", metadata={"title": "Probe"}, settings=DEFAULT_CONFIG)
    if getattr(post, "_content", None) != "<p>Text</p>":
        return "a post's converted text is no longer in _content"
    read: list[str] = []
    for name in ("get_content", "get_summary"):
        method = getattr(post, name)
        setattr(post, name, functools.partial(_note, read, name, method))
    post.summary  # noqa: B018  (reading the properties is the probe)
    post.content  # noqa: B018
    if sorted(set(read)) != ["get_content", "get_summary"]:
        return f"reading a post's text calls {sorted(set(read))} of get_content/get_summary"
    return None


def _note(read: list[str], name: str, method: Any, *args: Any) -> Any:
    read.append(name)
    return method(*args)


def get_writer(pelican_: Pelican) -> type[Writer] | None:
    # Signals are process-wide: a build without this plugin, or a publish, gets Pelican's.
    if not cache_settings.active(pelican_.settings):
        return None
    mismatch = pelican_mismatch()
    if mismatch:
        log.warning(
            "Preview: rendering every page: Pelican %s changed what handbill_rendercache "
            "relies on (%s)",
            pelican.__version__,
            mismatch,
        )
        return None
    cache = RenderCache(pelican_.settings)
    pelican_.handbill_rendercache = cache
    return type("CachingWriter", (CachingWriter,), {"cache": cache})


def finalized(pelican: Pelican) -> None:
    cache = getattr(pelican, "handbill_rendercache", None)
    if cache is not None:
        cache.save()
        del pelican.handbill_rendercache
