"""worker.py: HTTP hand-offs are signed by the configured backend at delivery time."""

from __future__ import annotations

from signup_server.config import load_config
from signup_server.spool import Job, Spool
from signup_server.worker import Worker
from signup_support import env, write_config


def test_handoff_queued_for_another_backend_fails_instead_of_going_out_unsigned(tmp_path, smtp):
    """After a switch of `[list] backend`, a webhook job still in the spool has no key to
    be signed with: it goes to failed/ and the keeper is told, it is not sent unsigned."""
    cfg = load_config(write_config(tmp_path, smtp.port, 8081), env())  # backend = "email"
    spool = Spool(cfg.spool_dir)
    data = {"url": "http://127.0.0.1:9/", "body": "{}", "auth": "webhook"}
    spool.put(Job(id="old-webhook", kind="http", purpose="handoff: webhook", data=data))
    result = Worker(cfg, spool).run_once(ignore_backoff=True)
    assert result.failed == 1
    [failed] = spool.jobs("failed")
    assert failed.last_error == "queued for backend 'webhook', now 'email'"
    Worker(cfg, spool).run_once(ignore_backoff=True)
    [alert] = smtp.sink.to("keeper@anytown.example.org")
    assert "a delivery failed" in alert.msg["Subject"]
