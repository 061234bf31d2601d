"""The details at the top of a post, read line by line as Markdown's meta extension does."""

from __future__ import annotations

from handbill_content.frontmatter import read_header


def test_each_detail_keeps_its_line() -> None:
    header = read_header("Title: A\nDate: 2026-01-05 18:00\nSlug: a\n\nText: not a detail\n", "p")
    assert [(f.key, f.line) for f in header.fields] == [("title", 1), ("date", 2), ("slug", 3)]
    assert header.problems == [] and header.body_line == 4


def test_a_summary_may_go_on_over_indented_lines() -> None:
    text = "Title: A\nSummary: One sentence\n    that goes on.\n\nText.\n"
    assert read_header(text, "p").problems == []


def test_windows_line_ends_and_a_yaml_style_fence_are_read() -> None:
    assert read_header("Title: A\r\nDate: 2026-01-05\r\n\r\nText", "p").problems == []
    fenced = read_header("---\nTitle: A\nDate: 2026-01-05\n---\n\nText", "p")
    assert [f.line for f in fenced.fields] == [2, 3] and fenced.problems == []


def test_text_straight_after_the_details_is_fine() -> None:
    # No empty line before the text: Markdown ends the details there, and so does Handbill.
    assert read_header("Title: A\nWe met on Tuesday.\n", "p").problems == []


def test_a_misnamed_detail_is_taken_for_the_one_it_was_meant_as() -> None:
    header = read_header("Title: A\nCategories: News\n\nText", "posts/a.md")
    assert header.meant == {"categories": "category"}
    assert str(header.problems[0]) == (
        "posts/a.md:2: Categories: is not a detail the site knows — did you mean 'Category'?"
    )
