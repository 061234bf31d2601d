"""Events and their occurrences: the one source of truth for pages, JSON-LD, ICS and feeds."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, time, timedelta
from functools import cached_property, lru_cache
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import holidays

from handbill_i18n import translations
from handbill_i18n.dates import date_words

from .description import Rendered, plain_text, render
from .holiday_names import holiday_name
from .moments import Moment, localise, to_utc
from .rule_dates import rule_dates
from .settings import EventSettings
from .slugs import slugify
from .spec import Change, EventSpec, Location

if TYPE_CHECKING:
    import markdown


@dataclass
class Occurrence:
    """One date of an event, after exceptions and changes are applied."""

    event: Event
    start: Moment  # aware datetime, or a date for all-day events
    end: Moment  # aware datetime, or the day after the last day for all-day events
    status: str
    title: str
    summary: str
    location: Location | None
    online: str | None
    note: str = ""
    original_start: Moment | None = None  # set on changed occurrences of a series
    moved: bool = False

    @property
    def all_day(self) -> bool:
        return not isinstance(self.start, datetime)

    @property
    def cancelled(self) -> bool:
        return self.status == "cancelled"

    @property
    def last_day(self) -> date:
        """The last day it runs on (all-day ends are exclusive internally)."""
        if self.all_day:
            return self.end - timedelta(days=1)
        return self.end.date()

    @property
    def end_utc(self) -> datetime:
        return to_utc(self.end, self.event.tz)

    @property
    def start_utc(self) -> datetime:
        return to_utc(self.start, self.event.tz)

    def ended(self, now: datetime) -> bool:
        return self.end_utc <= now

    @property
    def cache_key(self) -> str:
        """What pages show of this date, for the preview's render cache (handbill_rendercache)."""
        return f"{self.event.cache_key} @ {self.start!r} {self.status}"

    @cached_property  # read by the upcoming list on every page of the site
    def when(self) -> str:
        return when_text(self)

    def when_in(self, lang: str) -> str:
        """`when` in a page's language: a translated post on a bilingual site shows the
        upcoming dates in its own language."""
        if lang.lower() == self.event.lang.lower():
            return self.when
        return when_text(self, lang)

    @cached_property
    def start_iso(self) -> str:
        return self.start.isoformat()

    @cached_property
    def end_iso(self) -> str:
        """Machine-readable end for <time> and the ageing script (exclusive for all-day)."""
        return self.end_utc.isoformat()

    @property
    def place(self) -> str:
        """The venue on one line ("name, address"), else the online link."""
        if self.location:
            return ", ".join(x for x in (self.location.name, self.location.address) if x)
        return self.online or ""

    @property
    def day(self) -> date:
        return self.start if self.all_day else self.start.date()

    @property
    def sort_key(self) -> tuple[datetime, str]:
        return (self.start_utc, self.event.spec.id)


@dataclass
class Skipped:
    """A date the rule gives that is not held, and why ("bank holiday (May Day)")."""

    day: date
    reason: str


