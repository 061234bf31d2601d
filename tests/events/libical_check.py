"""libical's own checks of calendar files, run by Debian's system Python (python3-gi and
gir1.2-ical-3.0: the project's venv has no GObject introspection).

Usage: /usr/bin/python3 libical_check.py FILE.ics ...
Prints JSON {file: [complaint, ...]}: libical's parse errors (X-LIC-ERROR properties it adds
while reading) and its restriction checker's (`icalrestriction_check`, what Evolution and
GNOME Calendar run on what they import). The checker stops at the first component that
fails, so each VEVENT is checked in a calendar of its own (the same calendar properties and
time zones), and every failing event is named.
"""

from __future__ import annotations

import json
import sys

import gi

gi.require_version("ICalGLib", "3.0")
from gi.repository import ICalGLib as ical  # noqa: E402

VEVENT = ical.ComponentKind.VEVENT_COMPONENT
ANY = ical.ComponentKind.ANY_COMPONENT
ERROR = ical.PropertyKind.XLICERROR_PROPERTY


def complaints(component: ical.Component, where: str) -> list[str]:
    """The X-LIC-ERROR properties of `component` and of everything inside it."""
    found = []
    prop = component.get_first_property(ERROR)
    while prop is not None:
        found.append(f"{where}: {prop.get_xlicerror()}")
        prop = component.get_next_property(ERROR)
    inner = component.get_first_component(ANY)
    while inner is not None:
        found += complaints(inner, f"{where}/{ical.Component.kind_to_string(inner.isa())}")
        inner = component.get_next_component(ANY)
    return found


def vevents(calendar: ical.Component) -> list[ical.Component]:
    found = []
    inner = calendar.get_first_component(VEVENT)
    while inner is not None:
        found.append(inner)
        inner = calendar.get_next_component(VEVENT)
    return found


def alone(calendar: ical.Component, index: int) -> ical.Component:
    """A copy of `calendar` with only its `index`-th VEVENT (and every VTIMEZONE)."""
    copy = calendar.clone()
    for number, vevent in enumerate(vevents(copy)):
        if number != index:
            copy.remove_component(vevent)
    return copy


def label(vevent: ical.Component) -> str:
    rid = vevent.get_first_property(ical.PropertyKind.RECURRENCEID_PROPERTY)
    return vevent.get_uid() + (f" RECURRENCE-ID {rid.get_value_as_string()}" if rid else "")


def check(text: str) -> list[str]:
    try:
        calendar = ical.Component.new_from_string(text)
    except TypeError:  # the bindings' "constructor returned NULL": nothing readable
        calendar = None
    if calendar is None or calendar.isa() != ical.ComponentKind.VCALENDAR_COMPONENT:
        return ["libical could not read it as a VCALENDAR"]
    found = complaints(calendar, "VCALENDAR")  # what the parser objected to
    events = vevents(calendar)
    for index, vevent in enumerate(events):
        single = alone(calendar, index)
        ical.restriction_check(single)
        found += [f"{label(vevent)}: {c}" for c in complaints(single, "VCALENDAR")]
    if not events:
        ical.restriction_check(calendar)
        found += complaints(calendar, "VCALENDAR")
    return sorted(set(found))


def main(paths: list[str]) -> None:
    result = {}
    for path in paths:
        with open(path, encoding="utf-8", newline="") as handle:
            result[path] = check(handle.read())
    json.dump(result, sys.stdout, indent=1)


if __name__ == "__main__":
    main(sys.argv[1:])
