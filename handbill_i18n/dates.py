"""Dates and times in words, per language, with Babel (CLDR's month and day names).

One `DateWords` per language and process (`date_words`), so each pattern is looked up in
the catalogue once per build, not once per page; each date's text is kept after its first
use, because the same dates (the upcoming box, a post's date in every list) recur on
thousands of pages.

The date patterns are themselves in the catalogue (translators choose the word order:
"Monday 5 January 2026" in English, "Dydd Llun 5 Ionawr 2026" in Welsh). Times use the
locale's short format, one format everywhere ("19:15" in English and Welsh alike).
"""

from __future__ import annotations

from datetime import date, datetime, time
from functools import cache
from typing import Any

from babel.dates import format_date, format_time

from . import locale_for, translations


def _(message: str) -> str:
    """Marks a pattern for extraction; it is translated when a `DateWords` is made."""
    return message


# Translators: Unicode (CLDR) date patterns. EEEE = day name, d = day, MMMM = month, y = year.
PATTERNS = {
    "weekday": _("EEEE d MMMM y"),
    "weekday_no_year": _("EEEE d MMMM"),
    "day": _("d MMMM y"),
    "month": _("LLLL y"),
}


class DateWords:
    """Dates and times for one language, for templates (filters) and plugins (methods)."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self.locale = locale_for(lang)
        gettext = translations(lang).gettext
        self.patterns = {key: gettext(pattern) for key, pattern in PATTERNS.items()}
        self.gettext = gettext
        days = self.locale.days["format"]
        self.week_days = [(days["wide"][i], days["abbreviated"][i]) for i in range(7)]
        self._made: dict[tuple[Any, ...], str] = {}

    def _format(self, kind: str, day: date) -> str:
        key = (kind, day)
        text = self._made.get(key)
        if text is None:
            text = self._made[key] = format_date(day, self.patterns[kind], locale=self.locale)
        return text

    def day(self, moment: date, weekday: bool = False, year: bool = True) -> str:
        """'5 January 2026'; weekday: 'Monday 5 January 2026'; no year: 'Monday 5 January'."""
        day = moment.date() if isinstance(moment, datetime) else moment
        if weekday:
            return self._format("weekday" if year else "weekday_no_year", day)
        return self._format("day", day)

    def month(self, moment: date) -> str:
        """'January 2026' (a month page's title)."""
        return self._format("month", moment.replace(day=1))

    def month_name(self, moment: date) -> str:
        return self.locale.months["format"]["wide"][moment.month]

    def clock(self, moment: time | datetime) -> str:
        """The locale's short time: '19:15'."""
        value = moment.time() if isinstance(moment, datetime) else moment
        key = ("clock", value)
        text = self._made.get(key)
        if text is None:
            text = self._made[key] = format_time(value, "short", locale=self.locale)
        return text


@cache
def date_words(lang: str) -> DateWords:
    return DateWords(lang)
