"""ledger.py: SEQUENCE and change times remembered between builds."""

from __future__ import annotations

import json
from pathlib import Path

from handbill_events.ledger import read_ledger


def test_a_broken_ledger_keeps_its_good_records(tmp_path: Path) -> None:
    path = tmp_path / ".events-state.json"
    good = {"hash": "abc", "sequence": 2, "modified": "2026-01-01T00:00:00+00:00"}
    path.write_text(
        json.dumps(
            {
                "good": good,
                "naive": {**good, "modified": "2026-01-01T00:00:00"},
                "no-hash": {"sequence": 1, "modified": "2026-01-01T00:00:00+00:00"},
                "text": "<<<<<<< HEAD",
            }
        )
    )
    assert read_ledger(path) == {"good": good}


def test_an_unreadable_ledger_starts_afresh(tmp_path: Path) -> None:
    path = tmp_path / ".events-state.json"
    path.write_text("{not json")
    assert read_ledger(path) == {}
    assert read_ledger(tmp_path / "missing.json") == {}
