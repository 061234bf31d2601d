"""Words, links and JSON-LD for templates: dates in words, add-to-calendar, subscribe."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, datetime
from urllib.parse import quote, urlencode

from handbill_i18n import locale_for, translations

from .access import amenity_features
from .model import Event, Occurrence, clock, day_words
from .settings import EventSettings
from .spec import Access


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
        # All-day: the day AFTER the last day, as DTEND;VALUE=DATE and Google's `dates=`.
        # The compose link's parameters are only listed informally (a 2016 MSDN blog post
        # on deep links); `enddt` is the end of the Exchange event Outlook creates, and
        # Microsoft documents those: all-day events "start at midnight on a specific day,
        # and end 24 hours (or a multiple of 24 hours) later", the end being "midnight on
        # the first day after the event" ("Create all-day events by using EWS in Exchange",
        # https://learn.microsoft.com/en-us/exchange/client-developer/exchange-web-services/how-to-create-all-day-events-by-using-ews-in-exchange).
        # A date alone is that midnight. The last day itself (as before) ended a day early.
        "enddt": iso(occ.end),
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
    return {
        "https": https,
        "webcal": webcal,
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
        access = occ_access(occ)
        if access and access.known:
            place["amenityFeature"] = amenity_features(access)
        places.append(place)
    if occ.online:
        places.append({"@type": "VirtualLocation", "url": occ.online})
    return places


def occ_access(occ: Occurrence) -> Access | None:
    """The event's access details, for a date held at the event's own place: a date moved
    to another venue (`changes:` with `location:`) has none we know of."""
    spec = occ.event.spec
    return spec.access if occ.location is spec.location else None


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


def N_(message: str) -> str:
    return message


# dateutil's YEARLY..DAILY: "every month", then "every 3 months".
EVERY = {0: N_("every year"), 1: N_("every month"), 2: N_("every week"), 3: N_("every day")}
EVERY_N = {
    0: N_("every %(n)s years"),
    1: N_("every %(n)s months"),
    2: N_("every %(n)s weeks"),
    3: N_("every %(n)s days"),
}
# "The first Monday": the ordinal and the day together, as languages order them differently
# (Welsh: "Dydd Llun cyntaf", but "ail Ddydd Llun").
ORDINAL_DAYS = {
    1: N_("first %(day)s"),
    2: N_("second %(day)s"),
    3: N_("third %(day)s"),
    4: N_("fourth %(day)s"),
    5: N_("fifth %(day)s"),
    -1: N_("last %(day)s"),
}


def ordinal_patterns(pgettext: Callable[[str, str], str]) -> dict[str, str]:
    """A number as an ordinal ("21st"), by CLDR's ordinal category for the language
    (English has four, Welsh six): translators give each category its ending."""
    return {
        "zero": pgettext("ordinal number, CLDR category zero", "%(n)sth"),
        "one": pgettext("ordinal number, CLDR category one", "%(n)sst"),
        "two": pgettext("ordinal number, CLDR category two", "%(n)snd"),
        "few": pgettext("ordinal number, CLDR category few", "%(n)srd"),
        "many": pgettext("ordinal number, CLDR category many", "%(n)sth"),
        "other": pgettext("ordinal number, CLDR category other", "%(n)sth"),
    }


class RuleWords:
    """The pieces of a series rule in one language."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self.gettext = translations(lang).gettext
        self.locale = locale_for(lang)
        self.days = self.locale.days["format"]["wide"]
        self.ordinals = ordinal_patterns(translations(lang).pgettext)

    def and_(self, words: list[str]) -> str:
        if len(words) == 1:
            return words[0]
        return self.gettext("%(list)s and %(last)s") % {
            "list": ", ".join(words[:-1]),
            "last": words[-1],
        }

    def nth(self, number: int) -> str:
        return self.ordinals[self.locale.ordinal_form(number)] % {"n": number}

    def weekday(self, n: int | None, weekday: int) -> str:
        day = self.days[weekday]
        if not n:
            return day
        if n in ORDINAL_DAYS:
            return self.gettext(ORDINAL_DAYS[n]) % {"day": day}
        return self.gettext("%(ordinal)s %(day)s") % {"ordinal": self.nth(n), "day": day}


def rule_text(event: Event) -> str:
    """The series rule in words: 'The first Monday of every month, 18:00 to 19:30, …'."""
    rep = event.spec.repeat
    if rep is None:
        return ""
    words = RuleWords(event.lang)
    _ = words.gettext
    if rep.interval == 1:
        every = _(EVERY[rep.freq])
    elif rep.interval == 2 and rep.freq == 2:
        every = _("every other week")
    else:
        every = _(EVERY_N[rep.freq]) % {"n": rep.interval}
    days = [words.weekday(d.n, d.weekday) for d in rep.byweekday]
    if days and rep.freq in (0, 1):  # yearly, monthly
        text = _("The %(days)s of %(every)s") % {"days": words.and_(days), "every": every}
    elif days:
        text = _("%(every)s on %(days)s") % {"every": every, "days": words.and_(days)}
    elif rep.bymonthday:
        numbers = words.and_([words.nth(d) for d in rep.bymonthday])
        text = _("On the %(days)s of %(every)s") % {"days": numbers, "every": every}
    else:
        text = every
    text = text[:1].upper() + text[1:]
    first = event.occurrences[0] if event.occurrences else None
    if event.spec.all_day:
        text = _("%(rule)s, all day") % {"rule": text}
    elif first is not None:
        text = _("%(rule)s, %(start)s to %(end)s") % {
            "rule": text,
            "start": clock(event.spec.start.time(), event.lang),
            "end": clock(event.spec.end.time(), event.lang),
        }
    if rep.until:
        text = _("%(rule)s, until %(date)s") % {
            "rule": text,
            "date": day_words(rep.until, event.lang),
        }
    elif rep.count:
        text = _("%(rule)s, %(count)s times") % {"rule": text, "count": rep.count}
    if rep.except_bank_holidays:
        text = _("%(rule)s, except on bank holidays") % {"rule": text}
    return text + "."
