"""The on-disk spool: atomic, deduplicated, recoverable."""

from __future__ import annotations

import os
import time

from signup_server.spool import Job, Spool, backoff


def test_put_is_atomic_and_deduplicated(tmp_path):
    spool = Spool(tmp_path)
    assert spool.put(Job(id="a-1", kind="smtp", data={"x": 1}))
    assert not spool.put(Job(id="a-1", kind="smtp", data={"x": 2}))
    assert [j.data for j in spool.jobs()] == [{"x": 1}]
    assert not list((tmp_path / "tmp").iterdir()), "no half-written files left behind"
    assert oct(os.stat(tmp_path / "queue" / "a-1.json").st_mode & 0o777) == "0o600"
    job = spool.claim(spool.due()[0])
    assert spool.claim(Job(id="a-1", kind="smtp", data={})) is None  # already claimed
    spool.complete(job)
    assert not spool.put(Job(id="a-1", kind="smtp", data={})), "done ids are remembered"


def test_retry_backs_off_then_gives_up(tmp_path):
    spool = Spool(tmp_path)
    spool.put(Job(id="b", kind="smtp", data={}))
    for attempt in range(1, 4):
        job = spool.claim(spool.due(ignore_backoff=True)[0])
        spool.retry(job, "down", max_attempts=3)
        if attempt < 3:
            assert spool.due() == [] and spool.jobs()[0].attempts == attempt
    assert spool.counts() == {"hold": 0, "queue": 0, "active": 0, "done": 0, "failed": 1}
    assert [backoff(n) for n in (1, 2, 3, 20)] == [30, 60, 120, 3600]


def test_stale_active_job_is_recovered(tmp_path):
    spool = Spool(tmp_path, clock=lambda: time.time() + 3600)
    spool.put(Job(id="c", kind="smtp", data={}))
    assert spool.claim(spool.due(ignore_backoff=True)[0]) is not None
    assert spool.recover(lease=600) == 1
    assert spool.counts() == {"hold": 0, "queue": 1, "active": 0, "done": 0, "failed": 0}
    fresh = Spool(tmp_path)
    fresh.claim(fresh.due(ignore_backoff=True)[0])
    assert fresh.recover(lease=600) == 0, "a job just claimed is not taken back"


def test_bad_ids_are_refused(tmp_path):
    import pytest

    with pytest.raises(ValueError):
        Spool(tmp_path).put(Job(id="../escape", kind="smtp", data={}))


def test_dropped_held_job_leaves_nothing(tmp_path):
    spool = Spool(tmp_path)
    job = Job(id="d", kind="smtp", data={"x": 1})
    assert spool.hold(job) and spool.due() == []  # held: not for the worker yet
    spool.drop(job)
    assert spool.counts() == {"hold": 0, "queue": 0, "active": 0, "done": 0, "failed": 0}
    assert not list((tmp_path / "tmp").iterdir())
    held = Job(id="e", kind="smtp", data={"x": 1})
    spool.hold(held)
    spool.release(held)
    assert [j.id for j in spool.due()] == ["e"]


def test_leftovers_are_recovered_or_removed(tmp_path):
    """After crashes: a counted held job is queued, an uncounted one removed, half-written
    files removed, a claimed job put back, a delivered one's file removed."""
    spool = Spool(tmp_path)
    for name in ("counted", "uncounted"):
        spool.hold(Job(id=name, kind="smtp", data={}))
    (tmp_path / "tmp" / "x.1234.json").write_text("{}")
    for name in ("claimed", "delivered"):
        spool.put(Job(id=name, kind="smtp", data={}))
    for job in spool.due():
        spool.claim(job)
    spool.mark_done(Job(id="delivered", kind="smtp", data={}))
    result = spool.recover_leftovers(lambda job_id: job_id == "counted")
    assert result == {"requeued": 1, "held_queued": 1, "removed": 2, "in_doubt": 0}
    assert sorted(j.id for j in spool.due()) == ["claimed", "counted"]
    assert not list((tmp_path / "tmp").iterdir()) and not list((tmp_path / "hold").iterdir())
    assert not list((tmp_path / "active").iterdir())


def test_leftovers_of_a_live_server_or_worker_are_left_alone(tmp_path):
    live = Spool(tmp_path)
    live.announce("server.lock")
    live.announce("worker.lock")
    live.hold(Job(id="inflight", kind="smtp", data={}))
    live.put(Job(id="sending", kind="smtp", data={}))
    live.claim(live.due()[0])
    other = Spool(tmp_path)  # another process's view: its own lock descriptors
    assert other.recover_leftovers(lambda _: False) == {
        "requeued": 0,
        "held_queued": 0,
        "removed": 0,
        "in_doubt": 0,
    }
    later = Spool(tmp_path, clock=lambda: time.time() + 3600)
    stale = later.recover_leftovers(lambda _: False)  # too old to be in flight: leftovers
    assert stale == {"requeued": 1, "held_queued": 0, "removed": 1, "in_doubt": 0}


def test_a_broken_job_does_not_stop_the_worker(tmp_path, smtp):
    """Regression: an unexpected error (here a job without recipients) escaped run_once and
    killed the worker; the same job then killed every restarted worker after its lease."""
    from signup_server.config import load_config
    from signup_server.worker import Worker
    from signup_support import env, write_config

    cfg = load_config(write_config(tmp_path, smtp.port, 8081), env())
    spool = Spool(cfg.spool_dir)
    spool.put(Job(id="a-broken", kind="smtp", data={"from": "x@example.org", "message": ""}))
    spool.put(Job(id="b-fine", kind="http", data={"url": "http://127.0.0.1:9/", "body": "{}"}))
    result = Worker(cfg, spool).run_once(ignore_backoff=True)
    assert (result.failed, result.retried) == (1, 1)
    [failed] = spool.jobs("failed")
    assert failed.id == "a-broken" and failed.last_error == "KeyError"


def test_tidy_keeps_markers_and_counters_as_long_as_configured(tmp_path):
    """Regression: done markers went after 14 days and counters after 7, whatever the
    config: a 30-day link could then be replayed into a second hand-off, and a 30-day
    per-address window was forgotten after a week."""
    from signup_server.config import load_config
    from signup_server.store import SQLiteStore
    from signup_server.worker import Worker
    from signup_support import env, write_config

    path = write_config(tmp_path, 25, 8081, limits="per_address_window = 2592000")
    path.write_text(
        path.read_text().replace("token_max_age_hours = 48", "token_max_age_hours = 720")
    )
    cfg = load_config(path, env())
    spool, now = Spool(cfg.spool_dir), time.time()
    store = SQLiteStore(cfg.state_file, clock=lambda: now - 20 * 86400)
    assert store.hit("address:x", 1, 30 * 86400)
    for job_id, age in (("kept", 20), ("gone", 40)):
        spool.put(Job(id=job_id, kind="smtp", data={}))
        spool.complete(spool.claim(spool.due(ignore_backoff=True)[0]))
        os.utime(spool.root / "done" / f"{job_id}.json", (now - age * 86400,) * 2)
    store._clock = time.time
    Worker(cfg, spool, store=store).tidy()
    assert not spool.put(Job(id="kept", kind="smtp", data={})), "replay still refused"
    assert not store.hit("address:x", 1, 30 * 86400), "the 30-day window still counts"
    assert not (spool.root / "done" / "gone.json").exists()
