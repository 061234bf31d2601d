"""Privacy and a strict Content-Security-Policy: nothing from other hosts, no inline code."""

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup

from sitebuild import html_pages

REMOTE_CSS_URL = re.compile(r"url\(\s*['\"]?\s*(?:[a-z]+:)?//", re.IGNORECASE)
SITE_HOST = "anytown-sos-nhs.example.org"
# Elements whose src/href the browser fetches by itself, without the visitor clicking.
ASSETS = {
    "script": "src",
    "img": "src",
    "iframe": "src",
    "audio": "src",
    "video": "src",
    "source": "src",
    "embed": "src",
    "object": "data",
    "track": "src",
    "input": "src",
}
FETCHED_LINK_RELS = {
    "stylesheet",
    "icon",
    "preload",
    "prefetch",
    "preconnect",
    "manifest",
    "dns-prefetch",
    "modulepreload",
    "apple-touch-icon",
}


def soup(page: Path) -> BeautifulSoup:
    return BeautifulSoup(page.read_bytes(), "html5lib")


def fetched_urls(doc: BeautifulSoup) -> list[str]:
    urls = [
        tag[attr] for name, attr in ASSETS.items() for tag in doc.find_all(name, attrs={attr: True})
    ]
    urls += [
        link["href"]
        for link in doc.find_all("link", href=True)
        if FETCHED_LINK_RELS & set(link.get("rel", []))
    ]
    return urls


@pytest.mark.parametrize("site_name", ["dev_site", "published_site"])
def test_no_asset_from_another_host(site_name: str, request: pytest.FixtureRequest) -> None:
    site: Path = request.getfixturevalue(site_name)
    foreign = [
        f"{page.relative_to(site)}: {url}"
        for page in html_pages(site)
        for url in fetched_urls(soup(page))
        if urlsplit(url).netloc not in ("", SITE_HOST) or url.startswith("//")
    ]
    assert not foreign, "\n".join(foreign)


def test_css_loads_nothing_from_other_hosts(dev_site: Path) -> None:
    for css in (dev_site / "theme").rglob("*.css"):
        text = css.read_text(encoding="utf-8")
        assert "@import" not in text and not REMOTE_CSS_URL.search(text), css


def test_no_inline_scripts_or_styles(dev_site: Path) -> None:
    problems = []
    for page in html_pages(dev_site):
        doc = soup(page)
        for script in doc.find_all("script"):
            if not script.get("src") and script.get("type") != "application/ld+json":
                problems.append(f"{page.relative_to(dev_site)}: inline <script>")
        if doc.find("style") or doc.find(style=True):
            problems.append(f"{page.relative_to(dev_site)}: inline style")
        if any(attr.startswith("on") for tag in doc.find_all(True) for attr in tag.attrs):
            problems.append(f"{page.relative_to(dev_site)}: inline event handler")
    assert not problems, "\n".join(problems)


def test_no_cookies_are_set(dev_site: Path) -> None:
    for page in html_pages(dev_site):
        assert "document.cookie" not in page.read_text(encoding="utf-8")
    for script in dev_site.rglob("*.js"):
        assert "cookie" not in script.read_text(encoding="utf-8").lower()
