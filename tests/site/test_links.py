"""Every internal link and asset in the built site leads to a file in the site.

This walks the pages with html5lib, independently of the link check in handbill_checks.
"""

from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from bs4 import BeautifulSoup

from sitebuild import html_pages

SITEURL = "https://anytown-sos-nhs.example.org"


def links(page: Path) -> set[str]:
    soup = BeautifulSoup(page.read_bytes(), "html5lib")
    found = {tag.get(attr) for attr in ("href", "src") for tag in soup.find_all(attrs={attr: True})}
    for tag in soup.find_all(srcset=True):
        found |= {part.split()[0] for part in tag["srcset"].split(",")}
    return found


def target(site: Path, page: Path, link: str) -> Path | None:
    """The file a link leads to inside the site, or None when it leads elsewhere."""
    if link.startswith(SITEURL):
        link = link[len(SITEURL) :] or "/"
    parts = urlsplit(link)
    if parts.scheme or parts.netloc or not parts.path:
        return None
    base = site if parts.path.startswith("/") else page.parent
    path = base / unquote(parts.path).lstrip("/")
    return path / "index.html" if parts.path.endswith("/") or path.is_dir() else path


@pytest.mark.parametrize("site_name", ["dev_site", "published_site"])
def test_internal_links_resolve(site_name: str, request: pytest.FixtureRequest) -> None:
    site: Path = request.getfixturevalue(site_name)
    broken = [
        f"{page.relative_to(site)} -> {link}"
        for page in html_pages(site)
        for link in sorted(links(page))
        if (path := target(site, page, link)) is not None and not path.is_file()
    ]
    assert not broken, "\n".join(broken)


def test_published_links_are_absolute(published_site: Path) -> None:
    home = links(published_site / "index.html")
    internal = [link for link in home if not link.startswith(("http", "mailto:", "#", "webcal:"))]
    assert not internal, internal
