"""The details at the top of a Markdown post or page (`Title: …` up to the first empty line).

Read here line by line, exactly as Markdown's `meta` extension reads them (the same
patterns, after the same tab expansion), so that each detail keeps its line number and a
line Markdown would misread is reported where it is. Only the few lines of the header are
looked at.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from handbill_config.problems import WARNING, Problem

from .problems import closest

# Markdown's meta extension (markdown/extensions/meta.py), which Pelican's reader uses.
META_RE = re.compile(r"^[ ]{0,3}(?P<key>[A-Za-z0-9_-]+):\s*(?P<value>.*)")
META_MORE_RE = re.compile(r"^[ ]{4,}(?P<value>.*)")
BEGIN_RE = re.compile(r"^-{3}(\s.*)?")
END_RE = re.compile(r"^(-{3}|\.{3})(\s.*)?")
# Markdown expands tabs to this width before the meta extension sees the text.
TAB_LENGTH = 4
# A line that was meant as a detail but is not `Name: value`: `Tags hospital`, `Tags = x`.
LOOKS_LIKE_KEY = re.compile(r"^\s*(?P<key>[A-Za-z][A-Za-z0-9_ -]{0,30}?)\s*(?P<sep>[=;.]|:|\s)\s*")

# The details Pelican and the Handbill theme use (lower case, as Markdown gives them).
KNOWN_KEYS = (
    "title",
    "date",
    "modified",
    "category",
    "tags",
    "authors",
    "author",
    "slug",
    "summary",
    "status",
    "lang",
    "translation",
    "template",
    "save_as",
    "url",
    "keywords",
)
# Details that take one value: Pelican keeps the first and ignores any later one.
SINGLE_KEYS = ("title", "date", "modified", "category", "slug", "status", "lang", "template")


@dataclass(frozen=True)
class Field:
    key: str  # lower case, as Pelican sees it
    name: str  # as written
    value: str
    line: int


@dataclass
class Header:
    fields: list[Field] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    # Unknown names taken for the known one they were meant as ("categories" -> "category").
    meant: dict[str, str] = field(default_factory=dict)
    # The first line after the details: where the text of the post starts.
    body_line: int = 1

    def first(self, key: str) -> Field | None:
        return next((f for f in self.fields if f.key == key), None)

    def line_of(self, key: str, default: int = 1) -> int:
        found = self.first(key)
        return found.line if found else default


def read_header(text: str, path: str, known: tuple[str, ...] = KNOWN_KEYS) -> Header:
    """The details of one file, with a problem for each line Markdown would misread."""
    header = Header()
    lines = text.split("\n")
    start = 1 if lines and BEGIN_RE.match(lines[0].expandtabs(TAB_LENGTH)) else 0
    last: Field | None = None
    for number, raw in enumerate(lines[start:], start + 1):
        header.body_line = number
        line = raw.expandtabs(TAB_LENGTH).rstrip("\r")
        if not line.strip() or END_RE.match(line):
            break
        match = META_RE.match(line)
        if match:
            last = Field(match["key"].lower(), match["key"], match["value"].strip(), number)
            header.fields.append(last)
            continue
        more = META_MORE_RE.match(line)
        if more and last is not None:
            _indented(header, path, raw, number, last, known)
            continue
        _not_a_detail(header, path, raw, number, lines[number:], known)
        break
    _check_names(header, path, known)
    return header


def _indented(
    header: Header, path: str, raw: str, number: int, last: Field, known: tuple[str, ...]
) -> None:
    """An indented line continues the detail above it; a detail written there is lost."""
    inner = META_RE.match(raw.strip())
    if inner and inner["key"].lower() in known:
        indent = "tab" if raw[:1] == "\t" else "spaces"
        header.problems.append(
            Problem(
                path,
                number,
                inner["key"],
                f"this line starts with {'a tab' if indent == 'tab' else indent}, so it is "
                f"read as more of {last.name!r} on line {last.line} and {inner['key']!r} is lost",
                f"remove the {indent} at the start of the line",
            )
        )


def _not_a_detail(
    header: Header, path: str, raw: str, number: int, rest: list[str], known: tuple[str, ...]
) -> None:
    """A line that is not `Name: value` ends the details: say so if details were meant."""
    later_details = []
    for line in rest:
        if not line.strip():
            break
        found = META_RE.match(line.expandtabs(TAB_LENGTH))
        if found and found["key"].lower() in known:
            later_details.append(found["key"])
    shape = LOOKS_LIKE_KEY.match(raw)
    key = closest(shape["key"].strip(), known, 0.75) if shape else None
    if key is None and not later_details:
        return  # the text starts right after the details, without an empty line: fine
    if key:
        header.meant[f"line {number}"] = key
    name = key.capitalize() if key else "details"
    value = raw[shape.end() :].strip() if shape and key else ""
    lost = f" and the lines after it ({', '.join(later_details)})" if later_details else ""
    fix = f"write it as '{name}: {value}'" if key else "write each detail as 'Name: value'"
    header.problems.append(
        Problem(
            path,
            number,
            name,
            f"this line has no colon after the name, so the details end here: it{lost} "
            "will show as text in the page",
            fix,
        )
    )


def _check_names(header: Header, path: str, known: tuple[str, ...]) -> None:
    seen: dict[str, Field] = {}
    for item in header.fields:
        if item.key in known:
            first = seen.setdefault(item.key, item)
            if first is not item and item.key in SINGLE_KEYS:
                header.problems.append(
                    Problem(
                        path,
                        item.line,
                        item.name,
                        f"given twice (lines {first.line} and {item.line}); only the first is used",
                        "keep one of them",
                    )
                )
            continue
        meant = closest(item.key, known, 0.75)
        if meant:
            header.meant[item.key] = meant
            header.problems.append(
                Problem(
                    path,
                    item.line,
                    item.name,
                    "is not a detail the site knows",
                    f"did you mean {meant.capitalize()!r}?",
                )
            )
        else:
            header.problems.append(
                Problem(
                    path,
                    item.line,
                    item.name,
                    "is not a detail the site uses, so it has no effect",
                    "remove the line, or check its name in docs/volunteers.md",
                    level=WARNING,
                )
            )
