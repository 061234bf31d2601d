"""Pictures in a post's text without a description (alt text), named with their line.

Pelican warns about these too, without the line; that warning is left out while this
plugin runs (quiet.py). Only a post with `![` or `alt=` in it is looked at line by line.
"""

from __future__ import annotations

import re

from .problems import WARNING, Problem

# ![](images/x.jpg) in Markdown, or <img … alt=""> in HTML.
NO_ALT = re.compile(r"!\[\s*\]\(\s*([^)\s]*)|<img\b[^>]*\balt\s*=\s*(?:\"\"|'')", re.IGNORECASE)
HINT = (
    "describe what it shows between the square brackets, e.g. "
    "![Volunteers at the market stall]({static}/images/stall.jpg)"
)


def pictures_without_alt(text: str, path: str, body_line: int) -> list[Problem]:
    if "![" not in text and "alt=" not in text.lower():
        return []
    problems = []
    for number, line in enumerate(text.split("\n")[body_line - 1 :], body_line):
        for found in NO_ALT.finditer(line):
            picture = found[1] or "a picture"
            problems.append(
                Problem(
                    path,
                    number,
                    "picture",
                    f"{picture} has no description for people who cannot see it",
                    HINT,
                    WARNING,
                )
            )
    return problems
