"""Decide, page by page, whether the page in the output folder can stay as it is.

A page is reused when, since the build that wrote it:
  - nothing every page can see changed (settings, theme and plugin files, the metadata and
    address of every post, page and event: a new title shows in menus and lists),
  - what the page itself was given is the same (its post, tag, page number...),
  - no post or page whose text it showed has new text (noted while it was rendered),
  - and the file is still the one written then (same size and modification time).
Anything else renders the page, as Pelican would.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import jinja2
import markdown
import pelican
from pelican.contents import Content

from . import settings as cache_settings
from .digest import Describer, Unstable, digest
from .record import FORMAT, PageRecord, Record

log = logging.getLogger(__name__)

# Set by Pelican's writer per page, or changed by it as pages are written.
PER_PAGE = ("output_file", "localsiteurl")


class RenderCache:
    """One build's reuse decisions, and the record it leaves for the next build."""

    def __init__(self, settings: dict[str, Any]) -> None:
        self.settings = settings
        self.output = Path(os.path.abspath(settings["OUTPUT_PATH"]))
        self.path = Path(settings["CACHE_PATH"], cache_settings.read(settings).file)
        self.previous = Record.load(self.path)
        self.current: Record | None = None  # set once the site is digested
        self.changed: set[str] = set()
        self.reading: set[str] | None = None  # source files read by the page being rendered
        self.written: dict[str, tuple[str, list[str]]] = {}
        self.kept: set[str] = set()  # pages left as they are on disk
        self.describer = Describer()
        self.reused = self.rendered = 0

    # --- once per build ------------------------------------------------------------
    def prepare(self, context: dict[str, Any]) -> None:
        """Digest what every page can see; note which texts changed since the last build."""
        describer = self.describer
        shared = {k: v for k, v in context.items() if k not in PER_PAGE}
        try:
            described = describer.describe(shared)
        except Unstable as err:
            log.info("Rendering every page: the site's settings hold a value that %s", err)
            described = ""
        meta, bodies = describer.content_digests()
        parts = [described, *sorted(meta.items()), *self._code_files(), _versions()]
        site = digest(repr(parts)) if described else ""
        self.current = Record(site=site, bodies=bodies)
        if not site or site != self.previous.site:
            self.previous.pages = {}
        self.changed = {p for p, d in bodies.items() if self.previous.bodies.get(p) != d}
        for item in describer.contents.values():
            self._watch(item)

    def _code_files(self) -> list[tuple[str, int, int]]:
        """The theme's and plugins' files, by size and time: editing one renders every page."""
        roots = [self.settings["THEME"], *self.settings.get("PLUGIN_PATHS", [])]
        roots += self.settings.get("THEME_TEMPLATES_OVERRIDES", [])
        return sorted(_stats(Path(root) for root in roots))

    def _watch(self, item: Content) -> None:
        # Per object, not on the class: only this build's posts report to this cache.
        for name in ("get_content", "get_summary"):
            method = getattr(item, name, None)
            if method is not None:
                setattr(item, name, _Noted(method, item.source_path, self))

    # --- once per page -------------------------------------------------------------
    def render(self, template: jinja2.Template, local: dict[str, Any], shared: dict) -> str:
        name = local["output_file"]
        key = self._page_key(local, shared)
        if self._keep(name, key, shared):
            self.kept.add(os.path.normpath(self.output / name))
            return ""  # the writer leaves the file alone (keeps_file)
        text, self.written[name] = self._render(key, template.render, local)
        return text

    def keeps_file(self, path: str) -> bool:
        return os.path.normpath(path) in self.kept

    def feed(self, name: str, key: str, write: Callable[[], Any], shared: dict) -> Any:
        """Write a feed unless the one on disk was made from the same posts and texts."""
        if self._keep(name, key, shared):
            return None
        result, self.written[name] = self._render(key, write)
        return result

    def _page_key(self, local: dict[str, Any], shared: dict[str, Any]) -> str:
        own = {k: v for k, v in local.items() if k not in shared or shared[k] is not v}
        try:
            return digest(self.describer.describe(own))
        except Unstable as err:
            log.debug("%s is always rendered: it is given a value that %s", own["output_file"], err)
            return ""

    def _keep(self, name: str, key: str, shared: dict[str, Any]) -> bool:
        """Whether the file on disk is what rendering would give; noted as written if so."""
        if self.current is None:
            self.prepare(shared)
        old = self.previous.pages.get(name)
        if not (key and old and old.key == key) or self.changed.intersection(old.reads):
            return False
        try:
            stat = (self.output / name).stat()
        except OSError:
            return False
        if (stat.st_size, stat.st_mtime_ns) != (old.size, old.mtime_ns):
            return False
        self.written[name] = (key, old.reads)
        self.reused += 1
        return True

    def _render(
        self, key: str, render: Callable[..., Any], *args: Any
    ) -> tuple[Any, tuple[str, list[str]]]:
        """Render, noting whose text was read: (the result, the page's record entry)."""
        self.reading = set()
        try:
            result = render(*args)
            return result, (key, sorted(self.reading))
        finally:
            self.reading = None
            self.rendered += 1

    def note_written(self) -> None:
        """Record each file written since the last call, with its size and time now."""
        if self.current is None:
            return
        for name, (key, reads) in self.written.items():
            try:
                stat = (self.output / name).stat()
            except OSError:
                continue
            self.current.pages[name] = PageRecord(key, reads, stat.st_size, stat.st_mtime_ns)
        self.written.clear()

    # --- end of the build ----------------------------------------------------------
    def save(self) -> None:
        if self.current is None:
            return
        self.note_written()
        self.current.kept, self.current.rendered = self.reused, self.rendered
        self.current.save(self.path)
        log.info("Preview: %d unchanged pages kept, %d rendered", self.reused, self.rendered)


class _Noted:
    """A post's get_content/get_summary that tells the cache which page read its text."""

    def __init__(self, method: Callable[..., str], source: str, cache: RenderCache) -> None:
        self.method, self.source, self.cache = method, source, cache

    def __call__(self, *args: Any, **kwargs: Any) -> str:
        if self.cache.reading is not None:
            self.cache.reading.add(self.source)
        return self.method(*args, **kwargs)


def _stats(roots: Iterable[Path]) -> Iterable[tuple[str, int, int]]:
    for root in roots:
        for folder, dirs, files in os.walk(root):
            dirs[:] = [d for d in dirs if d != "__pycache__"]
            for name in files:
                stat = os.stat(os.path.join(folder, name))
                yield os.path.join(folder, name), stat.st_size, stat.st_mtime_ns


def _versions() -> str:
    return f"{FORMAT} {pelican.__version__} {jinja2.__version__} {markdown.__version__}"
