"""handbill-publish: publish the site atomically, rebuild it on a schedule, roll it back.

handbill-publish publish                      # `make publish`: build, check, swap
handbill-publish rebuild --pull --config /etc/handbill-signup/signup.toml
handbill-publish stale --config ...           # mail the keeper if the site is stale
handbill-publish rollback                     # put the previous version back live
handbill-publish status                       # what is live, and since when
"""

from __future__ import annotations

import argparse
import signal
import sys
from datetime import UTC, datetime
from pathlib import Path

from handbill_config import ConfigError

from . import say
from .publish import folders_for, publish
from .rebuild import check_stale, rebuild
from .settings import load
from .upload import upload
from .versions import Busy, describe


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    # `kill` and systemd's stop send SIGTERM: treat it like Ctrl-C, so the build is stopped
    # and the message says the live site is unchanged.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    now = datetime.now(UTC)
    try:
        return args.run(args, now)
    except ConfigError as exc:
        say(f"handbill-publish: {exc}", error=True)
        return 2
    except KeyboardInterrupt:
        return 130


def run_publish(args: argparse.Namespace, now: datetime) -> int:
    settings, _ = load(args.settings)
    outcome = publish(args.settings, settings, now)
    say(outcome.message)
    return 0 if outcome.published else 1


def run_rebuild(args: argparse.Namespace, now: datetime) -> int:
    return rebuild(args.settings, args.config, args.pull, now)


def run_stale(args: argparse.Namespace, now: datetime) -> int:
    return check_stale(args.settings, args.config, now)


def run_rollback(args: argparse.Namespace, now: datetime) -> int:
    settings, _ = load(args.settings)
    folders = folders_for(args.settings)
    try:
        with folders.lock():
            previous = folders.previous()
            if previous is None:
                say("Nothing to roll back to: there is no earlier version in .site/.")
                return 1
            folders.switch_to(previous)
    except Busy:
        say("Not rolled back: a publish is running; try again when it has finished.")
        return 1
    say(f"Rolled back: {folders.output.name}/ now shows {describe(previous)}.")
    if settings.upload_to:
        failed = upload(folders.store / previous, settings.upload_to)
        say(failed or f"Uploaded {previous} to {settings.upload_to}.")
        if failed:
            return 1
        folders.write_state(uploaded=previous, uploaded_at=now.isoformat())
    return 0


def run_status(args: argparse.Namespace, now: datetime) -> int:
    folders = folders_for(args.settings)
    state = folders.read_state()
    current = folders.current()
    say(f"live:     {describe(current) if current else 'no published version'}")
    say(f"previous: {folders.previous() or '-'}")
    say(f"last publish: {state.get('published_at', '-')}")
    say(f"last upload:  {state.get('uploaded_at', '-')} ({state.get('uploaded', '-')})")
    for leftover in folders.unfinished():
        say(f"unfinished build (a publish was stopped): {leftover.name}")
    return 0


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="handbill-publish", description=__doc__.splitlines()[0])
    commands = top.add_subparsers(required=True, metavar="COMMAND")
    settings = argparse.ArgumentParser(add_help=False)
    settings.add_argument(
        "--settings",
        type=Path,
        default=Path("publishconf.py"),
        help="the public site's settings (default: publishconf.py); output/ and .site/ are "
        "next to it",
    )
    mail = argparse.ArgumentParser(add_help=False)
    mail.add_argument(
        "--config",
        type=Path,
        help="signup.toml with [mail.smtp] and [list] keeper (default: HANDBILL_SIGNUP's)",
    )
    for name, run, parents, text in [
        ("publish", run_publish, [settings], "build, check, and swap the site in atomically"),
        (
            "rebuild",
            run_rebuild,
            [settings, mail],
            "publish and upload; mail the keeper on failure",
        ),
        ("stale", run_stale, [settings, mail], "mail the keeper if the site is not fresh"),
        ("rollback", run_rollback, [settings], "put the previous version back live"),
        ("status", run_status, [settings], "say what is live"),
    ]:
        command = commands.add_parser(name, parents=parents, help=text, description=text)
        command.set_defaults(run=run)
        if name == "rebuild":
            command.add_argument(
                "--pull", action="store_true", help="git pull --ff-only first (failure is mailed)"
            )
    return top


if __name__ == "__main__":
    sys.exit(main())
