"""Hand-off backends (Mailman by email, listmonk API, webhook) and token edge cases.

These drive the service and the worker directly, against the real SMTP server and a real
HTTP stub on loopback; the HTTP layer itself is covered by test_flow and test_abuse.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from signup_server.config import ConfigError, load_config
from signup_server.service import SignupService, Status, Visitor
from signup_server.spool import Spool
from signup_server.store import MemoryStore
from signup_server.tokens import Pending, Tokens
from signup_server.worker import Worker
from signup_support import JOIN, LOCAL, SECRET, WEBHOOK_SECRET, confirm_link, env, write_config


class Stub:
    """A loopback HTTP server that records requests and answers with `codes` in turn."""

    def __init__(self, codes: list[int]) -> None:
        self.requests: list[tuple[str, dict[str, str], bytes]] = []
        self.codes = codes
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                stub.requests.append((self.path, dict(self.headers), body))
                code = stub.codes.pop(0) if stub.codes else 200
                self.send_response(code)
                self.end_headers()
                self.wfile.write(b"{}")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()


@pytest.fixture
def stub():
    s = Stub([])
    yield s
    s.close()


def run_flow(tmp_path, smtp, backend: str, extra: str):
    path = write_config(tmp_path, smtp.port, 9, backend=backend, extra=extra)
    cfg = load_config(path, env())
    service = SignupService(cfg, MemoryStore(), Spool(cfg.spool_dir))
    worker = Worker(cfg, service.spool)
    assert service.subscribe(dict(JOIN), LOCAL).status is Status.OK
    worker.run_once(ignore_backoff=True)
    token = confirm_link(smtp.sink.to("bob@example.org")[0]).split("t=", 1)[1]
    assert service.confirm({"t": token}, LOCAL).status is Status.OK
    assert service.confirm({"t": token}, LOCAL).status is Status.OK  # replay: no new jobs
    return cfg, service, worker


def test_listmonk_preconfirmed_with_consent(tmp_path, smtp, stub):
    stub.codes = [503, 200]
    extra = f'[list.listmonk]\nurl = "{stub.url}"\nlists = [3]\nusername = "handbill"'
    _cfg, _service, worker = run_flow(tmp_path, smtp, "listmonk", extra)
    result = worker.run_once(ignore_backoff=True)
    assert result.retried == 1  # listmonk answered 503: tried again later
    worker.run_once(ignore_backoff=True)
    assert len(stub.requests) == 2
    path, headers, body = stub.requests[-1]
    payload = json.loads(body)
    assert path == "/api/subscribers"
    assert headers["Authorization"] == "token handbill:tok"
    assert payload["preconfirm_subscriptions"] is True and payload["lists"] == [3]
    consent = payload["attribs"]["consent"]
    assert consent["email"] == "bob@example.org"
    assert consent["consent_statement_id"] == "2026-01-v2"
    assert consent["requested_at"] and consent["confirmed_at"]
    worker.run_once(ignore_backoff=True)
    assert len(stub.requests) == 2, "delivered once"


def test_listmonk_existing_subscriber_is_success(tmp_path, smtp, stub):
    stub.codes = [409]
    extra = f'[list.listmonk]\nurl = "{stub.url}"\nlists = [3]\nusername = "handbill"'
    _, service, worker = run_flow(tmp_path, smtp, "listmonk", extra)
    assert worker.run_once(ignore_backoff=True).failed == 0
    assert service.spool.counts()["failed"] == 0


def test_webhook_is_signed(tmp_path, smtp, stub):
    extra = f'[list.webhook]\nurl = "{stub.url}/hook"'
    _, _, worker = run_flow(tmp_path, smtp, "webhook", extra)
    worker.run_once(ignore_backoff=True)
    [(_path, headers, body)] = stub.requests
    signed = f"{headers['X-Handbill-Timestamp']}.{headers['X-Handbill-Delivery']}.".encode()
    expected = hmac.new(WEBHOOK_SECRET.encode(), signed + body, hashlib.sha256).hexdigest()
    assert headers["X-Handbill-Signature"] == f"sha256={expected}"
    assert json.loads(body)["record"]["email"] == "bob@example.org"


def test_expired_token(tmp_path, smtp):
    path = write_config(tmp_path, smtp.port, 9)
    cfg = load_config(path, env())
    service = SignupService(cfg, MemoryStore(), Spool(cfg.spool_dir))
    two_days_ago = Tokens(cfg.secret_keys, cfg.token_max_age, clock=lambda: time.time() - 49 * 3600)
    old = two_days_ago.make(Pending("old@example.org", "", "2026-01-v2", "2026-01-01"))
    assert service.check_token(old) is None
    assert service.confirm({"t": old}, LOCAL).status is Status.EXPIRED
    assert service.spool.counts()["queue"] == 0


def test_config_errors_are_explained(tmp_path):
    path = write_config(tmp_path, 25, 9)
    with pytest.raises(ConfigError, match="HANDBILL_SIGNUP_SECRET_KEYS"):
        load_config(path, {})
    with pytest.raises(ConfigError, match="at least 32"):
        load_config(path, {"HANDBILL_SIGNUP_SECRET_KEYS": "short"})
    bad = write_config(tmp_path, 25, 9, backend="webhook")
    with pytest.raises(ConfigError, match="webhook"):
        load_config(bad, env())


def test_misspelt_settings_are_refused(tmp_path):
    path = write_config(tmp_path, 25, 9)
    path.write_text(path.read_text().replace("[mail.smtp]", "[mail.stmp]"))
    with pytest.raises(ConfigError, match=r"mail\.stmp"):
        load_config(path, env())


def test_failed_handoff_is_kept_and_keeper_told(tmp_path, smtp, stub):
    stub.codes = [400]  # listmonk refuses the subscriber
    extra = f'[list.listmonk]\nurl = "{stub.url}"\nlists = [3]\nusername = "handbill"'
    _, service, worker = run_flow(tmp_path, smtp, "listmonk", extra)
    assert worker.run_once(ignore_backoff=True).failed == 1
    worker.run_once(ignore_backoff=True)
    assert service.spool.counts()["failed"] == 1, "kept for the operator"
    alerts = [
        m
        for m in smtp.sink.to("keeper@anytown.example.org")
        if m.msg["Subject"] == "Sign-up server: a delivery failed"
    ]
    assert len(alerts) == 1 and "bob@example.org" not in alerts[0].msg.get_content()


def test_unexpected_error_sends_to_try_later_without_logging_the_address(tmp_path, caplog):
    from signup_server.app import create_app

    class BrokenStore:
        leak = "-".join(["crashme", "example.org"])  # not on the line that raises

        def hit(self, key, limit, window):
            raise RuntimeError(self.leak)

        def first(self, key, ttl):
            raise RuntimeError(self.leak)

    cfg = load_config(write_config(tmp_path, 25, 9), env())
    client = create_app(cfg, BrokenStore(), Spool(cfg.spool_dir)).test_client()
    fields = {**JOIN, "email": "crashme@example.org"}
    r = client.post("/signup/subscribe", data=fields)
    assert r.status_code == 303 and r.headers["Location"].endswith("/join/try-later/")
    assert r.headers["Cache-Control"] == "no-store"
    r = client.post("/signup/subscribe", data=fields, headers={"Accept": "application/json"})
    assert r.status_code == 503 and r.json["status"] == "unavailable"
    assert "crashme" not in caplog.text and "RuntimeError" in caplog.text


@pytest.mark.parametrize("addr", ["jörg@example.org", "ann@bücher.example"])
def test_non_ascii_address_gets_its_confirmation(tmp_path, smtp, addr):
    """Regression: the To: header became an RFC 2047 word and RCPT TO crashed the worker."""
    cfg = load_config(write_config(tmp_path, smtp.port, 8081), env())
    service = SignupService(cfg, MemoryStore(), Spool(cfg.spool_dir))
    assert service.subscribe({**JOIN, "email": addr}, LOCAL).status is Status.OK
    assert Worker(cfg, service.spool).run_once(ignore_backoff=True).sent == 1
    [received] = smtp.sink.to(addr)
    assert f"To: {addr}\r\n".encode() in received.raw
    assert b"=?" not in received.raw.split(b"\r\n\r\n")[0]


def test_confirm_limit_says_try_later_instead_of_losing_the_signup(tmp_path, smtp):
    """Regression: past the per-IP confirm limit (say, a whole meeting on one Wi-Fi) the
    visitor was told "you're on the list" and nothing was handed off."""
    cfg = load_config(write_config(tmp_path, smtp.port, 9, limits="per_ip = 1"), env())
    service = SignupService(cfg, MemoryStore(), Spool(cfg.spool_dir))
    tokens = []
    for i in range(5):
        email = f"meeting{i}@example.org"
        service.subscribe({**JOIN, "email": email}, Visitor(f"127.0.3.{i}", None, None))
        Worker(cfg, service.spool).run_once(ignore_backoff=True)
        tokens.append(confirm_link(smtp.sink.to(email)[0]).split("t=", 1)[1])
    answers = [service.confirm({"t": t}, LOCAL).status for t in tokens]
    assert answers == [Status.OK] * 4 + [Status.UNAVAILABLE]
    Worker(cfg, service.spool).run_once(ignore_backoff=True)
    assert len(smtp.sink.to("keeper@anytown.example.org")) == 4


@pytest.mark.parametrize(
    "old,new,match",
    [
        ('name = "Anytown news"', 'name = "News\\nBcc: x@evil.example"', r"list\.name"),
        ("[contact]\n", '[contact]\nsubject = "Hi =?UTF-8?Q?=0A?=Bcc: x"\n', "subject"),
        ('from = "join@', 'from = "Join <join@', r"mail\.from"),
        ('keeper = "keeper@', 'keeper = "keeper@anytown.example.org, x@', "keeper"),
    ],
)
def test_header_bound_settings_are_checked(tmp_path, old, new, match):
    """Regression: subjects, names and addresses from the config reached headers unchecked."""
    path = write_config(tmp_path, 25, 9)
    path.write_text(path.read_text().replace(old, new, 1))
    with pytest.raises(ConfigError, match=match):
        load_config(path, env())


def test_smtp_login_is_never_sent_in_the_clear(tmp_path):
    """Regression: security = "none" with a username logged in over plain text."""
    path = write_config(tmp_path, 25, 9)
    plain = 'host = "127.0.0.1"\nport = 25\nsecurity = "none"'
    remote = 'host = "mail.example.org"\nport = 25\nsecurity = "none"\nusername = "join"'
    path.write_text(path.read_text().replace(plain, remote))
    with pytest.raises(ConfigError, match="username needs"):
        load_config(path, env())
    path.write_text(path.read_text().replace("mail.example.org", "127.0.0.1"))
    assert load_config(path, env()).smtp.username == "join"  # a local relay is fine


def test_replay_after_a_new_key_is_added_hands_off_once(tmp_path, smtp):
    """Regression: hand-off ids were HMACs with the newest key, so a link confirmed before
    and again after a key was added (rotation) reached the list twice."""
    path = write_config(tmp_path, smtp.port, 9)
    cfg = load_config(path, env())
    service = SignupService(cfg, MemoryStore(), Spool(cfg.spool_dir))
    token = service.tokens.make(Pending("rot@example.org", "", "2026-01-v2", "2026-01-01"))
    assert service.confirm({"t": token}, LOCAL).status is Status.OK
    rotated = load_config(path, {**env(), "HANDBILL_SIGNUP_SECRET_KEYS": f"{SECRET},{'n' * 40}"})
    again = SignupService(rotated, MemoryStore(), Spool(rotated.spool_dir))
    assert again.confirm({"t": token}, LOCAL).status is Status.OK
    assert len(again.spool.jobs()) == 1


def test_worker_builds_the_confirmation_the_request_used_to_build(tmp_path, smtp):
    """The request queues a small record and the worker builds the mail from it: it must be
    the message the request used to build, byte for byte (headers, fixed Message-ID, the
    request's time as Date), and the same bytes on every attempt."""
    import base64
    import time
    from email.utils import parsedate_to_datetime

    from signup_server import messages
    from signup_server.jobs import mail_job, render

    cfg = load_config(write_config(tmp_path, smtp.port, 8081), env())
    service = SignupService(cfg, MemoryStore(), Spool(cfg.spool_dir))
    assert service.subscribe({**JOIN, "email": "ann@example.org"}, LOCAL).status is Status.OK
    [job] = service.spool.jobs()
    assert job.kind == "mail" and job.purpose == "confirmation"
    assert set(job.data) == {"template", "to", "link", "leave"}, "no mail is built in the request"
    assert job.data["link"].startswith(f"{cfg.public_url}/confirm?t=")
    # As the request built it before (messages.confirmation + mail_job), at the same time.
    old = messages.confirmation(
        cfg, "ann@example.org", job.data["link"], job.id, job.created, job.data["leave"]
    )
    expected = mail_job(job.id, "confirmation", old, cfg.mail_from).data
    assert render(cfg, job) == expected
    time.sleep(1.1)  # a later attempt: same Date, same bytes
    assert render(cfg, job) == expected
    assert Worker(cfg, service.spool).run_once(ignore_backoff=True).sent == 1
    [received] = smtp.sink.to("ann@example.org")
    assert received.raw.rstrip(b"\r\n") == base64.b64decode(expected["message"]).rstrip(b"\r\n")
    msg = received.msg
    assert msg["Message-ID"] == f"<{job.id}@anytown.example.org>"
    assert msg["From"] == "Anytown Save Our NHS <join@anytown.example.org>"
    assert msg["To"] == "ann@example.org" and received.rcpts == ["ann@example.org"]
    assert msg["Subject"] == cfg.confirm_subject
    assert msg["Auto-Submitted"] == "auto-generated"
    assert int(parsedate_to_datetime(msg["Date"]).timestamp()) == int(job.created)
    assert job.data["link"] in msg.get_content()
    # A way out in every mail to a supporter, and the RFC 8058 one-click headers.
    assert job.data["leave"] in msg.get_content()
    assert msg["List-Unsubscribe"] == f"<{job.data['leave']}>"
    assert msg["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_confirmation_queued_earlier_keeps_its_date_and_smtputf8(tmp_path, smtp):
    """A confirmation sent late (the mail server was down) says when it was asked for; a
    non-ASCII address still goes out with SMTPUTF8 now the worker builds the mail."""
    from email.utils import parsedate_to_datetime

    from signup_server.jobs import confirmation_job, render

    cfg = load_config(write_config(tmp_path, smtp.port, 8081), env())
    spool = Spool(cfg.spool_dir)
    job = confirmation_job("confirm-late", "jörg@example.org", f"{cfg.public_url}/confirm?t=x")
    job.created -= 3 * 3600
    spool.put(job)
    assert render(cfg, job)["smtputf8"] is True
    assert Worker(cfg, spool).run_once(ignore_backoff=True).sent == 1
    [received] = smtp.sink.to("jörg@example.org")
    assert int(parsedate_to_datetime(received.msg["Date"]).timestamp()) == int(job.created)
    assert b"To: j\xc3\xb6rg@example.org\r\n" in received.raw


def test_unknown_mail_template_fails_without_stopping_the_worker(tmp_path, smtp):
    from signup_server.spool import Job

    cfg = load_config(write_config(tmp_path, smtp.port, 8081), env())
    spool = Spool(cfg.spool_dir)
    spool.put(Job(id="mail-odd", kind="mail", purpose="confirmation", data={"template": "x"}))
    assert Worker(cfg, spool).run_once(ignore_backoff=True).failed == 1
    assert [j.id for j in spool.jobs("failed")] == ["mail-odd"] and not smtp.sink.messages
