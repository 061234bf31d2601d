"""The worker's daily summary of what the limits turned away: numbers only, once a day."""

from __future__ import annotations

import time

from signup_server.config import load_config
from signup_server.service import SignupService, Visitor
from signup_server.spool import Spool
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
