"""The commands as the operators' guide gives them: its systemd units verify, its cron line
pulls, builds, publishes and uploads, and `rollback` puts the previous site back, online too."""

import getpass
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from publish_support import BIN, Inbox, add_posts, contents, run, set_publish_settings
from sitebuild import ROOT

GUIDE = (ROOT / "docs" / "operators.md").read_text(encoding="utf-8")
CONFIG = "/etc/handbill-signup/signup.toml"


def units(folder: Path) -> list[Path]:
    """The guide's handbill-rebuild unit files, with its paths made this machine's."""
    unit = r"```ini\n# /etc/systemd/system/(handbill-rebuild\.\w+)\n(.*?)```"
    found = re.findall(unit, GUIDE, re.S)
    assert [name for name, _ in found] == ["handbill-rebuild.service", "handbill-rebuild.timer"]
    paths = []
    for name, text in found:
        text = text.replace("/srv/handbill/.venv/bin/", f"{BIN}/")
        text = text.replace("User=handbill", f"User={getpass.getuser()}")
        (folder / name).write_text(text, encoding="utf-8")
        paths.append(folder / name)
    return paths


def test_the_guides_systemd_units_verify(tmp_path: Path) -> None:
    analyze = shutil.which("systemd-analyze")
    assert analyze, "systemd-analyze is needed to check the guide's units (apt install systemd)"
    done = subprocess.run(
        [analyze, "verify", *map(str, units(tmp_path))], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout + done.stderr == ""  # unknown keys and bad values are only warnings


def git(folder: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=Volunteer", "-c", "user.email=v@example.org", *args],
        cwd=folder,
        check=True,
        capture_output=True,
    )


@pytest.mark.e2e
def test_the_guides_cron_line_pulls_builds_and_uploads(
    project: Path, signup_toml: Path, inbox: Inbox, tmp_path: Path
) -> None:
    # The volunteers' repository, and the server's checkout of it.
    origin = tmp_path / "origin"
    shutil.copytree(project, origin, symlinks=True)
    git(origin, "init", "-q", "-b", "main")
    git(origin, "add", "-A")
    git(origin, "commit", "-q", "-m", "The site")
    shutil.rmtree(project)
    git(tmp_path, "clone", "-q", str(origin), str(project))
    www = tmp_path / "www"
    www.mkdir()
    set_publish_settings(project, f'{{"upload_to": "{www}/"}}')
    # A volunteer adds a post upstream; the nightly run must pull it in and publish it.
    add_posts(origin, note="Title: Tonight's note\nDate: 2026-11-02 10:00\nCategory: News\n\nHi.\n")
    git(origin, "add", "-A")
    git(origin, "commit", "-q", "-m", "A post")
    [line] = [x for x in GUIDE.splitlines() if x.startswith("15 4 * * * ")]
    command = line.removeprefix("15 4 * * * ").replace("/srv/handbill", str(project))
    command = command.replace(".venv/bin/", f"{BIN}/").replace(CONFIG, str(signup_toml))
    done = subprocess.run(["sh", "-c", command], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    assert (www / "news" / "2026" / "tonights-note" / "index.html").is_file()
    assert contents(www) == contents(project / "output")
    assert inbox.messages == []


@pytest.mark.e2e
def test_rollback_puts_the_previous_site_back_live_and_online(
    project: Path, tmp_path: Path
) -> None:
    www = tmp_path / "www"
    www.mkdir()
    set_publish_settings(project, f'{{"upload_to": "{www}/"}}')
    assert run(project, "publish").returncode == 0
    first = contents(project / "output")
    add_posts(project, note="Title: A mistake\nDate: 2026-11-02 10:00\nCategory: News\n\nOops.\n")
    assert run(project, "publish").returncode == 0
    assert contents(project / "output") != first
    done = run(project, "rollback")
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.startswith("Rolled back: output/ now shows the site built ")
    assert contents(project / "output") == first
    assert contents(www) == first
