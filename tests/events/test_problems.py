"""problems.py: the one message format, and values shortened in it."""

from __future__ import annotations

from handbill_config.problems import Problem
from handbill_events.problems import did_you_mean, shown


def test_problem_reads_file_line_field_what_and_fix() -> None:
    problem = Problem("events/a.yaml", 3, "end", "'25:61' is not a time", "write 19:30")
    assert str(problem) == "events/a.yaml:3: end: '25:61' is not a time — write 19:30"


def test_long_values_are_shortened_short_ones_kept() -> None:
    assert shown("19:30") == "'19:30'"
    long = shown("9" * 5000)
    assert len(long) == 60 and long.startswith("'999") and long.endswith("…'")


def test_did_you_mean_prefers_the_same_first_letter() -> None:
    assert did_you_mean("munday", ["monday", "sunday"]) == "did you mean 'monday'?"
    assert did_you_mean("xyz", ["monday"], "use a weekday") == "use a weekday"
