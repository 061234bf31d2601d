"""Words, links and JSON-LD for templates: dates in words, add-to-calendar, subscribe."""

from __future__ import annotations

import json
from datetime import date, datetime
from urllib.parse import quote, urlencode

from .model import Event, Occurrence, clock, day_words
from .settings import EventSettings
from .subscribe_help import help_paths


def iso(moment: date | datetime) -> str:
    return moment.isoformat()


def _stamp(moment: date | datetime) -> str:
    if isinstance(moment, datetime):
        return moment.strftime("%Y%m%dT%H%M%S")
    return moment.strftime("%Y%m%d")


def _details(occ: Occurrence, page: str) -> str:
    text = "\n\n".join(x for x in (occ.summary, f"Details: {page}") if x)
    return text[:900]  # Google drops long details; keep well under ~1000 characters


def add_links(occ: Occurrence, settings: EventSettings) -> dict[str, str]:
    """Add-to-calendar links for one occurrence (a one-off import: it never updates)."""
    event = occ.event
    page = f"{settings.public_url}/{event.url}"
    google = {
        "action": "TEMPLATE",
        "text": occ.title,
        "dates": f"{_stamp(occ.start)}/{_stamp(occ.end)}",
        "details": _details(occ, page),
        "location": occ.place,
    }
    if not occ.all_day:
        google["ctz"] = event.spec.timezone
    outlook = {
        "path": "/calendar/action/compose",
        "rru": "addevent",
        "subject": occ.title,
        "startdt": iso(occ.start),
        "enddt": iso(occ.end if not occ.all_day else occ.last_day),
        "body": _details(occ, page),
        "location": occ.place,
        "allday": "true" if occ.all_day else "false",
    }
    qs = urlencode(outlook, quote_via=quote)
    return {
        "google": "https://calendar.google.com/calendar/render?"
        + urlencode(google, quote_via=quote),
        "outlook": f"https://outlook.live.com/calendar/0/deeplink/compose?{qs}",
        "office365": f"https://outlook.office.com/calendar/0/deeplink/compose?{qs}",
    }


def subscribe_links(path: str, name: str, settings: EventSettings) -> dict[str, str]:
    """Links for subscribing to a calendar feed at `path` (e.g. "calendar.ics")."""
    https = f"{settings.public_url}/{path}"
    webcal = "webcal://" + https.split("://", 1)[-1]
    sub = {
        "path": "/calendar/action/compose",
        "rru": "addsubscription",
        "url": webcal,
        "name": name,
    }
    help_at = help_paths(path)
    return {
        "https": https,
        "webcal": webcal,
        # Pages and pictures of the site itself: the site's address (empty while previewing).
        "qr": f"{settings.site_url}/{help_at.qr}",
        "poster": f"{settings.site_url}/{help_at.poster}",
        "google": "https://calendar.google.com/calendar/r?" + urlencode({"cid": webcal}),
        "google_by_url": "https://calendar.google.com/calendar/r/settings/addbyurl",
        "outlook": "https://outlook.live.com/owa?" + urlencode(sub, quote_via=quote),
        "office365": "https://outlook.office.com/owa?" + urlencode(sub, quote_via=quote),
    }


def _status(occ: Occurrence) -> str:
    if occ.cancelled:
        return "https://schema.org/EventCancelled"
    if occ.moved:
        return "https://schema.org/EventRescheduled"
    return "https://schema.org/EventScheduled"


def _place(occ: Occurrence) -> list[dict]:
    places = []
    if occ.location:
        place: dict = {"@type": "Place", "name": occ.location.name}
        if occ.location.address:
            place["address"] = {"@type": "PostalAddress", "streetAddress": occ.location.address}
        if occ.location.geo:
            lat, lon = occ.location.geo
            place["geo"] = {"@type": "GeoCoordinates", "latitude": lat, "longitude": lon}
        places.append(place)
    if occ.online:
        places.append({"@type": "VirtualLocation", "url": occ.online})
    return places


def _mode(occ: Occurrence) -> str:
    if occ.online and occ.location:
        return "https://schema.org/MixedEventAttendanceMode"
    if occ.online:
        return "https://schema.org/OnlineEventAttendanceMode"
    return "https://schema.org/OfflineEventAttendanceMode"


