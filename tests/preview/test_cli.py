"""`make serve` from the terminal: a clear line when the port is taken, a clean Ctrl+C."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
from pathlib import Path

from preview_process import Preview
from sitebuild import ROOT


def test_a_port_in_use_says_what_to_do(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        command = [sys.executable, "-m", "handbill_preview", "content", "-o", str(tmp_path)]
        run = subprocess.run(
            [*command, "--port", str(port)], cwd=ROOT, capture_output=True, text=True, timeout=120
        )
    assert run.returncode == 1
    assert run.stderr.strip() == (
        f"Port {port} is in use: is the preview already running? "
        f"Stop it, or run: make serve PORT={port + 1}"
    )
    assert "Traceback" not in run.stderr + run.stdout


def test_ctrl_c_stops_the_preview_cleanly(start_preview) -> None:
    preview: Preview = start_preview()
    preview.process.send_signal(signal.SIGINT)
    assert preview.process.wait(timeout=30) == 0
    log = preview.log.read_text()
    assert "Preview stopped." in log and "Traceback" not in log
