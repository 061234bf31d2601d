"""Handbill's Markdown reader: Pelican's own, with every mistake in a file found as it is read.

Registered for Markdown's extensions (in the spellings editors produce: `.md`, `.MD`,
`.Markdown`…) and for `.txt` (an editor that hides extensions saves `post.md.txt`). What it
finds travels with the metadata Pelican caches, under FACTS, so a post read from the
preview's cache reports its mistakes again without being read again.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any, ClassVar

from handbill_config.problems import ERROR, WARNING, Problem
from handbill_markdown.reader import ReusingMarkdownReader, as_pelican_reads

from . import active, settings as content_settings
from .fields import apply, check_fields
from .frontmatter import read_header
from .pictures import pictures_without_alt

FACTS = "handbill_content_facts"
MARKDOWN_EXTENSIONS = ("md", "markdown", "mkd", "mdown")
# Each in lower case, upper case and capitalised: what editors and phones produce.
READ_EXTENSIONS = tuple(
    spelling
    for ext in MARKDOWN_EXTENSIONS
    for spelling in dict.fromkeys((ext, ext.upper(), ext.capitalize()))
)
TEXT_EXTENSIONS = ("txt", "TXT", "Txt")


@dataclass(frozen=True)
class Facts:
    """What reading one file found: its details' lines and its problems."""

    path: str  # relative to the content folder, as volunteers see it
    lines: tuple[tuple[str, int], ...]  # (detail, line), e.g. ("slug", 6)
    problems: tuple[Problem, ...]
    fatal: bool  # the file cannot be shown at all
    meant: tuple[tuple[str, str], ...] = ()  # misnamed detail -> the detail it was meant as

    def line_of(self, key: str, default: int = 1) -> int:
        return next((line for name, line in self.lines if name == key), default)

    def has(self, key: str) -> bool:
        return any(name == key for name, _ in self.lines) or any(m == key for _, m in self.meant)


class HandbillMarkdownReader(ReusingMarkdownReader):
    """Pelican's Markdown reader, reporting the file's mistakes instead of failing on them.

    It converts with handbill_markdown's reader (one Markdown instance per build, the same
    HTML): both plugins register a reader for `.md`, and Pelican keeps only one per extension.
    """

    file_extensions: ClassVar[list[str]] = [*READ_EXTENSIONS, *TEXT_EXTENSIONS]

    def __init__(self, settings: dict[str, Any]) -> None:
        super().__init__(settings)
        self.options = content_settings.read(settings)

    def read(self, source_path: str) -> tuple[str, dict[str, Any]]:
        rel = relative(source_path, self.settings)
        try:
            return self._read(source_path, rel)
        except Exception as err:  # what no check foresaw: a message, not a traceback
            problem = Problem(
                rel,
                1,
                "file",
                f"could not be read ({type(err).__name__}: {err})",
                "check the file against docs/volunteers.md, and please report this",
            )
            return "", skipped(Facts(rel, (), (problem,), True))

    def _read(self, source_path: str, rel: str) -> tuple[str, dict[str, Any]]:
        if source_path.endswith(TEXT_EXTENSIONS) and not is_markdown_text(source_path):
            return "", {"status": "skip"}  # a text file, not a post: the scan names it
        with open(source_path, "rb") as handle:
            raw = handle.read()
        text, problem = decode(raw, rel)
        if problem:
            return "", skipped(Facts(rel, (), (problem,), True))
        header = read_header(text, rel)
        checked = check_fields(header, rel, self.process_metadata, self.settings)
        problems = [*header.problems, *checked.problems, *extension_problems(rel)]
        lines = tuple((f.key, f.line) for f in header.fields)
        meant = tuple(header.meant.items())
        if checked.fatal:
            return "", skipped(Facts(rel, lines, tuple(problems), True, meant))
        # The bytes read above, not the file read again (as Pelican would read it).
        content, metadata = self.convert(as_pelican_reads(raw), source_path)
        apply(metadata, checked.replace)
        if not self.options.allow_raw_html and active.may_have_active_content(text):
            content, removed = active.remove_active_content(content, text, rel, header.body_line)
            problems += removed
        problems += pictures_without_alt(text, rel, header.body_line)
        metadata[FACTS] = Facts(rel, lines, tuple(problems), False, meant)
        return content, metadata


def skipped(facts: Facts) -> dict[str, Any]:
    """Metadata that makes Pelican skip the file (`Status: skip`) once its problems are told."""
    return {"status": "skip", FACTS: facts}


def relative(source_path: str, settings: dict[str, Any]) -> str:
    try:
        return os.path.relpath(source_path, settings["PATH"]).replace(os.sep, "/")
    except ValueError:
        return source_path


def is_markdown_text(path: str) -> bool:
    """`post.md.txt`: a Markdown file whose name an editor finished with .txt."""
    stem = os.path.splitext(os.path.basename(path))[0]
    return os.path.splitext(stem)[1][1:].lower() in MARKDOWN_EXTENSIONS


def extension_problems(rel: str) -> list[Problem]:
    """Read anyway, but say how to name the file so that every tool agrees on it."""
    name = os.path.basename(rel)
    stem, ext = os.path.splitext(name)
    if ext[1:].lower() == "txt":
        proper = os.path.splitext(stem)[0] + ".md"
        why = "ends in .txt (your editor may hide it); it was read as Markdown"
        return [Problem(rel, 1, "file name", why, f"rename it to {proper}", WARNING)]
    return []


def decode(raw: bytes, rel: str) -> tuple[str, Problem | None]:
    """The file's text, or where and why it is not UTF-8 (what Pelican and browsers read)."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        line = raw.count(b"\n", 0, err.start) + 1
        byte = raw[err.start]
        guess = bytes([byte]).decode("cp1252", errors="replace")
        seen = f" ({guess!r} in the Windows encoding)" if guess.isprintable() else ""
        return "", Problem(
            rel,
            line,
            "text",
            f"byte 0x{byte:02x}{seen} is not UTF-8 text",
            "save the file as UTF-8 (in your editor: Save As, Encoding: UTF-8)",
            ERROR,
        )
    return text.removeprefix("\ufeff"), None
