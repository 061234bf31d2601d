"""Atom and RSS feeds of new and changed events."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import feedparser


def test_events_feeds_parse_and_date_items_by_announcement(demo_site: Path) -> None:
    for name in ("events.atom.xml", "events.rss.xml"):
        feed = feedparser.parse((demo_site / "feeds" / name).read_bytes())
        assert not feed.bozo, feed.bozo_exception
        assert len(feed.entries) >= 8
        now = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
        for entry in feed.entries:
            published = datetime(*entry.published_parsed[:6], tzinfo=UTC)
            assert published <= now, entry.title  # never the (future) event date
            assert " — " in entry.title  # the event's date is in the title
            assert entry.link.startswith("https://anytown.example.org/events/")


def test_event_date_in_title_and_changed_item_first(demo_site: Path) -> None:
    feed = feedparser.parse((demo_site / "feeds/events.atom.xml").read_bytes())
    titles = [e.title for e in feed.entries]
    assert "March: Save Anytown A&E — Saturday 23 January 2027, 11:00 to 14:00" in titles
    film = next(e for e in feed.entries if "Film screening" in e.title)
    assert film.title.startswith("Cancelled: ")
    assert film.published.startswith("2026-11-20")  # from `updated:`


def test_feed_ids_change_when_the_event_changes(demo_site: Path) -> None:
    feed = feedparser.parse((demo_site / "feeds/events.atom.xml").read_bytes())
    ids = [e.id for e in feed.entries]
    assert "planning-meeting@anytown.example.org#0" in ids
    assert len(set(ids)) == len(ids)


def test_list_page_links_the_feeds(demo_site: Path) -> None:
    html = (demo_site / "events/index.html").read_text(encoding="utf-8")
    assert 'type="application/atom+xml" title="New and changed events"' in html
    assert "/feeds/events.rss.xml" in html
