"""Find internal links in written HTML pages that lead to no file in the output."""

import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote, urlsplit

# A regular expression, not an HTML parser: the pages are our own well-formed templates, and
# this runs over every page of every build, where a full parse costs several times more.
LINK_ATTR = re.compile(r'\s(?:href|src)="([^"]*)"')
EXTERNAL_SCHEMES = ("http:", "https:", "mailto:", "tel:", "webcal:", "data:", "sms:", "geo:")


def broken_links(output: Path, siteurl: str) -> Iterator[tuple[Path, str]]:
    """Yield (page, link) for every internal link or asset that resolves to no file."""
    for page in sorted(output.rglob("*.html")):
        text = page.read_text(encoding="utf-8", errors="replace")
        for link in dict.fromkeys(LINK_ATTR.findall(text)):
            if not resolves(output, page, link, siteurl):
                yield page, link


def resolves(output: Path, page: Path, link: str, siteurl: str) -> bool:
    if siteurl and link.startswith(siteurl + "/"):
        link = link[len(siteurl) :]
    if link.startswith("#") or link.startswith("//") or link.lower().startswith(EXTERNAL_SCHEMES):
        return True
    path = unquote(urlsplit(link).path)
    if not path:
        return True
    base = output if path.startswith("/") else page.parent
    target = (base / path.lstrip("/")).resolve()
    if output.resolve() not in (target, *target.parents):
        return False
    return target.is_file() or (target / "index.html").is_file()
