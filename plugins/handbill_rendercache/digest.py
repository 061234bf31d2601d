"""A stable text for whatever a template is given, so equal inputs give equal digests.

Most values print the same in every build. Posts print as their source file, because
their text and metadata are digested once per build rather than once per page that lists
them. A value that prints its memory address could differ with nothing changed, or stay
the same while its content changed, so it raises Unstable and the page is rendered.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Iterable, Mapping
from datetime import date, time, timedelta
from types import FunctionType, MethodType, ModuleType
from typing import Any

from pelican.contents import Content
from pelican.paginator import Page, Paginator
from pelican.urlwrappers import URLWrapper

PLAIN = (str, int, float, bool, type(None), bytes, date, time, timedelta)
CODE = (type, FunctionType, MethodType, ModuleType)
# Deeper than any template context; a cycle raises Unstable instead of recursing forever.
MAX_DEPTH = 40


class Unstable(Exception):
    """A value whose text could differ between two builds of the same files."""


def digest(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


class Describer:
    """Describes values, collecting every post or page it meets (by source file).

    Lists and dicts are described once per build, by identity: Pelican hands every tag,
    category and author page the same list of all posts. So use one Describer per build,
    while those objects stay as they are.
    """

    def __init__(self) -> None:
        self.contents: dict[str, Content] = {}
        self.seen: dict[int, tuple[Any, str]] = {}  # the object is kept so its id stays its own

    def describe(self, value: Any, depth: int = 0) -> str:
        if depth > MAX_DEPTH:
            raise Unstable(f"nested deeper than {MAX_DEPTH} levels")
        if isinstance(value, PLAIN):
            return repr(value)
        if isinstance(value, Content):
            self.contents.setdefault(value.source_path, value)
            return f"<{type(value).__name__} {value.source_path!r}>"
        key = getattr(value, "cache_key", None)
        if isinstance(key, str):
            return f"<{type(value).__name__} {key}>"
        if isinstance(value, URLWrapper):
            return f"<{type(value).__name__} {value.name!r} {value.slug!r}>"
        if isinstance(value, Paginator):
            # Which posts land on which page follows from their dates, digested per post.
            return f"<Paginator {value.name!r} {value.count} {value.per_page}>"
        if isinstance(value, Page):
            return f"<Page {value.number} {self.describe(value.object_list, depth + 1)}>"
        return self._container(value, depth)

    def _container(self, value: Any, depth: int) -> str:
        known = self.seen.get(id(value))
        if known is not None:
            return known[1]
        text = self._describe_container(value, depth)
        if len(text) > 200:
            text = f"#{digest(text)}"
        self.seen[id(value)] = (value, text)
        return text

    def _describe_container(self, value: Any, depth: int) -> str:
        if isinstance(value, Mapping):
            # Sorted: some dicts fill in the order files are found, which varies between
            # builds; the site is reproducible, so no page depends on that order.
            items = (
                f"{self.describe(k, depth + 1)}: {self.describe(v, depth + 1)}"
                for k, v in value.items()
            )
            return "{" + ", ".join(sorted(items)) + "}"
        if isinstance(value, set | frozenset):
            return "{" + ", ".join(sorted(self._each(value, depth))) + "}"
        if isinstance(value, list | tuple):
            return "[" + ", ".join(self._each(value, depth)) + "]"
        if isinstance(value, CODE):
            return f"<{getattr(value, '__module__', '')}.{getattr(value, '__qualname__', '')}>"
        if dataclasses.is_dataclass(value):
            fields = {f.name: getattr(value, f.name) for f in dataclasses.fields(value)}
            return f"{type(value).__name__}{self._container(fields, depth)}"
        text = repr(value)
        if " at 0x" in text:
            raise Unstable(f"{type(value).__name__} has no stable description")
        return text

    def _each(self, values: Iterable[Any], depth: int) -> Iterable[str]:
        return (self.describe(v, depth + 1) for v in values)

    def content_digests(self) -> tuple[dict[str, str], dict[str, str]]:
        """Per source file: a digest of its metadata and address, and one of its text.

        Describing metadata can meet more posts (translations), so loop until none is new.
        """
        meta: dict[str, str] = {}
        while pending := [c for path, c in self.contents.items() if path not in meta]:
            for item in pending:
                meta[item.source_path] = digest(self._metadata(item))
        texts = {path: getattr(c, "_content", None) or "" for path, c in self.contents.items()}
        return meta, {path: digest(text) for path, text in texts.items()}

    def _metadata(self, item: Content) -> str:
        # Addresses follow from the metadata and the settings, both digested already.
        fields = (getattr(item, name, None) for name in ("lang", "in_default_lang", "translations"))
        return self.describe([item.metadata, *fields])
