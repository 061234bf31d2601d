"""Atom and RSS feeds of new and changed events (feedgenerator, like Pelican's own feeds).

The item date is when the event was announced or last changed, never the event's own
date: feed readers hide or distrust items dated in the future. The date goes in the title.

Valid everywhere (the W3C Feed Validation Service's rules, pinned in tests/events/test_feeds.py):
each item's id is a tag: URI (RFC 4151), in RSS a `<guid isPermaLink="false">`; the Atom
feed names the group as its author (which covers every entry); every plain-text value is
escaped before it goes into an HTML field.
"""

from __future__ import annotations

from datetime import datetime
from html import escape
from pathlib import Path
from urllib.parse import quote

from feedgenerator import Atom1Feed, Rss201rev2Feed

from handbill_i18n import translations

from .model import Event, Occurrence
from .moments import EPOCH, UTC
from .settings import EventSettings

MAX_ITEMS = 50
# Changed or cancelled dates of a series listed in its item, soonest first.
MAX_NOTES = 3


def _item_date(event: Event) -> datetime:
    dates = [event.modified or EPOCH]
    if event.spec.announced:
        dates.append(event.spec.announced.replace(tzinfo=event.tz).astimezone(UTC))
    return max(dates)


def _announced(event: Event) -> datetime | None:
    """When the event was first announced: `announced:`, else the first build that saw it
    (the ledger's time while the event is unchanged, SEQUENCE 0); None if unknown."""
    if event.spec.announced:
        return event.spec.announced.replace(tzinfo=event.tz).astimezone(UTC)
    if event.sequence == 0 and event.modified:
        return event.modified
    return None


def entry_id(event: Event, settings: EventSettings) -> str:
    """A tag: URI (RFC 4151) naming this version of the event: a valid IRI that no build,
    SITEURL or move of the site changes. A change (a new SEQUENCE) is a new item, so that
    readers show it; the date is when that version appeared (the domain was the group's
    then): the ledger's change time, which editing `announced:` does not move.
    Example: tag:anytown.example.org,2026-11-22:events/members-meeting/0."""
    day = (event.modified or _item_date(event)).date().isoformat()
    name = quote(event.spec.id, safe="")
    return f"tag:{settings.uid_domain.lower()},{day}:events/{name}/{event.sequence}"


def _notes(event: Event, settings: EventSettings) -> list[Occurrence]:
    """The next changed or cancelled dates of a series, which its readers need to know."""
    changed = [
        occ
        for occ in event.upcoming(settings.now)
        if occ.original_start is not None and (occ.note or occ.cancelled or occ.moved)
    ]
    return changed[:MAX_NOTES]


def body_html(event: Event, settings: EventSettings) -> str:
    """The item's HTML. The summary, dates and notes are plain text and are escaped here
    ("A&E" must reach the reader as `A&amp;E`); the description is HTML already."""
    _ = translations(settings.lang).gettext
    parts = [f"<p>{escape(event.spec.summary)}</p>"] if event.spec.summary else []
    parts.append(event.description_html)
    for occ in _notes(event, settings):
        what = _("Cancelled") if occ.cancelled else _("Changed")
        note = f" {escape(occ.note)}" if occ.note else ""
        parts.append(f"<p><strong>{escape(occ.when)}: {escape(what)}.</strong>{note}</p>")
    occ = event.next_occurrence(settings.now) or (event.occurrences or [None])[-1]
    if not any(parts) and occ is not None:
        # Nothing written about it: say when and where rather than leave the summary blank.
        parts.append(f"<p>{escape(', '.join(x for x in (occ.when, occ.place) if x))}</p>")
    return "".join(p for p in parts if p)


def _title(event: Event, settings: EventSettings) -> str:
    occ = event.next_occurrence(settings.now)
    when = occ.when if occ else ""
    title = f"{event.spec.title} — {when}" if when else event.spec.title
    if event.spec.status == "cancelled":
        return translations(settings.lang).gettext("Cancelled: %(title)s") % {"title": title}
    return title


class _StableMixin:
    """No items means no latest date; feedgenerator would then use the wall clock."""

    def latest_post_date(self) -> datetime:
        dates = [i["updateddate"] or i["pubdate"] for i in self.items if i.get("pubdate")]
        return max(dates) if dates else EPOCH


class StableAtom(_StableMixin, Atom1Feed):
    pass


class StableRss(_StableMixin, Rss201rev2Feed):
    pass


def write_feeds(
    events: list[Event], settings: EventSettings, output: Path, atom_path: str, rss_path: str
) -> None:
    ordered = sorted(events, key=lambda e: (_item_date(e), e.spec.id), reverse=True)[:MAX_ITEMS]
    for path, cls in ((atom_path, StableAtom), (rss_path, StableRss)):
        if not path:
            continue
        atom = cls is StableAtom
        _ = translations(settings.lang).gettext
        feed = cls(
            title=_("%(calendar)s: events") % {"calendar": settings.calendar_name},
            link=f"{settings.public_url}/events/",
            description=_("New and changed events"),
            feed_url=f"{settings.public_url}/{path}",
            language=settings.lang,  # the site's DEFAULT_LANG (RSS <language>, Atom xml:lang)
            # Atom: the feed's author is every entry's author (RFC 4287 4.1.1). RSS needs
            # none, and its <author> would have to be an address.
            author_name=(settings.sitename or settings.calendar_name) if atom else None,
            author_link=f"{settings.public_url}/" if atom else None,
            author_email=(settings.organizer_email or None) if atom else None,
        )
        for event in ordered:
            feed.add_item(
                title=_title(event, settings),
                link=f"{settings.public_url}/{event.url}",
                description=body_html(event, settings),
                unique_id=entry_id(event, settings),
                unique_id_is_permalink=False,
                # Atom: published when announced, updated when last changed (they differ
                # once an event changes). RSS has one date: the latest.
                pubdate=_announced(event) if atom else _item_date(event),
                updateddate=_item_date(event),
                categories=[event.spec.category],
            )
        target = output / path
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("w", encoding="utf-8") as handle:
            feed.write(handle, "utf-8")
