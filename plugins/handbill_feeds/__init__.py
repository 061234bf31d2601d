"""Pelican's own feeds of posts, made valid for every feed reader and validator.

Pelican gives each RSS item a `tag:` URI as its `<guid>` (stable, unlike the post's
address) but leaves out `isPermaLink="false"`, so by RSS 2.0 the guid claims to be the
post's URL, which a tag: URI is not: the W3C Feed Validation Service rejects every RSS feed
("guid must be a full URL, unless isPermaLink attribute is false"), and some readers would
open it as a link. Pelican has no setting for it; its public `feed_generated` signal hands
us each feed before it is written, and feedgenerator's item field `unique_id_is_permalink`
writes the attribute. Atom feeds are left as they are (their ids may be any IRI).

The events plugin writes its own feeds (handbill_events/feeds.py) and sets the same there.
"""

from __future__ import annotations

from typing import Any

from feedgenerator import Rss201rev2Feed
from pelican import signals

__all__ = ["mark_guids", "register"]


def mark_guids(context: Any, feed: Any) -> None:
    """Mark every RSS guid that is not the item's own link as not a permalink."""
    if not isinstance(feed, Rss201rev2Feed):
        return
    for item in feed.items:
        guid = item.get("unique_id")
        if guid and guid != item.get("link") and item.get("unique_id_is_permalink") is None:
            item["unique_id_is_permalink"] = False


def register() -> None:
    signals.feed_generated.connect(mark_guids)
