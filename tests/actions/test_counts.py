"""The counts file the sign-up server keeps, as the build reads it (handbill_actions.counts)."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from pathlib import Path

import pytest
from handbill_actions.counts import Count, find, read_counts


def write(path: Path, data: object) -> Path:
    path.write_text(json.dumps(data) if not isinstance(data, str) else data, encoding="utf-8")
    return path


def test_the_servers_format(tmp_path: Path) -> None:
    path = write(
        tmp_path / "counts.json",
        {
            "save-our-ae": {
                "count": 3,
                "goal": 15000,
                "last_signed": "2026-11-24T15:00Z",
                "closed": False,
                "results": None,
            },
            "poll": {"count": 2, "goal": None, "last_signed": None, "closed": True,
                     "results": {"Yes": 2, "No": 0}},
        },
    )  # fmt: skip
    counts = read_counts(path)
    assert counts["save-our-ae"] == Count(3, datetime(2026, 11, 24, 15, tzinfo=UTC), False, None)
    assert counts["poll"] == Count(2, None, True, {"Yes": 2, "No": 0})


def test_no_file_is_nobody_yet(tmp_path: Path) -> None:
    assert read_counts(tmp_path / "missing.json") == {}
    assert read_counts(None) == {}


@pytest.mark.parametrize(
    "damaged",
    [
        "{not json",
        "[1, 2]",
        '{"a": {"count": "many"}}',
        '{"a": {"count": -1}}',
        '{"a": {"count": 1, "last_signed": "yesterday"}}',
        '{"a": {"count": 1, "results": {"Yes": "lots"}}}',
    ],
)
def test_a_damaged_file_is_a_warning_and_zeros(
    tmp_path: Path, damaged: str, caplog: pytest.LogCaptureFixture
) -> None:
    path = write(tmp_path / "counts.json", damaged)
    with caplog.at_level(logging.WARNING):
        assert read_counts(path) == {}
    (record,) = caplog.records
    assert record.levelno == logging.WARNING  # a counter behind must not stop a publish
    assert record.getMessage().startswith(f"{path}: cannot read the action counts (")


def test_found_beside_the_content_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "state").mkdir()
    write(tmp_path / "state" / "counts.json", {})
    monkeypatch.chdir(tmp_path / "state")
    assert find(Path("state/counts.json"), tmp_path / "content") == (
        tmp_path / "state" / "counts.json"
    )
