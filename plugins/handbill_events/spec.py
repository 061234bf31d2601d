"""What a valid event file says: plain dataclasses shared by validation, model and ICS."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from dateutil.rrule import weekday as Weekday


@dataclass
class Location:
    name: str
    address: str = ""
    geo: tuple[float, float] | None = None
    url: str = ""


# The YAML name of each feature and its name in schema.org's JSON-LD (English on every site:
# it is data for search engines, not words for visitors; the page's words are in the theme).
FEATURES = {
    "step_free": "Step-free access",
    "accessible_toilet": "Accessible toilet",
    "hearing_loop": "Hearing loop",
    "bsl": "British Sign Language interpreter",
    "quiet_space": "Quiet space",
}


@dataclass(frozen=True)
class Access:
    """What the file says; a feature left out (None) is not known."""

    step_free: bool | None = None
    accessible_toilet: bool | None = None
    hearing_loop: bool | None = None
    bsl: bool | None = None
    quiet_space: bool | None = None
    notes: str = ""

    def features(self) -> list[tuple[str, bool | None]]:
        """(YAML name, yes/no/None) of every feature, in the page's order."""
        return [(name, getattr(self, name)) for name in FEATURES]

    @property
    def known(self) -> list[tuple[str, bool]]:
        return [(name, value) for name, value in self.features() if value is not None]


@dataclass
class Repeat:
    """A recurrence rule in RFC 5545 terms, so pages and ICS share one definition."""

    freq: int
    interval: int = 1
    byweekday: list[Weekday] = field(default_factory=list)
    bymonthday: list[int] = field(default_factory=list)
    bymonth: list[int] = field(default_factory=list)
    bysetpos: list[int] = field(default_factory=list)
    until: date | None = None
    count: int | None = None
    except_dates: list[date] = field(default_factory=list)
    except_bank_holidays: bool = False


@dataclass
class Change:
    """One occurrence that differs from the series (keyed by its original date)."""

    status: str | None = None
    note: str = ""
    start: date | datetime | None = None
    end: date | datetime | None = None
    title: str | None = None
    summary: str | None = None
    location: Location | None = None
    online: str | None = None


@dataclass
class EventSpec:
    """What one valid file says, with dates as naive local values in `timezone`."""

    id: str
    slug: str
    title: str
    start: date | datetime
    end: date | datetime  # exclusive for all-day events (the YAML `end:` is inclusive)
    all_day: bool
    timezone: str
    category: str
    tags: list[str]
    location: Location | None
    online: str | None
    repeat: Repeat | None
    changes: dict[date, Change]
    status: str
    summary: str
    description: str
    updated: datetime | None
    announced: datetime | None
    source: str
    line: int = 1
    field_lines: dict[str, int] = field(default_factory=dict)  # line of each top-level field
    access: Access | None = None  # `access:` (access.py); None when the file says nothing

    def line_of(self, name: str) -> int:
        return self.field_lines.get(name, self.line)
