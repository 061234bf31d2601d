"""What the server does, without the HTTP: subscribe, confirm, contact.

Checks run cheapest first. Whenever the honest answer would tell a bot or an attacker
something (honeypot tripped, cross-origin post, rate limited, already subscribed), the
visitor gets exactly the normal success answer and nothing is sent.
"""

from __future__ import annotations

import ipaddress
import logging
import time
import uuid
from dataclasses import dataclass, field
from enum import Enum
from urllib.parse import urlsplit

from handbill_i18n import N_

from . import messages
from .config import Config
from .jobs import confirmation_job, handoff_jobs, leave_job, mail_job, withdrawal_jobs
from .spool import Spool
from .store import CounterStore, Keyer, held_mark, hit_all, refusal_key
from .tokens import InvalidToken, Pending, Tokens
from .validate import (
    BadRequest,
    FieldErrors,
    check_allowed,
    clean_email,
    clean_message,
    clean_name,
    header_safe,
    mailbox_key,
)

log = logging.getLogger(__name__)
HONEYPOT = "website"  # plausible, so bots fill it; hidden from people (see forms.html)


class Status(Enum):
    OK = "ok"
    INVALID = "invalid"
    EXPIRED = "expired"
    UNAVAILABLE = "unavailable"


@dataclass
class Outcome:
    status: Status
    errors: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Visitor:
    ip: str
    origin: str | None
    referer: str | None


OK = Outcome(Status.OK)


@dataclass(frozen=True)
class Scope:
    """The counters one kind of mail to a visitor is limited by (`_may_confirm`): the
    counter kinds' prefix, the value prefix (an action's slug), and the limits."""

    prefix: str  # "" (join), "leave-", "action-"
    per_ip: int
    ip_window: float
    per_address: int
    address_window: float
    cap: int
    cap_kind: str  # the hourly cap's counter
    cap_value: str
    cap_name: str  # for the keeper's alert: "confirmations", ...
    within: str = ""  # e.g. an action's slug: its counters are its own

    def key(self, value: str) -> str:
        return f"{self.within}:{value}" if self.within else value


def client_key(ip: str) -> str:
    """One IPv6 visitor has a whole /64 to pick addresses from: limit the network."""
    try:
        addr = ipaddress.ip_address(ip)
    except ValueError:
        return ip
    if isinstance(addr, ipaddress.IPv6Address):
        if addr.ipv4_mapped is not None:
            return str(addr.ipv4_mapped)
        return str(ipaddress.ip_network(f"{addr}/64", strict=False))
    return str(addr)


