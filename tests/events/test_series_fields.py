"""`repeat:` and `changes:` (series_fields.py): rules that can never work fail at once."""

from __future__ import annotations

from pathlib import Path

import pytest

from .problems import problems_in

SERIES = "title: x\nstart: 2026-01-05 18:00\nrepeat:\n  rrule: {}\n"


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        (
            "FREQ=DAILY;BYSETPOS=2",
            "repeat.rrule: BYSETPOS=2 never gives a date — each day has at most 1 date to pick"
            " from: use 1 or -1",
        ),
        (
            "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30",
            "repeat.rrule: BYMONTHDAY=30 in BYMONTH=2 never gives a date — no month has that day:"
            " check the day and month numbers",
        ),
        (
            "FREQ=MONTHLY;BYMONTH=2;BYMONTHDAY=30",
            "repeat.rrule: BYMONTHDAY=30 in BYMONTH=2 never gives a date",
        ),
        (
            "FREQ=WEEKLY;BYDAY=MO;BYSETPOS=3",
            "repeat.rrule: BYSETPOS=3 never gives a date — each week has at most 1 date",
        ),
        (
            "FREQ=MONTHLY;BYDAY=MO;BYSETPOS=31",
            "repeat.rrule: BYSETPOS=31 never gives a date — each month has at most 5 dates to"
            " pick from: use 1 to 5 or -1 to -5",
        ),
    ],
)
def test_regression_rules_that_never_give_a_date_fail_fast(
    tmp_path: Path, rule: str, message: str
) -> None:
    # These took 6-11 s each (dateutil searches to the year 9999) before their message.
    messages = problems_in(tmp_path, SERIES.format(rule))
    assert len(messages) == 1, messages
    assert messages[0].startswith(f"events/e.yaml:4: {message}"), messages


@pytest.mark.parametrize(
    "rule", ["FREQ=DAILY;INTERVAL=7;BYDAY=TU", "FREQ=MONTHLY;BYMONTH=2;BYDAY=5MO,5TU;BYSETPOS=2"]
)
def test_rules_found_empty_only_by_searching_end_within_a_second(tmp_path: Path, rule: str) -> None:
    messages = problems_in(tmp_path, SERIES.format(rule))
    assert len(messages) == 1
    assert "is not one of the dates this rule gives" in messages[0]


@pytest.mark.parametrize("code", ["-0MO", "+0MO", "0MO"])
def test_regression_byday_zero_is_out_of_range(tmp_path: Path, code: str) -> None:
    # MO(0) raised ValueError("Can't create weekday with n==0") into the catch-all.
    messages = problems_in(tmp_path, SERIES.format(f"FREQ=MONTHLY;BYDAY={code}"))
    assert messages == [
        f"events/e.yaml:4: repeat.rrule: BYDAY={code} is out of range — use 1 to 5 or -1 to -5"
        " before the day, or the day alone (MO)"
    ]


def test_a_sparse_but_valid_rule_is_accepted(tmp_path: Path) -> None:
    # 29 February on a Monday: 2044, then 2072. Valid, and its search is bounded.
    rule = "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29;BYDAY=MO"
    text = f"title: x\nstart: 2044-02-29 18:00\nrepeat:\n  rrule: {rule}\n"
    assert problems_in(tmp_path, text) == []


def test_regression_change_in_the_wrong_century_does_not_expand_for_seconds(
    tmp_path: Path,
) -> None:
    # A daily series with a change dated 2999 listed 356,000 dates (9 s) to check it.
    text = (
        "title: x\nstart: 2026-01-05 18:00\nrepeat: {every: day}\nchanges:\n"
        "  2999-12-30: {status: cancelled}\n"
    )
    assert problems_in(tmp_path, text) == [
        "events/e.yaml:5: changes.2999-12-30: 2999-12-30 is more than 20,000 dates of this"
        " series after its start — check the year"
    ]
