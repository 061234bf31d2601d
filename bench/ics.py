"""Time the ICS generation alone for N recurring series (run by bench/profile.py).

The series are read, validated and modelled first (timed apart, as load_model_seconds);
then the timer covers what the build's generator does for calendars, through the same
function (handbill_events.ics.build_calendars): build the VEVENTs with icalendar and
serialise them into every calendar, in memory: the calendar of all events, one per
category, and one file per series. Writing the files to disk is not included. Each
event's VEVENTs are serialised once and spliced into every calendar it is in, as in the
build. calendar_seconds is the calendar of all events (it makes every VEVENT);
per_event_seconds the rest: the category calendars and the per-series files, which
splice VEVENTs already made. total_seconds is their sum (wall clock); total_cpu_seconds
the same in CPU time, steadier on a busy machine.

    python -m bench.ics --series 1000 --dir /tmp/handbill-bench/ics --json result.json
"""

from __future__ import annotations

import argparse
import json
import logging
import shutil
import time
from pathlib import Path
from typing import Any

from .generate import NOW, write_series_only

log = logging.getLogger(__name__)
TIMEZONE = "Europe/London"


def load_events(folder: Path) -> tuple[list[Any], Any]:
    """The events plugin's own load -> validate -> model steps, through the functions its
    generator calls for each file (handbill_events.pipeline)."""
    from handbill_events.description import new_markdown, render
    from handbill_events.pipeline import model_event, validate_file
    from handbill_events.settings import from_pelican

    cfg = from_pelican(
        {
            "TIMEZONE": TIMEZONE,
            "SITENAME": "Bench",
            "SITEURL": "https://b.example",
            "HANDBILL_EVENTS": {"now": NOW.isoformat()},
        }
    )
    md = new_markdown(None)
    events = []
    for path in sorted(folder.glob("*.yaml")):
        read = validate_file(path, path.name, TIMEZONE, "events")
        made = model_event(read.spec, cfg, lambda text: render(text, md)) if read.spec else None
        problems = read.problems + (made.problems if made else [])
        if problems or made is None or made.event is None:
            raise ValueError(f"{path.name}: {[str(p) for p in problems]}")
        events.append(made.event)
    return events, cfg


def time_ics(events: list[Any], cfg: Any) -> dict[str, Any]:
    from handbill_events import ics

    # The build's calendars through the build's own function. The calendar of all events
    # comes first and makes every VEVENT; it is timed on its own, and build_calendars then
    # splices it again (a few milliseconds counted twice) with the rest.
    writer = ics.CalendarWriter(cfg)
    wall, cpu = time.perf_counter(), time.process_time()
    combined = writer.calendar(events, name=cfg.calendar_name)
    one_calendar, one_cpu = time.perf_counter() - wall, time.process_time() - cpu
    wall, cpu = time.perf_counter(), time.process_time()
    made = ics.build_calendars(events, cfg, writer)
    rest, rest_cpu = time.perf_counter() - wall, time.process_time() - cpu
    singles = [made[e.ics_save_as] for e in events]
    return {
        "available": True,
        "series": len(events),
        "calendar_seconds": one_calendar,
        "per_event_seconds": rest,
        "total_seconds": one_calendar + rest,
        "total_cpu_seconds": one_cpu + rest_cpu,
        "files": len(made),
        "calendar_bytes": len(combined),
        "vevents": combined.count(b"BEGIN:VEVENT"),
        "per_event_bytes": sum(len(s) for s in singles),
    }


def measure(folder: Path, series: int) -> dict[str, Any]:
    try:
        import handbill_events  # noqa: F401
    except ImportError:
        return {"available": False, "reason": "the events plugin is not on this branch yet"}
    shutil.rmtree(folder / "events", ignore_errors=True)
    write_series_only(folder / "events", series)
    try:
        started = time.perf_counter()
        events, cfg = load_events(folder / "events")
        setup = time.perf_counter() - started
        result = time_ics(events, cfg)
    except Exception as exc:  # an API that moved must not stop the rest of the benchmark
        log.exception("ICS benchmark failed")
        return {"available": False, "reason": f"{type(exc).__name__}: {exc}"}
    return {**result, "load_model_seconds": setup}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--series", type=int, default=1000)
    parser.add_argument("--dir", type=Path, default=Path("/tmp/handbill-bench/ics"))
    parser.add_argument("--json", type=Path, required=True)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    result = measure(args.dir, args.series)
    args.json.write_text(json.dumps(result, indent=2), encoding="utf-8")
    log.info("ICS: %s", result)


if __name__ == "__main__":
    main()
