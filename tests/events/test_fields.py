"""Single fields (fields.py): regressions from the hostile files of issue 11."""

from __future__ import annotations

from pathlib import Path

from .problems import problems_in

START = "title: x\nstart: 2026-01-05 18:00\n"


def test_regression_duration_of_50000_spaces_and_a_letter_does_not_hang(tmp_path: Path) -> None:
    # The duration pattern backtracked: killed after 100 s, no message.
    quoted = problems_in(tmp_path, START + 'duration: "' + " " * 50_000 + 'x"\n')
    plain = problems_in(tmp_path, START + "duration: 1h" + " " * 50_000 + "x\n")
    for messages in (quoted, plain):
        assert len(messages) == 1
        assert messages[0].startswith("events/e.yaml:3: duration: '")
        assert messages[0].endswith("is not a length of time — write e.g. 1h30m, 2h or 45m")
        assert len(messages[0]) < 200  # the value is shortened, not quoted whole


def test_durations_still_read() -> None:
    from handbill_events.fields import DURATION_RX

    found = {
        t: DURATION_RX.fullmatch(t).groups() for t in ("1h30m", "2d", "1 day 2 hours", "45 min")
    }
    assert found == {
        "1h30m": (None, "1", "30"),
        "2d": ("2", None, None),
        "1 day 2 hours": ("1", "2", None),
        "45 min": (None, None, "45"),
    }


def test_regression_internal_class_names_never_reach_a_message(tmp_path: Path) -> None:
    as_list = problems_in(tmp_path, "title: [a, b]\nstart: 2026-01-05 18:00\n")
    as_block = problems_in(tmp_path, "title: {a: b}\nstart: 2026-01-05 18:00\n")
    assert as_list == [
        "events/e.yaml:1: title: should be text, not a list — write it on one line, or use `|`"
        " for several lines"
    ]
    assert as_block == [
        "events/e.yaml:1: title: should be text, not a block of fields — write it on one line,"
        " or use `|` for several lines"
    ]


def test_regression_5000_digit_number_is_a_field_message(tmp_path: Path) -> None:
    # int() refuses 4,300+ digits: the ValueError reached the catch-all.
    messages = problems_in(tmp_path, START + "end: " + "9" * 5000 + "\n")
    assert len(messages) == 1
    assert messages[0].startswith("events/e.yaml:3: end: '9999")
    assert "is not a" in messages[0] and "please report" not in messages[0]
    assert "9" * 5000 not in messages[0]


def test_regression_400_digit_latitude_is_a_field_message(tmp_path: Path) -> None:
    # float() of a 400-digit int overflowed: OverflowError reached the catch-all.
    text = START + "location: {name: Hall, geo: [" + "9" * 400 + ", 1]}\n"
    messages = problems_in(tmp_path, text)
    assert len(messages) == 1
    assert messages[0].startswith("events/e.yaml:3: location.geo: ['9999")
    assert "is not a pair of numbers — write [latitude, longitude]" in messages[0]


def test_regression_long_unknown_field_name_is_shortened(tmp_path: Path) -> None:
    messages = problems_in(tmp_path, START + "x" * 500 + ": 1\n")
    assert messages[0].startswith("events/e.yaml:3: " + "x" * 39 + "…: is not a field")


def test_booleans_are_not_coordinates(tmp_path: Path) -> None:
    messages = problems_in(tmp_path, START + "location: {name: Hall, geo: [true, 1]}\n")
    assert messages == [
        "events/e.yaml:3: location.geo: [True, 1] is not a pair of numbers — write [latitude,"
        " longitude] in degrees, e.g. [53.3809, -1.4702]"
    ]
