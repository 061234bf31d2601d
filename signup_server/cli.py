"""`handbill-signup`: run the server, the spool worker, and look after the spool.

handbill-signup serve --config signup.toml [--bind 127.0.0.1:8081] [--workers 4] [--threads 4]
handbill-signup worker --config signup.toml          # delivers the spool, runs forever
handbill-signup spool show --config signup.toml      # what is waiting, and why
handbill-signup spool drain --config signup.toml     # try everything now, once
handbill-signup check --config signup.toml           # read the config and say if it's fine
handbill-signup actions export SLUG --config signup.toml [--out F]  # a petition's signatures
handbill-signup actions sweep --config signup.toml [--now ISO]      # pledge outcomes, erasure
handbill-signup actions record|erase SLUG --config signup.toml < address  # one signer's data
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from .config import Config, ConfigError, load_config
from .priority import lower_priority
from .spool import Spool
from .store import SQLiteStore
from .worker import Worker

log = logging.getLogger(__name__)


def say(text: str) -> None:
    sys.stdout.write(text + "\n")


def close_after_unread_body(max_body: int):
    """A gunicorn `pre_request` hook: a request whose body the app may leave unread (too
    large for `max_body`, or chunked, which no browser sends for a form) gets its connection
    closed after the answer, and the answer says `Connection: close`. Else gunicorn answers
    "keep-alive", then reads the rest of the body as if it were the next request and drops
    the connection mid-way (or first swallows megabytes). `req.force_close()` is gunicorn's
    own switch for this (see docs/architecture.md; test_abuse pins it)."""

    def hook(worker, req) -> None:
        for name, value in req.headers:
            too_long = name == "CONTENT-LENGTH" and (not value.isdigit() or int(value) > max_body)
            if too_long or name == "TRANSFER-ENCODING":
                req.force_close()
                return

    return hook


def _serve(cfg: Config, args: argparse.Namespace) -> int:
    from gunicorn.app.base import BaseApplication

    from .app import create_app

    class Server(BaseApplication):
        def load_config(self) -> None:
            self.cfg.set("bind", [args.bind])
            self.cfg.set("workers", args.workers)
            # Threads, so a worker waiting on the spool's fsyncs or the SQLite lock serves
            # the next request meanwhile (and concurrent fsyncs share a journal commit);
            # gthread also keeps browsers' connections alive, which sync workers cannot.
            self.cfg.set("worker_class", "gthread")
            self.cfg.set("threads", args.threads)
            self.cfg.set("timeout", 30)
            # Access logs would only show encrypted tokens, but also visitors' IPs: off.
            self.cfg.set("accesslog", None)
            self.cfg.set("proc_name", "handbill-signup")
            self.cfg.set("pre_request", close_after_unread_body(cfg.max_body))
            # gunicorn's control socket is one shared path per user: not needed here.
            if "control_socket_disable" in self.cfg.settings:
                self.cfg.set("control_socket_disable", True)

        def load(self):
            return create_app(cfg)

    Server().run()
    return 0


def _worker(cfg: Config, args: argparse.Namespace) -> int:
    # Visitors first: on a busy host the mail waits a moment in the spool, which is what
    # it is for, rather than the web workers waiting for the CPU.
    lowered = lower_priority(args.nice)
    log.info(
        "spool worker started on %s (%s)", cfg.spool_dir, ", ".join(lowered) or "priority as is"
    )
    Worker(cfg, Spool(cfg.spool_dir), store=SQLiteStore(cfg.state_file)).run_forever(args.poll)
    return 0


def _when(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def _show(cfg: Config, args: argparse.Namespace) -> int:
    spool = Spool(cfg.spool_dir)
    counts = spool.counts()
    say(f"spool {cfg.spool_dir}: " + ", ".join(f"{n} {k}" for k, n in counts.items()))
    for folder in ("queue", "active", "failed"):
        for job in spool.jobs(folder):
            # Ids and purposes only: no addresses on the operator's screen or in their logs.
            due = "now" if job.next_at <= time.time() else _when(job.next_at)
            say(
                f"  {folder:7} {job.id[:28]:28} {job.purpose:24} attempts={job.attempts} "
                f"next={due} {job.last_error}"
            )
    return 0


def _drain(cfg: Config, args: argparse.Namespace) -> int:
    spool = Spool(cfg.spool_dir)
    if args.retry_failed:
        for job in spool.jobs("failed"):
            name = f"{job.id}.json"
            (spool.root / "failed" / name).rename(spool.root / "queue" / name)
    worker = Worker(cfg, spool, store=SQLiteStore(cfg.state_file))
    leftovers = worker.recover()
    if any(leftovers.values()):
        say(
            f"after a crash: {leftovers['held_queued']} sign-ups queued, "
            f"{leftovers['requeued']} deliveries put back, {leftovers['removed']} files removed"
        )
    result = worker.run_once(ignore_backoff=True)
    say(
        f"sent {result.sent}, will retry {result.retried}, failed {result.failed}, "
        f"already done {result.skipped}, not tried (mail server down) {result.deferred}"
    )
    worker.tidy()
    return 0 if result.retried == result.failed == result.deferred == 0 else 1


def _stall(cfg: Config, args: argparse.Namespace) -> int:
    """Stall mode: open one for a form and a few hours (a code to give the volunteers at the
    stall, shown once), list the open ones, or close them all."""
    import secrets

    from .store import Keyer

    store = SQLiteStore(cfg.state_file)
    if args.stall_command == "close":
        say(f"closed {store.close_stalls()} stall(s)")
        return 0
    if args.stall_command == "list":
        for form, until, per_ip in store.stalls():
            say(f"  {form}: open until {_when(until)}, {per_ip} sign-ups per network address")
        return 0
    if not 0 < args.hours <= cfg.stall.max_hours:
        sys.stderr.write(f"handbill-signup: --hours must be between 0 and {cfg.stall.max_hours}\n")
        return 2
    form = args.form
    if form != "join":
        from .actions import ActionBook

        slugs = {a.slug for a in ActionBook(cfg.actions_folder, cfg.actions.timezone).all()}
        if form not in slugs:
            names = ", ".join(["join", *sorted(slugs)])
            sys.stderr.write(f"handbill-signup: --form must be one of: {names}\n")
            return 2
        form = f"action:{form}"
    window = cfg.limits.per_ip_window if form == "join" else cfg.actions.per_ip_window
    code = secrets.token_hex(5)
    until = time.time() + args.hours * 3600
    per_ip = args.per_ip or cfg.stall.per_ip
    store.open_stall(Keyer(cfg.secret_keys[-1])("stall", code), form, until, per_ip)
    say(
        f"stall open for the {args.form} form until {_when(until)}: up to {per_ip} sign-ups "
        f"per {window // 60} minutes from one network address.\n"
        f"Stall code (give it to the volunteers; never print it on a poster): {code}"
    )
    return 0


def _actions(cfg: Config, args: argparse.Namespace) -> int:
    """A petition's export to hand in, or the sweep (what cron or the worker runs)."""
    from .actions import ActionService, UnknownAction, write_private
    from .service import SignupService

    actions = ActionService(
        cfg, SignupService(cfg, SQLiteStore(cfg.state_file), Spool(cfg.spool_dir))
    )
    if args.actions_command in ("record", "erase"):
        return _record(actions, args.slug, erase=args.actions_command == "erase")
    if args.actions_command == "export":
        try:
            text = actions.export(args.slug)
        except UnknownAction as exc:
            sys.stderr.write(f"handbill-signup: no petition {exc} in {cfg.actions_folder}\n")
            return 2
        if args.out:
            write_private(args.out, text)
            say(f"wrote {args.out} (readable by you only)")
        else:
            sys.stdout.write(text)
        return 0
    now = None
    if args.now:
        try:
            now = datetime.fromisoformat(args.now)
        except ValueError:
            sys.stderr.write("handbill-signup: --now must be an ISO date and time\n")
            return 2
        now = now if now.tzinfo else now.replace(tzinfo=UTC)
    r = actions.sweep(now)
    say(
        f"pledges decided {r.decided}, outcome mails queued {r.mailed}, addresses erased "
        f"{r.addresses_erased}, signatures erased {r.signatures_erased}"
    )
    return 0