@dataclass
class Event:
    """One file: a one-off event or a series, with its expanded occurrences."""

    spec: EventSpec
    uid: str
    category_slug: str
    occurrences: list[Occurrence] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    rule_until: date | None = None  # the UNTIL written to the ICS (may be a horizon cap)
    description_html: str = ""
    description_text: str = ""
    sequence: int = 0
    modified: datetime | None = None  # UTC; when the content last changed
    url: str = ""
    save_as: str = ""
    ics_url: str = ""
    ics_save_as: str = ""
    lang: str = "en-GB"  # the site's DEFAULT_LANG: the words and dates pages show

    # What templates read of the file itself (the rest through `event.spec`).
    @property
    def title(self) -> str:
        return self.spec.title

    @property
    def status(self) -> str:
        return self.spec.status

    @property
    def summary(self) -> str:
        return self.spec.summary

    @property
    def category(self) -> str:
        return self.spec.category

    @property
    def location(self) -> Location | None:
        return self.spec.location

    @property
    def cache_key(self) -> str:
        """What pages show of this event, for the preview's render cache (handbill_rendercache).

        The occurrences and skipped dates follow from the file and the settings.
        """
        return f"{self.spec!r} {self.sequence} {self.modified} {self.url} {self.rule_until}"

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.spec.timezone)

    @property
    def is_series(self) -> bool:
        return self.spec.repeat is not None

    @cached_property
    def content_hash(self) -> str:
        """A digest of everything a subscriber could see; drives SEQUENCE."""
        data = asdict(self.spec)
        # `access:` is on the page, not in the calendar: editing it must not bump SEQUENCE
        # (nor must Handbill's adding the field change every event's hash).
        for volatile in ("source", "line", "field_lines", "announced", "access"):
            data.pop(volatile, None)
        data["changes"] = {str(day): change for day, change in data["changes"].items()}
        blob = json.dumps(data, default=str, sort_keys=True)
        return hashlib.sha256(blob.encode()).hexdigest()[:16]

    def upcoming(self, now: datetime) -> list[Occurrence]:
        return [occ for occ in self.occurrences if not occ.ended(now)]

    def past(self, now: datetime) -> list[Occurrence]:
        return [occ for occ in self.occurrences if occ.ended(now)]

    def next_occurrence(self, now: datetime) -> Occurrence | None:
        live = [o for o in self.upcoming(now) if not o.cancelled]
        return (live or self.upcoming(now) or self.occurrences[-1:] or [None])[0]

    def skipped_upcoming(self, now: datetime) -> list[Skipped]:
        return [s for s in self.skipped if s.day >= now.astimezone(self.tz).date()]


def clock(moment: time, lang: str = "en-GB") -> str:
    """The locale's short time, one format everywhere: '19:15' (handbill_i18n.dates)."""
    return date_words(lang).clock(moment)


def day_words(day: date, lang: str = "en-GB") -> str:
    """'Monday 5 January 2026', in the site's language."""
    return date_words(lang).day(day, weekday=True)


def when_text(occ: Occurrence, lang: str | None = None) -> str:
    """'Monday 5 January 2026, 18:00 to 19:30' or 'Saturday 27 June to Sunday 28 June 2026'."""
    lang = lang or occ.event.lang
    words, _ = date_words(lang), translations(lang).gettext
    if occ.all_day:
        first, last = occ.start, occ.last_day
        if first == last:
            return day_words(first, lang)
        start_text = words.day(first, weekday=True, year=first.year != last.year)
        return _("%(first)s to %(last)s") % {"first": start_text, "last": day_words(last, lang)}
    start, end = occ.start, occ.end
    if start.date() == end.date():
        return _("%(day)s, %(start)s to %(end)s") % {
            "day": day_words(start.date(), lang),
            "start": clock(start.time(), lang),
            "end": clock(end.time(), lang),
        }
    return _("%(first)s, %(start)s to %(last)s, %(end)s") % {
        "first": day_words(start.date(), lang),
        "start": clock(start.time(), lang),
        "last": day_words(end.date(), lang),
        "end": clock(end.time(), lang),
    }


def bank_holidays(settings: EventSettings, first: int, last: int) -> dict[date, str]:
    return _holidays(*settings.region, first, last)


@lru_cache(maxsize=64)
def _holidays(country: str, subdiv: str | None, first: int, last: int) -> dict[date, str]:
    # Building a holidays table is slow and many series share a region and years.
    # Callers only read the dict.
    return dict(holidays.country_holidays(country, subdiv=subdiv, years=range(first, last + 1)))


def horizon(settings: EventSettings) -> date:
    """The last day series are expanded to: end of the year `ahead_months` from now.

    A whole year keeps the ICS bytes stable between daily rebuilds.
    """
    return date(settings.months_ahead().year, 12, 31)


