"""The Pelican generator: load -> validate -> model (pipeline.py) -> ledger -> render pages,
calendars and feeds."""

from __future__ import annotations

import logging
from calendar import Calendar as MonthCalendar
from collections import defaultdict
from collections.abc import Sequence
from datetime import date, timedelta
from itertools import groupby
from pathlib import Path

from pelican.generators import Generator

from handbill_config.problems import Problem

from . import ics, present
from .description import Rendered, new_markdown, render
from .feeds import write_feeds
from .ledger import apply_ledger
from .model import Event, Occurrence, categories
from .pipeline import Addresses, is_event_file, model_event, validate_file
from .settings import from_pelican
from .spec import EventSpec
from .subscribe_help import help_paths, qr_svg
from .upcoming import upcoming_dates
from .validation_cache import ValidationCache

log = logging.getLogger(__name__)


class EventsGenerator(Generator):
    """Reads content/events/*.yaml; every piece of state lives on the instance."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # `|category_label` in the events templates: "GP surgeries" stays as written, where
        # Jinja's `|capitalize` would lower the rest ("Gp surgeries"); the same words as
        # the category calendars' names in subscribers' apps.
        self.env.filters["category_label"] = ics.category_label
        self.cfg = from_pelican(self.settings)
        self.events: list[Event] = []
        self.problems: list[Problem] = []

    # --- context ------------------------------------------------------------------
    def generate_context(self) -> None:
        cache = ValidationCache.for_pelican(
            self.settings,
            self.cfg.timezone,
            self.cfg.default_category,
            self.settings.get("MARKDOWN"),
        )
        files = self.event_files()
        specs = self._read_all(files, cache)
        md = new_markdown(self.settings.get("MARKDOWN"))

        def describe(text: str) -> Rendered:
            return cache.description(text, lambda t: render(t, md))

        self.events = []
        for spec in specs:
            made = model_event(spec, self.cfg, describe)
            self._report(made.problems, made.warnings)
            if made.event is not None:
                self.events.append(made.event)
        cache.save(set(files))
        apply_ledger(self.events, self.cfg, self.path)
        now = self.cfg.now
        upcoming = sorted(
            (o for e in self.events for o in e.upcoming(now)), key=lambda o: o.sort_key
        )
        self.context["events"] = self.events
        # Once per build: the box on every page shows these.
        self.context["upcoming_events"] = upcoming_dates(
            upcoming, now.astimezone(self.cfg.tz), self.cfg.upcoming_count
        )
        self.context["events_subscribe"] = present.subscribe_links(
            "calendar.ics", self.cfg.calendar_name, self.cfg
        )
        self.context["events_feed_atom"] = self.cfg.feed_atom
        self.context["events_feed_rss"] = self.cfg.feed_rss

    def event_files(self) -> list[str]:
        """The files this build reads, relative to PATH (`.yaml`/`.yml` in any case)."""
        found = self.get_files(self.cfg.path, extensions=False)
        return sorted(rel for rel in found if is_event_file(rel))

    def _report(self, problems: list[Problem], warnings: Sequence[Problem] = ()) -> None:
        self.problems += problems
        for problem in problems:
            log.error(str(problem))
        for warning in warnings:
            log.warning(str(warning))

    def _read_all(self, files: list[str], cache: ValidationCache) -> list[EventSpec]:
        specs: list[EventSpec] = []
        taken = Addresses()
        for rel in files:
            full = Path(self.path, rel)
            read = cache.get(rel, full)
            if read is None:
                read = validate_file(full, rel, self.cfg.timezone, self.cfg.default_category)
                cache.put(rel, full, read)
            problems = list(read.problems)
            if read.spec is not None:
                problems += taken.clash(read.spec)
            self._report(problems)
            if read.spec is not None and not problems:
                specs.append(read.spec)
        return specs

    # --- output -------------------------------------------------------------------
    def generate_output(self, writer) -> None:
        out = Path(self.output_path)
        self._write_event_pages(writer)
        self._write_listings(writer)
        self._write_months(writer)
        self._write_calendars(out)
        self._write_subscribe_help(writer, out)
        write_feeds(self.events, self.cfg, out, self.cfg.feed_atom, self.cfg.feed_rss)

    def _write(self, writer, save_as: str, template: str, **kwargs) -> None:
        writer.write_file(
            save_as,
            self.get_template(template),
            self.context,
            relative_urls=self.settings.get("RELATIVE_URLS", False),
            url=save_as.removesuffix("index.html"),
            **kwargs,
        )

    def _write_event_pages(self, writer) -> None:
        cfg = self.cfg
        for event in self.events:
            dates = present.page_dates(event, cfg)
            next_dates = upcoming_dates(
                event.occurrences, cfg.now.astimezone(cfg.tz), cfg.next_dates
            )
            shown_until = max((o.day for o in dates), default=None)
            skipped = [
                s
                for s in event.skipped_upcoming(cfg.now)
                if shown_until is None or s.day <= shown_until
            ]
            nxt = event.next_occurrence(cfg.now)
            self._write(
                writer,
                event.save_as,
                "events/event",
                event=event,
                dates=dates,
                later_dates=next_dates.later if next_dates.shown else [],
                more_dates=next_dates.more,
                skipped=skipped,
                next_date=nxt,
                jsonld=present.json_ld(dates, cfg),
                rule_text=present.rule_text(event),
                has_upcoming=bool(event.upcoming(cfg.now)),
                add_links=present.add_links(nxt, cfg) if nxt else {},
                osm=present.osm_link(nxt) if nxt else "",
                access=present.occ_access(nxt) if nxt else None,
                subscribe=present.subscribe_links(
                    f"calendar/{event.category_slug}.ics",
                    ics.calendar_title(cfg, event.spec.category),
                    cfg,
                ),
                subscribe_all=self.context["events_subscribe"],
                ics_href=event.ics_url,
            )

    def _categories(self) -> list[tuple[str, str]]:
        return categories(self.events)

    def _write_listings(self, writer) -> None:
        self._write_listing(writer, "events/index.html", self.events, None)
        for name, slug in self._categories():
            chosen = [e for e in self.events if e.category_slug == slug]
            self._write_listing(writer, f"events/category/{slug}/index.html", chosen, name, slug)

    def _write_listing(
        self, writer, save_as: str, events: list[Event], category: str | None, slug: str = ""
    ) -> None:
        cfg, now = self.cfg, self.cfg.now
        until = cfg.months_from_now(cfg.list_months).date()
        upcoming = sorted(
            (o for e in events for o in e.upcoming(now) if o.day <= until), key=lambda o: o.sort_key
        )
        # Dates after `until`: then an empty list is not "No upcoming events".
        more_upcoming = any(o.day > until for e in events for o in e.upcoming(now))
        cutoff = cfg.months_back()
        past = sorted(
            (o for e in events for o in e.past(now) if o.end_utc >= cutoff or not e.is_series),
            key=lambda o: o.sort_key,
            reverse=True,
        )
        past_by_year = [
            (year, list(items)) for year, items in groupby(past, key=lambda o: o.day.year)
        ]
        feed = f"calendar/{slug}.ics" if slug else "calendar.ics"
        label = ics.calendar_title(cfg, category or "")
        self._write(
            writer,
            save_as,
            "events/list",
            upcoming=upcoming,
            more_upcoming=more_upcoming,
            past_by_year=past_by_year,
            events_category=category,
            list_until=until,
            events_categories=self._categories(),
            subscribe=present.subscribe_links(feed, label, cfg),
            month_url=f"events/{now:%Y/%m}/",
        )

    def _write_months(self, writer) -> None:
        cfg = self.cfg
        by_day: dict[date, list[Occurrence]] = defaultdict(list)
        for event in self.events:
            for occ in event.occurrences:
                day = occ.day
                while day <= occ.last_day:  # multi-day events show on every day
                    by_day[day].append(occ)
                    day += timedelta(days=1)
        first = cfg.months_back().date().replace(day=1)
        last = (cfg.now + timedelta(days=366)).date().replace(day=1)
        months = []
        month = first
        while month <= last:
            months.append(month)
            month = (month + timedelta(days=32)).replace(day=1)
        for index, month in enumerate(months):
            weeks = [
                [
                    {
                        "day": d,
                        "in_month": d.month == month.month,
                        "occurrences": sorted(by_day.get(d, []), key=lambda o: o.sort_key),
                    }
                    for d in week
                ]
                for week in MonthCalendar(firstweekday=0).monthdatescalendar(
                    month.year, month.month
                )
            ]
            prev_url = f"events/{months[index - 1]:%Y/%m}/" if index else ""
            next_url = f"events/{months[index + 1]:%Y/%m}/" if index + 1 < len(months) else ""
            self._write(
                writer,
                f"events/{month:%Y/%m}/index.html",
                "events/month",
                month=month,
                weeks=weeks,
                prev_url=prev_url,
                next_url=next_url,
                today=cfg.now.date(),
            )

    def _write_subscribe_help(self, writer, out: Path) -> None:
        """A QR code and a printable poster for the whole calendar and each category's."""
        cfg = self.cfg
        calendars = [("calendar.ics", ics.calendar_title(cfg, ""), None)]
        calendars += [
            (f"calendar/{slug}.ics", ics.calendar_title(cfg, name), name)
            for name, slug in self._categories()
        ]
        for feed, label, category in calendars:
            sub = present.subscribe_links(feed, label, cfg)
            _write_bytes(out / help_paths(feed).qr, qr_svg(sub["https"]))
            self._write(
                writer,
                help_paths(feed).poster_save_as,
                "events/poster",
                subscribe=sub,
                calendar_name=label,
                events_category=category,
            )

    def _write_calendars(self, out: Path) -> None:
        for path, data in ics.build_calendars(self.events, self.cfg).items():
            _write_bytes(out / path, data)


def _write_bytes(path: Path, data: bytes) -> None:
    # The Writer only writes text through templates; ICS needs exact CRLF bytes.
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def get_generators(pelican) -> type[EventsGenerator]:
    return EventsGenerator
