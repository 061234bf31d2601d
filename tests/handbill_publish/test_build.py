"""What the build logged, as the publish reads it: errors stop it, warnings are notices, and
a build that could not say why it stopped still gets a reason."""

import json
from pathlib import Path

from handbill_publish.build import explain_exit, read_log


def write_log(path: Path, *records: tuple[str, str, str]) -> Path:
    lines = [json.dumps({"level": lv, "logger": lg, "message": m}) for lv, lg, m in records]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_errors_are_problems_warnings_are_notices_and_the_summary_is_neither(
    tmp_path: Path,
) -> None:
    log = write_log(
        tmp_path / "log.jsonl",
        ("WARNING", "pelican.generators", "held back: posts/future.md"),
        ("ERROR", "handbill_checks.checks", "posts/a.md: broken link 'x'"),
        ("CRITICAL", "pelican", "RecursionError: maximum recursion depth exceeded"),
        ("CRITICAL", "handbill_checks.checks", "The site was not published: fix the 2 ..."),
    )
    result = read_log(log)
    assert result.problems == [
        "posts/a.md: broken link 'x'",
        "RecursionError: maximum recursion depth exceeded",
    ]
    assert result.notices == ["held back: posts/future.md"]


def test_a_line_cut_off_by_a_kill_is_skipped(tmp_path: Path) -> None:
    log = write_log(tmp_path / "log.jsonl", ("ERROR", "x", "posts/a.md: wrong"))
    with open(log, "a", encoding="utf-8") as handle:
        handle.write('{"level": "ERROR", "logger": "x", "mess')
    assert read_log(log).problems == ["posts/a.md: wrong"]


def test_a_build_that_stops_without_a_word_gets_a_reason(tmp_path: Path) -> None:
    killed = read_log(write_log(tmp_path / "a.jsonl"))
    explain_exit(killed, -9, 1800)
    assert killed.problems == ["the build was killed (SIGKILL) before it finished"]
    hung = read_log(write_log(tmp_path / "b.jsonl"))
    explain_exit(hung, None, 1800)
    assert hung.problems[0].startswith("the build was stopped after 1800 seconds")
    silent = read_log(write_log(tmp_path / "c.jsonl"))
    explain_exit(silent, 3, 1800)
    assert silent.problems[0].startswith("the build stopped with exit status 3")
    said = read_log(write_log(tmp_path / "d.jsonl", ("ERROR", "x", "posts/a.md: wrong")))
    explain_exit(said, 1, 1800)
    assert said.problems == ["posts/a.md: wrong"]
