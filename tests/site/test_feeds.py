"""The published site's feeds parse with feedparser and list the posts they should."""

import re
from pathlib import Path

import feedparser

from sitebuild import POSTS, TRANSLATIONS

SITEURL = "https://anytown-sos-nhs.example.org"
ZONED = re.compile(r"(Z|[+-]\d\d:?\d\d)$")


def feeds(site: Path) -> list[Path]:
    return sorted((site / "feeds").rglob("*.xml"))


def parse(feed: Path) -> feedparser.FeedParserDict:
    parsed = feedparser.parse(feed.read_bytes())
    assert parsed.bozo == 0, f"{feed.name}: {parsed.get('bozo_exception')}"
    return parsed


def test_feeds_exist_for_all_categories_and_tags(published_site: Path) -> None:
    names = {f.relative_to(published_site / "feeds").as_posix() for f in feeds(published_site)}
    assert {"all.atom.xml", "all.rss.xml"} <= names
    for post in POSTS:
        slug = post["category"].lower().replace(" ", "-")
        assert f"category/{slug}.atom.xml" in names and f"category/{slug}.rss.xml" in names
    assert any(name.startswith("tag/") for name in names)


def test_every_feed_is_valid_with_absolute_links_and_zoned_dates(published_site: Path) -> None:
    for feed in feeds(published_site):
        parsed = parse(feed)
        assert parsed.entries, feed
        for entry in parsed.entries:
            assert entry.link.startswith(SITEURL + "/"), entry.link
            assert entry.id
            raw = entry.get("published") or entry.get("updated")
            assert raw and ZONED.search(raw), f"{feed.name}: date without a time zone: {raw}"


def test_all_posts_feed_lists_every_post(published_site: Path) -> None:
    # Pelican's "all" feed: every post in every language.
    titles = {e.title for e in parse(published_site / "feeds" / "all.atom.xml").entries}
    assert titles == {p["title"] for p in POSTS + TRANSLATIONS}


def test_category_feeds_list_their_posts(published_site: Path) -> None:
    for category in {p["category"] for p in POSTS}:
        slug = category.lower().replace(" ", "-")
        for kind in ("atom", "rss"):
            feed = published_site / "feeds" / "category" / f"{slug}.{kind}.xml"
            titles = {e.title for e in parse(feed).entries}
            assert titles == {p["title"] for p in POSTS if p["category"] == category}


def test_atom_carries_full_content(published_site: Path) -> None:
    for entry in parse(published_site / "feeds" / "all.atom.xml").entries:
        assert entry.content and len(entry.content[0].value) > len(entry.summary)


def test_feed_dates_are_in_the_site_time_zone(published_site: Path) -> None:
    for entry in parse(published_site / "feeds" / "all.atom.xml").entries:
        assert entry.published.endswith(("+00:00", "+01:00")), entry.published
