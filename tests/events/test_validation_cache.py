"""Validated events are cached between builds like Pelican's content, and only then."""

from __future__ import annotations

import logging
import os
from pathlib import Path

import pytest

from handbill_events import description, pipeline
from handbill_events.validation_cache import CACHE_NAME

from .conftest import DATA, build

BROKEN = Path(__file__).parent / "broken" / "bad-every.yaml"


@pytest.fixture
def reads(monkeypatch) -> list[str]:
    """The files the events generator parses, build after build."""
    seen: list[str] = []
    real = pipeline.read_yaml

    def counting(path: Path, rel: str):
        seen.append(rel)
        return real(path, rel)

    monkeypatch.setattr(pipeline, "read_yaml", counting)
    return seen


def files(out: Path) -> dict[str, bytes]:
    return {str(p.relative_to(out)): p.read_bytes() for p in out.rglob("*") if p.is_file()}


def test_unchanged_files_are_not_read_again(tmp_path: Path, reads: list[str]) -> None:
    cache = tmp_path / "cache"
    first = files(build(tmp_path, DATA / "site", cache=cache))
    count = len(reads)
    assert count > 3 and (cache / CACHE_NAME).is_file()
    second = files(build(tmp_path, fresh=False, cache=cache))
    assert len(reads) == count  # nothing parsed the second time
    assert second == first


def test_an_edited_file_is_read_again(tmp_path: Path, reads: list[str]) -> None:
    cache = tmp_path / "cache"
    build(tmp_path, DATA / "site", cache=cache)
    reads.clear()
    events = tmp_path / "content" / "events"
    edited = sorted(events.rglob("*.yaml"))[0]
    text = edited.read_text(encoding="utf-8")
    edited.write_text(text.replace("title: ", "title: Changed ", 1), encoding="utf-8")
    out = build(tmp_path, fresh=False, cache=cache)
    assert reads == [str(edited.relative_to(tmp_path / "content"))]
    assert "Changed " in (out / "calendar.ics").read_text(encoding="utf-8")


def test_same_size_and_new_time_is_read_again(tmp_path: Path, reads: list[str]) -> None:
    cache = tmp_path / "cache"
    build(tmp_path, DATA / "site", cache=cache)
    reads.clear()
    touched = sorted((tmp_path / "content" / "events").rglob("*.yaml"))[0]
    info = touched.stat()
    os.utime(touched, ns=(info.st_atime_ns, info.st_mtime_ns + 1_000_000_000))
    build(tmp_path, fresh=False, cache=cache)
    assert reads == [str(touched.relative_to(tmp_path / "content"))]


def test_other_settings_do_not_use_the_cache(tmp_path: Path, reads: list[str]) -> None:
    cache = tmp_path / "cache"
    build(tmp_path, DATA / "site", cache=cache)
    count = len(reads)
    build(tmp_path, fresh=False, cache=cache, default_category="gatherings")
    assert len(reads) == 2 * count


def test_problems_are_reported_from_the_cache_too(tmp_path: Path, caplog, reads) -> None:
    caplog.set_level(logging.ERROR)
    cache = tmp_path / "cache"
    build(tmp_path, [DATA / "site", BROKEN], cache=cache)
    first = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert any("bad-every.yaml" in m for m in first)
    caplog.clear()
    count = len(reads)
    build(tmp_path, fresh=False, cache=cache)
    assert len(reads) == count
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == first


@pytest.mark.parametrize(
    "garbage", [b"", b"not a pickle", b"\x80\x04\x95\xff\xff", b"\x80\x04K\x01."]
)
def test_a_corrupt_cache_is_ignored_and_rewritten(
    tmp_path: Path, reads: list[str], garbage: bytes
) -> None:
    cache = tmp_path / "cache"
    first = files(build(tmp_path, DATA / "site", cache=cache))
    count = len(reads)
    (cache / CACHE_NAME).write_bytes(garbage)
    assert files(build(tmp_path, fresh=False, cache=cache)) == first
    assert len(reads) == 2 * count
    build(tmp_path, fresh=False, cache=cache)
    assert len(reads) == 2 * count  # rewritten, and read again


def test_no_cache_without_pelicans_content_cache(tmp_path: Path, reads: list[str]) -> None:
    build(tmp_path, DATA / "site")
    count = len(reads)
    build(tmp_path, fresh=False)
    assert len(reads) == 2 * count
    assert not (tmp_path / "cache" / CACHE_NAME).exists()


def test_descriptions_are_not_rendered_again(tmp_path: Path, monkeypatch) -> None:
    rendered: list[str] = []
    real = description.render_markdown

    def counting(text: str, md):
        rendered.append(text)
        return real(text, md)

    monkeypatch.setattr(description, "render_markdown", counting)
    cache = tmp_path / "cache"
    first = files(build(tmp_path, DATA / "site", cache=cache))
    count = len(rendered)
    assert count > 3
    assert files(build(tmp_path, fresh=False, cache=cache)) == first
    assert len(rendered) == count
