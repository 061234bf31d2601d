"""Nothing lost: SMTP down or hanging during sign-up; fast answers; exactly-once delivery."""

from __future__ import annotations

import smtplib
import socket
import statistics
import subprocess
import threading
import time
from typing import ClassVar

import pytest

from signup_server import worker as worker_mod
from signup_server.config import load_config
from signup_server.service import Visitor
from signup_server.worker import Worker
from signup_support import (
    BIN,
    JOIN,
    LOCAL,
    Site,
    confirm_link,
    env,
    free_port,
    service_for,
    start_server,
    stop_server,
    write_config,
)

# Starts the real server under gunicorn and times it: the end-to-end tier.
pytestmark = pytest.mark.e2e


@pytest.fixture
def down_site(tmp_path, smtp):
    """A server whose SMTP server is stopped; the test starts it again."""
    port = free_port()
    path = write_config(tmp_path, smtp.port, port)
    site = Site(port, path)
    site.proc = start_server(path, port)
    smtp.stop()
    yield site
    stop_server(site.proc)


def test_smtp_down_then_back_delivers_everything_exactly_once(down_site, smtp):
    site, sink = down_site, smtp.sink
    assert site.join("down1@example.org", ip="127.0.7.1").status == 303
    assert site.join("down2@example.org", ip="127.0.7.2").status == 303
    r = site.post(
        "/signup/contact",
        {
            "email": "c@example.org",
            "name": "",
            "website": "",
            "message": "Sent while the mail server was down",
        },
    )
    assert r.status == 303

    for _ in range(3):  # the worker keeps trying while SMTP is down; nothing is lost
        result = Worker(site.cfg, site.spool).run_once(ignore_backoff=True)
        # One failed connection is enough: the other jobs wait for the next pass instead of
        # each waiting for its own timeout.
        assert (result.sent, result.retried, result.deferred) == (0, 1, 2)
    assert sorted(j.attempts for j in site.spool.jobs()) == [0, 0, 3]
    assert len(site.spool.jobs()) == 3

    smtp.start()
    site.drain()
    site.drain()
    assert len(sink.to("down1@example.org")) == 1
    assert len(sink.to("down2@example.org")) == 1
    assert len(sink.to("hello@anytown.example.org")) == 1
    assert site.spool.counts()["queue"] == 0

    # Confirm while SMTP is down again: the hand-off waits in the spool, then goes once.
    token = confirm_link(sink.to("down1@example.org")[0]).split("t=", 1)[1]
    smtp.stop()
    assert site.post("/signup/confirm", {"t": token}, ip="127.0.7.1").status == 303
    assert site.post("/signup/confirm", {"t": token}, ip="127.0.7.1").status == 303
    site.drain()
    smtp.start()
    for _ in range(3):
        site.drain()
    records = sink.to("keeper@anytown.example.org")
    assert len(records) == 1 and "down1@example.org" in records[0].msg.get_content()


def test_crash_after_send_is_not_sent_again(tmp_path, smtp):
    """A worker that dies between sending and cleaning up leaves a done marker first."""
    path = write_config(tmp_path, smtp.port, free_port())
    site = Site(0, path)
    service_for(path).subscribe({**JOIN, "email": "crash@example.org"}, LOCAL)
    spool = site.spool
    [job] = spool.due()
    saved = (spool.root / "queue" / f"{job.id}.json").read_bytes()
    claimed = spool.claim(job)
    Worker(site.cfg, spool).deliverer.deliver(claimed)
    spool.complete(claimed)
    # The crash window: the job file is back in the queue although it was sent.
    (spool.root / "queue" / f"{job.id}.json").write_bytes(saved)
    assert Worker(site.cfg, spool).run_once(ignore_backoff=True).skipped == 1
    assert len(smtp.sink.to("crash@example.org")) == 1


class HangingSmtp:
    """Accepts connections and never says a word, like a wedged mail server."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(50)
        self.port = self.sock.getsockname()[1]
        self.conns: list[socket.socket] = []
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.conns.append(conn)

    def close(self) -> None:
        self.sock.close()
        for c in self.conns:
            c.close()


def start_worker(config_path) -> subprocess.Popen:
    """The spool worker as operators run it: its own process, so its hanging connection and
    this test's own timing do not share an interpreter (and its lock)."""
    with (config_path.parent / "worker.log").open("wb") as log_file:  # the child keeps it
        return subprocess.Popen(
            [
                str(BIN / "handbill-signup"),
                "worker",
                "--config",
                str(config_path),
                "--poll",
                "0.05",
            ],
            env=env(),
            stdout=subprocess.DEVNULL,
            stderr=log_file,
        )


