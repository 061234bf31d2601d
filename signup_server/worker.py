"""The spool worker: delivers queued mail and HTTP hand-offs, with retries and back-off.

Runs as its own process (`handbill-signup worker`), so a hanging mail server never slows the
web requests. A job is delivered at most once per successful attempt and marked done right
after; a job already marked done is never sent again. The markers are synced to disk once
per batch (DONE_BATCH): only a power cut can lose them, and with them the knowledge that the
last few jobs went out (see docs/operators.md, "Delivery guarantees").
"""

from __future__ import annotations

import base64
import contextlib
import logging
import smtplib
import ssl
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from . import messages
from .config import Config
from .jobs import mail_job, render
from .spool import WORKER_LOCK, Job, Spool
from .store import REFUSAL_KINDS, REFUSALS_KEPT, Keyer, SQLiteStore, held_mark, refusal_key

log = logging.getLogger(__name__)
DONE_KEPT = 14 * 86400  # seconds a done marker is kept at least
MAIL_KINDS = ("smtp", "mail")
# Messages sent over one SMTP connection before a fresh one: some providers refuse more.
MESSAGES_PER_CONNECTION = 50  # jobs that go to the mail server (see jobs.py)
COUNTERS_KEPT = 7 * 86400  # seconds a rate-limit hit is kept at least
# Delivered jobs whose done markers are made durable together (Spool.commit_done): the most
# mail a power cut can make the worker send twice.
DONE_BATCH = 50
# Seconds between looks for campaign actions' due work (pledge outcomes, erasure).
SWEEP_EVERY = 60


class TemporaryError(Exception):
    """Worth trying again later (server down, timeout, 4xx SMTP reply, HTTP 5xx)."""


class ServerDown(TemporaryError):
    """The mail server could not be reached or hung: the rest of this pass would fare no
    better, so the worker leaves the other mail jobs for the next pass."""


class PermanentError(Exception):
    """Will never work (address refused, HTTP 4xx): the job goes to failed/."""


