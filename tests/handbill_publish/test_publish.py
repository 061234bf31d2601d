"""`make publish` (handbill-publish publish): nothing reaches output/ unless the whole build
passed, and a failed or killed publish leaves the live site byte-for-byte as it was."""

import os
import re
import signal
import subprocess
import time
from pathlib import Path

import pytest

from publish_support import (
    BAD_DATE_POST,
    BIN,
    BROKEN_LINK_POST,
    add_posts,
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
    assert not list((published / ".site").glob("*.partial"))


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
    """`make html`: the preview build with pelicanconf.py, into preview/."""
    return subprocess.run(
        [str(BIN / "pelican"), "content", "-o", "preview", "-s", "pelicanconf.py"],
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
    before = {k: v[0] for k, v in exact(old).items()}
    done = run(project, "publish")
    assert done.returncode == 0, done.stdout + done.stderr
    assert (project / "output").is_symlink()
    assert "the previous site" in last_line(done)
    rolled = run(project, "rollback")
    assert rolled.returncode == 0, rolled.stdout + rolled.stderr
    assert {k: v[0] for k, v in exact(project / "output").items()} == before


def test_a_mistake_in_handbill_publish_settings_is_named(project: Path) -> None:
    set_publish_settings(project, '{"stale_day": 3}')
    done = run(project, "publish")
    assert done.returncode == 2
    expected = 'HANDBILL_PUBLISH.stale_day: unknown setting — did you mean "stale_days"?'
    assert f"publishconf.py: {expected}" in done.stderr
    assert not (project / "output").exists()


def make_dry_run(target: str) -> str:
    from sitebuild import ROOT

    dry = subprocess.run(["make", "-n", target], cwd=ROOT, capture_output=True, text=True)
    return dry.stdout.strip().splitlines()[-1]


def test_make_publish_runs_handbill_publish_and_previews_build_into_preview() -> None:
    assert make_dry_run("publish") == ".venv/bin/handbill-publish publish"
    assert " -o preview " in make_dry_run("html")
    assert " -o preview " in make_dry_run("serve")
