"""Every Atom/RSS feed of the published site reads cleanly in a real feed parser (feedparser)."""

from __future__ import annotations

import re
from email.utils import parsedate_to_datetime
from pathlib import Path
from urllib.parse import urlparse

import feedparser
from feeds.rules import feed_files

RFC3339_ZONE = re.compile(r"(Z|[+-]\d\d:\d\d)$", re.IGNORECASE)


def is_absolute(url: str | None) -> bool:
    parts = urlparse(url or "")
    return parts.scheme in {"http", "https"} and bool(parts.netloc)


def has_zone(raw: str, atom: bool) -> bool:
    """Whether a feed date names its time zone; feedparser converts to UTC and hides that."""
    if atom:
        return bool(RFC3339_ZONE.search(raw.strip()))
    try:
        # RFC 822 "-0000" means "zone unknown" and parses to a naive datetime.
        return parsedate_to_datetime(raw).tzinfo is not None
    except (TypeError, ValueError):
        return False


def entry_problems(entry: feedparser.FeedParserDict, atom: bool) -> list[str]:
    name = entry.get("id") or entry.get("title") or "entry"
    problems = []
    if not is_absolute(entry.get("link")):
        problems.append(f"{name}: link {entry.get('link')!r} is not absolute")
    # dict.get: feedparser's own get() would invent `updated` from `published` (and warn).
    dates = [d for key in ("published", "updated") if (d := dict.get(entry, key))]
    if not dates:
        problems.append(f"{name}: no date")
    problems += [f"{name}: date {d!r} has no time zone" for d in dates if not has_zone(d, atom)]
    if not entry.get("id"):
        problems.append(f"{entry.get('title')!r}: no id/guid")
    return problems


def feed_problems(text: str) -> list[str]:
    parsed = feedparser.parse(text)
    if parsed.bozo:
        return [f"not well-formed: {parsed.bozo_exception}"]
    atom = parsed.version.startswith("atom")
    problems = [] if is_absolute(parsed.feed.get("link")) else ["feed link is not absolute"]
    for entry in parsed.entries:
        problems += entry_problems(entry, atom)
    ids = [entry.get("id") for entry in parsed.entries if entry.get("id")]
    problems += [f"id {i!r} is used twice" for i in sorted({i for i in ids if ids.count(i) > 1})]
    return problems


def test_every_feed_parses_and_every_item_is_complete(published_site: Path) -> None:
    feeds = feed_files(published_site)
    assert feeds, "publishconf.py turns feeds on, but the published site has none"
    problems = [
        f"{feed.relative_to(published_site)}: {problem}"
        for feed in feeds
        for problem in feed_problems(feed.read_text(encoding="utf-8"))
    ]
    assert not problems, "\n".join(problems)


def test_the_feeds_carry_the_news(published_site: Path) -> None:
    # Feeds with no entries pass every per-entry check; make sure there was something to check.
    entries = sum(len(feedparser.parse(f).entries) for f in feed_files(published_site))
    assert entries > 0, "the published feeds have no entries, though the demo site has posts"


BAD_ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title><link href="/"/><id>x</id>
<updated>2026-01-01T00:00:00Z</updated>
<entry><title>a</title><link href="/news/a/"/><id>same</id>
<updated>2026-01-01T10:00:00</updated></entry>
<entry><title>b</title><link href="https://example.org/b/"/><id>same</id></entry>
</feed>"""

BAD_RSS = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>t</title><link>https://example.org/</link>
<description>d</description>
<item><title>a</title><link>https://example.org/a/</link>
<pubDate>Thu, 01 Jan 2026 10:00:00 -0000</pubDate></item>
</channel></rss>"""


def test_the_feed_checks_catch_broken_feeds() -> None:
    # Guards the checks above against passing whatever the feeds contain.
    atom = "\n".join(feed_problems(BAD_ATOM))
    for expected in (
        "feed link is not absolute",
        "'/news/a/' is not absolute",
        "has no time zone",
        "same: no date",
        "'same' is used twice",
    ):
        assert expected in atom, atom
    rss = "\n".join(feed_problems(BAD_RSS))
    assert "has no time zone" in rss and "no id/guid" in rss, rss
    assert feed_problems("<rss><channel>") and "not well-formed" in feed_problems("<feed")[0]
