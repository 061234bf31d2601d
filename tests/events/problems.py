"""Run a file's text through load and validate, as the build does, for message tests."""

from __future__ import annotations

import time
from pathlib import Path

from handbill_events.pipeline import validate_file


def problems_in(tmp_path: Path, text: str | bytes, name: str = "e.yaml") -> list[str]:
    """The messages for one file, asserting that reading it took under a second of CPU."""
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    started = time.process_time()
    read = validate_file(path, f"events/{name}", "Europe/London", "events")
    assert time.process_time() - started < 1.0
    return [str(p) for p in read.problems]
