"""Descriptions (description.py): sanitised with nh3, and never too deep to render."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from handbill_events.description import clean, render
from handbill_events.pipeline import model_event, validate_file

from .fuzzing import MD, SETTINGS
from .problems import problems_in

EVENT = "title: Meeting\nstart: 2026-12-07 18:00\ndescription: |\n"


def indent(text: str) -> str:
    return "".join(f"  {line}\n" for line in text.splitlines())


@pytest.mark.parametrize(
    ("markdown", "gone", "removed"),
    [
        ("Hi <script>alert(1)</script>", "<script", ("<script>",)),
        ('<a href="https://x.example/" onclick="steal()">x</a>', "onclick", ("onclick=",)),
        ("[x](javascript:alert(1))", "javascript:", ("javascript: link",)),
        ('<iframe src="https://x.example/"></iframe>Text', "<iframe", ("<iframe>",)),
        ('<p style="color:red">x</p>', "style=", ("style=",)),
        ('<img src="x.png" onerror="steal()">', "onerror", ("onerror=",)),
    ],
)
def test_active_content_is_removed_and_named(markdown: str, gone: str, removed: tuple) -> None:
    rendered = render(markdown, MD)
    assert gone not in rendered.html
    assert rendered.removed == removed


def test_links_emphasis_and_lists_stay_byte_for_byte() -> None:
    markdown = (
        "We *plan* **stalls** — see [the minutes](https://x.example/m).\n\n- one\n- two\n\n"
        "1. first\n\n> quoted\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\nNote[^1]\n\n[^1]: A note.\n"
    )
    from handbill_events.description import render_markdown

    html = render_markdown(markdown, MD)
    assert render(markdown, MD).html == html  # nothing removed: the Markdown's own HTML
    assert render(markdown, MD).removed == ()
    assert clean("<p>a <br /> b</p>") == ("<p>a <br /> b</p>", ())


def test_build_warns_and_publishes_the_cleaned_page(build_events, caplog, tmp_path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    text = EVENT + indent('Join us. <script>alert("x")</script>\n\n[Map](javascript:go())')
    (src / "meeting.yaml").write_text(text)
    out = build_events(src)
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert warnings == [
        "events/meeting.yaml:3: description: <script>, javascript: link removed from the"
        " published page — descriptions keep text, links, emphasis and lists; scripts, embeds"
        " and event handlers are never published"
    ]
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    page = (out / "events/meeting/index.html").read_text()
    assert "Join us." in page
    assert 'alert("x")' not in page and "javascript:" not in page
    assert "alert" not in (out / "events/meeting/meeting.ics").read_text()


def test_regression_description_nested_300_lists_deep(tmp_path: Path) -> None:
    # Markdown recursed into a RecursionError traceback that named no file.
    nested = "".join("    " * level + "- a\n" for level in range(300))
    messages = problems_in(tmp_path, EVENT + indent(nested))
    assert messages == [
        "events/e.yaml:3: description: nests lists or quotes 599 levels deep — use at most 40"
        " levels (a few are plenty)"
    ]


def test_a_render_that_still_recurses_names_the_file(tmp_path: Path) -> None:
    # Past validation's bound (here: built by hand), the pipeline still reports it.
    path = tmp_path / "e.yaml"
    path.write_text(EVENT + "  fine\n")
    spec = validate_file(path, "events/e.yaml", "Europe/London", "events").spec
    spec.description = "".join("    " * level + "- a\n" for level in range(400))
    made = model_event(spec, SETTINGS, lambda text: render(text, MD))
    assert made.event is None
    assert [str(p) for p in made.problems] == [
        "events/e.yaml:3: description: nests lists or quotes too deeply to publish — use a few"
        " levels at most"
    ]
