"""The YAML loader: times stay times, `on:` stays a word, line numbers are kept."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import yaml

from handbill_events.load import EventLoader, LineList, LineMap, read_yaml


def load(text: str):
    return yaml.load(text, Loader=EventLoader)


def test_clock_times_are_not_base_60_numbers() -> None:
    data = load("end: 19:30\nstart: 2026-01-05 18:00\nlong: 1:02:03\n")
    assert data == {"end": "19:30", "start": "2026-01-05 18:00", "long": "1:02:03"}
    assert yaml.safe_load("end: 19:30") == {"end": 1170}  # what plain PyYAML does


def test_yaml_1_1_booleans_are_words() -> None:
    data = load("on: first monday\nstatus: no\ncountry: NO\nflag: true\n")
    assert data == {"on": "first monday", "status": "no", "country": "NO", "flag": True}


def test_numbers_dates_and_datetimes() -> None:
    data = load("n: 12\nf: 1.5\nd: 2026-06-27\ndt: 2026-01-05 18:00:00\n")
    assert data == {"n": 12, "f": 1.5, "d": date(2026, 6, 27), "dt": datetime(2026, 1, 5, 18)}


def test_the_shared_safe_loader_is_not_changed() -> None:
    load("x: 1")
    assert yaml.safe_load("on: 1") == {True: 1}


def test_line_numbers_for_keys_and_items() -> None:
    data = load(
        "# comment\ntitle: T\nrepeat:\n  every: month\n  on:\n    - 1st tuesday\n"
        "    - 3rd tuesday\n"
    )
    assert isinstance(data, LineMap)
    assert data.line_of("title") == 2
    assert data["repeat"].line_of("on") == 5
    assert isinstance(data["repeat"]["on"], LineList)
    assert data["repeat"]["on"].item_lines == [6, 7]


def test_read_yaml_accepts_a_byte_order_mark(tmp_path: Path) -> None:
    path = tmp_path / "bom.yaml"
    path.write_bytes(b"\xef\xbb\xbftitle: T\nstart: 2026-01-05\n")
    data, problems = read_yaml(path, "events/bom.yaml")
    assert problems == []
    assert data["title"] == "T"


def test_a_scalar_file_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "scalar.yaml"
    path.write_text("just some words\n")
    data, problems = read_yaml(path, "events/scalar.yaml")
    assert data is None
    assert str(problems[0]).startswith("events/scalar.yaml:1: file: holds the value")


def test_a_list_as_a_key_is_reported_not_raised(tmp_path: Path) -> None:
    path = tmp_path / "key.yaml"
    path.write_text("title: T\n[a, b]: c\n")
    data, problems = read_yaml(path, "events/key.yaml")
    assert data is None
    assert str(problems[0]).startswith("events/key.yaml:2: YAML:")