def wait_for(condition, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def test_p99_under_200ms_while_smtp_hangs(tmp_path):
    """Flaky under parallel load before; now (see the comments) it measures only answers
    given while the worker is provably stuck, after warm-up, from a process of its own."""
    hang = HangingSmtp()
    port = free_port()
    path = write_config(
        tmp_path,
        hang.port,
        port,
        limits="per_ip = 100000\nconfirmations_per_hour = 100000\ncontact_per_hour = 100000",
    )
    site = Site(port, path)
    site.proc = start_server(path, port)
    worker = start_worker(path)
    try:
        # Warm-up, not measured: the first requests of each gunicorn worker pay for imports,
        # template compilation and the SQLite connection, which has nothing to do with SMTP.
        for i in range(20):
            assert site.join(f"warm{i}@example.org", ip=f"127.0.9.{i}").status == 303
        # Measure only once the worker really is stuck talking to the hanging server.
        wait_for(lambda: hang.conns)
        latencies = []
        for i in range(400):  # enough that p99 is not decided by 1-2 scheduler hiccups
            t0 = time.perf_counter()
            r = site.join(f"hang{i}@example.org", ip=f"127.0.8.{i % 250}")
            latencies.append((time.perf_counter() - t0) * 1000)
            assert r.status == 303
        assert worker.poll() is None and hang.conns, "the worker was stuck the whole time"
    finally:
        stop_server(worker)
        hang.close()
        stop_server(site.proc)
    p99 = statistics.quantiles(latencies, n=100)[98]
    summary = (
        f"subscribe latency while SMTP hangs: median {statistics.median(latencies):.1f}"
        f" ms, p99 {p99:.1f} ms, max {max(latencies):.1f} ms, {len(latencies)} requests"
    )
    print("\n" + summary)  # noqa: T201 -- the measurement, shown with `pytest -s`
    # The bound is the issue's, unchanged: a request that waited for SMTP would take the
    # 2 s SMTP timeout, so even a loaded CI machine stays an order of magnitude apart.
    assert p99 < 200, summary
    assert site.spool.counts()["queue"] + site.spool.counts()["active"] >= 419


class FakeSmtp:
    """An SMTP connection that counts what it carries and can drop after `lasts` messages."""

    opened: ClassVar[list[FakeSmtp]] = []

    def __init__(self, lasts: int = 1000) -> None:
        self.lasts = lasts
        self.sent: list[list[str]] = []
        self.closed = False
        FakeSmtp.opened.append(self)

    def sendmail(self, sender, to, raw, mail_options=()):
        if len(self.sent) >= self.lasts:
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        self.sent.append(list(to))

    def quit(self):
        self.closed = True

    def close(self):
        self.closed = True


def test_one_pass_shares_smtp_connections_and_survives_a_dropped_one(tmp_path, monkeypatch):
    """A pass sends up to MESSAGES_PER_CONNECTION mails per connection (was one connection
    per mail); a reused connection the server dropped is replaced, not counted a failure."""
    from signup_server import worker as worker_module

    path = write_config(tmp_path, 25, free_port(), limits="confirmations_per_hour = 1000")
    service = service_for(path)
    for i in range(worker_module.MESSAGES_PER_CONNECTION + 10):
        service.subscribe(
            {**JOIN, "email": f"many{i}@example.org"}, Visitor(f"10.0.{i}.1", None, None)
        )
    FakeSmtp.opened = []
    monkeypatch.setattr(worker_module.Deliverer, "_connect", lambda self: FakeSmtp(lasts=30))
    result = Worker(load_config(path, env()), service.spool).run_once(ignore_backoff=True)
    assert (result.sent, result.retried, result.failed) == (60, 0, 0)
    assert [len(c.sent) for c in FakeSmtp.opened] == [30, 30]
    assert all(c.closed for c in FakeSmtp.opened), "no connection left open after the pass"
    # Outside a pass (a single deliver), the connection is not kept.
    monkeypatch.setattr(worker_module.Deliverer, "_connect", lambda self: FakeSmtp())
    service.subscribe({**JOIN, "email": "single@example.org"}, LOCAL)
    spool = service.spool
    deliverer = worker_module.Deliverer(load_config(path, env()))
    deliverer.deliver(spool.claim(spool.due(ignore_backoff=True)[0]))
    assert FakeSmtp.opened[-1].closed and deliverer._conn is None


def test_crash_before_the_done_batch_is_synced_is_not_sent_again(tmp_path, smtp):
    """Markers are written at once and synced in batches: a worker that dies in between
    (the process, not the power) still leaves the marker that stops a second send."""
    path = write_config(tmp_path, smtp.port, free_port())
    site = Site(0, path)
    service_for(path).subscribe({**JOIN, "email": "batch@example.org"}, LOCAL)
    spool = site.spool
    [job] = spool.due()
    claimed = spool.claim(job)
    Worker(site.cfg, spool).deliverer.deliver(claimed)
    spool.mark_done(claimed)  # ...and the worker dies before commit_done
    (spool.root / "active" / f"{job.id}.json").rename(spool.root / "queue" / f"{job.id}.json")
    assert Worker(site.cfg, spool).run_once(ignore_backoff=True).skipped == 1
    assert len(smtp.sink.to("batch@example.org")) == 1
    assert spool.counts() == {"hold": 0, "queue": 0, "active": 0, "done": 1, "failed": 0}


def test_done_markers_are_synced_once_per_batch(tmp_path, smtp, monkeypatch):
    path = write_config(
        tmp_path, smtp.port, free_port(), limits="per_ip = 1000\nconfirmations_per_hour = 1000"
    )
    site = Site(0, path)
    service = service_for(path)
    jobs = worker_mod.DONE_BATCH + 10
    for n in range(jobs):
        service.subscribe({**JOIN, "email": f"many{n}@example.org"}, LOCAL)
    spool = site.spool
    synced: list[str] = []
    real = spool._fsync_dir
    monkeypatch.setattr(spool, "_fsync_dir", lambda folder: (synced.append(folder), real(folder)))
    assert Worker(site.cfg, spool).run_once(ignore_backoff=True).sent == jobs
    assert synced.count("done") == 2, "one sync per batch of done markers, not per mail"
    assert spool.counts() == {"hold": 0, "queue": 0, "active": 0, "done": jobs, "failed": 0}
