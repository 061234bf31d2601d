"""Remember each event file's validation between builds, as Pelican's content cache does.

Reading and validating YAML is most of the plugin's own work before rendering, and a
rebuild after editing one post should not redo it for files that did not change. The
cache lives in Pelican's CACHE_PATH and is used only when Pelican's own content cache is
(CACHE_CONTENT to write it, LOAD_CONTENT_CACHE to read it). An entry counts only for the
same file size and modification time, the same settings that validation reads, and the
same validation code and PyYAML; a cache that cannot be read is ignored and rewritten.
Descriptions' HTML is kept too, by their Markdown text (the MARKDOWN setting is part
of the key), as Pelican keeps its articles'.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nh3
import yaml

from .description import Rendered
from .pipeline import Validated

log = logging.getLogger(__name__)

CACHE_NAME = "handbill_events-validated.pickle"
# The modules whose code decides what a file validates to.
SOURCES = (
    "access", "description", "fields", "load", "pipeline", "problems", "rule_dates",
    "series_fields", "slugs", "spec", "validate",
)  # fmt: skip


Stamp = tuple[int, int]  # size, mtime in ns


@dataclass
class ValidationCache:
    """Validated files by path relative to the content folder, for one build."""

    path: Path | None  # None: caching is off
    load: bool
    fingerprint: str
    entries: dict[str, tuple[Stamp, Validated]] = field(default_factory=dict)
    html: dict[str, Rendered] = field(default_factory=dict)  # descriptions by their Markdown
    html_used: dict[str, Rendered] = field(default_factory=dict)
    changed: bool = False

    @classmethod
    def for_pelican(cls, settings: dict[str, Any], *validation_settings: Any) -> ValidationCache:
        write = bool(settings.get("CACHE_CONTENT"))
        load = write and bool(settings.get("LOAD_CONTENT_CACHE"))
        cache_path = settings.get("CACHE_PATH")
        path = Path(cache_path, CACHE_NAME) if write and cache_path else None
        cache = cls(path, load, fingerprint(validation_settings))
        if path is not None and load:
            cache.entries, cache.html = _read(path, cache.fingerprint)
        return cache

    def get(self, rel: str, full: Path) -> Validated | None:
        found = self.entries.get(rel)
        if found is None or self.path is None:
            return None
        stamp, validated = found
        return validated if stamp == _stamp(full) else None

    def put(self, rel: str, full: Path, validated: Validated) -> None:
        if self.path is not None:
            self.entries[rel] = (_stamp(full), validated)
            self.changed = True

    def description(self, text: str, render: Callable[[str], Rendered]) -> Rendered:
        """`render(text)`, or what it gave for the same text in an earlier build. Pelican
        caches its articles' HTML the same way; the Markdown settings are in the key."""
        found = self.html.get(text) if self.path is not None else None
        if found is None:
            found = render(text)
            self.changed = True
        self.html_used[text] = found
        return found

    def save(self, keep: set[str]) -> None:
        """Write the entries of the files in `keep` (deleted files drop out) and the HTML
        of this build's descriptions."""
        if self.path is None:
            return
        dropped = set(self.entries) - keep
        if not self.changed and not dropped and self.html_used.keys() == self.html.keys():
            return
        entries = {rel: entry for rel, entry in self.entries.items() if rel in keep}
        data = {"fingerprint": self.fingerprint, "entries": entries, "html": self.html_used}
        temp = self.path.with_name(f"{self.path.name}.{os.getpid()}.tmp")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            temp.write_bytes(pickle.dumps(data, protocol=pickle.HIGHEST_PROTOCOL))
            os.replace(temp, self.path)  # never a half-written cache, even if killed
        except (OSError, pickle.PicklingError, TypeError, AttributeError) as err:
            log.warning("%s: could not save the events cache (%s)", self.path, err)
            temp.unlink(missing_ok=True)


def _stamp(path: Path) -> Stamp:
    info = path.stat()
    return info.st_size, info.st_mtime_ns


def fingerprint(validation_settings: tuple[Any, ...]) -> str:
    """What else decides a file's validation: settings, our code, PyYAML and Python."""
    digest = hashlib.sha256(repr(validation_settings).encode())
    digest.update(f"{yaml.__version__} {nh3.__version__} {sys.version}".encode())
    here = Path(__file__).parent
    for name in SOURCES:
        digest.update((here / f"{name}.py").read_bytes())
    return digest.hexdigest()


Entries = dict[str, tuple[Stamp, Validated]]


def _read(path: Path, expected: str) -> tuple[Entries, dict[str, Rendered]]:
    """The entries and HTML of a cache written with the same fingerprint; empty for
    anything else."""
    try:
        data = pickle.loads(path.read_bytes())
    except FileNotFoundError:
        return {}, {}
    except Exception as err:  # a truncated or foreign file can raise almost anything
        log.warning("%s: cannot read the events cache (%s); validating every file", path, err)
        return {}, {}
    if not isinstance(data, dict) or data.get("fingerprint") != expected:
        return {}, {}
    entries, html = data.get("entries"), data.get("html")
    if not isinstance(entries, dict) or not isinstance(html, dict):
        return {}, {}
    valid = {
        rel: entry
        for rel, entry in entries.items()
        if isinstance(entry, tuple) and len(entry) == 2 and isinstance(entry[1], Validated)
    }
    return valid, {k: v for k, v in html.items() if isinstance(k, str) and isinstance(v, Rendered)}
