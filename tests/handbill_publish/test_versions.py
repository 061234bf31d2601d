"""output -> .site/<version>: switched with one rename, so a reader never sees a missing or
half-written site; versions pruned to the live one and the one before it."""

import os
import signal
import subprocess
import sys
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from handbill_publish.versions import Busy, SiteFolders, parse_stamp, stamp

T0 = datetime(2026, 11, 24, 4, 15, tzinfo=UTC)


def build(folders: SiteFolders, when: datetime, text: str) -> str:
    """A finished build, put live the way a publish does."""
    staging = folders.staging(when)
    (staging / "index.html").write_text(text)
    return folders.go_live(staging)


@pytest.fixture
def folders(tmp_path: Path) -> SiteFolders:
    return SiteFolders.at(tmp_path)


def test_versions_are_named_by_build_time_and_sort_that_way() -> None:
    names = [stamp(T0 + timedelta(microseconds=n)) for n in (0, 1, 999_999, 10**6)]
    assert names == sorted(names)
    assert parse_stamp(names[0]) == T0


def test_go_live_points_output_at_the_version(folders: SiteFolders) -> None:
    version = build(folders, T0, "one")
    assert os.readlink(folders.output) == f".site/{version}"
    assert (folders.output / "index.html").read_text() == "one"
    assert folders.current() == version
    assert folders.previous() is None


def test_readers_never_see_a_missing_or_mixed_site_while_versions_switch(
    folders: SiteFolders,
) -> None:
    first = build(folders, T0, "one")
    second = build(folders, T0 + timedelta(seconds=1), "two")
    seen: set[str] = set()
    errors: list[Exception] = []
    done = threading.Event()

    def read() -> None:
        while not done.is_set():
            try:
                seen.add((folders.output / "index.html").read_text())
            except OSError as exc:
                errors.append(exc)

    reader = threading.Thread(target=read)
    reader.start()
    try:
        for n in range(500):
            folders.switch_to(first if n % 2 else second)
    finally:
        done.set()
        reader.join()
    assert errors == []
    assert seen == {"one", "two"}


def test_prune_keeps_the_live_version_and_the_one_before(folders: SiteFolders) -> None:
    names = [build(folders, T0 + timedelta(hours=n), str(n)) for n in range(4)]
    leftover = folders.staging(T0 + timedelta(hours=5))  # a killed publish's build
    removed = folders.prune(keep=2)
    assert folders.versions() == names[2:]
    assert sorted(removed) == sorted([*names[:2], leftover.name])
    assert not leftover.exists()


def test_after_a_rollback_prune_keeps_both_sides(folders: SiteFolders) -> None:
    names = [build(folders, T0 + timedelta(hours=n), str(n)) for n in range(3)]
    folders.switch_to(folders.previous())
    assert folders.current() == names[1]
    folders.prune(keep=2)
    # The one rolled back from stays (to roll forward to), and so does the live one's previous.
    assert folders.versions() == names
    assert folders.previous() == names[0]


def test_an_older_plain_output_folder_becomes_a_version(folders: SiteFolders) -> None:
    folders.output.mkdir()
    (folders.output / "index.html").write_text("old")
    version = build(folders, T0 + timedelta(days=400), "new")
    assert folders.current() == version
    [old] = [v for v in folders.versions() if v != version]
    assert (folders.store / old / "index.html").read_text() == "old"
    assert folders.previous() == old


def test_one_publish_at_a_time_and_a_killed_one_does_not_block(folders: SiteFolders) -> None:
    folders.store.mkdir()
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from pathlib import Path;"
            "from handbill_publish.versions import SiteFolders;"
            f"f = SiteFolders.at(Path({str(folders.output.parent)!r}));"
            "lock = f.lock(); lock.__enter__(); print('locked', flush=True); time.sleep(60)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "locked"
        with pytest.raises(Busy), folders.lock():
            pass
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait()
    with folders.lock():
        pass
