"""The demo site builds with both settings files and has every page type."""

from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from sitebuild import PAGES, POSTS

PAGE_TYPES = [
    "index.html",
    "404.html",
    "sitemap.xml",
    "robots.txt",
    "news/archives/index.html",
    "news/categories/index.html",
    "news/tags/index.html",
    "news/authors/index.html",
    "page/2/index.html",
    *(f"{slug}/index.html" for slug in PAGES),
]


@pytest.mark.parametrize("site", ["dev_site", "published_site"])
@pytest.mark.parametrize("path", PAGE_TYPES)
def test_page_types_exist(site: str, path: str, request: pytest.FixtureRequest) -> None:
    assert (request.getfixturevalue(site) / path).is_file()


def test_demo_content_is_big_enough() -> None:
    assert len(POSTS) >= 10
    assert len({p["category"] for p in POSTS}) >= 3
    assert all(p.get("tags") and p.get("authors") for p in POSTS)


@pytest.mark.parametrize("post", POSTS, ids=lambda p: p["slug"])
def test_every_post_has_a_page(dev_site: Path, post: dict[str, str]) -> None:
    page = dev_site / "news" / post["date"][:4] / post["slug"] / "index.html"
    heading = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser").find("h1")
    assert heading.get_text(strip=True) == post["title"]


def test_archives_by_year(dev_site: Path) -> None:
    years = {p["date"][:4] for p in POSTS}
    assert len(years) >= 2
    for year in years:
        assert (dev_site / "news" / year / "index.html").is_file()


def test_images_are_published_with_alt_text(dev_site: Path) -> None:
    assert any((dev_site / "images").iterdir())
    pages = "".join(p.read_text(encoding="utf-8") for p in (dev_site / "news").rglob("*.html"))
    assert "<img" in pages
    assert '<img alt=""' not in pages and "<img src" not in pages
