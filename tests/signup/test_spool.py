"""The on-disk spool: atomic, deduplicated, recoverable."""

from __future__ import annotations

import os
import time

from handbill_signup.server.spool import Job, Spool, backoff


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
    assert spool.counts() == {"queue": 0, "active": 0, "done": 0, "failed": 1}
    assert [backoff(n) for n in (1, 2, 3, 20)] == [30, 60, 120, 3600]


def test_stale_active_job_is_recovered(tmp_path):
    spool = Spool(tmp_path, clock=lambda: time.time() + 3600)
    spool.put(Job(id="c", kind="smtp", data={}))
    assert spool.claim(spool.due(ignore_backoff=True)[0]) is not None
    assert spool.recover(lease=600) == 1
    assert spool.counts() == {"queue": 1, "active": 0, "done": 0, "failed": 0}
    fresh = Spool(tmp_path)
    fresh.claim(fresh.due(ignore_backoff=True)[0])
    assert fresh.recover(lease=600) == 0, "a job just claimed is not taken back"


def test_bad_ids_are_refused(tmp_path):
    import pytest

    with pytest.raises(ValueError):
        Spool(tmp_path).put(Job(id="../escape", kind="smtp", data={}))


def test_decoy_leaves_nothing(tmp_path):
    spool = Spool(tmp_path)
    spool.decoy(Job(id="d", kind="smtp", data={"x": 1}))
    assert spool.counts() == {"queue": 0, "active": 0, "done": 0, "failed": 0}
    assert not list((tmp_path / "tmp").iterdir())
