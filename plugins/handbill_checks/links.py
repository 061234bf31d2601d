"""Find internal links in written HTML pages that lead to no file in the output."""

import os
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote, urlsplit

# Regular expressions, not an HTML parser: the pages are our own well-formed templates, and
# this runs over every page of every build, where a full parse costs several times more.
# Patterns that start with literal text (not `\s` or `(?:href|src)`) let the regex engine skip
# ahead to each candidate, which halves the scan over a big site's 50 MB of HTML. The
# whitespace before the name keeps to attributes of their own (` href=`, not `data-href=`).
LINK_ATTRS = tuple(
    re.compile(space + name + rb'="([^"]*)"')
    for name in (b"href", b"src")
    for space in (b" ", b"\n")
)
EXTERNAL_SCHEMES = ("http:", "https:", "mailto:", "tel:", "webcal:", "data:", "sms:", "geo:")


class OutputTree:
    """Every file in the output, listed once, so each link costs a set lookup, not a stat.

    A big site has tens of thousands of pages that link to the same few thousand addresses
    (navigation, tags, authors): answers are cached per address, or per folder for relative
    links. Paths are compared as normalised strings under the real output folder; the
    output is written by Pelican and holds no symlinks to follow.
    """

    def __init__(self, output: Path, siteurl: str) -> None:
        self.root = os.path.realpath(output)
        self.siteurl = siteurl
        self.files: set[str] = set()
        for folder, _dirs, names in os.walk(self.root):
            self.files.update(os.path.join(folder, name) for name in names)
        # Answers for links that mean the same on every page (site-absolute, external,
        # fragments), by link; and for relative links, by (folder, link).
        self.everywhere: dict[str, bool] = {}
        self.answers: dict[tuple[str, str], bool] = {}

    def resolves(self, page_folder: str, link: str) -> bool:
        answer = self.everywhere.get(link)
        if answer is not None:
            return answer
        target = link
        if self.siteurl and link.startswith(self.siteurl + "/"):
            target = link[len(self.siteurl) :]
        if target.startswith(("/", "#")) or target.lower().startswith(EXTERNAL_SCHEMES):
            answer = self.everywhere[link] = self._resolves(page_folder, target)
            return answer
        key = (page_folder, link)
        answer = self.answers.get(key)
        if answer is None:
            answer = self.answers[key] = self._resolves(page_folder, target)
        return answer

    def _resolves(self, page_folder: str, link: str) -> bool:
        if link.startswith(("#", "//")) or link.lower().startswith(EXTERNAL_SCHEMES):
            return True
        path = unquote(urlsplit(link).path)
        if not path:
            return True
        base = self.root if path.startswith("/") else page_folder
        target = os.path.normpath(os.path.join(base, path.lstrip("/")))
        if target != self.root and not target.startswith(self.root + os.sep):
            return False
        return target in self.files or os.path.join(target, "index.html") in self.files


def broken_links(output: Path, siteurl: str) -> Iterator[tuple[Path, str]]:
    """Yield (page, link) for every internal link or asset that resolves to no file."""
    tree = OutputTree(output, siteurl)
    # Pages are named under `output` as given, so callers can take paths relative to it.
    pages = sorted(Path(os.path.relpath(n, tree.root)) for n in tree.files if n.endswith(".html"))
    # A big site has hundreds of thousands of links but a few thousand distinct ones: links
    # known to work from any page are skipped by their raw bytes, before any decoding.
    works_everywhere: set[bytes] = set()
    for relative in pages:
        real = os.path.join(tree.root, relative)
        with open(real, "rb") as page:
            html = page.read()
        folder = os.path.dirname(real)
        for raw in page_links(html):
            if raw in works_everywhere:
                continue
            link = raw.decode("utf-8", errors="replace")
            if not tree.resolves(folder, link):
                yield output / relative, link
            elif tree.everywhere.get(link):
                works_everywhere.add(raw)


def page_links(html: bytes) -> list[bytes]:
    """The href and src values of one page, each once: links in page order, then assets."""
    return list(dict.fromkeys(link for pattern in LINK_ATTRS for link in pattern.findall(html)))
