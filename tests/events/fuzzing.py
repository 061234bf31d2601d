"""Run one event file through everything a build does with it, for the fuzz tests.

`run_file` is the build's own path for one file (handbill_events.pipeline: load,
validate, model) followed by what the generator renders from the event (its calendar,
JSON-LD, words for the rule, add-to-calendar links), and says what came out.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from handbill_events import ics, present
from handbill_events.description import new_markdown, render
from handbill_events.pipeline import model_event, validate_file
from handbill_events.settings import from_pelican

ROOT = Path(__file__).resolve().parents[2]
DEMO = sorted((ROOT / "content" / "events").glob("*.yaml"))
CATCH_ALL = "please report this"
SETTINGS = from_pelican(
    {
        "TIMEZONE": "Europe/London",
        "SITENAME": "Fuzz",
        "SITEURL": "https://fuzz.example.org",
        "HANDBILL_EVENTS": {"now": "2026-11-22T12:00:00+00:00", "state_file": None},
    }
)
MD = new_markdown(
    {
        "extension_configs": {
            "markdown.extensions.extra": {},
            "handbill_markdown.smarty": {},
            "markdown.extensions.toc": {"permalink": False},
        },
        "output_format": "html",
    }
)


@dataclass
class Outcome:
    messages: list[str]
    seconds: float
    published: bool


def run_file(path: Path, rel: str = "events/fuzz.yaml") -> Outcome:
    """Everything a build does with one file; exceptions propagate (the test fails)."""
    started = time.perf_counter()
    read = validate_file(path, rel, SETTINGS.timezone, SETTINGS.default_category)
    messages = [str(p) for p in read.problems]
    published = False
    if read.spec is not None and not read.problems:
        made = model_event(read.spec, SETTINGS, lambda text: render(text, MD))
        messages += [str(p) for p in made.problems + made.warnings]
        if made.event is not None:
            event = made.event
            ics.CalendarWriter(SETTINGS).calendar([event], name=None, keep_past=True)
            dates = present.page_dates(event, SETTINGS)
            present.json_ld(dates, SETTINGS)
            present.rule_text(event)
            upcoming = event.next_occurrence(SETTINGS.now)
            if upcoming is not None:
                present.add_links(upcoming, SETTINGS)
                present.osm_link(upcoming)
            published = True
    return Outcome(messages, time.perf_counter() - started, published)


# Values volunteers (or their editors) produce, and the inputs that once escaped
# validation or hung the build (issue 11): each may land anywhere in a file.
# The large ones (tens of kilobytes) are tried once per file at most, now and then.
LARGE = [
    " " * 50_000 + "x",
    "9" * 5000,
    "FREQ=WEEKLY;INTERVAL=" + "9" * 5000,
    "- " * 300 + "x",
    "|\n" + "".join("  " + "    " * i + "- a\n" for i in range(300)),
    "|\n  " + "> " * 300 + "x\n",
    "[" * 150 + "]" * 150,
]
HOSTILE = [
    "!!bool maybe",
    "!!timestamp 2026-01-05 18:00",
    "!!int x",
    "!!float 1e",
    "!!binary ~~~",
    "!!set {a}",
    "!!omap [a]",
    "!!python/name:os.system",
    "-" + "9" * 400,
    "[" + "9" * 400 + ", 1]",
    "[" + "9" * 400 + ".5, 1]",
    "1e999",
    "-.inf",
    ".nan",
    "FREQ=DAILY;BYSETPOS=2",
    "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30",
    "FREQ=MONTHLY;BYMONTH=4;BYMONTHDAY=31",
    "FREQ=MONTHLY;BYDAY=-0MO",
    "FREQ=MONTHLY;BYDAY=+0MO",
    "FREQ=MONTHLY;BYDAY=MO;BYSETPOS=31",
    "FREQ=WEEKLY;BYDAY=MO;BYSETPOS=3",
    "FREQ=DAILY;INTERVAL=7;BYDAY=TU",
    "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29;BYDAY=MO",
    "FREQ=MONTHLY;BYDAY=5MO;BYMONTH=2",
    "FREQ=DAILY;COUNT=10000",
    "FREQ=MONTHLY;UNTIL=29991231",
    "Meeting: planning",
    '"unclosed',
    "'unclosed",
    "&a x",
    "*a",
    "<script>alert(1)</script>",
    '<a href="javascript:alert(1)" onclick="x()">x</a>',
    '<iframe src="https://example.org"></iframe>',
    "[[[[[[[[[[",
    "{{{{{{{{",
    "\t",
    "\x00",
    "\ud800",
    "\\ud800",
    "2026-02-30",
    "2026-01-05 24:00",
    "9999-12-31",
    "0001-01-01",
    "2999-12-31 23:59",
    "1899-12-31",
    "1900-01-05 18:00",
    "2026-01-05T18:00:00+01:00",
    "25:61",
    "1930",
    "18:00",
    "999999999999d",
    "0m",
    "1h30m",
    "first monday",
    "fifth sunday",
    "last friday",
    "-1",
    "0",
    "31",
    "[bank holidays, 2026-08-03]",
    "{status: cancelled}",
    "{start: 2026-06-08 18:00}",
    "Europe/London",
    "Mars/Olympus",
    "https://example.org/x",
    "javascript:alert(1)",
    "~",
    "null",
    "true",
    "yes",
    "",
    "é ŵ 🎉",
]
KEYS = [
    "title", "id", "slug", "start", "end", "duration", "timezone", "category", "tags",
    "location", "online", "repeat", "changes", "status", "summary", "description",
    "updated", "announced", "every", "on", "until", "count", "except", "rrule", "interval",
    "name", "address", "geo", "url", "note", "2026-03-02", "2999-12-29", "venue", "tz", "? complex",
    "access", "step_free", "Step-free", "bsl", "hearing_loop", "notes", "wheelchair",
]  # fmt: skip
