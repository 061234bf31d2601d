"""A bounded HTTP load generator for sign-ups, for loopback only.

Sends exactly `--requests` POSTs to /subscribe with `--concurrency` connections open at a
time, stops after `--max-seconds` whatever happens, and writes the latencies as JSON.
Each sign-up uses a new address, as a burst after a newsletter would.

    python -m bench.load --url http://127.0.0.1:8081/signup/subscribe --requests 3000 \
        --concurrency 16 --json out.json
"""

from __future__ import annotations

import argparse
import errno
import json
import logging
import os
import selectors
import socket
import statistics
import time
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

log = logging.getLogger(__name__)
LOOPBACK = ("127.0.0.1", "localhost", "::1")


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)
    statuses: dict[str, int] = field(default_factory=dict)
    ok: int = 0

    def count(self, status: str) -> None:
        self.statuses[status] = self.statuses.get(status, 0) + 1


@dataclass(frozen=True)
class Target:
    host: str
    port: int
    path: str
    origin: str
    consent_version: str
    tag: str


def request_bytes(target: Target, n: int) -> bytes:
    body = urlencode(
        {
            "email": f"bench-{target.tag}-{n}@example.org",
            "consent": "yes",
            "consent_version": target.consent_version,
            "website": "",  # the honeypot, left empty as a person's browser does
        }
    ).encode()
    head = (
        f"POST {target.path} HTTP/1.1\r\nHost: {target.host}:{target.port}\r\n"
        f"Origin: {target.origin}\r\nContent-Type: application/x-www-form-urlencoded\r\n"
        f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    )
    return head.encode() + body


class Flight:
    """One request on its own connection, read until the server closes it."""

    __slots__ = ("head", "n", "payload", "sock", "started")

    def __init__(self, sock: socket.socket, n: int, started: float, payload: bytes) -> None:
        self.sock = sock
        self.n = n
        self.started = started
        self.payload = payload  # what is left to send
        self.head = b""  # enough of the answer to hold the status line


class Driver:
    """Non-blocking sockets on one epoll loop, no asyncio: the generator shares the
    server's cores, so every bit of its CPU per request comes out of the server's, and
    asyncio's transports, futures and timeouts cost more than the server's own parsing."""

    def __init__(self, target: Target, timeout: float) -> None:
        self.target = target
        self.timeout = timeout
        self.tally = Tally()
        self.selector = selectors.DefaultSelector()
        self.flights: dict[int, Flight] = {}
        self.order: deque[Flight] = deque()  # oldest first: the next to time out

    def start(self, n: int, started: float) -> None:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setblocking(False)
        flight = Flight(sock, n, started, request_bytes(self.target, n))
        err = sock.connect_ex((self.target.host, self.target.port))
        if err not in (0, errno.EINPROGRESS):
            sock.close()
            self.tally.count(_error_name(err))
            return
        self.flights[sock.fileno()] = flight
        self.order.append(flight)
        self.selector.register(sock, selectors.EVENT_WRITE, flight)

    def _finish(self, flight: Flight, failure: str | None = None) -> None:
        self.selector.unregister(flight.sock)
        del self.flights[flight.sock.fileno()]
        flight.sock.close()
        if failure is not None:
            self.tally.count(failure)
            return
        parts = flight.head.split(b"\r\n", 1)[0].split()
        status = parts[1].decode() if len(parts) > 1 else "no-status"
        self.tally.count(status)
        # A sign-up is answered with 303 to "check your email"; anything else is an error.
        self.tally.ok += status == "303"
        self.tally.latencies.append(time.perf_counter() - flight.started)

    def _event(self, flight: Flight, mask: int) -> None:
        sock = flight.sock
        try:
            if flight.payload:
                err = sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
                if err:
                    self._finish(flight, _error_name(err))
                    return
                flight.payload = flight.payload[sock.send(flight.payload) :]
                if not flight.payload:
                    self.selector.modify(sock, selectors.EVENT_READ, flight)
                return
            data = sock.recv(4096)
        except BlockingIOError:
            return
        except OSError as exc:
            self._finish(flight, type(exc).__name__)
            return
        if data:
            if len(flight.head) < 64:
                flight.head += data
        else:
            self._finish(flight)  # the whole answer: the server closed

    def in_flight(self) -> int:
        return len(self.flights)

    def step(self, wait: float) -> None:
        """Handle what is ready, waiting at most `wait` seconds; time out old requests."""
        for key, mask in self.selector.select(max(wait, 0.0)):
            self._event(key.data, mask)
        deadline = time.perf_counter() - self.timeout
        while self.order and self.order[0].sock.fileno() < 0:
            self.order.popleft()  # finished already (its socket is closed)
        while self.order and self.order[0].started < deadline:
            flight = self.order.popleft()
            if self.flights.get(flight.sock.fileno()) is flight:
                self._finish(flight, "TimeoutError")

    def cut(self) -> None:
        """The time limit: whatever is still in flight is not counted (an error)."""
        for flight in list(self.flights.values()):
            self.selector.unregister(flight.sock)
            flight.sock.close()
        self.flights.clear()


