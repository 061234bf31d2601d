"""The YAML loader: times stay times, `on:` stays a word, line numbers are kept."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
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


# Regressions from issue 11: explicit tags reached the catch-all, YAML hints misled.
from .problems import problems_in  # noqa: E402


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("title: !!bool maybe\nstart: 2026-01-05\n", 1, "the !!bool tag does not fit 'maybe'"),
        (
            "title: x\nstart: !!timestamp 2026-01-05 18:00\n",
            2,
            "the !!timestamp tag does not fit '2026-01-05 18:00'",
        ),
        ("title: !!int x\nstart: 2026-01-05\n", 1, "the !!int tag does not fit 'x'"),
        ("title: !!float 1e\nstart: 2026-01-05\n", 1, "the !!float tag does not fit '1e'"),
    ],
)
def test_regression_explicit_tags_that_do_not_fit_are_yaml_messages(
    tmp_path: Path, text: str, line: int, message: str
) -> None:
    assert problems_in(tmp_path, text) == [
        f"events/e.yaml:{line}: YAML: not valid YAML ({message}) — remove the `!!` tag and"
        " write the value plainly"
    ]


def test_regression_unquoted_colon_gets_the_quote_hint(tmp_path: Path) -> None:
    # It got the hint about `&` anchors and `*` aliases.
    text = "title: Meeting: planning\nstart: 2026-01-05 18:00\n"
    assert problems_in(tmp_path, text) == [
        "events/e.yaml:1: YAML: not valid YAML (mapping values are not allowed here) — put the"
        ' value in quotes: `title: "Meeting: planning"`'
    ]


def test_regression_missing_colon_is_reported_on_its_own_line(tmp_path: Path) -> None:
    # It was reported one line late.
    text = "title: x\nstart 2026-01-05 18:00\nend: 19:00\n"
    assert problems_in(tmp_path, text) == [
        "events/e.yaml:2: YAML: not valid YAML (while scanning a simple key could not find"
        " expected ':') — put a colon after the field name: `start: …`"
    ]


@pytest.mark.parametrize("end", ["\n", ""])
def test_regression_unclosed_quote_is_reported_where_it_opens(tmp_path: Path, end: str) -> None:
    # It was reported on a line past the end of the file.
    text = 'title: x\nsummary: "Bring food\nstart: 2026-01-05 18:00' + end
    assert problems_in(tmp_path, text) == [
        "events/e.yaml:2: YAML: not valid YAML (while scanning a quoted scalar found unexpected"
        " end of stream) — close the quote: each value that opens with a quote ends with the"
        " same one"
    ]


def test_numbers_of_up_to_30_digits_are_still_numbers() -> None:
    assert load("a: " + "9" * 30 + "\nb: 1.5e3\n") == {"a": int("9" * 30), "b": 1500.0}
    assert load("a: " + "9" * 31 + "\n") == {"a": "9" * 31}
