"""Helpers for the handbill_publish tests: a site checkout in a temp folder, run as an operator
runs it, and a real SMTP server on loopback."""

import os
import shutil
import socket
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from aiosmtpd.controller import Controller

from sitebuild import CONTENT, ROOT

BIN = Path(sys.executable).parent
BROKEN_LINK_POST = """Title: A post with a mistake
Date: 2026-11-01 12:00
Category: News

See [the old post]({filename}/posts/no-such-post.md) and ![a picture]({static}/images/nope.jpg)
"""
BAD_DATE_POST = "Title: Bad date\nDate: 2026-13-45\nCategory: News\n\nText.\n"


def project(tmp_path: Path) -> Path:
    """The repository's settings, theme and plugins, and a copy of the demo content."""
    root = tmp_path / "site"
    root.mkdir()
    shutil.copytree(CONTENT, root / "content")
    for name in ("theme", "plugins"):
        (root / name).symlink_to(ROOT / name)
    for name in ("pelicanconf.py", "publishconf.py", "signup.example.toml"):
        shutil.copy(ROOT / name, root / name)
    return root


def run(project: Path, *args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """`handbill-publish ARGS` in the project, as an operator or cron runs it."""
    return subprocess.run(
        [str(BIN / "handbill-publish"), *args],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, "COLUMNS": "400"},
    )


def last_line(done: subprocess.CompletedProcess[str]) -> str:
    return done.stdout.strip().splitlines()[-1]


def exact(folder: Path) -> dict[str, tuple[bytes, int, int]]:
    """Every file with its bytes, inode and modification time: byte-for-byte and untouched."""
    found = {}
    for directory, _, files in os.walk(folder):
        for name in files:
            path = Path(directory) / name
            stat = path.stat()
            key = str(path.relative_to(folder))
            found[key] = (path.read_bytes(), stat.st_ino, stat.st_mtime_ns)
    return found


def contents(folder: Path) -> dict[str, bytes]:
    """Every file's bytes, by its path in the folder."""
    return {name: data for name, (data, _, _) in exact(folder).items()}


def add_posts(project: Path, **posts: str) -> None:
    for name, text in posts.items():
        (project / "content" / "posts" / f"{name}.md").write_text(text, encoding="utf-8")


def set_publish_settings(project: Path, settings: str) -> None:
    with open(project / "publishconf.py", "a", encoding="utf-8") as handle:
        handle.write(f"\nHANDBILL_PUBLISH = {settings}\n")


@dataclass
class Inbox:
    port: int
    messages: list = field(default_factory=list)

    async def handle_DATA(self, server, session, envelope) -> str:
        self.messages.append(envelope)
        return "250 OK"


def inbox() -> Iterator[Inbox]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    box = Inbox(port)
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    yield box
    controller.stop()


def signup_toml(project: Path, inbox: Inbox) -> Path:
    """The example signup.toml with the SMTP server pointed at the loopback inbox."""
    text = (project / "signup.example.toml").read_text(encoding="utf-8")
    head, _, tail = text.partition("\n[mail.smtp]\n")
    smtp = f'\n[mail.smtp]\nhost = "127.0.0.1"\nport = {inbox.port}\nsecurity = "none"\n'
    path = project / "signup.toml"
    path.write_text(head + smtp + "\n[list]" + tail.partition("\n[list]")[2], encoding="utf-8")
    return path
