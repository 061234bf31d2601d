"""Atom and RSS feeds of new and changed events (feedgenerator, like Pelican's own feeds).

The item date is when the event was announced or last changed, never the event's own
date: feed readers hide or distrust items dated in the future. The date goes in the title.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from feedgenerator import Atom1Feed, Rss201rev2Feed

from handbill_i18n import translations

from .model import Event
from .moments import EPOCH, UTC
from .settings import EventSettings

MAX_ITEMS = 50


def _item_date(event: Event) -> datetime:
    dates = [event.modified or EPOCH]
    if event.spec.announced:
        dates.append(event.spec.announced.replace(tzinfo=event.tz).astimezone(UTC))
    return max(dates)


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
        _ = translations(settings.lang).gettext
        feed = cls(
            title=_("%(calendar)s: events") % {"calendar": settings.calendar_name},
            link=f"{settings.public_url}/events/",
            description=_("New and changed events"),
            feed_url=f"{settings.public_url}/{path}",
            language=settings.lang,  # the site's DEFAULT_LANG (RSS <language>, Atom xml:lang)
        )
        for event in ordered:
            page = f"{settings.public_url}/{event.url}"
            body = event.spec.summary or ""
            if event.description_html:
                body = f"<p>{body}</p>{event.description_html}" if body else event.description_html
            feed.add_item(
                title=_title(event, settings),
                link=page,
                description=body,
                unique_id=f"{event.uid}#{event.sequence}",
                pubdate=_item_date(event),
                updateddate=_item_date(event),
                categories=[event.spec.category],
            )
        target = output / path
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("w", encoding="utf-8") as handle:
            feed.write(handle, "utf-8")
