"""Pelican's Markdown reader, converting every file of a build with the same two Markdown
instances instead of a new one per file.

Pelican's MarkdownReader makes a `markdown.Markdown` for each file it reads, which loads and
sets up every extension in MARKDOWN again: about 5 % of a 2,000-post build. Markdown's own
way to convert many texts with one instance is `reset()` between them, which clears what
every extension keeps from the last text. This reader does that, with one instance for the
documents (with the meta extension that reads the metadata block) and one without it for
metadata fields that are Markdown (`FORMATTED_FIELDS`, such as `summary`), as Pelican
converts those. Everything else is Pelican's: the same settings, metadata processing and
duplicate-field warnings, so the output is the same (`tests/markdown/test_reader.py`).
"""

from __future__ import annotations

import logging
from typing import Any

from markdown import Markdown
from pelican.readers import DUPLICATES_DEFINITIONS_ALLOWED, MarkdownReader, Readers
from pelican.utils import pelican_open

from .inline import skip_untriggered

# Pelican's own logger for what Pelican's reader would say: filters on it (handbill_content
# reports duplicate fields itself and quiets Pelican's message) then apply here too.
log = logging.getLogger("pelican.readers")


# Fields whose parsing (dateutil) depends on the text alone, and whose values are immutable.
DATES = ("date", "modified")


class ReusingMarkdownReader(MarkdownReader):
    """MarkdownReader with one Markdown instance per build for documents, one for fields."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)  # completes settings["MARKDOWN"] as Pelican does
        self.documents: Markdown | None = None
        self.fields: Markdown | None = None
        self.dates: dict[tuple[str, str], Any] = {}

    def process_metadata(self, name: str, value: Any) -> Any:
        """Pelican's, but each date text is parsed once per build: a plugin's reader that
        checks a file's fields first (handbill_content) asks for the same date again."""
        if name not in DATES or not isinstance(value, str):
            return super().process_metadata(name, value)
        key = (name, value)
        if key not in self.dates:
            self.dates[key] = super().process_metadata(name, value)
        return self.dates[key]

    def read(self, source_path: str) -> tuple[str, dict[str, Any]]:
        with pelican_open(source_path) as text:
            return self.convert(text, source_path)

    def convert(self, text: str, source_path: str) -> tuple[str, dict[str, Any]]:
        """What read() gives for a file of this text (as pelican_open reads it: see
        as_pelican_reads); for a reader that has read the file already."""
        if self.documents is None:
            self.documents = Markdown(**self.settings["MARKDOWN"])
            skip_untriggered(self.documents)
        md = self.documents
        md.reset()
        content = md.convert(text)
        meta = getattr(md, "Meta", None)
        return content, self.metadata(meta, source_path) if meta is not None else {}

    def metadata(self, meta: dict[str, list[str]], source_path: str) -> dict[str, Any]:
        """The metadata block's fields, processed as Pelican's MarkdownReader does."""
        output = {}
        for name, value in meta.items():
            name = name.lower()
            if name in self.settings["FORMATTED_FIELDS"]:
                output[name] = self.process_metadata(name, self.field("\n".join(value)))
            elif not DUPLICATES_DEFINITIONS_ALLOWED.get(name, True):
                if len(value) > 1:
                    log.warning(
                        "Duplicate definition of `%s` for %s. Using first one.",
                        name,
                        source_path,
                    )
                output[name] = self.process_metadata(name, value[0])
            elif len(value) > 1:
                output[name] = self.process_metadata(name, value)
            else:
                output[name] = self.process_metadata(name, value[0])
        return output

    def field(self, text: str) -> str:
        """A metadata field in Markdown, converted without reading a metadata block."""
        if self.fields is None:
            self.fields = Markdown(**self.settings["MARKDOWN"])
            self.fields.preprocessors.deregister("meta")
            skip_untriggered(self.fields)
        self.fields.reset()
        return self.fields.convert(text)


def as_pelican_reads(raw: bytes) -> str:
    """A file's bytes as pelican_open gives them: UTF-8 without a byte-order mark, line ends
    made "\n" (Python's universal newlines); UnicodeDecodeError as it would raise it."""
    return raw.decode("utf-8-sig").replace("\r\n", "\n").replace("\r", "\n")


def use_reusing_reader(readers: Readers) -> None:
    """Read Markdown files with ReusingMarkdownReader (the readers_init signal).

    Only Pelican's own reader is replaced: another plugin's Markdown reader keeps its place
    (handbill_content's subclasses ReusingMarkdownReader, so it converts through the reuse).
    """
    for extension, reader in list(readers.reader_classes.items()):
        if reader is MarkdownReader:
            readers.reader_classes[extension] = ReusingMarkdownReader
