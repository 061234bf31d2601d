"""Files no volunteer means to write still give `file:line: field: problem — fix`, fast."""

from __future__ import annotations

import logging
import time
from pathlib import Path

import pytest

from .test_validate import problems_of

LAUGHS = "".join(
    f"{name}: &{name} [{', '.join([f'*{prev}'] * 9)}]\n"
    for prev, name in zip("abcdefgh", "bcdefghi", strict=True)
)

# (file name, contents, line, expected text in the one message)
CASES = [
    ("binary.yaml", bytes(range(256)) * 4, 2, "file: byte 0x80 is not UTF-8 text"),
    ("huge.yaml", b"title: x\ndescription: " + b"x" * 2_000_000, 1, "file: is 2.0 MB, too big"),
    ("nested.yaml", b"title: " + b"[" * 5000 + b"]" * 5000, 1, "file: is nested too deeply"),
    (
        "laughs.yaml",
        f"title: x\nstart: 2026-01-05\na: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
        f"{LAUGHS}tags: *i\n".encode(),
        1,
        "YAML: not valid YAML (it holds more than 10000 values) — write the values out",
    ),
    ("nul.yaml", b"title: x\nstart: \x00\n", 2, "YAML: not valid YAML (unacceptable character"),
    ("surrogate.yaml", b'title: "\\ud800"\n', 1, "YAML: not valid YAML (a \\u escape"),
    ("bom-crlf.yaml", b"\xef\xbb\xbftitle: x\r\nstart: 2026-02-30\r\n", 2, "start: '2026-02-30'"),
    ("feb-30.yaml", b"title: x\nstart: 2026-02-30\n", 2, "start: '2026-02-30' is not a real date"),
    ("seconds.yaml", b"title: x\nstart: 2026-01-05 25:00:00\n", 2, "'25:00:00' is not a time"),
    ("h24.yaml", b"title: x\nstart: 2026-01-05 24:00\n", 2, "'24:00' is not a time of day"),
    ("year.yaml", b"title: x\nstart: 9999-12-31\n", 2, "start: 9999-12-31 is not a year"),
    ("long.yaml", b"title: x\nstart: 2026-01-05\nduration: 999999999999d\n", 3, "duration:"),
    (
        "until.yaml",
        b"title: x\nstart: 2026-01-05\nrepeat: {every: week, until: 2026-02-30}\n",
        3,
        "repeat.until: '2026-02-30' is not a real date",
    ),
    (
        "count.yaml",
        b"title: x\nstart: 2026-01-05\nrepeat: {every: day, count: 99999999999}\n",
        3,
        "repeat.count: COUNT=99999999999 is out of range — use 1 to 10000",
    ),
    (
        "interval-0.yaml",
        b"title: x\nstart: 2026-01-05\nrepeat:\n  rrule: FREQ=WEEKLY;INTERVAL=0\n",
        4,
        "repeat.rrule: INTERVAL=0 is out of range",
    ),
    (
        "byday-9.yaml",
        b"title: x\nstart: 2026-01-05\nrepeat:\n  rrule: FREQ=MONTHLY;BYDAY=9MO\n",
        4,
        "repeat.rrule: BYDAY=9MO is out of range — use 1 to 5 or -1 to -5",
    ),
    (
        "bymonthday.yaml",
        b"title: x\nstart: 2026-01-05\nrepeat:\n  rrule: FREQ=MONTHLY;BYMONTHDAY=40\n",
        4,
        "repeat.rrule: BYMONTHDAY=40 is out of range",
    ),
]


@pytest.mark.parametrize(("name", "raw", "line", "expected"), CASES, ids=[c[0] for c in CASES])
def test_hostile_file_gives_one_problem_quickly(
    tmp_path: Path, name: str, raw: bytes, line: int, expected: str
) -> None:
    path = tmp_path / name
    path.write_bytes(raw)
    started = time.perf_counter()
    messages = problems_of(path)
    assert time.perf_counter() - started < 5
    assert len(messages) == 1, messages
    assert messages[0].startswith(f"events/{name}:{line}: "), messages
    assert expected in messages[0] and " — " in messages[0], messages


def test_bom_and_windows_line_endings_are_fine(tmp_path: Path) -> None:
    path = tmp_path / "windows.yaml"
    path.write_bytes(b"\xef\xbb\xbftitle: Meeting\r\nstart: 2026-01-05 18:00\r\nend: 19:30\r\n")
    assert problems_of(path) == []


def test_the_build_reports_hostile_files_and_goes_on(build_events, caplog, tmp_path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    for name, raw, _, _ in CASES:
        (src / name).write_bytes(raw)
    (src / "good.yaml").write_text("title: Good\nstart: 2026-12-01 18:00\n")
    out = build_events(src)
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(errors) == len(CASES)
    assert not any(r.exc_info for r in caplog.records)
    assert (out / "events/good/index.html").is_file()
