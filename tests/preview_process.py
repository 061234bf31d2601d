"""The real preview server (`python -m handbill_preview`, as `make serve` runs it) on a free
loopback port: the `start_preview` fixture, for tests/preview and the browser tests."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from sitebuild import CONTENT, ROOT

# A settings file of the project's own, with the content and cache in the test's folder.
SETTINGS = """\
import sys
sys.path.insert(0, {root!r})
from pelicanconf import *  # noqa: F403

CACHE_PATH = {cache!r}
"""


@dataclass
class Preview:
    url: str
    content: Path
    output: Path
    process: subprocess.Popen
    log: Path

    def state(self) -> dict:
        with urllib.request.urlopen(f"{self.url}/.handbill-preview/state.json", timeout=10) as r:
            return json.load(r)

    def wait_for_build(self, after: str | None = None, timeout: float = 120) -> dict:
        """The state once a build (other than `after`) has finished."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"the preview stopped:\n{self.log.read_text()}")
            try:
                state = self.state()
            except OSError:
                state = None
            if state and not state["building"] and state["build"] != after:
                return state
            time.sleep(0.2)
        pytest.fail(f"no build finished within {timeout} s:\n{self.log.read_text()}")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def start_preview(tmp_path: Path) -> Iterator[Callable[[], Preview]]:
    """Start `python -m handbill_preview` as `make serve` does, on a copy of the demo."""
    started: list[Preview] = []

    def start() -> Preview:
        content = tmp_path / "content"
        shutil.copytree(CONTENT, content)
        settings = tmp_path / "previewconf.py"
        settings.write_text(SETTINGS.format(root=str(ROOT), cache=str(tmp_path / "cache")))
        port = free_port()
        log = tmp_path / "preview.log"
        command = [sys.executable, "-m", "handbill_preview", str(content), "-s", str(settings)]
        command += ["-o", str(tmp_path / "preview"), "--port", str(port)]
        with log.open("wb") as out:
            process = subprocess.Popen(
                command, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, env={**os.environ}
            )
        preview = Preview(f"http://127.0.0.1:{port}", content, tmp_path / "preview", process, log)
        started.append(preview)
        preview.wait_for_build()
        return preview

    yield start
    for preview in started:
        preview.process.terminate()
        try:
            preview.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            preview.process.kill()
            preview.process.wait(timeout=20)
