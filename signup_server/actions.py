"""Campaign actions on the server: sign, confirm, withdraw, count, sweep, export.

Built from the join form's parts, not beside them (`SignupService`): the same sealed,
expiring links (`tokens.Tokens`), the same scanner-safe confirm (a GET shows a button, the
POST acts), the same crash-safe order (the confirmation mail held on disk, the limits
counted with a mark naming it, then queued: `hold_count_queue`), the same decoys and stall
mode, each action with counters of its own (`Scope`), so signing never uses up the list's
hourly cap or its one mail per address and day.

What an action is (kind, goal, deadline, options) comes from the same files and models the
site is built from (`handbill_config.actions`). Only confirmed signatures are stored
(`signatures.SignatureStore`), one per signer: a keyed hash of the address, so repeated or
unconfirmed submissions can never raise a count.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import logging
import os
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from handbill_config.actions import (
    DEFAULT_ERASE_AFTER_DAYS,
    Action,
    Petition,
    Pledge,
    Poll,
    load_actions,
)

from . import messages
from .config import Config
from .jobs import action_confirmation_job, handoff_jobs, pledge_outcome_job
from .service import HONEYPOT, OK, Outcome, Scope, SignupService, Status, Visitor, client_key
from .signatures import Signature, SignatureStore
from .tokens import InvalidToken, Signing
from .validate import FieldErrors, check_allowed, clean_email, clean_name, mailbox_key

log = logging.getLogger(__name__)
# Seconds between looks at the action files for changes (a new action needs no restart).
RELOAD_EVERY = 5.0
SIGN_FIELDS = {
    "email",
    "name",
    "district",
    "option",
    "keep_informed",
    "consent_version",
    HONEYPOT,
    "stall",
}
MAX_DISTRICT = 8  # "SW1A", "AB10": a postcode's outward part


class UnknownAction(LookupError):
    """No published signing action by that name: the page answers 404."""


class ActionBook:
    """The published signing actions, re-read when their files change (looked at every
    few seconds at most): a volunteer's new petition works once the site is rebuilt,
    without restarting the server. A change with mistakes keeps the last good set."""

    def __init__(self, folder: Path, timezone: str) -> None:
        self.folder, self.timezone = folder, timezone
        self._actions: dict[str, Action] = {}
        self.problems: list[str] = []
        self._seen: tuple = ()
        self._checked = 0.0
        self._reload()

    def _stamp(self) -> tuple:
        try:
            return tuple(
                (p.name, p.stat().st_mtime_ns, p.stat().st_size)
                for p in sorted(self.folder.glob("*.md"))
            )
        except OSError:
            return ()

    def _reload(self) -> None:
        self._checked = time.monotonic()
        stamp = self._stamp()
        if stamp == self._seen and self._actions:
            return
        actions, problems = load_actions(self.folder, self.timezone)
        self.problems = [str(p) for p in problems]
        if problems and self._actions:
            log.warning("action files have %d problem(s): keeping the last good set", len(problems))
            return
        # At start, the good files serve and the others are left out (the site's build
        # refuses to publish them anyway): a volunteer's typo must not take join down.
        for problem in self.problems:
            log.warning("action left out: %s", problem)
        self._seen = stamp
        self._actions = {a.slug: a for a in actions if a.published and a.signing}

    def refresh(self) -> None:
        """Look at the files now, not at the next interval."""
        self._reload()

    def all(self) -> list[Action]:
        if time.monotonic() - self._checked > RELOAD_EVERY:
            self._reload()
        return list(self._actions.values())

    def get(self, slug: str) -> Action:
        if time.monotonic() - self._checked > RELOAD_EVERY:
            self._reload()
        action = self._actions.get(slug)
        if action is None:
            raise UnknownAction(slug)
        return action


@dataclass
class SweepResult:
    decided: int = 0  # pledges whose outcome was decided
    mailed: int = 0  # outcome mails queued
    addresses_erased: int = 0
    signatures_erased: int = 0


def utc(now: datetime | None = None) -> datetime:
    return (now or datetime.now(UTC)).astimezone(UTC)


def iso(now: datetime) -> str:
    return now.astimezone(UTC).replace(microsecond=0).isoformat()


def hour(stamp: str | None) -> str | None:
    """ "Last signed" to the hour, no finer: "2026-11-24T16:00Z"."""
    if not stamp:
        return None
    return datetime.fromisoformat(stamp).astimezone(UTC).strftime("%Y-%m-%dT%H:00Z")


def clean_district(value: str) -> str:
    district = " ".join(value.split()).upper()
    bare = district.replace(" ", "")
    if len(district) > MAX_DISTRICT or not (bare.isascii() and bare.isalnum()):
        raise FieldErrors({"district": "not a postcode district"})  # worded in _validate
    return district


class ActionService:
    def __init__(
        self,
        cfg: Config,
        signup: SignupService,
        signatures: SignatureStore | None = None,
        book: ActionBook | None = None,
    ) -> None:
        self.cfg, self.signup = cfg, signup
        self.signatures = signatures or SignatureStore(cfg.signatures_file)
        self.book = book or ActionBook(cfg.actions_folder, cfg.actions.timezone)
        self.tokens, self.key = signup.tokens, signup.key

    # --- shared ----------------------------------------------------------------------

    def signer(self, slug: str, email: str) -> str:
        """The keyed hash that stands for a signer of one action: the same address gives
        the same hash (one signature per person), another action a different one (the
        signers of two actions cannot be matched), and it reveals no address."""
        return self.key("signer", f"{slug}:{mailbox_key(email)}")

    def scope(self, slug: str) -> Scope:
        a = self.cfg.actions
        return Scope(
            "action-",
            a.per_ip,
            a.per_ip_window,
            a.per_address,
            a.per_address_window,
            a.confirmations_per_hour,
            "action-global",
            slug,
            f"signature confirmations for {slug}",
            within=slug,
        )

    def closed(self, action: Action, now: datetime | None = None) -> bool:
        """No more signing: past its closing time (a pledge's deadline), as the site's
        page says. A pledge that is on keeps taking signatures until its deadline: each
        late signer gets the same one mail at the next sweep."""
        return action.closed(utc(now))

    def _closed_outcome(self) -> Outcome:
        _ = messages.gettext_for(self.cfg)
        return Outcome(Status.INVALID, {"form": _("This action has closed: thank you for coming.")})

    # --- sign ------------------------------------------------------------------------

    def sign(self, slug: str, fields: dict[str, str], visitor: Visitor) -> Outcome:
        action = self.book.get(slug)
        check_allowed(fields, SIGN_FIELDS)
        if self.signup.looks_automated(fields, visitor, "action"):
            return OK
        if self.closed(action):
            return self._closed_outcome()
        signing, errors = self._validate(action, fields)
        if signing is None:
            return Outcome(Status.INVALID, errors)
        link = f"{self.cfg.public_url}/actions/{slug}/confirm?t={self.tokens.make_signing(signing)}"
        job = action_confirmation_job(
            f"action-{uuid.uuid4().hex}",
            signing.email,
            link,
            self.withdraw_url(slug, self.signer(slug, signing.email)),
            action,
            self.cfg.action_url(slug),
        )
        stall = self.signup.open_stall(fields.get("stall", ""), f"action:{slug}")
        return self.signup.hold_count_queue(
            job, visitor.ip, signing.email, "action confirmation", stall, self.scope(slug)
        )

    def withdraw_url(self, slug: str, signer: str) -> str:
        token = self.tokens.make_withdraw(slug, signer)
        return f"{self.cfg.public_url}/actions/{slug}/withdraw?t={token}"

    def _validate(self, action: Action, fields: dict[str, str]) -> tuple[Signing | None, dict]:
        _ = messages.gettext_for(self.cfg)
        errors: dict[str, str] = {}
        values = {"email": "", "name": "", "district": ""}
        for name, clean in (
            ("email", clean_email),
            ("name", clean_name),
            ("district", clean_district),
        ):
            raw = fields.get(name, "")
            if name == "district" and not raw.strip():
                continue
            try:
                values[name] = clean(raw)
            except FieldErrors as exc:
                errors.update(exc.errors)
        if "district" in errors:
            errors["district"] = _("Write the first part of your postcode only, like AB1.")
        # A petition is handed in with names; a pledge's name is optional (the page says so).
        if isinstance(action, Petition) and not values["name"] and "name" not in errors:
            errors["name"] = _("Write your name: it is what we hand in.")
        if isinstance(action, Petition) and action.ask_district and not values["district"]:
            errors.setdefault("district", _("Write the first part of your postcode, like AB1."))
        option = 0
        if isinstance(action, Poll):
            raw = fields.get("option", "")
            option = int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 3 else 0
            if not 1 <= option <= len(action.options):
                errors["option"] = _("Choose one of the answers.")
        if fields.get("consent_version") != action.consent_version:
            errors["consent_version"] = _("The form is out of date: reload the page and try again.")
        if errors:
            return None, errors
        keep = fields.get("keep_informed", "") in ("yes", "on", "1")
        return (
            Signing(
                action.slug,
                values["email"],
                values["name"] if _asks_name(action) else "",
                values["district"] if isinstance(action, Petition) else "",
                option,
                keep,
                action.version,
                messages.utcnow(),
            ),
            {},
        )

    # --- confirm ---------------------------------------------------------------------

    def check_signing(self, slug: str, token: str) -> Signing | None:
        try:
            signing = self.tokens.read_signing(token)
        except InvalidToken as exc:
            log.info("action confirmation link refused: %s", exc)
            return None
        return signing if signing.slug == slug else None

    def confirm(self, slug: str, fields: dict[str, str], visitor: Visitor) -> Outcome:
        action = self.book.get(slug)
        check_allowed(fields, {"t"})
        if not self.signup.same_origin(visitor):
            log.info("action confirm: cross-origin post, ignored")
            return OK
        signing = self.check_signing(slug, fields.get("t", ""))
        if signing is None:
            return Outcome(Status.EXPIRED)
        if self.closed(action):
            return self._closed_outcome()
        if not self.signup.within(
            "action-confirm-ip",
            f"{slug}:{client_key(visitor.ip)}",
            self._confirm_limit(slug),
            self.cfg.actions.per_ip_window,
        ):
            # Not a fake success: this visitor proved they own the address.
            return Outcome(Status.UNAVAILABLE)
        now = messages.utcnow()
        signer = self.signer(slug, signing.email)
        # Queue first, count second (as for join): the list hand-off, if the separate box
        # was ticked, is on disk before the signature counts; a retry after a crash
        # queues nothing twice (one job id per link) and counts once (one row per signer).
        if signing.keep_informed:
            record = messages.consent_record(
                self.cfg,
                signing.email,
                signing.name,
                self.cfg.consent.current.version,
                signing.requested_at,
                now,
            )
            record["method"] = messages.ACTION_JOIN_METHOD
            record["form_url"] = self.cfg.action_url(slug)
            jobs = handoff_jobs(self.cfg, record, f"handoff-{signing.link_id}")
            if not self.signup.put_jobs(jobs):
                return Outcome(Status.UNAVAILABLE)
        signature = Signature(
            slug,
            signer,
            signing.email if isinstance(action, Pledge) else None,
            signing.name,
            signing.district,
            signing.option,
            signing.version,
            now,
            messages.signature_record(self.cfg, action, signing, signer, now),
        )
        try:
            added = self.signatures.add(signature, self.write_counts)
        except OSError:
            log.exception("could not record a signature")
            return Outcome(Status.UNAVAILABLE)
        log.info("%s signature %s for %s", slug, "counted" if added else "repeated", signer[:16])
        return OK

    def _confirm_limit(self, slug: str) -> int:
        """Confirmations per network address and window: four times the signing limit,
        or the open stall's, since people at a stall confirm on their phones on the same
        wi-fi (a stall's own 100 signatures must not be turned away at the last step)."""
        per_ip = self.cfg.actions.per_ip
        stalls = getattr(self.signup.store, "stalls", None)
        if stalls is not None:
            for form, _, stall_per_ip in stalls():
                if form == f"action:{slug}":
                    per_ip = max(per_ip, stall_per_ip)
        return per_ip * 4

    # --- withdraw --------------------------------------------------------------------

    def check_withdraw(self, slug: str, token: str) -> str | None:
        """The signer a withdrawal link stands for, if it is one and still has something
        to withdraw (the link works until the signature is erased)."""
        try:
            found, signer, _ = self.tokens.read_withdraw(token)
        except InvalidToken as exc:
            log.info("withdrawal link refused: %s", exc)
            return None
        return signer if found == slug else None

    def withdraw(self, slug: str, fields: dict[str, str], visitor: Visitor) -> Outcome:
        """Take a signature off: the link is the proof (as for leave, no origin check:
        RFC 8058 one-click posts come from mail providers' servers)."""
        self.book.get(slug)
        check_allowed(fields, {"t", "List-Unsubscribe"})
        signer = self.check_withdraw(slug, fields.get("t", ""))
        if signer is None:
            return Outcome(Status.EXPIRED)
        try:
            removed = self.signatures.remove(slug, signer, self.write_counts)
        except OSError:
            log.exception("could not withdraw a signature")
            return Outcome(Status.UNAVAILABLE)
        log.info("%s signature %s for %s", slug, "withdrawn" if removed else "gone", signer[:16])
        return OK

    # --- counting --------------------------------------------------------------------

    def count(self, action: Action, now: datetime | None = None) -> dict:
        """count.json's body: confirmed signatures only, "last signed" to the hour."""
        tally = self.signatures.tally(action.slug)
        results = None
        if isinstance(action, Poll) and action.results_public(utc(now)):
            results = {o: tally.options.get(i, 0) for i, o in enumerate(action.options, 1)}
        return {
            "count": tally.count,
            "goal": action.goal_count,
            "last_signed": hour(tally.last_signed),
            "closed": self.closed(action, now),
            "results": results,
        }

    def counts(self, now: datetime | None = None) -> dict[str, dict]:
        return {a.slug: self.count(a, now) for a in sorted(self.book.all(), key=lambda a: a.slug)}

    def write_counts(self) -> None:
        """Rewrite the counts file for the site's build, atomically (a build never reads
        half a file). Called inside the signatures' write transaction, so two processes
        cannot write their views out of order. Public numbers only, so readable by all:
        the site's build may run as another user."""
        path = self.cfg.counts_file
        data = json.dumps(self.counts(), indent=1, sort_keys=True).encode("utf-8") + b"\n"
        tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
            try:
                os.write(fd, data)
                os.fsync(fd)
            finally:
                os.close(fd)
            os.replace(tmp, path)
        except OSError as exc:
            # The signature counts all the same (count.json is right); only the next
            # build's baked number lags. The operator must hear of it, visitors not.
            log.error("could not write the counts file %s: %s", path, exc.strerror or exc)
            with contextlib.suppress(OSError):
                tmp.unlink()

    # --- sweep: outcomes and retention ------------------------------------------------

    def sweep(self, now: datetime | None = None) -> SweepResult:
        """What is due at `now`: pledges decided (threshold reached, or deadline passed)
        get one outcome mail per confirmed signer, then their addresses are erased;
        signatures past their retention are erased. Run by the worker's periodic pass and
        by `handbill-signup actions sweep` (cron)."""
        now = utc(now)
        result = SweepResult()
        changed = False
        for action in self.book.all():
            if isinstance(action, Pledge):
                changed |= self._pledge(action, now, result)
            erase_at = self.erase_at(action)
            if erase_at is not None and now >= erase_at:
                n = self.signatures.erase(action.slug, iso(now))
                result.signatures_erased += n
                changed |= bool(n)
        if changed:
            with self.signatures.transaction():
                self.write_counts()
        return result

    def erase_at(self, action: Action) -> datetime | None:
        """When the signatures of `action` are erased: its own rule (petitions, polls), or
        for a pledge a while after its outcome (only keyed hashes are left by then)."""
        if isinstance(action, Pledge):
            outcome = self.signatures.outcome(action.slug)
            if outcome is None:
                return None
            return datetime.fromisoformat(outcome[2]) + timedelta(days=DEFAULT_ERASE_AFTER_DAYS)
        return action.erase_at

    def _pledge(self, action: Pledge, now: datetime, result: SweepResult) -> bool:
        slug = action.slug
        outcome = self.signatures.outcome(slug)
        if outcome is None:
            count = self.signatures.tally(slug).count
            if count >= action.threshold:
                state = "on"
            elif now >= action.deadline:
                state = "off"
            else:
                return False
            self.signatures.decide(slug, state, count, iso(now))
            result.decided += 1
            log.info("pledge %s decided: %s with %d signatures", slug, state, count)
            outcome = self.signatures.outcome(slug)
        state, _, _, mailed_at = outcome
        count = self.signatures.tally(slug).count
        # Each mail is queued durably before its address is erased; a crash in between
        # queues nothing twice (one job id per signer), so everyone gets exactly one. A
        # signature confirmed while the outcome was being decided is caught next time.
        signers = self.signatures.with_address(slug)
        for signer, email in signers:
            job = pledge_outcome_job(
                f"outcome-{slug}-{signer.split(':')[-1]}",
                email,
                action,
                state,
                count,
                self.cfg.action_url(slug),
                self.withdraw_url(slug, signer),
            )
            self.signup.spool.put(job)
            result.mailed += 1
        result.addresses_erased += self.signatures.forget_addresses(
            slug, [s for s, _ in signers], iso(now)
        )
        if mailed_at is None:
            self.signatures.mailed(slug, iso(now))
        return mailed_at is None or bool(signers)

    # --- export ------------------------------------------------------------------------

    def export(self, slug: str, now: datetime | None = None) -> str:
        """A petition's confirmed signatures as CSV, to hand in: name, district, confirmed
        time, wording version; the lines above the table say when they will be erased."""
        action = self.book.get(slug)
        if not isinstance(action, Petition):
            raise UnknownAction(f"{slug} is a {action.kind}: only petitions are exported")
        rows = self.signatures.signatures(slug)
        erase = action.erase_at
        when = (
            f"These signatures will be erased on {erase.astimezone(UTC):%Y-%m-%d %H:%M} UTC "
            f"({action.erase_after_days} days after the petition closes)."
            if erase
            else f"These signatures will be erased {action.erase_after_days} days after the "
            f"petition closes (it has no closing date yet)."
        )
        out = io.StringIO()
        out.write(f"# {action.title}: petition to {action.target}\n")
        out.write(f"# {len(rows)} confirmed signatures, exported {iso(utc(now))}.\n")
        out.write(f"# {when} Keep copies no longer.\n")
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["name", "district", "confirmed_at", "wording_version"])
        for sig in rows:
            writer.writerow([_cell(sig.name), _cell(sig.district), sig.confirmed_at, sig.version])
        return out.getvalue()


def _asks_name(action: Action) -> bool:
    return isinstance(action, Petition) or (isinstance(action, Pledge) and action.ask_name)


def _cell(value: str) -> str:
    """A spreadsheet runs a cell that starts with = + - @ as a formula: a signer's name
    must never run in the organiser's spreadsheet."""
    return f"'{value}" if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def write_private(path: Path, text: str) -> None:
    """An export holds names: only its owner may read it."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(text)
    os.chmod(path, 0o600)


__all__ = ["ActionBook", "ActionService", "SweepResult", "UnknownAction"]
