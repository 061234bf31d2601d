"""Pictures in a post's text without a description (alt text), or with one too short to
describe anything, named with their line.

A picture is shown to people who cannot see it by its description alone, so a missing or
one-word description is a mistake that stops the publish (like a broken link), not a
warning. Pelican warns about empty ones too, without the line; that warning is left out
while this plugin runs (quiet.py). One search of the text; lines are counted only for what
it finds.
"""

from __future__ import annotations

import html
import re

from handbill_config.problems import ERROR, Problem

# ![description](images/x.jpg) in Markdown, or <img …> in HTML. No IGNORECASE: a pattern
# that starts with a literal lets the search skip straight to each `![` or `<`.
MARKDOWN_PICTURE = re.compile(r"!\[([^\]\n]*)\]\(\s*<?([^)\s>]*)")
HTML_PICTURE = re.compile(r"<[iI][mM][gG]\b[^>]*>")
HTML_ATTRIBUTE = re.compile(r"""([^\s"'=<>/]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?""")
# What a camera or a phone names a file: a description made of it describes nothing.
FILE_NAME = re.compile(
    r"^(?:\S+\.(?:jpe?g|png|gif|webp|svg|heic|tiff?)|(?:img|dsc|dscn|pxl|image|photo)[-_ ]?\d+)$",
    re.IGNORECASE,
)
EXAMPLE = "![Volunteers at the market stall]({static}/images/stall.jpg)"
HINT = f"describe what it shows between the square brackets, e.g. {EXAMPLE}"
SHORT_HINT = f"say in a few words what it shows, e.g. {EXAMPLE}"


def too_short(description: str) -> bool:
    """One word ("photo", "banner"), or a camera's file name, describes nothing."""
    text = description.strip()
    return len(text.split()) < 2 or len(text) < 5 or bool(FILE_NAME.match(text))


def pictures_without_alt(text: str, path: str, body_line: int) -> list[Problem]:
    found: list[tuple[int, str, str | None]] = []  # (offset, picture, description or None)
    if "![" in text:
        for match in MARKDOWN_PICTURE.finditer(text):
            found.append((match.start(), match[2], match[1]))
    if "<" in text:
        for match in HTML_PICTURE.finditer(text):
            attributes = {
                m[1].lower(): html.unescape(next((v for v in m.groups()[1:] if v), ""))
                for m in HTML_ATTRIBUTE.finditer(match[0][4:-1])
            }
            found.append((match.start(), attributes.get("src", ""), attributes.get("alt")))
    problems = []
    for offset, picture, description in sorted(found, key=lambda item: item[0]):
        number = text.count("\n", 0, offset) + 1
        if number < body_line:
            continue
        problem = _problem(path, number, picture or "a picture", description)
        if problem:
            problems.append(problem)
    return problems


def _problem(path: str, line: int, picture: str, description: str | None) -> Problem | None:
    if description is None or not description.strip():
        what = f"{picture} has no description for people who cannot see it"
        return Problem(path, line, "picture", what, HINT, ERROR)
    if too_short(description):
        what = (
            f"{description.strip()!r} is too short to describe {picture} for people who "
            "cannot see it"
        )
        return Problem(path, line, "picture", what, SHORT_HINT, ERROR)
    return None
