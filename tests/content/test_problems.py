"""Near-miss suggestions: what a misspelt name was most likely meant to be."""

from __future__ import annotations

from handbill_config.problems import Problem
from handbill_content.problems import closest


def test_case_spacing_hyphens_and_plurals_match_first() -> None:
    assert closest("news", ["Campaigns", "News"]) == "News"
    assert closest("GP Surgery", ["GP surgeries", "Hospital"]) == "GP surgeries"
    assert closest("a and e", ["a-and-e", "council"]) == "a-and-e"


def test_typos_match_and_unrelated_names_do_not() -> None:
    assert closest("hopsital", ["hospital", "council"]) == "hospital"
    assert closest("Film night", ["Campaigns", "News", "Meetings"]) is None


def test_the_likeliest_spelling_listed_first_wins() -> None:
    assert closest("Campains", ["Campaigns", "campaigns"]) == "Campaigns"


def test_a_problem_reads_as_file_line_field_what_fix() -> None:
    problem = Problem("posts/a.md", 3, "Date", "'x' is not a date", "write 2026-11-28 18:00")
    assert str(problem) == "posts/a.md:3: Date: 'x' is not a date — write 2026-11-28 18:00"