def occurrence_ld(occ: Occurrence, settings: EventSettings) -> dict:
    event = occ.event
    data: dict = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": occ.title,
        "startDate": iso(occ.start),
        "endDate": iso(occ.last_day if occ.all_day else occ.end),
        "eventStatus": _status(occ),
        "eventAttendanceMode": _mode(occ),
        "url": f"{settings.public_url}/{event.url}",
        "organizer": {
            "@type": "Organization",
            "name": settings.sitename,
            "url": settings.public_url + "/",
        },
    }
    places = _place(occ)
    if places:
        data["location"] = places[0] if len(places) == 1 else places
    if occ.summary or event.description_text:
        data["description"] = occ.summary or event.description_text
    if occ.moved and occ.original_start is not None:
        data["previousStartDate"] = iso(occ.original_start)
    if event.is_series:
        data["superEvent"] = {"@type": "EventSeries", "name": event.spec.title}
    return data


def json_ld(occurrences: list[Occurrence], settings: EventSettings) -> str:
    """JSON-LD for a page; `</` is escaped so the data can never close its script element."""
    items = [occurrence_ld(o, settings) for o in occurrences]
    if not items:
        return "[]"  # a series whose every date is skipped, or not yet within the horizon
    blob = json.dumps(items[0] if len(items) == 1 else items, ensure_ascii=False, indent=1)
    return blob.replace("</", "<\\/")


def page_dates(event: Event, settings: EventSettings) -> list[Occurrence]:
    """The dates an event page lists (and describes in JSON-LD): next ones, else the last."""
    upcoming = event.upcoming(settings.now)
    if upcoming:
        return upcoming[: settings.next_dates]
    return event.occurrences[-settings.next_dates :] if event.is_series else event.occurrences


def osm_link(occ: Occurrence) -> str:
    """A link (never an embedded map) to OpenStreetMap for the venue."""
    loc = occ.location
    if loc is None:
        return ""
    if loc.geo:
        lat, lon = loc.geo
        return f"https://www.openstreetmap.org/?mlat={lat}&mlon={lon}#map=17/{lat}/{lon}"
    query = ", ".join(x for x in (loc.name, loc.address) if x)
    return "https://www.openstreetmap.org/search?" + urlencode({"query": query})


ORDINAL_WORDS = {1: "first", 2: "second", 3: "third", 4: "fourth", 5: "fifth", -1: "last"}
DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
PERIODS = {0: "year", 1: "month", 2: "week", 3: "day"}  # dateutil's YEARLY..DAILY


def _and(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def _nth(number: int) -> str:
    suffix = (
        "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    )
    return f"{number}{suffix}"


def rule_text(event: Event) -> str:
    """The series rule in words: 'The first Monday of every month, 6pm to 7.30pm, …'."""
    rep = event.spec.repeat
    if rep is None:
        return ""
    period = PERIODS[rep.freq]
    every = (
        f"every {period}"
        if rep.interval == 1
        else (
            "every other week"
            if rep.interval == 2 and period == "week"
            else f"every {rep.interval} {period}s"
        )
    )
    days = [
        f"{ORDINAL_WORDS.get(d.n, _nth(d.n or 0))} {DAY_NAMES[d.weekday]}"
        if d.n
        else DAY_NAMES[d.weekday]
        for d in rep.byweekday
    ]
    if days and period in ("month", "year"):
        text = f"The {_and(days)} of {every}"
    elif days:
        text = f"{every.capitalize()} on {_and(days)}"
    elif rep.bymonthday:
        text = f"On the {_and([_nth(d) for d in rep.bymonthday])} of {every}"
    else:
        text = every.capitalize()
    first = event.occurrences[0] if event.occurrences else None
    if event.spec.all_day:
        text += ", all day"
    elif first is not None:
        text += f", {clock(event.spec.start.time())} to {clock(event.spec.end.time())}"
    if rep.until:
        text += f", until {day_words(rep.until)}"
    elif rep.count:
        text += f", {rep.count} times"
    if rep.except_bank_holidays:
        text += ", except on bank holidays"
    return text + "."