class Deliverer:
    def __init__(self, cfg: Config) -> None:
        self.cfg = cfg
        self._reuse = False
        self._conn: smtplib.SMTP | None = None
        self._sent = 0

    @contextlib.contextmanager
    def session(self) -> Iterator[None]:
        """Within this block, mail jobs share one SMTP connection (a few dozen messages at
        most): one connect, TLS handshake and login per pass, not one per message."""
        self._reuse = True
        try:
            yield
        finally:
            self._reuse = False
            self._close(polite=True)

    def _close(self, polite: bool = False) -> None:
        conn, self._conn = self._conn, None
        if conn is None:
            return
        if polite:  # only after a success: QUIT to a hung server would wait the timeout
            with contextlib.suppress(smtplib.SMTPException, OSError):
                conn.quit()
        conn.close()

    def _session(self) -> smtplib.SMTP:
        if self._conn is not None and self._sent >= MESSAGES_PER_CONNECTION:
            self._close(polite=True)
        if self._conn is None:
            conn = self._connect()
            try:
                if self.cfg.smtp.username and self.cfg.smtp_password:
                    conn.login(self.cfg.smtp.username, self.cfg.smtp_password)
            except BaseException:
                conn.close()
                raise
            self._conn, self._sent = conn, 0
        return self._conn

    def deliver(self, job: Job) -> None:
        if job.kind == "smtp":
            self._smtp(job.data)
        elif job.kind == "mail":
            self._smtp(render(self.cfg, job))
        elif job.kind == "http":
            self._http(job)
        else:
            raise PermanentError(f"unknown job kind {job.kind!r}")

    def _connect(self) -> smtplib.SMTP:
        s = self.cfg.smtp
        if s.security == "ssl":
            return smtplib.SMTP_SSL(
                s.host, s.port, timeout=s.timeout, context=ssl.create_default_context()
            )
        conn = smtplib.SMTP(s.host, s.port, timeout=s.timeout)
        if s.security == "starttls":
            conn.starttls(context=ssl.create_default_context())
        return conn

    def _smtp(self, data: dict[str, Any]) -> None:
        raw = base64.b64decode(data["message"])
        options = ["SMTPUTF8"] if data.get("smtputf8") else []
        try:
            try:
                self._send(data, raw, options)
            except (smtplib.SMTPServerDisconnected, ConnectionError):
                if not self._sent:
                    raise
                # A connection that already carried mail, dropped by the server (its own
                # limit or idle timeout) before it took this one: once more, afresh.
                self._send(data, raw, options)
            if not self._reuse:
                self._close(polite=True)
        except smtplib.SMTPNotSupportedError as exc:
            raise PermanentError("the mail server does not support SMTPUTF8") from exc
        except smtplib.SMTPRecipientsRefused as exc:
            codes = [code for code, _ in exc.recipients.values()]
            if all(500 <= c < 600 for c in codes):
                raise PermanentError(f"recipient refused ({codes})") from exc
            raise TemporaryError(f"recipient deferred ({codes})") from exc
        except smtplib.SMTPResponseException as exc:
            if 500 <= exc.smtp_code < 600 and exc.smtp_code != 530:
                raise PermanentError(f"SMTP {exc.smtp_code}") from exc
            raise TemporaryError(f"SMTP {exc.smtp_code}") from exc
        except (OSError, smtplib.SMTPServerDisconnected, smtplib.SMTPConnectError) as exc:
            raise ServerDown(f"{type(exc).__name__}") from exc
        except smtplib.SMTPException as exc:
            raise TemporaryError(f"{type(exc).__name__}") from exc

    def _send(self, data: dict[str, Any], raw: bytes, options: list[str]) -> None:
        try:
            self._session().sendmail(data["from"], data["to"], raw, mail_options=options)
            self._sent += 1
        except BaseException:
            self._close()  # in an unknown state: the next message starts afresh
            raise

    def _http(self, job: Job) -> None:
        body = job.data["body"].encode("utf-8")
        headers = {
            "Content-Type": job.data.get("content_type", "application/json"),
            "User-Agent": "handbill-signup",
            "Idempotency-Key": job.id,
        }
        backend = self.cfg.backend if job.data.get("auth") else None
        if backend is not None and job.data["auth"] != backend.name:
            # Queued for a backend the configuration no longer uses: its credentials are
            # not loaded, so it goes to failed/ (the keeper is told) rather than out unsigned.
            raise PermanentError(f"queued for backend {job.data['auth']!r}, now {backend.name!r}")
        if backend is not None:
            headers.update(backend.sign(body, job.id))
        method = job.data.get("method", "POST")
        req = urllib.request.Request(job.data["url"], data=body, headers=headers, method=method)
        try:
            with urllib.request.urlopen(req, timeout=self.cfg.smtp.timeout) as resp:
                resp.read()
        except urllib.error.HTTPError as exc:
            if backend is not None and backend.already_delivered(exc.code):
                return
            if exc.code in (408, 425, 429) or exc.code >= 500:
                raise TemporaryError(f"HTTP {exc.code}") from exc
            raise PermanentError(f"HTTP {exc.code}") from exc
        except OSError as exc:
            raise TemporaryError(type(exc).__name__) from exc


@dataclass
class RunResult:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    skipped: int = 0
    deferred: int = 0  # not tried: the mail server was down earlier in the same pass


