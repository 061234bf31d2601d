"""The change ledger: remembers each event's content hash, SEQUENCE and change time.

Calendar apps only replace an event when SEQUENCE rises, and byte-identical builds rule
out the wall clock in the output. So the first build that sees new content records
the build clock in a small JSON file beside the events; later builds reuse it. Commit
the file with the events (the daily rebuild then needs no git history).
"""

from __future__ import annotations

import json
import logging
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from .model import Event
from .moments import UTC
from .settings import EventSettings

log = logging.getLogger(__name__)


def _utc(moment: datetime | None, tz: ZoneInfo) -> datetime | None:
    if moment is None:
        return None
    aware = moment if moment.tzinfo else moment.replace(tzinfo=tz)
    return aware.astimezone(UTC).replace(microsecond=0)


def read_ledger(path: Path) -> dict[str, dict]:
    """The records by event id; unreadable ones are dropped (that event restarts at 0)."""
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        log.warning("%s: cannot read the events change ledger (%s); starting afresh", path, err)
        return {}
    if not isinstance(data, dict):
        return {}
    return {key: record for key, record in data.items() if _well_formed(record)}


def _well_formed(record: object) -> bool:
    # The file is committed, so a merge conflict or a hand edit can break single records.
    try:
        int(record["sequence"])
        aware = datetime.fromisoformat(record["modified"]).tzinfo is not None
    except (TypeError, KeyError, ValueError):
        return False
    return aware and "hash" in record


def apply_ledger(events: list[Event], settings: EventSettings, content_path: str) -> None:
    """Set `sequence` and `modified` on every event; write the ledger back if it changed."""
    path = Path(content_path, settings.state_file) if settings.state_file else None
    old = read_ledger(path) if path else {}
    new = dict(old)  # events deleted from content keep their record, should they return
    now = _utc(settings.now, settings.tz)
    for event in events:
        updated = _utc(event.spec.updated, event.tz)
        record = old.get(event.spec.id)
        if path is None:
            sequence, modified = 0, updated
        elif record and record.get("hash") == event.content_hash:
            sequence, modified = int(record["sequence"]), datetime.fromisoformat(record["modified"])
        elif record:
            sequence, modified = int(record["sequence"]) + 1, updated or now
        else:
            sequence, modified = 0, updated or now
        if updated and modified and updated > modified:
            modified = updated
        event.sequence, event.modified = sequence, modified
        if path is not None:
            new[event.spec.id] = {
                "hash": event.content_hash,
                "sequence": sequence,
                "modified": modified.isoformat(),
            }
    if path is not None and new != old:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(new, indent=1, sort_keys=True) + "\n", encoding="utf-8")