def _error_name(err: int) -> str:
    return type(OSError(err, os.strerror(err))).__name__


def drive(
    target: Target, requests: int, concurrency: int, max_seconds: float, timeout: float
) -> dict[str, Any]:
    """Closed loop: `concurrency` connections, each starting the next sign-up as soon as
    its answer is in."""
    driver = Driver(target, timeout)
    started = time.perf_counter()
    end = started + max_seconds
    n = 0
    while True:
        while n < requests and driver.in_flight() < concurrency:
            driver.start(n, time.perf_counter())
            n += 1
        now = time.perf_counter()
        if (n >= requests and not driver.in_flight()) or now >= end:
            break
        driver.step(min(0.1, end - now))
    cut = bool(driver.in_flight()) or n < requests
    driver.cut()
    return report(driver.tally, requests, time.perf_counter() - started, cut)


def drive_at_rate(
    target: Target,
    requests: int,
    rate: float,
    max_in_flight: int,
    max_seconds: float,
    timeout: float,
) -> dict[str, Any]:
    """Open loop: request n is due at n / rate seconds, whether earlier ones finished or
    not (at most `max_in_flight` at once), as sign-ups arrive after a newsletter. Latency
    counts from when it was due, so a server that falls behind is charged for the wait
    too (no "coordinated omission")."""
    driver = Driver(target, timeout)
    started = time.perf_counter()
    end = started + max_seconds
    n = 0
    while True:
        now = time.perf_counter()
        while n < requests and driver.in_flight() < max_in_flight:
            due = started + n / rate
            if due > now:
                break
            driver.start(n, due)
            n += 1
        if (n >= requests and not driver.in_flight()) or now >= end:
            break
        wait = end - now
        if n < requests and driver.in_flight() < max_in_flight:
            wait = min(wait, started + n / rate - now)
        driver.step(min(wait, 0.1))
    cut = bool(driver.in_flight()) or n < requests
    driver.cut()
    return {
        **report(driver.tally, requests, time.perf_counter() - started, cut),
        "offered_rps": rate,
    }


def percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def report(tally: Tally, requests: int, elapsed: float, cut: bool) -> dict[str, Any]:
    return {
        "requests": requests,
        "completed": len(tally.latencies),
        "ok": tally.ok,
        # Anything but a 303, a failed connection, or a request never sent before the limit.
        "errors": requests - tally.ok,
        "statuses": tally.statuses,
        "stopped_at_time_limit": cut,
        "seconds": elapsed,
        "rps": len(tally.latencies) / elapsed if elapsed else None,
        "p50_ms": ms(percentile(tally.latencies, 0.50)),
        "p99_ms": ms(percentile(tally.latencies, 0.99)),
        "max_ms": ms(max(tally.latencies, default=None)),
        "mean_ms": ms(statistics.fmean(tally.latencies) if tally.latencies else None),
    }


def ms(seconds: float | None) -> float | None:
    return seconds * 1000 if seconds is not None else None


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--origin", required=True)
    parser.add_argument("--consent-version", required=True)
    parser.add_argument("--tag", default="run")
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--rate", type=float, default=0, help="open loop, requests/s (0: off)")
    parser.add_argument("--max-seconds", type=float, default=120)
    parser.add_argument("--timeout", type=float, default=10)
    parser.add_argument("--json", type=Path, required=True)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    url = urlsplit(args.url)
    if url.hostname not in LOOPBACK:
        parser.error("the load generator only targets loopback (127.0.0.1)")
    target = Target(
        url.hostname, url.port or 80, url.path, args.origin, args.consent_version, args.tag
    )
    if args.rate > 0:
        result = drive_at_rate(
            target, args.requests, args.rate, 256, args.max_seconds, args.timeout
        )
    else:
        result = drive(target, args.requests, args.concurrency, args.max_seconds, args.timeout)
    args.json.write_text(json.dumps(result, indent=2), encoding="utf-8")
    log.info("load: %s", result)


if __name__ == "__main__":
    main()
