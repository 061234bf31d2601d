"""Wiring: pictures found (static files) -> read (header: size, turn) -> published
(resized, cleaned, cached: pictures.py, store.py) -> `<img>` rewritten in pages (markup.py).

Pelican copies static files as they are; this plugin takes the JPEG, PNG and WebP files
out of that copy (`static_generator_finalized`, before anything is written) and writes
each as cleaned files of its own. Their addresses stay Pelican's, so `{static}` links,
the link check and the unread-file scan see them as before.
"""

from __future__ import annotations

import logging
import os
import weakref
from pathlib import Path
from typing import Any

from pelican import Pelican, signals
from pelican.generators import Generator, StaticGenerator

from . import settings as images_settings
from .markup import ResponsiveImages
from .pictures import EXTENSIONS, NotAPicture, Picture, read_picture, render
from .store import Store, write_if_changed

log = logging.getLogger(__name__)
NAME = "handbill_images"
FILTER = "responsive_images"
# What a picture's first bytes say it is: files that are no picture at all are named by
# handbill_content's scan of the folder; this plugin names the ones Pillow cannot read.
MAGIC = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"RIFF")
# One build's state, found by its settings dict (shared by every generator of a build).
BUILDS: weakref.WeakValueDictionary[int, Build] = weakref.WeakValueDictionary()
# (path, size, mtime) -> digest key, kept for the life of the process: `make serve`
# rebuilds in one process, and need not read and hash unchanged photos again.
KEYS: dict[tuple[str, int, int, str], str] = {}


def enabled(settings: dict[str, Any]) -> bool:
    return any(str(name).endswith(NAME) for name in settings.get("PLUGINS") or ())


class Build:
    """The pictures of one build, and the filter its templates use."""

    def __init__(self, settings: dict[str, Any]) -> None:
        self.settings = settings
        self.cfg = images_settings.read(settings)
        self.filter = ResponsiveImages(self.cfg.sizes, settings.get("SITEURL", ""))
        cache = settings.get("CACHE_PATH")
        folder = Path(cache, self.cfg.cache_folder) if cache else None
        self.store = Store(folder, self.cfg.fingerprint())
        self.written = 0

    def take_pictures(self, generator: StaticGenerator) -> list[Picture]:
        """Take the pictures out of Pelican's static copy; read each one's header."""
        keep, pictures = [], []
        for static in generator.staticfiles:
            if not static.source_path.lower().endswith(EXTENSIONS):
                keep.append(static)
                continue
            try:
                pictures.append(self._read(static))
            except NotAPicture as err:
                if not starts_like_a_picture(static.source_path):
                    keep.append(static)  # no picture at all: the content scan names it
                    continue
                # Left out: it might carry camera details that cannot be removed.
                log.error(
                    "%s:1: picture: cannot be published (%s) — export it again as JPEG or PNG",
                    static.relative_source_path,
                    err,
                )
        generator.staticfiles[:] = keep
        return pictures

    def _read(self, static: Any) -> Picture:
        return read_picture(
            static.source_path,
            static.relative_source_path,
            static.save_as,
            static.url,
            self.cfg.widths,
            self.cfg.max_megapixels * 1_000_000,
        )

    def publish(self, pictures: list[Picture]) -> list[Picture]:
        """Write each picture's files; the pictures published (a broken one is named)."""
        done = []
        output = Path(self.settings["OUTPUT_PATH"])
        content = self.settings["PATH"]
        for picture in pictures:
            try:
                files = self._files(os.path.join(content, picture.source), picture)
                variants = (picture.original, *picture.resized)
                for variant, data in zip(variants, files, strict=True):
                    self.written += write_if_changed(output / variant.save_as, data)
            except Exception as err:  # a file Pillow half-reads: a message, never a traceback
                log.error(
                    "%s:1: picture: cannot be published (%s) — export it again as JPEG or PNG",
                    picture.source,
                    reason(err),
                )
                continue
            done.append(picture)
        self.filter.pictures = {p.original.url: p for p in done}
        return done

    def _files(self, path: str, picture: Picture) -> list[bytes]:
        stat = os.stat(path)
        stamp = (path, stat.st_size, stat.st_mtime_ns, self.store.fingerprint)
        key = KEYS.get(stamp)
        data = None
        if key is None:
            with open(path, "rb") as handle:
                data = handle.read()
            key = KEYS[stamp] = self.store.key(data, picture)
        count = 1 + len(picture.resized)
        files = self.store.get(key, count)
        if files is None:
            if data is None:
                with open(path, "rb") as handle:
                    data = handle.read()
            files = render(data, picture, self.cfg.quality)
            self.store.put(key, files)
        return files


def starts_like_a_picture(path: str) -> bool:
    try:
        with open(path, "rb") as handle:
            return handle.read(16).startswith(MAGIC)
    except OSError:
        return False


def reason(err: Exception) -> str:
    """Why Pillow could not decode a picture, in a volunteer's words where we know them."""
    if "truncated" in str(err):
        return "the file is cut short: it may not have finished copying"
    return f"{type(err).__name__}: {err}"


def initialized(pelican: Pelican) -> None:
    if enabled(pelican.settings):
        pelican.handbill_images = Build(pelican.settings)  # a settings mistake stops here
        BUILDS[id(pelican.settings)] = pelican.handbill_images


def generator_init(generator: Generator) -> None:
    build = BUILDS.get(id(generator.settings))
    if build is not None:
        generator.env.filters[FILTER] = build.filter


def static_finalized(generator: StaticGenerator) -> None:
    build = BUILDS.get(id(generator.settings))
    if build is None:
        return
    pictures = build.publish(build.take_pictures(generator))
    # Plain values in the context: the preview's render cache digests it, so pages are
    # rendered again when a picture's size changes.
    generator.context["handbill_images"] = {p.original.url: p.table_row() for p in pictures}
    log.debug(
        "handbill_images: %d pictures, %d files written, cache %d hits %d misses",
        len(pictures),
        build.written,
        build.store.hits,
        build.store.misses,
    )


def register() -> None:
    signals.initialized.connect(initialized)
    signals.generator_init.connect(generator_init)
    signals.static_generator_finalized.connect(static_finalized)
