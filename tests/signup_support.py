"""Helpers for the sign-up tests: a real SMTP server (aiosmtpd), the real app under gunicorn."""

from __future__ import annotations

import http.client
import json
import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from urllib.parse import urlencode

from aiosmtpd.controller import Controller

from signup_server.config import Config, load_config
from signup_server.service import SignupService, Visitor
from signup_server.spool import Spool
from signup_server.store import CounterStore, MemoryStore
from signup_server.worker import Worker

SECRET = "test-signing-key-0123456789abcdef0123456789"
# A complete, valid join form as a browser sends it (the honeypot present and empty).
JOIN = {
    "email": "bob@example.org",
    "consent": "yes",
    "consent_version": "2026-01-v2",
    "website": "",
}
LOCAL = Visitor("127.0.0.1", None, None)
WEBHOOK_SECRET = "webhook-secret-for-tests-0123456789"
MAILMAN_PASSWORD = "rest-password-for-tests"
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Received:
    sender: str
    rcpts: list[str]
    raw: bytes
    utf8: bool = False  # sent with the SMTPUTF8 extension

    @property
    def msg(self) -> EmailMessage:
        return message_from_bytes(self.raw, policy=policy.default)  # type: ignore[return-value]


@dataclass
class Sink:
    """Collects every message the SMTP server accepts."""

    messages: list[Received] = field(default_factory=list)

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd hook name
        self.messages.append(
            Received(
                envelope.mail_from,
                list(envelope.rcpt_tos),
                envelope.original_content or envelope.content,
                bool(envelope.smtp_utf8),
            )
        )
        return "250 OK"

    def to(self, addr: str) -> list[Received]:
        return [m for m in self.messages if addr in m.rcpts]


class SmtpServer:
    """aiosmtpd on a fixed loopback port that can be stopped and started again."""

    def __init__(self) -> None:
        self.port = free_port()
        self.sink = Sink()
        self.controller: Controller | None = None

    def start(self) -> None:
        # SMTPUTF8 on, as in Postfix and Exim: addresses like jörg@example.org need it.
        self.controller = Controller(
            self.sink, hostname="127.0.0.1", port=self.port, enable_SMTPUTF8=True
        )
        self.controller.start()

    def stop(self) -> None:
        if self.controller:
            self.controller.stop()
            self.controller = None


def write_config(
    tmp: Path,
    smtp_port: int,
    server_port: int,
    extra: str = "",
    backend: str = "email",
    limits: str = "",
) -> Path:
    path = tmp / "signup.toml"
    path.write_text(
        f"""
[site]
group_name = "Anytown Save Our NHS"
url = "http://127.0.0.1:{server_port}"
origins = ["http://127.0.0.1:{server_port}"]

[server]
public_url = "http://127.0.0.1:{server_port}/signup"
spool_dir = "spool"
state_file = "state/limits.sqlite3"
proxy_hops = 1
token_max_age_hours = 48
stylesheets = ["/theme/css/handbill.css", "/theme/css/handbill_signup.css"]

[consent]
version = "2026-01-v2"
text = "Yes, please email me news from {{group}}. I can unsubscribe at any time."
[consent.previous]
"2025-06-v1" = "Older wording."

[mail]
from = "join@anytown.example.org"
[mail.smtp]
host = "127.0.0.1"
port = {smtp_port}
security = "none"
timeout = 2

[list]
name = "Anytown news"
backend = "{backend}"
keeper = "keeper@anytown.example.org"
{extra}

[contact]
inbox = "hello@anytown.example.org"

[limits]
{limits or "per_ip = 50"}
""",
        encoding="utf-8",
    )
    return path


def env() -> dict[str, str]:
    return {
        **os.environ,
        "HANDBILL_SIGNUP_SECRET_KEYS": SECRET,
        "HANDBILL_WEBHOOK_SECRET": WEBHOOK_SECRET,
        "HANDBILL_LISTMONK_TOKEN": "tok",
        "HANDBILL_MAILMAN_PASSWORD": MAILMAN_PASSWORD,
    }


def service_for(path: Path, store: CounterStore | None = None) -> SignupService:
    """The service without HTTP, for the config at `path`, with its own spool."""
    cfg = load_config(path, env())
    return SignupService(cfg, store or MemoryStore(), Spool(cfg.spool_dir))


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def json(self):
        return json.loads(self.body)

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")


class Site:
    """The running server, and helpers to talk to it like a browser would."""

    def __init__(self, port: int, config_path: Path) -> None:
        self.port = port
        self.config_path = config_path
        self.origin = f"http://127.0.0.1:{port}"
        self.proc: subprocess.Popen | None = None

    @property
    def cfg(self) -> Config:
        return load_config(self.config_path, env())

    @property
    def spool(self) -> Spool:
        return Spool(self.cfg.spool_dir)

    def drain(self) -> None:
        Worker(self.cfg, self.spool).run_once(ignore_backoff=True)

    def request(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> Response:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            resp = conn.getresponse()
            return Response(resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read())
        finally:
            conn.close()

    def post(
        self,
        path: str,
        fields: dict[str, str] | None = None,
        *,
        ip: str = "127.0.1.1",
        headers: dict[str, str] | None = None,
        raw: bytes | None = None,
    ) -> Response:
        body = raw if raw is not None else urlencode(fields or {}).encode()
        h = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Origin": self.origin,
            "X-Forwarded-For": ip,
        }
        h.update(headers or {})
        return self.request("POST", path, body, {k: v for k, v in h.items() if v is not None})

    def join(self, email: str, **kw) -> Response:
        fields = {**JOIN, "email": email, **kw.pop("fields", {})}
        return self.post("/signup/subscribe", fields, **kw)


def start_server(config_path: Path, port: int, workers: int = 2) -> subprocess.Popen:
    # The server's log goes to a file: a pipe nobody reads would block it once full.
    log_file = config_path.parent / "server.log"
    command = ["serve", "--config", str(config_path), "--bind", f"127.0.0.1:{port}"]
    with log_file.open("wb") as log:  # the child keeps its own copy
        proc = subprocess.Popen(
            [str(BIN / "handbill-signup"), *command, "--workers", str(workers)],
            env=env(),
            stdout=subprocess.DEVNULL,
            stderr=log,
            start_new_session=True,  # its own process group, for tests that kill -9 it all
        )
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                break
        except OSError:
            if proc.poll() is not None:
                raise RuntimeError(log_file.read_text()) from None
            time.sleep(0.05)
    else:
        proc.kill()
        raise RuntimeError("the server did not start")
    return proc


def stop_server(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


def confirm_link(received: Received) -> str:
    body = received.msg.get_content()
    line = next(w for w in body.split() if "/signup/confirm?t=" in w)
    return line[line.index("/signup/confirm") :]
