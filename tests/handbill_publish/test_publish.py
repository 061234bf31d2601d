"""`make publish` (handbill-publish publish): nothing reaches output/ unless the whole build
passed, and a failed or killed publish leaves the live site byte-for-byte as it was."""

import os
import re
import shutil
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from publish_support import (
    BAD_DATE_POST,
    BIN,
    BROKEN_LINK_POST,
    add_posts,
    contents,
    exact,
    last_line,
    run,
    set_publish_settings,
)

LIVE = (
    r"the live site is unchanged: output/ still shows the site built "
    r"\d{4}-\d\d-\d\d \d\d:\d\d UTC"
)

# Several real builds each, run as the command an operator runs (the end-to-end tier).
pytestmark = pytest.mark.e2e


# More pages, so there is time to kill the build while it writes them.
EXTRA_POSTS = {
    f"extra-{n}": f"Title: Extra {n}\nDate: 2026-01-{n % 28 + 1:02d}\nCategory: News\n\nPost {n}.\n"
    for n in range(150)
}


@pytest.fixture
def published(project: Path) -> Path:
    """A project with one good publish live."""
    done = run(project, "publish")
    assert done.returncode == 0, done.stdout + done.stderr
    return project


def test_a_publish_points_output_at_a_complete_version(published: Path) -> None:
    output = published / "output"
    assert output.is_symlink()
    assert os.readlink(output).startswith(".site/")
    assert (output / "index.html").is_file()
    assert (output / "feeds" / "all.atom.xml").is_file()
    # Searchable as published: the index is written inside the build, its staging gone.
    assert (output / "pagefind" / "pagefind.js").is_file()
    assert not list(output.glob(".handbill-search-*"))
    assert not list((published / ".site").glob("*.partial"))
    assert not list((published / ".site").glob(".handbill-search-*"))


def test_publishing_the_same_content_twice_gives_the_same_bytes(published: Path) -> None:
    # Reproducible builds through the publish: the upload's rsync --checksum then sends nothing.
    first = os.readlink(published / "output")
    done = run(published, "publish")
    assert done.returncode == 0, done.stdout + done.stderr
    second = os.readlink(published / "output")
    assert second != first
    assert contents(published / first) == contents(published / second)


def test_regression_failed_publish_rewrote_every_file_of_output(published: Path) -> None:
    # Before: a failed `make publish` rewrote all 161-164 files of output/.
    before, link = exact(published / "output"), os.readlink(published / "output")
    add_posts(published, **{"broken-link": BROKEN_LINK_POST, "bad-date": BAD_DATE_POST})
    done = run(published, "publish")
    assert done.returncode == 1
    assert re.fullmatch(rf"Not published: 3 problems \(listed above\); {LIVE}\.", last_line(done))
    assert os.readlink(published / "output") == link
    assert exact(published / "output") == before
    assert not list((published / ".site").glob("*.partial"))
    assert "Traceback" not in done.stdout + done.stderr


def runner_of(publisher: subprocess.Popen) -> int:
    """The build process the publish started (handbill_publish.runner, running Pelican)."""
    children = Path(f"/proc/{publisher.pid}/task/{publisher.pid}/children")
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        pids = children.read_text().split()
        if pids:
            return int(pids[0])
        time.sleep(0.005)
    raise AssertionError("the publish started no build")


