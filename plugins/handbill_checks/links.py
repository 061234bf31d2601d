"""Find internal links in written HTML pages that lead to no file in the output."""

import os
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote, urlsplit

# A regular expression, not an HTML parser: the pages are our own well-formed templates, and
# this runs over every page of every build, where a full parse costs several times more.
LINK_ATTR = re.compile(r'\s(?:href|src)="([^"]*)"')
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
        self.answers: dict[tuple[str, str], bool] = {}

    def resolves(self, page_folder: str, link: str) -> bool:
        if self.siteurl and link.startswith(self.siteurl + "/"):
            link = link[len(self.siteurl) :]
        # Site-absolute links mean the same on every page: one answer for all of them.
        key = ("" if link.startswith("/") else page_folder, link)
        answer = self.answers.get(key)
        if answer is None:
            answer = self.answers[key] = self._resolves(page_folder, link)
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
    for relative in pages:
        real = os.path.join(tree.root, relative)
        with open(real, encoding="utf-8", errors="replace") as page:
            text = page.read()
        folder = os.path.dirname(real)
        for link in dict.fromkeys(LINK_ATTR.findall(text)):
            if not tree.resolves(folder, link):
                yield output / relative, link


def resolves(output: Path, page: Path, link: str, siteurl: str) -> bool:
    """One link on one page (kept for callers that check a single link)."""
    tree = OutputTree(output, siteurl)
    return tree.resolves(os.path.realpath(page.parent), link)
