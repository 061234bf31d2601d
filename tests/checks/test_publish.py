"""`make publish` refuses to publish a site with a broken link, and says where it is."""

import subprocess
import sys
from pathlib import Path

import pytest

from sitebuild import CONTENT, ROOT

BROKEN_POST = """Title: A post with a mistake
Date: 2026-11-01 12:00
Category: News
Tags: hospital
Authors: Test Author

See [the old post]({filename}/posts/no-such-post.md) and this picture:

![A picture]({static}/images/no-such-picture.jpg)
"""


def publish(content: Path, output: Path) -> subprocess.CompletedProcess[str]:
    """Run the publish build the way `make publish` does: the pelican command, in a new process."""
    pelican = Path(sys.executable).parent / "pelican"
    command = [str(pelican), str(content), "-o", str(output), "-s", str(ROOT / "publishconf.py")]
    return subprocess.run(
        command,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        env={"COLUMNS": "400", "PATH": "/usr/bin:/bin"},
    )


@pytest.fixture(scope="module")
def broken_publish(tmp_path_factory: pytest.TempPathFactory) -> subprocess.CompletedProcess[str]:
    import shutil

    content = tmp_path_factory.mktemp("broken") / "content"
    shutil.copytree(CONTENT, content)
    (content / "posts" / "broken-link.md").write_text(BROKEN_POST, encoding="utf-8")
    return publish(content, content.parent / "output")


def test_broken_link_fails_the_publish(broken_publish: subprocess.CompletedProcess[str]) -> None:
    assert broken_publish.returncode != 0


def test_message_names_the_file_and_the_link(
    broken_publish: subprocess.CompletedProcess[str],
) -> None:
    log = broken_publish.stdout + broken_publish.stderr
    assert (
        "posts/broken-link.md:7: link: '{filename}/posts/no-such-post.md' leads to no file in "
        "the site — check the file name"
    ) in log
    assert "posts/broken-link.md:9: link: '{static}/images/no-such-picture.jpg'" in log
    assert "Traceback" not in log


def test_clean_content_publishes(tmp_path: Path) -> None:

    result = publish(CONTENT, tmp_path / "output")
    assert result.returncode == 0, result.stdout + result.stderr


def test_theme_publishes_without_the_events_and_signup_plugins(tmp_path: Path) -> None:
    # A group may turn plugins off: the theme must then link to nothing they would have made.
    settings = tmp_path / "noplugins.py"
    settings.write_text(
        f"import sys\nsys.path.insert(0, {str(ROOT)!r})\n"
        "from publishconf import *  # noqa: F403\n"
        'PLUGINS = ["handbill_checks"]\n',
        encoding="utf-8",
    )
    pelican = Path(sys.executable).parent / "pelican"
    command = [str(pelican), str(CONTENT), "-o", str(tmp_path / "out"), "-s", str(settings)]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert not (tmp_path / "out" / "events").exists()
