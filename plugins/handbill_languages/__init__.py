"""The site's languages on Pelican's side (the words themselves: handbill_i18n).

Pelican's news feeds say nothing of their language; this plugin gives each one its
language as the feed was made (RSS `<language>`, Atom `xml:lang`): a translation feed
(`TRANSLATION_FEED_ATOM`, "feeds/all-{lang}.atom.xml") its own, every other feed the site's
DEFAULT_LANG. Feed readers and screen readers use it to pick the voice and hyphenation.
"""

from __future__ import annotations

import re
from typing import Any

from pelican import signals

from handbill_i18n import lang_tag

__all__ = ["feed_language", "register"]

PATTERNS = ("TRANSLATION_FEED_ATOM", "TRANSLATION_FEED_RSS")


def _translation_feed(url: str, context: dict[str, Any]) -> str | None:
    """The language of a translation feed at `url`, or None for any other feed."""
    for key in PATTERNS:
        pattern = context.get(f"{key}_URL") or context.get(key)
        if not pattern or "{lang}" not in str(pattern):
            continue
        before, _, after = str(pattern).partition("{lang}")
        found = re.search(re.escape(before) + r"([A-Za-z0-9_-]+)" + re.escape(after) + "$", url)
        if found:
            return found.group(1)
    return None


def feed_language(context: dict[str, Any], feed: Any) -> None:
    url = str(feed.feed.get("feed_url") or "")
    lang = _translation_feed(url, context) or context.get("DEFAULT_LANG") or "en"
    feed.feed["language"] = lang_tag(lang)


def register() -> None:
    signals.feed_generated.connect(feed_language)
