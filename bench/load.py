"""A bounded HTTP load generator for sign-ups, for loopback only.

Sends exactly `--requests` POSTs to /subscribe with `--concurrency` connections open at a
time, stops after `--max-seconds` whatever happens, and writes the latencies as JSON.
Each sign-up uses a new address, as a burst after a newsletter would.

    python -m bench.load --url http://127.0.0.1:8081/signup/subscribe --requests 3000 \
        --concurrency 16 --json out.json
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import statistics
import time
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


class Exchange(asyncio.Protocol):
    """One request on its own connection, read until the server closes it. A protocol
    rather than asyncio streams: the generator shares the server's cores, so every bit of
    its CPU per request comes out of the server's."""

    def __init__(self, payload: bytes, done: asyncio.Future[bytes]) -> None:
        self.payload = payload
        self.done = done
        self.head = b""  # enough of the answer to hold the status line
        self.transport: asyncio.BaseTransport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport
        transport.write(self.payload)  # type: ignore[attr-defined]

    def data_received(self, data: bytes) -> None:
        if len(self.head) < 64:
            self.head += data

    def connection_lost(self, exc: Exception | None) -> None:
        if not self.done.done():
            if exc is None:
                self.done.set_result(self.head)
            else:
                self.done.set_exception(exc)


async def one(
    target: Target, n: int, tally: Tally, timeout: float, due: float | None = None
) -> None:
    # Open-loop requests count from when they were due, so a server that falls behind is
    # charged for the wait too (no "coordinated omission").
    started = time.perf_counter() if due is None else due
    loop = asyncio.get_running_loop()
    done: asyncio.Future[bytes] = loop.create_future()
    exchange = Exchange(request_bytes(target, n), done)
    try:
        async with asyncio.timeout(timeout):
            await loop.create_connection(lambda: exchange, target.host, target.port)
            head = await done  # the whole answer, until the server closes
    except (OSError, TimeoutError) as exc:
        if exchange.transport is not None:
            exchange.transport.close()
        tally.count(type(exc).__name__)
        return
    parts = head.split(b"\r\n", 1)[0].split()
    status = parts[1].decode() if len(parts) > 1 else "no-status"
    tally.count(status)
    # A sign-up is answered with 303 to "check your email"; anything else is an error.
    tally.ok += status == "303"
    tally.latencies.append(time.perf_counter() - started)


async def drive(
    target: Target, requests: int, concurrency: int, max_seconds: float, timeout: float
) -> dict[str, Any]:
    tally = Tally()
    queue = iter(range(requests))

    async def worker() -> None:
        for n in queue:
            await one(target, n, tally, timeout)

    started = time.perf_counter()
    tasks = [asyncio.create_task(worker()) for _ in range(concurrency)]
    _done, pending = await asyncio.wait(tasks, timeout=max_seconds)
    for task in pending:
        task.cancel()
    elapsed = time.perf_counter() - started
    return report(tally, requests, elapsed, bool(pending))


async def drive_at_rate(
    target: Target,
    requests: int,
    rate: float,
    max_in_flight: int,
    max_seconds: float,
    timeout: float,
) -> dict[str, Any]:
    """Open loop: request n starts at n / rate seconds, whether earlier ones finished or not
    (at most `max_in_flight` at once), as sign-ups arrive after a newsletter."""
    tally = Tally()
    gate = asyncio.Semaphore(max_in_flight)
    started = time.perf_counter()

    async def fire(n: int) -> None:
        due = started + n / rate
        await asyncio.sleep(max(0.0, due - time.perf_counter()))
        async with gate:
            await one(target, n, tally, timeout, due)

    tasks = [asyncio.create_task(fire(n)) for n in range(requests)]
    _done, pending = await asyncio.wait(tasks, timeout=max_seconds)
    for task in pending:
        task.cancel()
    elapsed = time.perf_counter() - started
    return {**report(tally, requests, elapsed, bool(pending)), "offered_rps": rate}


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
        run = drive_at_rate(target, args.requests, args.rate, 256, args.max_seconds, args.timeout)
    else:
        run = drive(target, args.requests, args.concurrency, args.max_seconds, args.timeout)
    result = asyncio.run(run)
    args.json.write_text(json.dumps(result, indent=2), encoding="utf-8")
    log.info("load: %s", result)


if __name__ == "__main__":
    main()
