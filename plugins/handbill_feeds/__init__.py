"""Pelican's own feeds of posts, made valid for every feed reader and validator.

Pelican gives each RSS item a `tag:` URI as its `<guid>` (stable, unlike the post's
address) but leaves out `isPermaLink="false"`, so by RSS 2.0 the guid claims to be the
post's URL, which a tag: URI is not: the W3C Feed Validation Service rejects every RSS feed
("guid must be a full URL, unless isPermaLink attribute is false"), and some readers would
open it as a link. Pelican has no setting for it; its public `feed_generated` signal hands
us each feed before it is written, and feedgenerator's item field `unique_id_is_permalink`
writes the attribute. Atom feeds' ids may be any IRI and are left as they are.

Atom also needs an author for every entry (RFC 4287 4.1.1): Pelican gives each entry its
post's author, an empty `<name/>` for a post without one (when `AUTHOR` is unset), which the
validator rejects. An entry without an author then gets none, and the feed names the group
(`SITENAME`, `SITEURL`), which covers every entry.

The events plugin writes its own feeds (handbill_events/feeds.py) and sets the same there.
"""

from __future__ import annotations

from typing import Any

from feedgenerator import Atom1Feed, Rss201rev2Feed
from pelican import signals

__all__ = ["mark_guids", "name_authors", "register"]


def mark_guids(context: Any, feed: Any) -> None:
    """Mark every RSS guid that is not the item's own link as not a permalink."""
    if not isinstance(feed, Rss201rev2Feed):
        return
    for item in feed.items:
        guid = item.get("unique_id")
        if guid and guid != item.get("link") and item.get("unique_id_is_permalink") is None:
            item["unique_id_is_permalink"] = False


def name_authors(context: Any, feed: Any) -> None:
    """Atom: no empty author names; the group as the feed's author where an entry has none."""
    if not isinstance(feed, Atom1Feed):
        return
    for item in feed.items:
        if not (item.get("author_name") or "").strip():
            item["author_name"] = None
    missing = any(item.get("author_name") is None for item in feed.items)
    if missing and feed.feed.get("author_name") is None:
        site = context.get("SITEURL") or ""
        feed.feed["author_name"] = context.get("SITENAME") or site
        feed.feed["author_link"] = f"{site.rstrip('/')}/" if site else None


def register() -> None:
    signals.feed_generated.connect(mark_guids)
    signals.feed_generated.connect(name_authors)
