"""Bank holidays' names in the page's language ("No meeting on …: bank holiday (May Day)").

The holidays library names the UK's holidays in English only (it has no Welsh), so their
names are marked here for Handbill's catalogue. A name the catalogue does not hold (another
country's, or a new one-off) is shown as the library gives it.
"""

from __future__ import annotations

from collections.abc import Callable

from handbill_i18n import N_

OBSERVED = " (observed)"  # the library's mark for a substitute day
# Every name holidays.country_holidays("GB", subdiv=...) gives, 2020 to 2034.
NAMES = (
    N_("New Year's Day"),
    N_("New Year Holiday"),
    N_("Saint Patrick's Day"),
    N_("Good Friday"),
    N_("Easter Monday"),
    N_("May Day"),
    N_("Spring Bank Holiday"),
    N_("Battle of the Boyne"),
    N_("Summer Bank Holiday"),
    N_("Late Summer Bank Holiday"),
    N_("Saint Andrew's Day"),
    N_("Christmas Day"),
    N_("Boxing Day"),
    N_("Coronation of Charles III"),
    N_("Platinum Jubilee of Elizabeth II"),
    N_("State Funeral of Queen Elizabeth II"),
    N_("Scotland's participation in the FIFA World Cup final"),
)
SUBSTITUTE = N_("%(name)s (observed)")


def holiday_name(name: str, gettext: Callable[[str], str]) -> str:
    """The library's name in the catalogue's words; it joins two holidays on one day with
    "; " and marks a substitute day with " (observed)", so each part is looked up alone."""
    parts = []
    for part in name.split("; "):
        if part.endswith(OBSERVED):
            base = gettext(part.removesuffix(OBSERVED))
            parts.append(gettext(SUBSTITUTE) % {"name": base})
        else:
            parts.append(gettext(part))
    return "; ".join(parts)
