"""For a broken link: the line of its source file it is on, and the link it was meant to be.

Only run for the links that are broken (rare), so reading the one source file and listing
the site's files again costs nothing on a build without mistakes.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Iterable
from pathlib import Path

PLACEHOLDERS = ("{filename}", "{static}", "{attach}")


def link_line(source: str, link: str, siteurl: str) -> tuple[int, str]:
    """The first line of `source` that holds `link`, or the path it was written as (else
    line 1), and that line's text."""
    try:
        lines = Path(source).read_text(encoding="utf-8", errors="replace").split("\n")
    except OSError:
        return 1, ""
    for needle in needles(link, siteurl):
        found = next((n for n, line in enumerate(lines, 1) if needle in line), None)
        if found:
            return found, lines[found - 1]
    return 1, lines[0]


def needles(link: str, siteurl: str) -> list[str]:
    """What the volunteer typed for a link Pelican may have rewritten: the link, its path."""
    path = link.removeprefix(siteurl) if siteurl else link
    bare = path.split("#", 1)[0].split("?", 1)[0].lstrip("/")
    return [n for n in dict.fromkeys((link, path, bare)) if n]


def as_written(link: str, siteurl: str, line_text: str) -> str:
    """The link as the volunteer wrote it: `{static}/images/x.jpg`, not the address Pelican
    made of it."""
    bare = needles(link, siteurl)[-1]
    for prefix in PLACEHOLDERS:
        if f"{prefix}/{bare}" in line_text:
            return f"{prefix}/{bare}"
    return link


def suggestion(link: str, siteurl: str, content: Path, output: Path, line_text: str = "") -> str:
    """`did you mean '…'?` for a link to a file that nearly exists, else ""."""
    for prefix in PLACEHOLDERS:
        if link.startswith(prefix + "/"):
            wanted = link[len(prefix) + 1 :].split("#", 1)[0]
            match = closest(wanted, files_under(content))
            return f"did you mean '{prefix}/{match}'?" if match else ""
    path = needles(link, siteurl)[-1]
    match = closest(path, files_under(output, web=True))
    if not match:
        return ""
    for prefix in ("{static}", "{attach}"):
        if f"{prefix}/{path}" in line_text:
            return f"did you mean '{prefix}/{match}'?"
    return f"did you mean '/{match}'?"


def files_under(root: Path, web: bool = False) -> list[str]:
    """Every file under `root`, relative, with `/`; for a site, folders of index.html too."""
    found = []
    for folder, dirs, names in os.walk(root):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        rel = os.path.relpath(folder, root).replace(os.sep, "/")
        prefix = "" if rel == "." else rel + "/"
        for name in names:
            if web and name == "index.html" and prefix:
                found.append(prefix)
            found.append(prefix + name)
    return found


def closest(wanted: str, choices: Iterable[str]) -> str | None:
    """The choice nearest `wanted`: same name in another case first, then difflib's best."""
    choices = list(choices)
    folded = {c.casefold(): c for c in choices}
    if wanted.casefold() in folded and folded[wanted.casefold()] != wanted:
        return folded[wanted.casefold()]
    matches = difflib.get_close_matches(wanted, choices, n=1, cutoff=0.8)
    return matches[0] if matches else None