def wait_for_writing(project: Path) -> int:
    """Wait until Pelican has written some of the site into the staging folder."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        for staging in (project / ".site").glob("*.partial"):
            written = sum(len(files) for _, _, files in os.walk(staging))
            if written >= 10:
                return written
        time.sleep(0.002)
    raise AssertionError("Pelican wrote nothing")


def start_publish(project: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [str(BIN / "handbill-publish"), "publish"],
        cwd=project,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )


def test_killing_the_build_while_pelican_writes_leaves_the_live_site(published: Path) -> None:
    add_posts(published, **EXTRA_POSTS)
    before, link = exact(published / "output"), os.readlink(published / "output")
    publisher = start_publish(published)
    build = runner_of(publisher)
    written = wait_for_writing(published)
    os.kill(build, signal.SIGKILL)
    out, _ = publisher.communicate(timeout=120)
    assert publisher.returncode == 1, out
    assert written < 161 + 150  # it really was killed halfway
    message = out.strip().splitlines()[-1]
    assert re.fullmatch(
        rf"Not published: the build was killed \(SIGKILL\) before it finished; {LIVE}\.", message
    )
    assert os.readlink(published / "output") == link
    assert exact(published / "output") == before
    assert not list((published / ".site").glob("*.partial"))


def test_killing_the_whole_publish_leaves_the_live_site_and_the_next_one_says_so(
    published: Path,
) -> None:
    add_posts(published, **EXTRA_POSTS)
    before, link = exact(published / "output"), os.readlink(published / "output")
    publisher = start_publish(published)
    wait_for_writing(published)
    os.killpg(publisher.pid, signal.SIGKILL)  # the publish and its build, as a power cut would
    publisher.wait(timeout=60)
    assert os.readlink(published / "output") == link
    assert exact(published / "output") == before
    status = run(published, "status")
    assert "unfinished build (a publish was stopped)" in status.stdout
    done = run(published, "publish")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "An earlier publish was stopped before it finished" in done.stdout
    assert "never went live and has been removed" in done.stdout
    assert (published / "output" / "news" / "2026" / "extra-149" / "index.html").is_file()


def test_sigterm_stops_the_build_and_says_the_site_is_unchanged(published: Path) -> None:
    before = exact(published / "output")
    publisher = start_publish(published)
    wait_for_writing(published)
    publisher.send_signal(signal.SIGTERM)  # what `systemctl stop` sends
    out, _ = publisher.communicate(timeout=60)
    assert publisher.returncode == 130
    assert re.search(rf"Publish interrupted: nothing was published; {LIVE}\.", out)
    assert exact(published / "output") == before
    assert not list((published / ".site").glob("*.partial"))


def preview(project: Path) -> subprocess.CompletedProcess[str]:
    """A preview build with pelicanconf.py, as `make html` (or a bare `pelican content`) runs it:
    pelicanconf.py sends it to preview/, never through the output link into the live site."""
    return subprocess.run(
        [str(BIN / "pelican"), "content", "-s", "pelicanconf.py"],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_publish_while_previewing_leaves_the_preview_untouched(project: Path) -> None:
    # Before: both wrote output/, so a publish replaced the preview with the public build and
    # its cache made the next preview rebuild link 34 pages to the real domain.
    assert preview(project).returncode == 0
    before = {name: exact(project / name) for name in ("preview", "cache")}
    done = run(project, "publish")
    assert done.returncode == 0, done.stdout + done.stderr
    assert {name: exact(project / name) for name in ("preview", "cache")} == before
    live = exact(project / "output")
    assert preview(project).returncode == 0
    assert exact(project / "output") == live
    pages = list((project / "preview").rglob("*.html"))
    assert pages
    assert not [p for p in pages if "https://anytown-sos-nhs.example.org" in p.read_text()]


def test_first_publish_keeps_an_old_plain_output_folder_for_rollback(project: Path) -> None:
    old = project / "output"
    (old / "news").mkdir(parents=True)
    (old / "index.html").write_text("<p>the site an older Handbill published</p>")
    (old / "news" / "index.html").write_text("<p>old news</p>")
    before = contents(old)
    done = run(project, "publish")
    assert done.returncode == 0, done.stdout + done.stderr
    assert (project / "output").is_symlink()
    assert "the previous site" in last_line(done)
    rolled = run(project, "rollback")
    assert rolled.returncode == 0, rolled.stdout + rolled.stderr
    assert contents(project / "output") == before


def test_a_mistake_in_handbill_publish_settings_is_named(project: Path) -> None:
    set_publish_settings(project, '{"stale_day": 3}')
    done = run(project, "publish")
    assert done.returncode == 2
    expected = 'HANDBILL_PUBLISH.stale_day: unknown setting — did you mean "stale_days"?'
    assert f"publishconf.py: {expected}" in done.stderr
    assert not (project / "output").exists()


def make_dry_run(target: str) -> str:
    from sitebuild import ROOT

    # --no-print-directory: under `make test` (MAKELEVEL set) make would add "Leaving directory"
    dry = subprocess.run(
        ["make", "-n", "--no-print-directory", target], cwd=ROOT, capture_output=True, text=True
    )
    return dry.stdout.strip().splitlines()[-1]


def test_make_publish_runs_handbill_publish_and_previews_build_into_preview() -> None:
    assert make_dry_run("publish") == ".venv/bin/handbill-publish publish"
    assert " -o preview " in make_dry_run("html")
    assert " -o preview " in make_dry_run("serve")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fetch(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=10) as answer:
        return answer.read()


def wait_for_page(url: str, seconds: float = 180) -> bytes:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            return fetch(url)
        except OSError:
            time.sleep(0.5)
    raise AssertionError(f"{url} never answered")


def settle(folder: Path, quiet: float = 2.0) -> None:
    """Wait until nothing in the folder has changed for `quiet` seconds."""
    deadline, last, since = time.monotonic() + 180, None, time.monotonic()
    while time.monotonic() < deadline:
        now = {name: (ino, mtime) for name, (_, ino, mtime) in exact(folder).items()}
        if now != last:
            last, since = now, time.monotonic()
        elif time.monotonic() - since >= quiet:
            return
        time.sleep(0.25)
    raise AssertionError(f"{folder} never stopped changing")


def test_regression_publish_while_make_serve_runs_replaced_the_preview(project: Path) -> None:
    # Before: `make publish` during `make serve` swapped the public build into the preview
    # (links to the real domain) and filled the preview's log with false broken links.
    from sitebuild import ROOT

    shutil.copy(ROOT / "Makefile", project / "Makefile")
    (project / ".venv").symlink_to(ROOT / ".venv")
    port = free_port()
    log = project / "serve.log"
    with open(log, "wb") as out:
        serve = subprocess.Popen(
            ["make", "-o", ".venv/.ready", "serve", f"PORT={port}"],
            cwd=project,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        page = f"http://127.0.0.1:{port}/about/"
        wait_for_page(page)
        settle(project / "preview")  # the first preview build has finished
        before = fetch(page)
        preview_files = exact(project / "preview")
        logged = log.read_bytes()
        done = run(project, "publish")
        assert done.returncode == 0, done.stdout + done.stderr
        time.sleep(3)  # time for a preview rebuild, had the publish set one off
        assert fetch(page) == before
        assert b"https://anytown-sos-nhs.example.org" not in before
        assert exact(project / "preview") == preview_files
        assert b"ERROR" not in log.read_bytes()[len(logged) :]
    finally:
        os.killpg(serve.pid, signal.SIGTERM)
        serve.wait(timeout=30)
