"""Every page is well-formed, accessible in its structure, and the home page stays small."""

import itertools
from pathlib import Path

import html5lib
from bs4 import BeautifulSoup

from sitebuild import PAGES, POSTS, build_site, html_pages

BUDGET = 30 * 1024


def test_every_page_parses_without_errors(dev_site: Path) -> None:
    errors = []
    for page in html_pages(dev_site):
        parser = html5lib.HTMLParser(strict=False)
        parser.parse(page.read_bytes())
        errors += [f"{page.relative_to(dev_site)}: {err[1]} {err[2]}" for err in parser.errors]
    assert not errors, "\n".join(errors)


def test_home_page_html_and_css_within_budget(dev_site: Path) -> None:
    home = dev_site / "index.html"
    doc = BeautifulSoup(home.read_bytes(), "html5lib")
    sheets = [
        dev_site / link["href"].lstrip("/")
        for link in doc.find_all("link", rel="stylesheet")
        if link.get("media") != "print"
    ]
    total = home.stat().st_size + sum(sheet.stat().st_size for sheet in sheets)
    assert sheets and total < BUDGET, f"home page HTML + CSS is {total} bytes"


def headings(doc: BeautifulSoup) -> list[int]:
    return [int(h.name[1]) for h in doc.find_all(["h1", "h2", "h3", "h4", "h5", "h6"])]


def test_every_page_has_lang_viewport_skip_link_and_landmarks(dev_site: Path) -> None:
    problems = []
    for page in html_pages(dev_site):
        doc = BeautifulSoup(page.read_bytes(), "html5lib")
        name = page.relative_to(dev_site)
        if not doc.html.get("lang"):
            problems.append(f"{name}: no lang")
        if not doc.find("meta", attrs={"name": "viewport"}):
            problems.append(f"{name}: no viewport")
        skip = doc.find("a", class_="skip-link")
        if not skip or not doc.find(id=skip["href"][1:]):
            problems.append(f"{name}: skip link missing or broken")
        if not (doc.find("main") and doc.find("header") and doc.find("footer") and doc.nav):
            problems.append(f"{name}: landmarks missing")
    assert not problems, "\n".join(problems)


def test_headings_in_order_and_images_with_alt(dev_site: Path) -> None:
    problems = []
    for page in html_pages(dev_site):
        doc = BeautifulSoup(page.read_bytes(), "html5lib")
        name = page.relative_to(dev_site)
        levels = headings(doc)
        if levels.count(1) != 1:
            problems.append(f"{name}: {levels.count(1)} h1 elements")
        skipped = [(a, b) for a, b in itertools.pairwise(levels) if b > a + 1]
        if skipped:
            problems.append(f"{name}: heading levels skip {skipped}")
        problems += [
            f"{name}: image without alt" for img in doc.find_all("img") if img.get("alt") is None
        ]
    assert not problems, "\n".join(problems)


def test_published_pages_have_canonical_and_social_metadata(published_site: Path) -> None:
    post = POSTS[0]
    article = published_site / "news" / post["date"][:4] / post["slug"] / "index.html"
    doc = BeautifulSoup(article.read_bytes(), "html5lib")
    canonical = doc.find("link", rel="canonical")["href"]
    assert (
        canonical
        == f"https://anytown-sos-nhs.example.org/{article.parent.relative_to(published_site)}/"
    )
    og = {m["property"]: m["content"] for m in doc.find_all("meta", property=True)}
    assert og["og:type"] == "article" and og["og:url"] == canonical and og["og:title"]
    assert doc.find("link", rel="alternate", type="application/atom+xml")


def test_notice_banner_comes_from_settings(tmp_path: Path) -> None:
    notice = "This site is not currently being updated regularly"
    site = build_site(tmp_path / "out", SITE_NOTICE=notice)
    doc = BeautifulSoup((site / "index.html").read_bytes(), "html5lib")
    assert doc.find(class_="site-notice").get_text(strip=True) == notice


def test_sitemap_lists_every_post_and_page(published_site: Path) -> None:
    sitemap = (published_site / "sitemap.xml").read_text(encoding="utf-8")
    paths = [f"news/{p['date'][:4]}/{p['slug']}/" for p in POSTS] + [f"{s}/" for s in PAGES]
    missing = [
        p for p in paths if f"<loc>https://anytown-sos-nhs.example.org/{p}</loc>" not in sitemap
    ]
    assert not missing
