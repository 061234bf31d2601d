"""What the last build logged, as problems a volunteer can click through to.

Handbill's messages start with where the mistake is (`file:line: field: what — fix`);
the file is relative to the project or to the content folder.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

# "content/posts/a.md:12: …", "events/x.yaml:3: …" or "content/posts/a.md: broken link …"
WHERE = re.compile(r"^(?P<file>[^\s:][^:\n]*?)(?::(?P<line>\d+))?: ")


@dataclass(frozen=True)
class Problem:
    level: str  # "error" or "warning"
    text: str
    file: str = ""  # as the message names it; "" when it names no file we can show
    line: int = 0

    def as_json(self) -> dict[str, object]:
        return asdict(self)


def find_file(name: str, roots: Sequence[Path]) -> Path | None:
    """The file a message names, if it is inside one of `roots` (else None)."""
    for root in roots:
        candidate = (root / name).resolve()
        if candidate.is_file() and candidate.is_relative_to(root.resolve()):
            return candidate
    return None


def problem(level: int, text: str, roots: Sequence[Path]) -> Problem:
    kind = "error" if level >= logging.ERROR else "warning"
    found = WHERE.match(text)
    if found and find_file(found["file"], roots):
        return Problem(kind, text, found["file"], int(found["line"] or 0))
    return Problem(kind, text)


def from_records(records: Iterable[logging.LogRecord], roots: Sequence[Path]) -> list[Problem]:
    """One Problem per warning or error logged, in the order they came."""
    found = []
    for record in records:
        try:
            text = record.getMessage()
        except Exception:  # a plugin's bad format string must not hide the rest
            text = str(record.msg)
        found.append(problem(record.levelno, text.strip(), roots))
    return found
