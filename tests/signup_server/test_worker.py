"""The worker: its daily summary of what the limits turned away (numbers only, once a day),
and the "handed to the mail server" marker that names the one job a crash leaves in doubt."""

from __future__ import annotations

import time

import pytest

from signup_server.config import load_config
from signup_server.service import SignupService, Visitor
from signup_server.spool import Job, Spool
from signup_server.store import SQLiteStore
from signup_server.worker import Worker
from signup_support import JOIN, env, write_config


def test_keeper_gets_a_daily_count_of_turned_away_signups(tmp_path, smtp):
    cfg = load_config(write_config(tmp_path, smtp.port, 9, limits="per_ip = 2"), env())
    store = SQLiteStore(cfg.state_file)
    service = SignupService(cfg, store, Spool(cfg.spool_dir))
    stall = Visitor("203.0.113.7", None, None)
    for i in range(5):  # a meeting on one wi-fi: 2 pass, 3 turned away
        service.subscribe({**JOIN, "email": f"person{i}@example.org"}, stall)
    for ip in ("198.51.100.1", "198.51.100.2"):  # one address twice: 1 turned away
        service.subscribe({**JOIN, "email": "again@example.org"}, Visitor(ip, None, None))
    worker = Worker(cfg, service.spool, store=store)
    assert not worker.send_refusal_summary(), "today's count goes out tomorrow"
    tomorrow = time.time() + 86400
    assert worker.send_refusal_summary(now=tomorrow)
    assert not worker.send_refusal_summary(now=tomorrow), "once a day"
    worker.run_once(ignore_backoff=True)
    [summary] = smtp.sink.to("keeper@anytown.example.org")
    text = summary.msg.get_content()
    assert summary.msg["Subject"].endswith(": 4 turned away")
    assert "    3  too many sign-ups from one network address" in text
    assert "    1  a second confirmation to one address within the day" in text
    assert "example.org" not in text.replace("anytown.example.org", "")
    assert "203.0.113.7" not in text


def test_handed_marker_is_on_disk_when_the_mail_server_takes_the_message(tmp_path, smtp):
    """The mail server holds the message (its DATA hook runs after the final dot) only after
    the worker marked the job handed; once the "250" is heard, done and no longer handed."""
    cfg = load_config(write_config(tmp_path, smtp.port, 9), env())
    service = SignupService(cfg, SQLiteStore(cfg.state_file), Spool(cfg.spool_dir))
    service.subscribe({**JOIN, "email": "dot@example.org"}, Visitor("127.0.0.1", None, None))
    [job] = service.spool.jobs()
    seen: list[bool] = []
    taken = smtp.sink.handle_DATA

    async def handle_data(server, session, envelope):
        seen.append(service.spool.is_handed(job.id) and not service.spool.is_done(job.id))
        return await taken(server, session, envelope)

    smtp.sink.handle_DATA = handle_data
    assert Worker(cfg, service.spool).run_once(ignore_backoff=True).sent == 1
    assert seen == [True]
    assert service.spool.is_done(job.id) and not service.spool.is_handed(job.id)


@pytest.mark.parametrize("answer", ["451 try later", "554 refused"])
def test_an_answered_refusal_is_not_in_doubt(tmp_path, smtp, answer):
    cfg = load_config(write_config(tmp_path, smtp.port, 9), env())
    service = SignupService(cfg, SQLiteStore(cfg.state_file), Spool(cfg.spool_dir))
    service.subscribe({**JOIN, "email": "no@example.org"}, Visitor("127.0.0.1", None, None))
    [job] = service.spool.jobs()

    async def refuse(server, session, envelope):
        return answer

    smtp.sink.handle_DATA = refuse
    result = Worker(cfg, service.spool).run_once(ignore_backoff=True)
    assert (result.retried, result.failed) == ((1, 0) if answer[0] == "4" else (0, 1))
    assert not service.spool.is_handed(job.id) and not service.spool.is_done(job.id)


def test_recovery_names_the_job_in_doubt_and_sends_it_again(tmp_path):
    """A dead worker's claimed jobs: one handed (in doubt), one never handed, one done."""
    spool = Spool(tmp_path)
    for name in ("handed", "unsent", "sent"):
        spool.put(Job(id=name, kind="smtp", data={}))
    for queued in spool.due():
        spool.claim(queued)
    spool.mark_handed(Job(id="handed", kind="", data={}))
    spool.mark_handed(Job(id="sent", kind="", data={}))
    spool.mark_done(Job(id="sent", kind="", data={}))
    result = spool.recover_leftovers(lambda _: False)
    assert result == {"requeued": 2, "held_queued": 0, "removed": 0, "in_doubt": 1}
    assert spool.in_doubt == ["handed"]
    assert sorted(j.id for j in spool.due()) == ["handed", "unsent"]
    assert spool.is_handed("handed"), "still in doubt until the next attempt is answered"
    assert not spool.is_handed("sent")