class SignupService:
    def __init__(self, cfg: Config, store: CounterStore, spool: Spool) -> None:
        self.cfg = cfg
        self.store = store
        self.spool = spool
        self.key = Keyer(cfg.secret_keys[-1])
        self.tokens = Tokens(cfg.secret_keys, cfg.token_max_age, cfg.leave_max_age)
        limits = cfg.limits
        # Join and leave mail share the hourly cap, each has its own per-IP and address limits.
        self.join_scope, self.leave_scope = (
            Scope(
                prefix,
                limits.per_ip,
                limits.per_ip_window,
                limits.per_address,
                limits.per_address_window,
                limits.confirmations_per_hour,
                "global",
                "confirmations",
                "confirmations",
            )
            for prefix in ("", "leave-")
        )
        own = urlsplit(cfg.public_url)
        self.origins = {*cfg.site_origins, f"{own.scheme}://{own.netloc}"}

    # --- shared checks -------------------------------------------------------------

    def same_origin(self, visitor: Visitor) -> bool:
        """A signal, not a boundary: privacy tools strip Referer and some send Origin: null,
        so a missing value is allowed; only a foreign one counts against the request."""
        if visitor.origin and visitor.origin != "null":
            return visitor.origin.rstrip("/") in self.origins
        if visitor.referer:
            ref = urlsplit(visitor.referer)
            return f"{ref.scheme}://{ref.netloc}" in self.origins
        return True

    def looks_automated(self, fields: dict[str, str], visitor: Visitor, form: str) -> bool:
        # A missing honeypot is as suspicious as a filled one: real forms always send it.
        if fields.get(HONEYPOT) != "":
            log.info("%s: honeypot tripped, answering as usual", form)
            return True
        if not self.same_origin(visitor):
            log.info("%s: cross-origin post, answering as usual", form)
            return True
        return False

    def within(self, kind: str, value: str, limit: int, window: float) -> bool:
        allowed = self.store.hit(self.key(kind, value), limit, window)
        if not allowed:
            log.info("rate limit %s reached for %s", kind, self.key(kind, value)[:16])
        return allowed

    def _global_cap(self, what: str, cap: int) -> bool:
        if self.store.hit(self.key("global", what), cap, 3600):
            return True
        self._cap_reached(what, cap)
        return False

    def _cap_reached(self, what: str, cap: int) -> None:
        """Alert the keeper, once an hour, that an hourly cap stopped sending."""
        if self.store.first(self.key("alert", what), 3600):
            log.warning("hourly cap for %s reached: sending stopped, keeper alerted", what)
            job_id = self.key("alert", f"{what}-{uuid.uuid4().hex}").replace(":", "-")
            msg = messages.cap_alert(self.cfg, what, cap, job_id)
            self.put_jobs([mail_job(job_id, "alert", msg, self.cfg.mail_from)])

    def put_jobs(self, jobs) -> bool:
        try:
            for job in jobs:
                self.spool.put(job)
        except OSError:
            log.exception("could not write to the spool")
            return False
        return True

    # --- subscribe -------------------------------------------------------------------

    def allowed_subscribe_fields(self) -> set[str]:
        allowed = {"email", "consent", "consent_version", HONEYPOT, "stall"}
        return allowed | {"name"} if self.cfg.ask_name else allowed

    def _validate_subscribe(self, fields: dict[str, str]) -> tuple[Pending | None, dict]:
        errors: dict[str, str] = {}
        email = name = ""
        try:
            email = clean_email(fields.get("email", ""))
        except FieldErrors as exc:
            errors.update(exc.errors)
        try:
            name = clean_name(fields.get("name", ""))
        except FieldErrors as exc:
            errors.update(exc.errors)
        if fields.get("consent") != "yes":
            errors["consent"] = N_("Tick the box to say you agree to join the list.")
        version = fields.get("consent_version", "")
        if not header_safe(version) or self.cfg.consent.get(version) is None:
            errors["consent_version"] = N_(
                "The form is out of date: reload the page and try again."
            )
        if errors:
            return None, errors
        return Pending(email, name, version, messages.utcnow()), {}

    def subscribe(self, fields: dict[str, str], visitor: Visitor) -> Outcome:
        check_allowed(fields, self.allowed_subscribe_fields())
        if self.looks_automated(fields, visitor, "subscribe"):
            return OK
        pending, errors = self._validate_subscribe(fields)
        if pending is None:
            return Outcome(Status.INVALID, errors)
        # In this order, so a crash at any point loses nothing: (1) the job on disk, held
        # back from the worker; (2) the limits counted, with a mark naming the job, in one
        # store transaction; (3) the job queued, or dropped if a limit said no. A crash
        # before (2) leaves a held job with no mark, which recovery removes (the visitor's
        # retry is counted afresh); a crash after it, a marked one, which recovery queues
        # (the retry is then refused as a repeat, and the first attempt's mail goes).
        # Refused and queued cost the same disk work, so the answer's timing tells nothing.
        # The mail itself is built by the spool worker from this record.
        job_id = f"confirm-{uuid.uuid4().hex}"
        link = f"{self.cfg.public_url}/confirm?t={self.tokens.make(pending)}"
        job = confirmation_job(job_id, pending.email, link, self.leave_url(pending.email))
        stall = self.open_stall(fields.get("stall", ""), "join")
        return self.hold_count_queue(job, visitor.ip, pending.email, "confirmation", stall)

    def open_stall(self, code: str, form: str) -> tuple[str, int] | None:
        """Stall mode: the stall's id and raised per-IP limit if `code` opens a stall for
        this form now, else None (a wrong or expired code changes nothing, and the answer
        is the usual one, so guessing codes teaches nothing)."""
        lookup = getattr(self.store, "stall", None)
        if not code or lookup is None or len(code) > 64:
            return None
        key = self.key("stall", code.strip().lower())
        found = lookup(key)
        if found is None or found[0] != form:
            return None
        return key, found[1]

    def leave_url(self, email: str) -> str:
        return f"{self.cfg.public_url}/leave?t={self.tokens.make_leave(email)}"

    def hold_count_queue(
        self,
        job,
        ip: str,
        email: str,
        what: str,
        stall: tuple[str, int] | None = None,
        scope: Scope | None = None,
    ) -> Outcome:
        try:
            self.spool.hold(job)
            mark = held_mark(self.key, job.id)
            allowed = self._may_confirm(ip, email, mark, what, stall, scope)
            if allowed:
                self.spool.release(job)
            else:
                self.spool.drop(job)
        except OSError:
            log.exception("could not write to the spool")
            return Outcome(Status.UNAVAILABLE)
        if allowed:
            # At INFO like "rate limit reached" in _may_confirm: one log line either way,
            # so a limited answer takes as long as a sent one.
            log.info("%s queued for %s", what, self.key("address", email)[:16])
        return OK

    def _may_confirm(
        self,
        ip: str,
        email: str,
        mark: str,
        purpose: str,
        stall: tuple[str, int] | None = None,
        scope: Scope | None = None,
    ) -> bool:
        """The three limits on mail to a visitor's address, counted in one store
        transaction, each in its scope's own counters (join, leave and each action apart:
        asking to leave or signing a petition never uses up a day's join mail, nor the
        list's hourly cap). A check after one that said no is done on a decoy key, so a
        limited answer costs the same store work as a sent one."""
        if scope is None:
            scope = self.join_scope if purpose == "confirmation" else self.leave_scope
        ip_check = (f"{scope.prefix}ip", scope.key(client_key(ip)), scope.per_ip, scope.ip_window)
        if stall is not None:
            # The stall's own, higher per-IP limit, counted apart from the network's usual
            # one; the per-address limit and the hourly cap stay as they are.
            stall_key, per_ip = stall
            ip_check = (
                f"{scope.prefix}ip",
                f"{stall_key}:{client_key(ip)}",
                per_ip,
                scope.ip_window,
            )
        checks = (
            ip_check,
            (
                f"{scope.prefix}address",
                scope.key(mailbox_key(email)),
                scope.per_address,
                scope.address_window,
            ),
            (scope.cap_kind, scope.cap_value, scope.cap, 3600),
        )
        keys = [(self.key(kind, value), limit, window) for kind, value, limit, window in checks]
        # Counted per day and limit, for the keeper's daily summary (numbers only).
        day = time.strftime("%Y-%m-%d", time.gmtime())
        turned_away = [refusal_key(self.key, day, kind) for kind, *_ in checks]
        passed = hit_all(self.store, keys, self.key("decoy", "timing"), mark, turned_away)
        if passed == len(checks):
            return True
        kind = checks[passed][0]
        if kind == scope.cap_kind:
            self._cap_reached(scope.cap_name, scope.cap)
        else:
            log.info("rate limit %s reached for %s", kind, keys[passed][0][:16])
        return False

    # --- confirm ---------------------------------------------------------------------

    def check_token(self, token: str) -> Pending | None:
        try:
            pending = self.tokens.read(token)
        except InvalidToken as exc:
            log.info("confirmation link refused: %s", exc)
            return None
        return pending if self.cfg.consent.get(pending.consent_version) else None

    def confirm(self, fields: dict[str, str], visitor: Visitor) -> Outcome:
        check_allowed(fields, {"t"})
        if not self.same_origin(visitor):
            log.info("confirm: cross-origin post, ignored")
            return OK
        pending = self.check_token(fields.get("t", ""))
        if pending is None:
            return Outcome(Status.EXPIRED)
        if not self.within(
            "confirm-ip",
            client_key(visitor.ip),
            self.cfg.limits.per_ip * 4,
            self.cfg.limits.per_ip_window,
        ):
            # Not the usual fake success: this visitor proved they own the address, and
            # "you're on the list" without a hand-off would lose a confirmed sign-up.
            return Outcome(Status.UNAVAILABLE)
        record = messages.consent_record(
            self.cfg,
            pending.email,
            pending.name,
            pending.consent_version,
            pending.requested_at,
            messages.utcnow(),
        )
        # One id per link: a replayed or double-clicked link maps to the same jobs, and the
        # spool ignores ids it has seen, so the list gets each subscriber once.
        jobs = handoff_jobs(self.cfg, record, f"handoff-{pending.link_id}")
        if not self.put_jobs(jobs):
            return Outcome(Status.UNAVAILABLE)
        log.info("hand-off queued for %s", self.key("address", pending.email)[:16])
        return OK

    # --- leave -----------------------------------------------------------------------

    def leave_request(self, fields: dict[str, str], visitor: Visitor) -> Outcome:
        """The site's leave form: mail a leave link to the address (only its owner may
        take it off the list), with the same limits and the same answer whatever happens,
        so the form tells nobody whether an address is on the list."""
        check_allowed(fields, {"email", HONEYPOT})
        if self.looks_automated(fields, visitor, "leave"):
            return OK
        try:
            email = clean_email(fields.get("email", ""))
        except FieldErrors as exc:
            return Outcome(Status.INVALID, exc.errors)
        job = leave_job(f"leave-{uuid.uuid4().hex}", email, self.leave_url(email))
        return self.hold_count_queue(job, visitor.ip, email, "leave link")

    def check_leave_token(self, token: str) -> tuple[str, str] | None:
        try:
            return self.tokens.read_leave(token)
        except InvalidToken as exc:
            log.info("leave link refused: %s", exc)
            return None

    def leave(self, fields: dict[str, str], visitor: Visitor) -> Outcome:
        """Act on a leave link: hand the withdrawal to the list's backend and the keeper.
        The link is the proof, so no origin check (RFC 8058 one-click posts come from mail
        providers' servers); each link maps to one job id, so repeats change nothing."""
        check_allowed(fields, {"t", "List-Unsubscribe"})
        found = self.check_leave_token(fields.get("t", ""))
        if found is None:
            return Outcome(Status.EXPIRED)
        email, link_id = found
        one_click = fields.get("List-Unsubscribe") == "One-Click"
        method = (
            "one-click unsubscribe from the email program (RFC 8058)"
            if one_click
            else "leave link in an email, then the leave button"
        )
        record = messages.withdrawal_record(self.cfg, email, method, messages.utcnow())
        if not self.put_jobs(withdrawal_jobs(self.cfg, record, f"withdraw-{link_id}")):
            return Outcome(Status.UNAVAILABLE)
        log.info("withdrawal queued for %s", self.key("address", email)[:16])
        return OK

    # --- contact ---------------------------------------------------------------------

    def contact(self, fields: dict[str, str], visitor: Visitor) -> Outcome:
        check_allowed(fields, {"email", "name", "message", HONEYPOT})
        if self.looks_automated(fields, visitor, "contact"):
            return OK
        errors: dict[str, str] = {}
        values: dict[str, str] = {}
        for name, clean in (
            ("email", clean_email),
            ("name", clean_name),
            ("message", clean_message),
        ):
            try:
                values[name] = clean(fields.get(name, ""))
            except FieldErrors as exc:
                errors.update(exc.errors)
        if errors:
            return Outcome(Status.INVALID, errors)
        limits = self.cfg.limits
        if not (
            self.within("contact-ip", client_key(visitor.ip), limits.per_ip, limits.per_ip_window)
            and self._global_cap("contact messages", limits.contact_per_hour)
        ):
            return OK
        job_id = f"contact-{uuid.uuid4().hex}"
        msg = messages.contact(self.cfg, values["email"], values["name"], values["message"], job_id)
        if not self.put_jobs([mail_job(job_id, "contact", msg, self.cfg.mail_from)]):
            return Outcome(Status.UNAVAILABLE)
        return OK


__all__ = ["BadRequest", "Outcome", "SignupService", "Status", "Visitor"]
