"""One file through what the build does for it, without a build: `check_file`.

For tests and tools: the problems a post or page has on its own (its bytes, its details,
its HTML). Problems that need the whole site (two files with one address, a category
spelt almost like another post's, a broken link) come from a build.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from handbill_config.problems import Problem

from .plugin import missing
from .reader import FACTS, HandbillMarkdownReader, relative


def check_file(path: Path, settings: dict[str, Any]) -> list[Problem]:
    """Every problem `path` (a file under settings["PATH"]) has on its own, by line."""
    reader = HandbillMarkdownReader(settings)
    _content, metadata = reader.read(str(path))
    facts = metadata.get(FACTS)
    if facts is None:
        return []
    problems = list(facts.problems)
    if not facts.fatal:
        problems += missing(facts, kind_of(relative(str(path), settings), settings), metadata)[0]
    return sorted(problems, key=lambda p: p.line)


def kind_of(rel: str, settings: dict[str, Any]) -> str:
    """Whether a file is a "page" (in PAGE_PATHS) or a "post"."""
    for folder in settings.get("PAGE_PATHS", []):
        if rel.startswith(folder.rstrip("/") + "/"):
            return "page"
    return "post"
