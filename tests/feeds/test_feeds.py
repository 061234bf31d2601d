"""Every feed of the published demo (posts' feeds from Pelican, events' feeds from
handbill_events) keeps the W3C Feed Validation Service's rules (tests/feeds/rules.py):
ids and guids that are valid IRIs, RSS guids that are not URLs marked isPermaLink="false",
an author for every Atom entry, valid HTML in every HTML field."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import feedparser
import pytest
from feedgenerator import Atom1Feed, Rss201rev2Feed
from handbill_feeds import mark_guids, name_authors

from sitebuild import build_site

from .rules import ATOM, feed_files, feed_problems, iri_problem

# 17 posts' RSS feeds, 17 Atom, and the two events feeds (36 when this was written).
MIN_FEEDS = 30


@pytest.fixture(scope="module")
def feeds(published_site: Path) -> list[Path]:
    found = feed_files(published_site)
    assert len(found) >= MIN_FEEDS, [f.name for f in found]
    return found


def test_every_feed_keeps_every_rule(published_site: Path, feeds: list[Path]) -> None:
    problems = [
        f"{feed.relative_to(published_site)}: {problem}"
        for feed in feeds
        for problem in feed_problems(feed.read_bytes())
    ]
    assert not problems, "\n".join(problems)


def test_rss_guids_are_tag_uris_marked_not_permalinks(feeds: list[Path]) -> None:
    rss = [f for f in feeds if ET.parse(f).getroot().tag == "rss"]
    guids = [g for f in rss for g in ET.parse(f).getroot().iter("guid")]
    assert len(rss) >= MIN_FEEDS // 2 and guids
    assert {g.get("isPermaLink") for g in guids} == {"false"}
    assert all(g.text.startswith("tag:") and not iri_problem(g.text) for g in guids)
    # Readers see the same: feedparser no longer takes the guid for the item's link.
    parsed = feedparser.parse(rss[0].read_bytes())
    assert parsed.entries and not any(e.guidislink for e in parsed.entries)
    assert all(e.link.startswith("https://") for e in parsed.entries)


def test_every_atom_entry_has_an_author(feeds: list[Path]) -> None:
    for feed in feeds:
        parsed = feedparser.parse(feed.read_bytes())
        if parsed.version.startswith("atom"):
            # An entry's own author, or the feed's, which covers them all (RFC 4287 4.1.1).
            feed_author = parsed.feed.get("author")
            assert all(entry.get("author") or feed_author for entry in parsed.entries), feed
            assert parsed.entries, feed


def test_the_events_atom_feed_names_the_group(published_site: Path) -> None:
    root = ET.parse(published_site / "feeds/events.atom.xml").getroot()
    author = root.find(f"{ATOM}author")
    assert author is not None
    assert author.findtext(f"{ATOM}name") == "Anytown Save Our NHS"
    assert author.findtext(f"{ATOM}email") == "hello@anytown-sos-nhs.example.org"
    assert author.findtext(f"{ATOM}uri") == "https://anytown-sos-nhs.example.org/"


def test_mark_guids_leaves_atom_and_permalink_guids_alone() -> None:
    rss = Rss201rev2Feed(title="t", link="https://x.example/", description="d")
    rss.add_item(title="a", link="https://x.example/a/", description="", unique_id="tag:x,2026:a")
    rss.add_item(title="b", link="https://x.example/b/", description="", unique_id=None)
    rss.add_item(
        title="c", link="https://x.example/c/", description="", unique_id="https://x.example/c/"
    )
    atom = Atom1Feed(title="t", link="https://x.example/", description="d")
    atom.add_item(title="a", link="https://x.example/a/", description="", unique_id="tag:x,2026:a")
    mark_guids(None, feed=rss)
    mark_guids(None, feed=atom)
    assert [i["unique_id_is_permalink"] for i in rss.items] == [False, None, None]
    assert atom.items[0]["unique_id_is_permalink"] is None


def test_posts_without_an_author_get_the_group_as_feed_author(
    content_copy: Path, tmp_path: Path
) -> None:
    # AUTHOR unset and no `Authors:` line: Pelican would write an empty <name/> per entry.
    for post in (content_copy / "posts").glob("*.md"):
        lines = post.read_text(encoding="utf-8").splitlines(keepends=True)
        post.write_text(
            "".join(x for x in lines if not x.startswith(("Author:", "Authors:"))), "utf-8"
        )
    site = build_site(tmp_path / "out", "publishconf.py", PATH=str(content_copy), AUTHOR=None)
    data = (site / "feeds/all.atom.xml").read_bytes()
    assert feed_problems(data) == []
    root = ET.fromstring(data)
    assert root.findtext(f"{ATOM}author/{ATOM}name") == "Anytown Save Our NHS"
    assert root.findtext(f"{ATOM}author/{ATOM}uri") == "https://anytown-sos-nhs.example.org/"
    assert root.find(f"{ATOM}entry/{ATOM}author") is None


def test_name_authors_keeps_real_authors_and_rss_alone() -> None:
    context = {"SITENAME": "Anytown", "SITEURL": "https://x.example"}
    atom = Atom1Feed(title="t", link="https://x.example/", description="d")
    atom.add_item(title="a", link="https://x.example/a/", description="", author_name="Sam")
    name_authors(context, feed=atom)
    assert atom.feed["author_name"] is None and atom.items[0]["author_name"] == "Sam"
    rss = Rss201rev2Feed(title="t", link="https://x.example/", description="d")
    rss.add_item(title="a", link="https://x.example/a/", description="", author_name="")
    name_authors(context, feed=rss)
    assert rss.feed["author_name"] is None and rss.items[0]["author_name"] == ""


# --- the checks themselves -------------------------------------------------------------
BAD_RSS = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>t</title><link>https://example.org/</link>
<description>d</description>
<item><title>a</title><link>https://example.org/a/</link>
<guid>tag:example.org,2026-01-01:/a/</guid><description>A&amp;E</description></item>
<item><title>b</title><link>https://example.org/b/</link>
<guid isPermaLink="false">members-meeting@example.org#0</guid></item>
</channel></rss>"""