def _record(actions, slug: str, erase: bool = False) -> int:
    """A person asks what we hold (a subject access request) or to be erased: their
    signature's record, found by the keyed hash of the address read from standard input
    (never a command-line argument: it would stay in the shell's history)."""
    import json

    from .validate import FieldErrors, clean_email

    try:
        email = clean_email(sys.stdin.readline().strip())
    except FieldErrors:
        sys.stderr.write("handbill-signup: give one email address on standard input\n")
        return 2
    signer = actions.signer(slug, email)
    found = [s for s in actions.signatures.signatures(slug) if s.signer == signer]
    if not found:
        say(f"no signature of {slug} for that address (never signed, withdrawn, or erased)")
        return 1
    sig = found[0]
    if erase:
        actions.signatures.remove(slug, signer, actions.write_counts)
        say(f"erased the signature of {slug} for that address; the count went down by one")
        return 0
    shown = {"name": sig.name, "district": sig.district, "option": sig.option, **sig.record}
    say(json.dumps({k: v for k, v in shown.items() if v not in ("", 0)}, indent=2))
    say(
        f"To erase it: the withdrawal link, or `handbill-signup actions erase {slug}` with "
        "the same address on standard input."
    )
    return 0


def _check(cfg: Config, args: argparse.Namespace) -> int:
    from .actions import ActionBook

    say(f"OK: {cfg.group_name}, list backend {cfg.list.backend}, server at {cfg.public_url}")
    book = ActionBook(cfg.actions_folder, cfg.actions.timezone)
    if book.problems:  # the build's own lines: file:line: field: what — fix
        sys.stderr.write("\n".join(book.problems) + "\n")
        return 2
    actions = book.all()
    if actions:
        names = ", ".join(f"{a.slug} ({a.kind})" for a in sorted(actions, key=lambda a: a.slug))
        say(f"actions taking signatures: {names}; counts file {cfg.counts_file}")
    return 0


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="handbill-signup",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("-v", "--verbose", action="store_true")
    sub = p.add_subparsers(dest="command", required=True)

    def command(name: str, func, help: str) -> argparse.ArgumentParser:
        cp = sub.add_parser(name, help=help)
        cp.add_argument("--config", "-c", required=True, help="path to signup.toml")
        cp.set_defaults(func=func)
        return cp

    serve = command("serve", _serve, "run the web server (gunicorn)")
    serve.add_argument("--bind", default="127.0.0.1:8081")
    serve.add_argument("--workers", type=int, default=4, help="processes: one per core")
    serve.add_argument("--threads", type=int, default=4, help="threads per worker")
    worker = command("worker", _worker, "deliver the spool, forever")
    worker.add_argument("--poll", type=float, default=2.0, help="seconds between looks")
    worker.add_argument(
        "--nice",
        type=int,
        default=10,
        help="CPU priority below the web server: nice, SCHED_IDLE (0: same as the server)",
    )
    command("check", _check, "check the configuration")
    stall = sub.add_parser("stall", help="stall mode: many sign-ups from one network address")
    stall_sub = stall.add_subparsers(dest="stall_command", required=True)
    for name, text in (
        ("open", "open a stall for a few hours; prints its code"),
        ("list", "the open stalls"),
        ("close", "close every stall now"),
    ):
        sp = stall_sub.add_parser(name, help=text)
        sp.add_argument("--config", "-c", required=True)
        sp.set_defaults(func=_stall)
        if name == "open":
            sp.add_argument(
                "--form",
                default="join",
                help="join, or the name of an action (a pledge, petition or poll's file name)",
            )
            sp.add_argument("--hours", type=float, required=True, help="how long it stays open")
            sp.add_argument("--per-ip", type=int, default=0, help="default: [stall] per_ip")
    actions = sub.add_parser("actions", help="campaign actions: export, sweep")
    actions_sub = actions.add_subparsers(dest="actions_command", required=True)
    export = actions_sub.add_parser("export", help="a petition's confirmed signatures as CSV")
    export.add_argument("slug", help="the petition's file name without .md")
    export.add_argument("--out", type=Path, help="write to this file (0600), not the screen")
    sweep = actions_sub.add_parser("sweep", help="pledge outcomes due, and erasure; for cron")
    sweep.add_argument("--now", help="act as if it were this time (ISO), for tests")
    record = actions_sub.add_parser(
        "record", help="one signer's record (address on standard input): for their requests"
    )
    record.add_argument("slug")
    erase = actions_sub.add_parser(
        "erase", help="erase one signer's signature (address on standard input)"
    )
    erase.add_argument("slug")
    for sp in (export, sweep, record, erase):
        sp.add_argument("--config", "-c", required=True)
        sp.set_defaults(func=_actions)
    spool = sub.add_parser("spool", help="show or drain the mail spool")
    spool_sub = spool.add_subparsers(dest="spool_command", required=True)
    for name, func, text in (
        ("show", _show, "list waiting and failed jobs"),
        ("drain", _drain, "try every waiting job now, once"),
    ):
        sp = spool_sub.add_parser(name, help=text)
        sp.add_argument("--config", "-c", required=True)
        sp.set_defaults(func=func)
        if name == "drain":
            sp.add_argument(
                "--retry-failed", action="store_true", help="also retry jobs that gave up"
            )
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    try:
        cfg = load_config(args.config)
    except ConfigError as exc:  # every mistake, one line each: `file: key: what — fix`
        sys.stderr.write(f"{exc}\n")
        return 2
    return args.func(cfg, args)


if __name__ == "__main__":
    sys.exit(main())
