"""The confirmed counts the sign-up server keeps (`[actions] counts_file`), read once a build.

The server rewrites the file atomically on every confirmation, withdrawal and erasure, as
`{slug: <count.json body>}`; the build bakes the numbers into the pages so the counter works
without JavaScript. A missing file means nobody has signed yet. A damaged one is reported
as a warning and read as zeros: a counter a little behind must not stop a publish.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Count:
    """One action's count.json body, checked."""

    count: int = 0
    last_signed: datetime | None = None  # to the hour, UTC
    closed: bool = False
    results: dict[str, int] | None = field(default=None)


def find(path: Path | None, content: Path) -> Path | None:
    """The counts file, relative to where the build runs, else to the project folder
    (the folder holding content/), as signup.toml is found."""
    if path is None or path.is_absolute():
        return path
    if path.exists():
        return path
    beside = content.resolve().parent / path
    return beside if beside.exists() else path


def read_counts(path: Path | None) -> dict[str, Count]:
    if path is None or not path.exists():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict):
            raise ValueError("not a JSON object")
        return {str(slug): _count(body) for slug, body in data.items()}
    except (OSError, ValueError, TypeError) as err:
        log.warning("%s: cannot read the action counts (%s); showing zeros", path, err)
        return {}


def _count(body: object) -> Count:
    if not isinstance(body, dict):
        raise ValueError("an entry is not a JSON object")
    count = body.get("count", 0)
    if not isinstance(count, int) or isinstance(count, bool) or count < 0:
        raise ValueError(f"count {count!r} is not a number of signatures")
    results = body.get("results")
    if results is not None:
        if not isinstance(results, dict) or not all(
            isinstance(v, int) and not isinstance(v, bool) for v in results.values()
        ):
            raise ValueError("results are not counts")
        results = {str(k): v for k, v in results.items()}
    return Count(count, _hour(body.get("last_signed")), bool(body.get("closed")), results)


def _hour(value: object) -> datetime | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValueError(f"last_signed {value!r} is not a time")
    moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
