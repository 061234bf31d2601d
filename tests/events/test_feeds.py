"""Atom and RSS feeds of new and changed events."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import feedparser
import html5lib
from feeds.rules import feed_problems, iri_problem

from .conftest import DATA, build


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


def test_feed_ids_are_tag_uris_that_change_when_the_event_changes(demo_site: Path) -> None:
    feed = feedparser.parse((demo_site / "feeds/events.atom.xml").read_bytes())
    ids = [e.id for e in feed.entries]
    assert "tag:anytown.example.org,2026-11-22:events/planning-meeting/0" in ids
    assert len(set(ids)) == len(ids)
    assert not [problem for i in ids if (problem := iri_problem(i))]


def test_both_events_feeds_keep_every_rule(demo_site: Path) -> None:
    for name in ("events.atom.xml", "events.rss.xml"):
        assert feed_problems((demo_site / "feeds" / name).read_bytes()) == [], name


HOSTILE = """title: Clinic <b>drop-in</b>
start: 2026-12-01 18:00
end: 19:00
summary: Save our A&E <b>now</b> & "soon"
repeat:
  every: week
  count: 4
changes:
  2026-12-08: {status: cancelled, note: "A&E <script>x</script> closed"}
  2026-12-15: {start: "2026-12-16 18:00", note: "Moved: Q&A <i>night</i>"}
"""


def _items(site: Path) -> dict[str, dict]:
    """Each feed's one item's HTML, parsed, and its id, by feed name."""
    found = {}
    for name in ("events.atom.xml", "events.rss.xml"):
        (entry,) = feedparser.parse((site / "feeds" / name).read_bytes()).entries
        found[name] = entry
    return found


def test_plain_text_is_escaped_before_it_enters_html(
    build_events: Callable[..., Path], tmp_path: Path
) -> None:
    source = tmp_path / "src" / "clinic.yaml"
    source.parent.mkdir()
    source.write_text(HOSTILE)
    site = build_events(source)
    for name in ("events.atom.xml", "events.rss.xml"):
        data = (site / "feeds" / name).read_bytes()
        assert feed_problems(data) == [], name
        raw = ET.fromstring(data)
        html = next(
            e.text
            for e in raw.iter()
            if e.tag.endswith(("summary", "description")) and e.text and "A&" in e.text
        )
        fragment = html5lib.parseFragment(html, namespaceHTMLElements=False)
        text = "".join(fragment.itertext())
        # Volunteers' words arrive as text: no element made of them, every & kept.
        assert 'Save our A&E <b>now</b> & "soon"' in text, text
        assert "A&E <script>x</script> closed" in text, text
        assert "Q&A <i>night</i>" in text, text
        assert {el.tag for el in fragment.iter()} <= {"DOCUMENT_FRAGMENT", "p", "strong"}, html
        assert "Cancelled" in text and "Changed" in text


def test_an_event_with_no_words_gets_its_date_and_place_as_summary(
    build_events: Callable[..., Path], tmp_path: Path
) -> None:
    source = tmp_path / "src" / "bare.yaml"
    source.parent.mkdir()
    source.write_text("title: Bare\nstart: 2026-12-01 18:00\nlocation: Hall & Annexe\n")
    site = build_events(source)
    (entry,) = feedparser.parse((site / "feeds/events.atom.xml").read_bytes()).entries
    assert entry.summary == "<p>Tuesday 1 December 2026, 18:00 to 19:00, Hall &amp; Annexe</p>"


def test_published_when_announced_updated_when_changed(
    build_events: Callable[..., Path], tmp_path: Path
) -> None:
    source = tmp_path / "src" / "talk.yaml"
    source.parent.mkdir()
    source.write_text("title: Talk\nstart: 2026-12-01 18:00\nannounced: 2026-11-01 09:00\n")
    first = build_events(source, now="2026-11-10T12:00:00+00:00")
    (entry,) = feedparser.parse((first / "feeds/events.atom.xml").read_bytes()).entries
    assert entry.published == "2026-11-01T09:00:00+00:00"
    assert entry.updated == "2026-11-10T12:00:00+00:00"
    # A later change: a new item (new id), announced the same day, updated at the change.
    events = tmp_path / "content" / "events" / "talk.yaml"
    events.write_text(events.read_text().replace("18:00", "18:30"))
    second = build_events(None, fresh=False, now="2026-11-20T12:00:00+00:00")
    (changed,) = feedparser.parse((second / "feeds/events.atom.xml").read_bytes()).entries
    assert changed.published == "2026-11-01T09:00:00+00:00"
    assert changed.updated == "2026-11-20T12:00:00+00:00"
    assert changed.id == "tag:anytown.example.org,2026-11-20:events/talk/1" != entry.id


def test_ids_stay_when_only_announced_changes(
    build_events: Callable[..., Path], tmp_path: Path
) -> None:
    source = tmp_path / "src" / "talk.yaml"
    source.parent.mkdir()
    source.write_text("title: Talk\nstart: 2026-12-01 18:00\n")
    first = build_events(source, now="2026-11-10T12:00:00+00:00")
    (entry,) = feedparser.parse((first / "feeds/events.rss.xml").read_bytes()).entries
    events = tmp_path / "content" / "events" / "talk.yaml"
    events.write_text(events.read_text() + "announced: 2026-11-12 09:00\n")
    second = build_events(None, fresh=False, now="2026-11-20T12:00:00+00:00")
    (again,) = feedparser.parse((second / "feeds/events.rss.xml").read_bytes()).entries
    assert again.id == entry.id == "tag:anytown.example.org,2026-11-10:events/talk/0"


def test_ids_do_not_depend_on_the_site_address(tmp_path: Path) -> None:
    one = build(tmp_path / "a", DATA / "site", siteurl="https://one.example.org")
    two = build(tmp_path / "b", DATA / "site", siteurl="https://two.example.org")
    ids = [
        [e.id for e in feedparser.parse((site / "feeds/events.rss.xml").read_bytes()).entries]
        for site in (one, two)
    ]
    assert ids[0] == ids[1] and ids[0]


def test_list_page_links_the_feeds(demo_site: Path) -> None:
    html = (demo_site / "events/index.html").read_text(encoding="utf-8")
    assert 'type="application/atom+xml" title="New and changed events"' in html
    assert "/feeds/events.rss.xml" in html
