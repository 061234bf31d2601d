"""Sharing without trackers: links made at build time, no third-party script, no counts.

- `share_links(url, title)` (a Jinja global): email, WhatsApp, Telegram, Bluesky and
  Mastodon addresses for a page, percent-encoded (links.py);
- `share/mastodon/`: a page on the site that asks for the visitor's Mastodon server and
  then goes there (Mastodon has no one address to share to);
- theme/static/js/share.js: "Copy link", and the browser's own share sheet (Web Share API)
  where it has one. Nothing is loaded from another host.
"""

from .plugin import register

__all__ = ["register"]
