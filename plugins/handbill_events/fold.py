"""Serialise icalendar components quickly, byte for byte as icalendar's own to_ical().

Why hand-written: icalendar 7.x folds every content line character by character in
Python (`icalendar.parser.string._foldline`) and offers no faster path (`to_ical(sorted=…)`
only changes the order). Folding was a fifth of the time of a large calendar. We still
let icalendar build the components, encode every value and order the properties; only
the folding, and the repeated serialising of a value that several VEVENTs share (an
override repeats most of its series' lines), are done here.

Tests compare the result with icalendar's to_ical() (tests/events/test_fold.py).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from icalendar import Component, vCalAddress

# icalendar folds before a character that would bring a line to `LIMIT` octets, so lines
# carry at most 74 octets (continuation lines 74 after their leading space): within
# RFC 5545's 75 either way.
LIMIT = 75
WIDTH = LIMIT - 1
FOLD = b"\r\n "
CRLF = b"\r\n"
ESCAPES = (0x5C, 0x5E)  # "\" and "^": never end a line on one, as icalendar does
CONTINUATION = 0xC0  # UTF-8 bytes 0b10xxxxxx continue a character


def fold(line: str) -> bytes:
    """One content line as UTF-8, folded exactly like icalendar's `_foldline`.

    Works on the encoded bytes: a fold never falls inside a multi-byte character, and
    (like icalendar) never right after a backslash or caret, so an escape such as `\\,`
    stays on one line.
    """
    if len(line) < LIMIT and line.isascii():
        return line.encode()  # the common case: short and ASCII, nothing to fold
    data = line.encode()
    if len(data) < LIMIT:
        return data
    parts = []
    start = 0
    size = len(data)
    while size - start > WIDTH:
        end = start + WIDTH
        while data[end] & CONTINUATION == 0x80:  # back up to the first byte of a character
            end -= 1
        # The escape is one byte, so a chunk longer than one byte has another character.
        if data[end - 1] in ESCAPES and end - start > 1:
            end -= 1
        parts.append(data[start:end])
        start = end
    parts.append(data[start:])
    return FOLD.join(parts)


class Lines:
    """Serialises components given as (name, value) pairs, as icalendar would serialise
    a component made with `add(name, value)` for each pair, in that order.

    icalendar still encodes every value (one scratch component per distinct value) and
    decides the order (its canonical order, then alphabetical; repeated names in the
    order added). What we save is building a Component for every VEVENT and encoding
    again the many values VEVENTs share: an override repeats most of its series' lines,
    and many events share a status, category or DTSTAMP. Lines are kept by value, for
    the life of this object (one build).
    """

    def __init__(self) -> None:
        self._lines: dict[tuple[Any, ...], bytes] = {}
        self._orders: dict[tuple[type, tuple[str, ...]], dict[str, int]] = {}
        self._moments: dict[tuple[Any, ...], tuple[str, str] | None] = {}

    def component(self, kind: type[Component], props: list[tuple[str, Any]]) -> bytes:
        names = tuple(dict.fromkeys(name.upper() for name, _ in props))
        rank = self._orders.get((kind, names))
        if rank is None:
            rank = self._orders[(kind, names)] = {n: i for i, n in enumerate(_order(kind, names))}
        # sorted() is stable: values of a repeated name (EXDATE) keep the order added.
        ordered = sorted(props, key=lambda prop: rank[prop[0].upper()])
        tag = kind.name.encode()
        return b"".join(
            [
                b"BEGIN:%s\r\n" % tag,
                *(self.line(kind, n, v) for n, v in ordered),
                b"END:%s\r\n" % tag,
            ]
        )

    def line(self, kind: type[Component], name: str, value: Any) -> bytes:
        key = _key(kind, name, value)
        found = self._lines.get(key) if key is not None else None
        if found is None:
            found = fold(self._moment(kind, name, value) or self._encode(kind, name, value))
            found += CRLF
            if key is not None:
                self._lines[key] = found
        return found

    def _encode(self, kind: type[Component], name: str, value: Any) -> str:
        """The unfolded content line, as icalendar writes it."""
        scratch = kind()
        scratch.add(name, value)
        upper = name.upper()
        return scratch.content_line(upper, scratch[upper])

    def _moment(self, kind: type[Component], name: str, value: Any) -> str | None:
        """A date or date-time line from the shape icalendar gave the first value of the
        same property, type and zone ("DTSTART;TZID=Europe/London:" + digits), checked
        against icalendar's own line for that first value; None where there is no such
        shape. Most distinct values are the dates of occurrences, and encoding each with
        icalendar was most of the remaining cost."""
        if not isinstance(value, date) or name.lower() in CONVERTED:
            return None
        shape = (kind, name, type(value), str(getattr(value, "tzinfo", None)))
        if shape not in self._moments:
            line = self._encode(kind, name, value)
            digits = _digits(value)
            prefix, _, suffix = line.rpartition(digits)
            fits = suffix in ("", "Z") and prefix.endswith(":") and prefix + digits + suffix == line
            self._moments[shape] = (prefix, suffix) if fits else None
            return line
        known = self._moments[shape]
        return None if known is None else known[0] + _digits(value) + known[1]


def _order(kind: type[Component], names: tuple[str, ...]) -> list[str]:
    """The order icalendar writes these properties in, asked through its public API: a
    scratch component with an empty value for each, listed the way to_ical() lists them."""
    scratch = kind()
    for name in names:
        scratch[name] = ""
    return [
        name
        for name, _ in scratch.property_items(recursive=False, sorted=True)
        if name not in ("BEGIN", "END")
    ]


# add() converts these to UTC first, so their digits are not the value's own.
CONVERTED = ("dtstamp", "created", "last-modified")


def _digits(moment: date) -> str:
    """icalendar's digits for a date or date-time (vDate, vDatetime.to_ical)."""
    text = f"{moment.year:04}{moment.month:02}{moment.day:02}"
    if isinstance(moment, datetime):
        text += f"T{moment.hour:02}{moment.minute:02}{moment.second:02}"
    return text


def _key(kind: type, name: str, value: Any) -> tuple[Any, ...] | None:
    """What the encoding of `value` depends on; None if we do not know."""
    if isinstance(value, datetime):
        # Not the datetime itself: equal instants in different zones compare equal.
        return (kind, name, datetime, value.isoformat(), str(value.tzinfo))
    if isinstance(value, date):
        return (kind, name, date, value.isoformat())
    if isinstance(value, (str, int, float)):
        return (kind, name, type(value), value)
    if isinstance(value, vCalAddress):
        # ORGANIZER: the same on every VEVENT of a build, encoded once.
        return (kind, name, vCalAddress, str(value), tuple(sorted(value.params.items())))
    if isinstance(value, (list, tuple)) and all(isinstance(v, (str, int, float)) for v in value):
        return (kind, name, type(value), tuple((type(v), v) for v in value))
    return None


def to_ical(component: Component) -> bytes:
    """`component.to_ical()`, the same bytes, without icalendar's per-character folding."""
    out = []
    for name, value in component.property_items():
        if name in ("BEGIN", "END"):
            out.append(b"%s:%s\r\n" % (name.encode(), value))  # value is b"VEVENT" etc.
        else:
            out.append(fold(component.content_line(name, value)) + CRLF)
    return b"".join(out)
