"""The share addresses of one page: plain links, made at build time.

Each service's documented "compose" address, the text percent-encoded (RFC 3986; `%20`, not
`+`, which mail apps would show as a plus). Nothing here talks to the services: a visitor who
clicks goes there, as with any link, and the site's Referrer-Policy sends no address along.
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import quote, urlencode

MASTODON_PAGE = "share/mastodon/"  # the site's own page that asks for the visitor's server


def encode(params: dict[str, str]) -> str:
    return urlencode(params, quote_via=quote, safe="")


def share_links(
    url: str, title: str, site_url: str, services: Iterable[str]
) -> list[tuple[str, str]]:
    """(service, address) for each service, in the order given."""
    text = f"{title} {url}"
    made = {
        # RFC 6068: mailto:?subject=…&body=…, every reserved character percent-encoded.
        "email": "mailto:?" + encode({"subject": title, "body": f"{title}\n\n{url}"}),
        "whatsapp": "https://wa.me/?" + encode({"text": text}),
        "telegram": "https://t.me/share/url?" + encode({"url": url, "text": title}),
        "bluesky": "https://bsky.app/intent/compose?" + encode({"text": text}),
        "mastodon": f"{site_url}/{MASTODON_PAGE}?" + encode({"text": text}),
    }
    return [(service, made[service]) for service in services]
