"""The same content builds to the same bytes."""

from pathlib import Path

from sitebuild import build_site, snapshot


def test_two_publish_builds_are_byte_identical(tmp_path: Path) -> None:
    first = snapshot(build_site(tmp_path / "one" / "output", "publishconf.py"))
    second = snapshot(build_site(tmp_path / "two" / "output", "publishconf.py"))
    assert first.keys() == second.keys()
    differing = [name for name in first if first[name] != second[name]]
    assert not differing, differing