BAD_ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title>
<link href="https://example.org/"/><id>https://example.org/</id>
<updated>2026-01-02T00:00:00Z</updated>
<entry><title>a</title><link href="https://example.org/a/"/>
<id>members-meeting@example.org#0</id><updated>2026-01-01T00:00:00Z</updated>
<published>2026-01-02T00:00:00Z</published>
<summary type="html">&lt;p&gt;A&amp;E&lt;/p&gt;</summary></entry>
<entry><title>b</title><link href="https://example.org/b/"/><author><name> </name></author>
<id>tag:example.org,2026-13-01:b</id><updated>2026-01-01T00:00:00Z</updated>
<summary type="html"> </summary></entry>
</feed>"""


def test_the_checks_catch_what_the_validator_caught() -> None:
    # The events and posts feeds as they were before (issue 15): guards the checks above.
    rss = "\n".join(feed_problems(BAD_RSS))
    assert 'isPermaLink="false"' in rss, rss
    assert "'members-meeting@example.org#0' is not an absolute IRI" in rss, rss
    assert "description: invalid HTML" in rss, rss
    atom = "\n".join(feed_problems(BAD_ATOM))
    for expected in (
        "id: 'members-meeting@example.org#0' is not an absolute IRI",
        "no author, and the feed's author is missing",
        "summary: invalid HTML",
        "is after updated",
        "author has no name",
        "is not a tag: URI",
        "summary is blank",
    ):
        assert expected in atom, atom


@pytest.mark.parametrize(
    "good",
    [
        "tag:anytown.example.org,2026-11-22:events/members-meeting/0",
        "tag:hello@anytown.example.org,2026:x",
        "https://anytown.example.org/news/2026/a/",
        "urn:uuid:6e8bc430-9c3a-11d9-9669-0800200c9a66",
        "tag:anytown.example.org,2026-11:caf%C3%A9",
    ],
)
def test_valid_ids_pass(good: str) -> None:
    assert iri_problem(good) == ""


@pytest.mark.parametrize(
    "bad",
    [
        "members-meeting@anytown.example.org#0",
        "tag:anytown.example.org:events/a",  # no date
        "tag:anytown.example.org,26-11-22:a",
        "tag:anytown.example.org,2026:a b",
        "https:///no-host",
        "",
    ],
)
def test_invalid_ids_fail(bad: str) -> None:
    assert iri_problem(bad)
