"""bench/load.py against tiny loopback servers: what it counts, and that it gives up on time."""

from __future__ import annotations

import importlib.util
import socket
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

# `bench` here is tests/bench (pythonpath = tests): load the generator from its file.
_SPEC = importlib.util.spec_from_file_location(
    "handbill_bench_load", Path(__file__).resolve().parents[2] / "bench" / "load.py"
)
assert _SPEC is not None and _SPEC.loader is not None
load = importlib.util.module_from_spec(_SPEC)
sys.modules[_SPEC.name] = load  # dataclasses look their module up by name
_SPEC.loader.exec_module(load)
Target, drive, drive_at_rate = load.Target, load.drive, load.drive_at_rate


def serve(answer: bytes | None) -> Iterator[int]:
    """Answer every connection with `answer` and close; None: accept and stay silent."""
    listener = socket.create_server(("127.0.0.1", 0), backlog=128)
    held: list[socket.socket] = []
    stop = threading.Event()

    def loop() -> None:
        listener.settimeout(0.1)
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            if answer is None:
                held.append(conn)
                continue
            with conn:
                conn.recv(65536)
                conn.sendall(answer)

    thread = threading.Thread(target=loop, daemon=True)
    thread.start()
    yield listener.getsockname()[1]
    stop.set()
    thread.join()
    for conn in held:
        conn.close()
    listener.close()


@pytest.fixture
def answering() -> Iterator[int]:
    yield from serve(b"HTTP/1.1 303 See Other\r\nLocation: /x\r\nContent-Length: 0\r\n\r\n")


@pytest.fixture
def silent() -> Iterator[int]:
    yield from serve(None)


def target(port: int):
    return Target("127.0.0.1", port, "/signup/subscribe", "http://127.0.0.1", "v1", "t")


def test_closed_loop_counts_every_answer(answering):
    result = drive(target(answering), 40, 4, max_seconds=30, timeout=5)
    assert result["ok"] == result["completed"] == 40 and result["errors"] == 0
    assert result["statuses"] == {"303": 40} and not result["stopped_at_time_limit"]


def test_open_loop_keeps_its_rate(answering):
    result = drive_at_rate(target(answering), 30, 100.0, 8, max_seconds=30, timeout=5)
    assert result["ok"] == 30 and result["offered_rps"] == 100.0
    assert result["seconds"] >= 29 / 100.0  # the last request was due at 0.29 s


def test_a_silent_server_times_out(silent):
    result = drive(target(silent), 3, 3, max_seconds=30, timeout=0.5)
    assert result["statuses"] == {"TimeoutError": 3} and result["errors"] == 3


def test_nothing_listening_is_an_error_not_a_hang():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # closed again before the requests
    result = drive(target(port), 5, 2, max_seconds=30, timeout=1)
    assert result["errors"] == 5 and result["statuses"] == {"ConnectionRefusedError": 5}
