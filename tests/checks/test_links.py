"""handbill_checks' link check on small hand-made sites: what counts as broken, and what not."""

from pathlib import Path

import pytest

from handbill_checks.links import broken_links

SITEURL = "https://example.org"


@pytest.fixture
def site(tmp_path: Path) -> Path:
    (tmp_path / "news" / "post").mkdir(parents=True)
    (tmp_path / "news" / "post" / "index.html").write_text("<p>post</p>")
    (tmp_path / "images").mkdir()
    (tmp_path / "images" / "a b.png").write_bytes(b"png")
    return tmp_path


def links_in(site: Path, *links: str) -> list[str]:
    body = "".join(f'<a href="{link}">x</a>' for link in links)
    (site / "page.html").write_text(f"<!DOCTYPE html><p>{body}</p>")
    return [link for page, link in broken_links(site, SITEURL) if page.name == "page.html"]


@pytest.mark.parametrize(
    "link",
    [
        "/news/post/",
        "news/post/index.html",
        "/images/a%20b.png",
        f"{SITEURL}/news/post/",
        "#main",
        "https://other.example.net/x",
        "mailto:hello@example.org",
        "webcal://example.org/calendar.ics",
        "/news/post/?page=2#top",
    ],
)
def test_links_that_resolve(site: Path, link: str) -> None:
    assert links_in(site, link) == []


@pytest.mark.parametrize(
    "link",
    [
        "/news/missing/",
        "{filename}/posts/missing.md",
        "{static}/images/missing.png",
        f"{SITEURL}/images/missing.png",
        "../../../etc/passwd",
    ],
)
def test_links_that_are_broken(site: Path, link: str) -> None:
    assert links_in(site, link) == [link]
