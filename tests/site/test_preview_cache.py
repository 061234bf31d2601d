"""Previewing reuses the content cache (pelicanconf.py): an edit shows up in the next build,
and a cached rebuild writes the same bytes as a build from scratch of the same files."""

import os
from pathlib import Path

from sitebuild import build_site, snapshot

POST = "posts/2024-03-launch-meeting.md"
EVENT = "events/members-meeting.yaml"


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    # A later modification time, even on a file system that keeps whole seconds.
    stamp = path.stat().st_mtime + 2
    os.utime(path, (stamp, stamp))


def test_cached_rebuild_shows_edits_and_matches_a_fresh_build(
    content_copy: Path, tmp_path: Path
) -> None:
    cache = tmp_path / "cache"
    cached = {"PATH": str(content_copy), "CACHE_PATH": str(cache)}
    output = tmp_path / "preview" / "output"
    build_site(output, **cached)
    assert (cache / "ArticlesGenerator-Readers").is_file()

    edit(content_copy / POST, "Title: Anytown Save Our NHS is launched", "Title: Cached edit one")
    edit(content_copy / EVENT, "title: Members' meeting", "title: Cached edit two")
    rebuilt = snapshot(build_site(output, **cached))

    pages = b"".join(rebuilt.values())
    assert b"Cached edit one" in pages
    assert b"Cached edit two" in rebuilt["calendar.ics"]
    assert b"Anytown Save Our NHS is launched" not in pages

    fresh = build_site(
        tmp_path / "fresh" / "output",
        PATH=str(content_copy),
        CACHE_CONTENT=False,
        LOAD_CONTENT_CACHE=False,
    )
    assert snapshot(fresh) == rebuilt
