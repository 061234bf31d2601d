"""libyaml's loader is used only when it is safe, and gives exactly what the slow one gives."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from handbill_events import load
from handbill_events.load import EventLoader, LineList, LineMap, fits_fast_loader, read_yaml

from .test_hostile import CASES as HOSTILE

ROOT = Path(__file__).resolve().parents[2]
BROKEN = Path(__file__).parent / "broken"
GOOD = sorted((ROOT / "content" / "events").glob("*.yaml")) + sorted(
    (Path(__file__).parent / "data").rglob("*.yaml")
)

pytestmark = pytest.mark.skipif(not load.HAS_LIBYAML, reason="PyYAML was built without libyaml")


def shape(value: Any) -> Any:
    """Values with their types and line numbers, to compare two loads exactly."""
    if isinstance(value, LineMap):
        items = tuple((k, value.line_of(k), shape(v)) for k, v in value.items())
        return ("map", value.line, items)
    if isinstance(value, LineList):
        return ("list", value.line, tuple(value.item_lines), tuple(shape(v) for v in value))
    return (type(value).__name__, repr(value))


@pytest.mark.parametrize("path", GOOD, ids=[p.name for p in GOOD])
def test_the_fast_loader_reads_good_files_exactly_like_the_slow_one(path: Path) -> None:
    text = path.read_bytes().decode("utf-8-sig")
    assert fits_fast_loader(text)
    fast = load._parse_fast(text)
    assert fast is not None
    slow = load._parse(EventLoader, text)
    assert shape(fast[0]) == shape(slow[0])
    assert fast[1] == slow[1]


def test_times_stay_text_and_lines_are_kept_with_the_fast_loader() -> None:
    data, _ = load._parse(load.FastEventLoader, "title: T\nend: 19:30\non: first monday\n")
    assert data == {"title": "T", "end": "19:30", "on": "first monday"}
    assert data.line_of("on") == 3


@pytest.mark.parametrize(
    "text",
    [
        "title: " + "[" * 5000 + "]" * 5000,
        "title: " + "{a: " * 300 + "}" * 300,
        "a:\n" + "".join(" " * (2 * n) + f"k{n}:\n" for n in range(150)),
        "a: " + "- " * 150 + "x\n",
        "title: x\nstart: \x00\n",  # PyYAML's reader refuses it: its message is wanted
    ],
    ids=["flow-5000", "flow-map-300", "indent-150", "dashes-150", "nul"],
)
def test_deep_or_unprintable_text_takes_the_slow_loader(text: str) -> None:
    assert not fits_fast_loader(text)


def test_ordinary_text_takes_the_fast_loader() -> None:
    assert fits_fast_loader("title: Meeting\nstart: 2026-01-05 18:00\ntags: [a, b]\n")


def test_deep_nesting_never_reaches_libyaml(tmp_path: Path, monkeypatch) -> None:
    def refuse(text: str) -> None:
        raise AssertionError("libyaml was given a deeply nested file")

    monkeypatch.setattr(load, "_parse_fast", refuse)
    path = tmp_path / "nested.yaml"
    path.write_bytes(b"title: " + b"[" * 5000 + b"]" * 5000)
    data, problems = read_yaml(path, "events/nested.yaml")
    assert data is None
    assert str(problems[0]).startswith("events/nested.yaml:1: file: is nested too deeply")


BROKEN_FILES = sorted(BROKEN.glob("*.yaml"))


@pytest.mark.parametrize("path", BROKEN_FILES, ids=[p.name for p in BROKEN_FILES])
def test_broken_files_give_the_same_problems_with_or_without_libyaml(
    path: Path, monkeypatch
) -> None:
    fast = [str(p) for p in read_yaml(path, f"events/{path.name}")[1]]
    monkeypatch.setattr(load, "fits_fast_loader", lambda text: False)
    slow = [str(p) for p in read_yaml(path, f"events/{path.name}")[1]]
    assert fast == slow


@pytest.mark.parametrize("case", HOSTILE, ids=[c[0] for c in HOSTILE])
def test_hostile_files_give_the_same_problems_with_or_without_libyaml(
    case: tuple, tmp_path: Path, monkeypatch
) -> None:
    name, raw, _, _ = case
    path = tmp_path / name
    path.write_bytes(raw)
    fast = [str(p) for p in read_yaml(path, f"events/{name}")[1]]
    monkeypatch.setattr(load, "fits_fast_loader", lambda text: False)
    slow = [str(p) for p in read_yaml(path, f"events/{name}")[1]]
    assert fast == slow