class Worker:
    def __init__(
        self,
        cfg: Config,
        spool: Spool,
        deliverer: Deliverer | None = None,
        store: SQLiteStore | None = None,
    ) -> None:
        self.cfg = cfg
        self.spool = spool
        self.deliverer = deliverer or Deliverer(cfg)
        self.store = store  # purged hourly, if given
        self._delivered: list[Job] = []  # marked done, not yet committed
        self._keyer = Keyer(cfg.secret_keys[-1])
        self._actions = None  # ActionService, made on the first sweep

    def recover(self) -> dict[str, int]:
        """Put back or remove what crashed servers and workers left in the spool (see
        Spool.recover_leftovers), then say that a worker now uses it. Without the store,
        held sign-ups are left alone: only it knows whether they were counted."""
        store = self.store
        counted = (
            None if store is None else lambda job_id: store.marked(held_mark(self._keyer, job_id))
        )
        result = self.spool.recover_leftovers(counted)
        self.spool.announce(WORKER_LOCK)
        if any(result.values()):
            log.warning("spool leftovers after a crash: %s", result)
        return result

    def run_once(self, ignore_backoff: bool = False) -> RunResult:
        result = RunResult()
        smtp_down = False
        session = getattr(self.deliverer, "session", contextlib.nullcontext)
        try:
            with session():
                for queued in self.spool.due(ignore_backoff=ignore_backoff):
                    if smtp_down and queued.kind in MAIL_KINDS:
                        result.deferred += 1
                        continue
                    job = self.spool.claim(queued)
                    if job is not None:
                        smtp_down = self._process(job, result) or smtp_down
                    if len(self._delivered) >= DONE_BATCH:
                        self._commit()
        finally:
            self._commit()
        return result

    def _commit(self) -> None:
        delivered, self._delivered = self._delivered, []
        self.spool.commit_done(delivered)

    def _process(self, job: Job, result: RunResult) -> bool:
        """Deliver one job; return True if the mail server is down."""
        if self.spool.is_done(job.id):
            self.spool.complete(job)
            result.skipped += 1
            return False
        try:
            self.deliverer.deliver(job)
        except TemporaryError as exc:
            self.spool.retry(job, str(exc), self.cfg.max_attempts)
            log.warning(
                "job %s (%s) attempt %d failed: %s", job.id[:12], job.purpose, job.attempts, exc
            )
            result.retried += 1
            if job.attempts >= self.cfg.max_attempts:
                self._gave_up(job)
            return isinstance(exc, ServerDown)
        except Exception as exc:  # one bad job must not stop the worker
            # Permanent or not, it goes to failed/ (the keeper is told); the type only, as
            # an unexpected message could quote an address.
            error = str(exc) if isinstance(exc, PermanentError) else type(exc).__name__
            self.spool.fail(job, error)
            result.failed += 1
            self._gave_up(job)
            return False
        self.spool.mark_done(job)
        self._delivered.append(job)
        log.info("job %s (%s) delivered", job.id[:12], job.purpose)
        result.sent += 1
        return False

    def _gave_up(self, job: Job) -> None:
        """Tell the keeper when something they need will not arrive by itself. A refused
        confirmation (a mistyped address) is normal and not worth an alert."""
        log.error("job %s (%s) failed for good: %s", job.id[:12], job.purpose, job.last_error)
        if not job.purpose.startswith(("handoff", "contact")):
            return
        alert_id = f"gave-up-{job.id}"
        msg = messages.delivery_failed(self.cfg, job.purpose, job.id, job.last_error, alert_id)
        self.spool.put(mail_job(alert_id, "alert", msg, self.cfg.mail_from))

    def tidy(self) -> None:
        """Forget what no longer matters. Done markers must outlive every confirmation link
        (else a replayed link would hand the subscriber off again), counters every window."""
        limits = self.cfg.limits
        self.spool.purge_done(max(DONE_KEPT, self.cfg.token_max_age + 86400))
        if self.store is not None:
            self.store.purge(max(COUNTERS_KEPT, limits.per_ip_window, limits.per_address_window))

    def send_refusal_summary(self, now: float | None = None) -> bool:
        """Once a day, the keeper gets yesterday's count of submissions the limits turned
        away (numbers only), if there were any: the visitors were told "check your email",
        so nobody else would notice. True if it was queued."""
        if self.store is None:
            return False
        day = time.strftime("%Y-%m-%d", time.gmtime((now or time.time()) - 86400))
        counts = {
            kind: self.store.count(refusal_key(self._keyer, day, kind), REFUSALS_KEPT)
            for kind in REFUSAL_KINDS
        }
        if not any(counts.values()):
            return False
        if not self.store.first(self._keyer("summary", day), REFUSALS_KEPT):
            return False  # already sent (another worker, or before a restart)
        job_id = f"summary-{day}"
        msg = messages.refusal_summary(self.cfg, day, counts, job_id)
        return self.spool.put(mail_job(job_id, "alert", msg, self.cfg.mail_from))

    def sweep_actions(self, now=None):
        """Campaign actions' due work (actions.ActionService.sweep): pledge outcome mails
        queued here go out in this worker's next pass. None if it could not be done."""
        from .actions import ActionService
        from .service import SignupService
        from .store import MemoryStore

        try:
            if self._actions is None:
                signup = SignupService(self.cfg, self.store or MemoryStore(), self.spool)
                self._actions = ActionService(self.cfg, signup)
            result = self._actions.sweep(now)
        except Exception as exc:  # the mail must keep flowing; the type only (no data)
            log.error("actions sweep failed: %s", type(exc).__name__)
            return None
        if any(vars(result).values()):
            log.info("actions sweep: %s", result)
        return result

    def run_forever(self, poll: float = 2.0, stop=None) -> None:
        self.recover()
        last_purge = last_sweep = time.time()
        self.tidy()
        self.send_refusal_summary()
        self.sweep_actions()
        while stop is None or not stop.is_set():
            if time.time() - last_sweep > SWEEP_EVERY:
                self.sweep_actions()
                last_sweep = time.time()
            self.run_once()
            if time.time() - last_purge > 3600:
                self.recover()
                self.tidy()
                self.send_refusal_summary()
                last_purge = time.time()
            if stop is not None:
                stop.wait(poll)
            else:
                time.sleep(poll)
