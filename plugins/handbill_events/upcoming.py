"""Upcoming-date lists that stay right between builds.

A page is built once but read for weeks: a daily rebuild can stop (one typo does it) and
nobody notices. So each list carries, besides the dates it shows, the dates that will take
their place as they end, for FRESH_FOR after the build: `theme/static/js/events.js` hides
what has ended and reveals the next ones. Without the script the page shows what the build
knew, and says as of when.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from .model import Occurrence

# How long after a build every list stays right (by design: at least 8 weeks).
FRESH_FOR = timedelta(weeks=9)
# At most this many dates beyond the shown ones ride along on a page: the upcoming box is
# on every page. A calendar busier than that stays right for fewer weeks.
MAX_LATER = 24


@dataclass(frozen=True)
class UpcomingDates:
    """The dates a list shows at build time, and the hidden ones that follow them."""

    shown: list[Occurrence]
    later: list[Occurrence]  # hidden; the script shows them as shown ones end
    more: bool  # the calendar has dates after the last one carried
    as_of: date  # the build's day, for "as of 24 November 2026"
    count: int  # how many the list shows at once (0: all it carries)

    def __iter__(self) -> Iterator[Occurrence]:
        return iter(self.shown)

    def __len__(self) -> int:
        return len(self.shown)


def upcoming_dates(
    occurrences: Iterable[Occurrence],
    now: datetime,
    count: int,
    fresh_for: timedelta = FRESH_FOR,
    max_later: int = MAX_LATER,
) -> UpcomingDates:
    """The next `count` dates not over at `now`, and what follows them for `fresh_for`.

    `occurrences` must be sorted by start. At any moment T up to now + fresh_for, the dates
    a list should show are the first `count` not over at T; those over by then are among the
    ones ending before now + fresh_for, so carrying that many more than `count` is enough.
    `count=0` shows every date given.
    """
    live = [o for o in occurrences if not o.ended(now)]
    if not count:
        return UpcomingDates(live, [], False, now.date(), 0)
    horizon = now + fresh_for
    ending = sum(1 for o in live if o.end_utc <= horizon)
    carried = live[: count + min(ending, max_later)]
    return UpcomingDates(
        shown=carried[:count],
        later=carried[count:],
        more=len(live) > len(carried),
        as_of=now.date(),
        count=count,
    )
