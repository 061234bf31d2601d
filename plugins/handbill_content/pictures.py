"""Pictures in a post's text without a description (alt text), named with their line.

Pelican warns about these too, without the line; that warning is left out while this
plugin runs (quiet.py). One search of the text; lines are counted only for what it finds.
"""

from __future__ import annotations

import re

from .problems import WARNING, Problem

# ![](images/x.jpg) in Markdown, or <img … alt=""> in HTML. No IGNORECASE: a pattern that
# starts with a literal lets the search skip straight to each `![` or `<`.
MARKDOWN_NO_ALT = re.compile(r"!\[\s*\]\(\s*([^)\s]*)")
HTML_NO_ALT = re.compile(r"<[iI][mM][gG]\b[^>]*\b[aA][lL][tT]\s*=\s*(?:\"\"|'')()")
HINT = (
    "describe what it shows between the square brackets, e.g. "
    "![Volunteers at the market stall]({static}/images/stall.jpg)"
)


def pictures_without_alt(text: str, path: str, body_line: int) -> list[Problem]:
    problems = []
    found_all = [
        *(MARKDOWN_NO_ALT.finditer(text) if "![" in text else ()),
        *(HTML_NO_ALT.finditer(text) if "<" in text else ()),
    ]
    for found in sorted(found_all, key=lambda m: m.start()):
        number = text.count("\n", 0, found.start()) + 1
        if number < body_line:
            continue
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
