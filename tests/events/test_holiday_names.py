"""Bank holidays' names in the page's language: the library's English, the catalogue's Welsh."""

from __future__ import annotations

import holidays

from handbill_events.holiday_names import NAMES, OBSERVED, holiday_name
from handbill_i18n import translations

WELSH = translations("cy").gettext
ENGLISH = translations("en-GB").gettext


def test_every_uk_name_the_library_gives_is_in_the_catalogue() -> None:
    # A new name in a new version of the library would show in English on a Welsh site.
    given: set[str] = set()
    for subdiv in (None, "ENG", "NIR", "SCT", "WLS"):
        table = holidays.country_holidays("GB", subdiv=subdiv, years=range(2020, 2035))
        parts = (part for name in table.values() for part in name.split("; "))
        given |= {part.removesuffix(OBSERVED) for part in parts}
    assert given <= set(NAMES), given - set(NAMES)
    assert all(WELSH(name) != name for name in NAMES)


def test_names_in_welsh() -> None:
    assert holiday_name("May Day", WELSH) == "Calan Mai"
    assert holiday_name("Boxing Day (observed)", WELSH) == "Gŵyl San Steffan (diwrnod yn lle)"
    both = "New Year Holiday; New Year's Day (observed)"
    assert holiday_name(both, WELSH) == "Gŵyl y Flwyddyn Newydd; Dydd Calan (diwrnod yn lle)"


def test_english_stays_as_the_library_writes_it_and_unknown_names_pass_through() -> None:
    assert holiday_name("Boxing Day (observed)", ENGLISH) == "Boxing Day (observed)"
    assert holiday_name("Fête nationale", WELSH) == "Fête nationale"
