"""Share links: well-formed, every value percent-encoded, and they read back to the page."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from bs4 import BeautifulSoup

from handbill_config import ConfigError
from handbill_share.links import share_links
from sitebuild import build_site

SITE = "https://anytown.example.org"
URL = f"{SITE}/news/2026/a-and-e/"
# Every character that means something in a URL or a mail address, and some that are not ASCII.
TITLE = 'A&E "review": 100% + #NHS? a=b/c; Llŷn ✊'
ALL = ("email", "whatsapp", "telegram", "bluesky", "mastodon")


def links() -> dict[str, str]:
    return dict(share_links(URL, TITLE, SITE, ALL))


def query(address: str) -> dict[str, str]:
    found = parse_qs(urlsplit(address).query, strict_parsing=True, keep_blank_values=True)
    assert all(len(v) == 1 for v in found.values()), found
    return {key: values[0] for key, values in found.items()}


def test_each_service_gets_the_title_and_the_address_back() -> None:
    made = links()
    assert query(made["email"]) == {"subject": TITLE, "body": f"{TITLE}\n\n{URL}"}
    assert query(made["whatsapp"]) == {"text": f"{TITLE} {URL}"}
    assert query(made["telegram"]) == {"url": URL, "text": TITLE}
    assert query(made["bluesky"]) == {"text": f"{TITLE} {URL}"}
    assert query(made["mastodon"]) == {"text": f"{TITLE} {URL}"}


@pytest.mark.parametrize(
    ("service", "start"),
    [
        ("email", "mailto:?subject="),
        ("whatsapp", "https://wa.me/?text="),
        ("telegram", "https://t.me/share/url?url="),
        ("bluesky", "https://bsky.app/intent/compose?text="),
        ("mastodon", f"{SITE}/share/mastodon/?text="),
    ],
)
def test_addresses_are_well_formed_and_fully_encoded(service: str, start: str) -> None:
    address = links()[service]
    assert address.startswith(start), address
    for pair in urlsplit(address).query.split("&"):
        _, _, value = pair.partition("=")
        # No character a mail app or a browser could read another way: no spaces, no "+"
        # (mail apps show it as a plus), no raw reserved characters, ASCII only.
        assert value.isascii() and value.isprintable(), pair
        assert all(c.isalnum() or c in "-._~%" for c in value), pair


def test_the_order_and_choice_of_services_follow_the_settings() -> None:
    assert [s for s, _ in share_links(URL, TITLE, SITE, ("mastodon", "email"))] == [
        "mastodon",
        "email",
    ]


def test_the_built_pages_carry_the_links(published_site: Path) -> None:
    post = published_site / "news/2026/scrutiny-committee/index.html"
    doc = BeautifulSoup(post.read_bytes(), "html5lib")
    found = {a["data-share-service"]: a["href"] for a in doc.select(".share a")}
    assert list(found) == list(ALL)
    url = "https://anytown-sos-nhs.example.org/news/2026/scrutiny-committee/"
    assert query(found["telegram"]) == {"url": url, "text": "Councillors question the A&E plan"}
    event = published_site / "events/film-screening/index.html"
    doc = BeautifulSoup(event.read_bytes(), "html5lib")
    tools = doc.select_one("[data-share]")
    assert tools["data-share-url"] == "https://anytown-sos-nhs.example.org/events/film-screening/"
    assert (published_site / "share/mastodon/index.html").is_file()


def test_an_unknown_service_stops_the_build(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"HANDBILL_SHARE\.services"):
        build_site(tmp_path / "output", HANDBILL_SHARE={"services": ["email", "facebook"]})
