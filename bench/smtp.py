"""A mail server on loopback for the server benchmark: one that works, or one that hangs.

`up`: aiosmtpd accepting every message and writing one line per message to `--count-file`.
`hang`: accepts TCP connections and never says a word, like a mail server that is stuck,
so every client waits for its own timeout.

    python -m bench.smtp --port 2525 --mode up --count-file delivered.txt
"""

from __future__ import annotations

import argparse
import logging
import signal
import socket
import threading
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)


class Counter:
    """aiosmtpd handler: counts messages, keeps nothing (no addresses on disk)."""

    def __init__(self, count_file: Path) -> None:
        self.count_file = count_file

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self.count_file.open("a", encoding="utf-8") as out:
            out.write(f"{len(envelope.content)}\n")
        return "250 OK"


def serve_up(port: int, count_file: Path, stop: threading.Event) -> None:
    from aiosmtpd.controller import Controller

    controller = Controller(Counter(count_file), hostname="127.0.0.1", port=port)
    controller.start()
    log.info("SMTP up on 127.0.0.1:%d", port)
    stop.wait()
    controller.stop()


def serve_hang(port: int, stop: threading.Event) -> None:
    listener = socket.create_server(("127.0.0.1", port), backlog=512)
    listener.settimeout(0.2)
    held: list[socket.socket] = []  # kept open and silent until we stop
    log.info("SMTP hanging on 127.0.0.1:%d", port)
    while not stop.is_set():
        try:
            conn, _ = listener.accept()
        except TimeoutError:
            continue
        held.append(conn)
    for conn in held:
        conn.close()
    listener.close()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--mode", choices=["up", "hang"], required=True)
    parser.add_argument("--count-file", type=Path, default=Path("delivered.txt"))
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    # aiosmtpd logs every SMTP command at INFO: that costs more CPU than the counting, on
    # the cores the server under test is using.
    logging.getLogger("mail.log").setLevel(logging.WARNING)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    if args.mode == "up":
        serve_up(args.port, args.count_file, stop)
    else:
        serve_hang(args.port, stop)


if __name__ == "__main__":
    main()
