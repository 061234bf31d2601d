"""A mail server on loopback for the server benchmark: one that works, or one that hangs.

`up`: a minimal SMTP server accepting every message and writing one line per message to
`--count-file`.
`hang`: accepts TCP connections and never says a word, like a mail server that is stuck,
so every client waits for its own timeout.

    python -m bench.smtp --port 2525 --mode up --count-file delivered.txt
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import selectors
import signal
import socket
import threading
from pathlib import Path

log = logging.getLogger(__name__)


GREETING = b"220 bench ESMTP\r\n"
EHLO = b"250-bench\r\n250-8BITMIME\r\n250-SMTPUTF8\r\n250 HELP\r\n"
END_OF_DATA = b"\r\n.\r\n"


class Session:
    """One client connection: SMTP commands a line at a time, then the message until the
    lone dot. Just what smtplib's sendmail needs; counts messages, keeps nothing."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.buffer = b""
        self.in_data = False

    def feed(self, data: bytes, count) -> bool:
        """Handle what arrived; False when the session is over."""
        self.buffer += data
        while True:
            if self.in_data:
                # The message ends with CRLF . CRLF; the CRLF before the dot is its own.
                end = (b"\r\n" + self.buffer).find(END_OF_DATA)
                if end < 0:
                    return True
                count(max(end, 0))
                self.buffer = self.buffer[end + 3 :]
                self.in_data = False
                self.sock.sendall(b"250 OK\r\n")
                continue
            line, sep, rest = self.buffer.partition(b"\r\n")
            if not sep:
                return True
            self.buffer = rest
            verb = line[:4].upper()
            if verb == b"EHLO":
                self.sock.sendall(EHLO)
            elif verb == b"DATA":
                self.in_data = True
                self.sock.sendall(b"354 End data with <CR><LF>.<CR><LF>\r\n")
            elif verb == b"QUIT":
                self.sock.sendall(b"221 Bye\r\n")
                return False
            elif verb in (b"HELO", b"MAIL", b"RCPT", b"RSET", b"NOOP"):
                self.sock.sendall(b"250 OK\r\n")
            else:
                self.sock.sendall(b"502 Command not implemented\r\n")


def serve_up(port: int, count_file: Path, stop: threading.Event) -> None:
    """A mail server that takes every message: one selectors loop, not aiosmtpd. It shares
    the cores with the server under test, and aiosmtpd cost 2.1 ms of CPU per message
    there, a real mail server (elsewhere, or in C) a small part of that."""
    listener = socket.create_server(("127.0.0.1", port), backlog=512)
    listener.setblocking(False)
    selector = selectors.DefaultSelector()
    selector.register(listener, selectors.EVENT_READ, None)
    log.info("SMTP up on 127.0.0.1:%d", port)
    with count_file.open("a", encoding="utf-8", buffering=1) as out:

        def count(size: int) -> None:
            out.write(f"{size}\n")  # one line per message, flushed: the bench reads it live

        while not stop.is_set():
            for key, _ in selector.select(0.2):
                if key.data is None:
                    with contextlib.suppress(BlockingIOError):
                        conn, _ = listener.accept()
                        conn.setblocking(True)  # replies are small: sendall at once
                        conn.sendall(GREETING)
                        conn.setblocking(False)
                        selector.register(conn, selectors.EVENT_READ, Session(conn))
                    continue
                session: Session = key.data
                try:
                    data = session.sock.recv(65536)
                    alive = bool(data) and session.feed(data, count)
                except BlockingIOError:
                    continue
                except OSError:
                    alive = False
                if not alive:
                    selector.unregister(session.sock)
                    session.sock.close()
    for key in list(selector.get_map().values()):
        key.fileobj.close()  # type: ignore[union-attr]
    selector.close()


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
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    if args.mode == "up":
        serve_up(args.port, args.count_file, stop)
    else:
        serve_hang(args.port, stop)


if __name__ == "__main__":
    main()
