"""Logged messages become problems that name a file and line only when the file exists."""

from __future__ import annotations

import logging
from pathlib import Path

from handbill_preview.problems import Problem, from_records


def record(level: int, msg: str, *args: object) -> logging.LogRecord:
    return logging.LogRecord("x", level, __file__, 1, msg, args, None)


def test_file_and_line_from_handbill_messages(tmp_path: Path) -> None:
    content = tmp_path / "content"
    (content / "events").mkdir(parents=True)
    (content / "events" / "stall.yaml").write_text("title: x\n")
    (content / "posts").mkdir()
    (content / "posts" / "a.md").write_text("Title: a\n")
    found = from_records(
        [
            record(logging.ERROR, "%s:%d: start: not a date", "events/stall.yaml", 2),
            record(logging.ERROR, "content/posts/a.md: broken link '/x/' — no such file"),
            record(logging.WARNING, "posts/missing.md:3: no such file here"),
            record(logging.ERROR, "Could not process posts/x.md"),
        ],
        [tmp_path, content],
    )
    assert found == [
        Problem("error", "events/stall.yaml:2: start: not a date", "events/stall.yaml", 2),
        Problem(
            "error",
            "content/posts/a.md: broken link '/x/' — no such file",
            "content/posts/a.md",
            0,
        ),
        Problem("warning", "posts/missing.md:3: no such file here"),
        Problem("error", "Could not process posts/x.md"),
    ]


def test_a_file_outside_the_project_is_not_linked(tmp_path: Path) -> None:
    (tmp_path / "outside.yaml").write_text("x")
    project = tmp_path / "project"
    project.mkdir()
    found = from_records([record(logging.ERROR, "../outside.yaml:1: x")], [project])
    assert found == [Problem("error", "../outside.yaml:1: x")]


def test_a_bad_format_string_still_gives_its_message() -> None:
    found = from_records([record(logging.ERROR, "%d problems", "many")], [])
    assert found == [Problem("error", "%d problems")]
