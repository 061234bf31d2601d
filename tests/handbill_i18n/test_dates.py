"""Dates and times per language with Babel's own CLDR data (no system locales needed)."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from handbill_i18n import lang_tag, locale_for
from handbill_i18n.dates import date_words
from handbill_i18n.jinja import language_name

DAY = date(2026, 1, 5)


def test_english_dates_as_before() -> None:
    words = date_words("en-GB")
    assert words.day(DAY) == "5 January 2026"
    assert words.day(DAY, weekday=True) == "Monday 5 January 2026"
    assert words.day(DAY, weekday=True, year=False) == "Monday 5 January"
    assert words.month(DAY) == "January 2026"


def test_welsh_dates_from_babel() -> None:
    words = date_words("cy")
    assert words.day(DAY) == "5 Ionawr 2026"
    assert words.day(DAY, weekday=True) == "Dydd Llun 5 Ionawr 2026"
    assert words.month(date(2026, 12, 1)) == "Rhagfyr 2026"
    assert words.week_days[0] == ("Dydd Llun", "Llun")
    assert words.month_name(date(2026, 2, 1)) == "Chwefror"


def test_one_time_format_everywhere() -> None:
    # The month grid said 19:15 while lists said 7.15pm: now both use the locale's short time.
    for lang in ("en-GB", "cy"):
        assert date_words(lang).clock(time(19, 15)) == "19:15"
        zoned = datetime(2026, 1, 5, 9, 5, tzinfo=ZoneInfo("Europe/London"))
        assert date_words(lang).clock(zoned) == "09:05"


def test_formatters_are_made_once_per_language() -> None:
    assert date_words("cy") is date_words("cy")
    words = date_words("cy")
    words.day(DAY)
    assert ("day", DAY) in words._made  # the text is kept for the next page


def test_language_codes() -> None:
    assert str(locale_for("cy-GB")) == "cy_GB"
    assert str(locale_for("en-XX")) == "en"  # an unknown region falls back to the language
    assert lang_tag("en-gb") == "en-GB"
    assert lang_tag("cy") == "cy"
    assert language_name("cy") == "Cymraeg"
    assert language_name("en-gb") == "English"