def build_event(
    spec: EventSpec,
    settings: EventSettings,
    md: markdown.Markdown | dict | None = None,
    description: Rendered | None = None,
) -> Event:
    """The complete event a spec describes: identity, addresses, description, dates.

    `description` is the spec's description already rendered (the generator keeps them
    between builds); without it the Markdown is rendered here with `md`.
    """
    event = Event(
        spec=spec,
        uid=f"{spec.id}@{settings.uid_domain}",
        category_slug=slugify(spec.category),
        lang=settings.lang,
    )
    event.url = f"events/{spec.slug}/"
    event.save_as = f"{event.url}index.html"
    event.ics_url = f"{event.url}{spec.slug}.ics"
    event.ics_save_as = event.ics_url
    if description is None:
        description = render(spec.description, md)
    event.description_html = description.html
    event.description_text = plain_text(description.html)
    if spec.repeat is None:
        event.occurrences = [as_written(event)]
    else:
        _expand(event, settings)
    return event


def as_written(event: Event) -> Occurrence:
    """The occurrence `start:`/`end:` describe: a one-off, or the first of a series."""
    spec, tz = event.spec, event.tz
    return Occurrence(
        event=event,
        start=localise(spec.start, tz),
        end=localise(spec.end, tz),
        status=spec.status,
        title=spec.title,
        summary=spec.summary,
        location=spec.location,
        online=spec.online,
    )


def _expand(event: Event, settings: EventSettings) -> None:
    spec, rep, tz = event.spec, event.spec.repeat, event.tz
    _ = translations(event.lang).gettext
    # Dates the file names (`except:`, `changes:`) reach the ICS even past the horizon,
    # or subscribers would see a meeting that is not held.
    cap = max([horizon(settings), *rep.except_dates, *spec.changes])
    # Holiday exceptions are only known for a finite future, so an open-ended series that
    # skips bank holidays stops at the horizon in the ICS until the next rebuild.
    event.rule_until = rep.until
    if rep.except_bank_holidays and rep.until is None and rep.count is None:
        event.rule_until = cap
    last = min(d for d in (rep.until, cap) if d is not None)
    # Stop at `last`: an open-ended rule would otherwise run on to the year 9999.
    starts = rule_dates(spec.start, rep, last)
    bank = bank_holidays(settings, spec.start.year, last.year) if rep.except_bank_holidays else {}
    duration = spec.end - spec.start
    for naive in starts:
        day = naive.date()
        # A change wins over a skip: that is how a group moves a bank-holiday meeting.
        if day in spec.changes:
            original = naive if isinstance(spec.start, datetime) else day
            event.occurrences.append(_occurrence(event, original, duration, spec.changes[day], tz))
        elif day in rep.except_dates:
            event.skipped.append(Skipped(day, _("not held on this date")))
        elif day in bank:
            reason = _("bank holiday (%(name)s)") % {"name": holiday_name(bank[day], _)}
            event.skipped.append(Skipped(day, reason))
        else:
            original = naive if isinstance(spec.start, datetime) else day
            event.occurrences.append(
                _occurrence(event, original, duration, spec.changes.get(day), tz)
            )
    event.occurrences.sort(key=lambda o: o.sort_key)


def _occurrence(
    event: Event, original: Moment, duration: timedelta, change: Change | None, tz: ZoneInfo
) -> Occurrence:
    spec = event.spec
    start = original
    end = original + duration
    occ = Occurrence(
        event=event,
        start=localise(start, tz),
        end=localise(end, tz),
        status=spec.status,
        title=spec.title,
        summary=spec.summary,
        location=spec.location,
        online=spec.online,
    )
    if change is None:
        return occ
    occ.original_start = localise(original, tz)
    if change.start is not None:
        start = change.start
        end = change.end or start + duration
        occ.moved = start != original
    elif change.end is not None:
        end = change.end
    occ.start, occ.end = localise(start, tz), localise(end, tz)
    if spec.status != "cancelled" and change.status:
        occ.status = change.status
    occ.title = change.title or spec.title
    occ.summary = change.summary if change.summary is not None else spec.summary
    occ.location = change.location or spec.location
    occ.online = change.online or spec.online
    occ.note = change.note
    return occ


def categories(events: Iterable[Event]) -> list[tuple[str, str]]:
    """(name, slug) of every category, sorted by name."""
    seen = {e.category_slug: e.spec.category for e in events}
    return sorted((name, slug) for slug, name in seen.items())
