"""The scheduled rebuild: pull, build, check, swap, upload; on any failure keep the live
site, exit non-zero and mail the keeper every problem. Also mails when the site is stale."""

from __future__ import annotations

import shlex
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path

from handbill_config import ConfigError

from . import notify, say
from .publish import Outcome, folders_for, publish
from .settings import PublishSettings, load
from .upload import upload
from .versions import SiteFolders, describe

# A stale site is mailed about at most this often (the rebuild's own mail counts).
STALE_MAIL_EVERY = timedelta(hours=20)


def rebuild(settings_file: Path, signup_config: Path | None, pull: bool, now: datetime) -> int:
    problems = git_pull(settings_file.resolve().parent) if pull else []
    try:
        settings, pelican_settings = load(settings_file)
    except ConfigError as exc:  # a broken publishconf.py is a problem to mail too
        settings, pelican_settings = PublishSettings(), {}
        problems.append(str(exc))
    except Exception as exc:  # e.g. a SyntaxError from a half-edited publishconf.py
        settings, pelican_settings = PublishSettings(), {}
        problems.append(f"{settings_file.name}: cannot be read: {type(exc).__name__}: {exc}")
    signup_config = signup_config or signup_config_of(settings_file, pelican_settings)
    try:  # checked first: a mistake in the mail settings must not wait for a failed build
        parties = mail_parties(signup_config)
    except ConfigError as exc:
        parties = None
        say(f"handbill-publish: cannot email the keeper: {exc}", error=True)
    outcome = Outcome()
    if pelican_settings:
        outcome = publish(settings_file, settings, now)
        say(outcome.message)
        problems += outcome.problems
    folders = folders_for(settings_file)
    failed = upload_live(folders, outcome, settings, now)
    problems += [failed] if failed else []
    if not problems:
        return 0 if parties else 2
    message = notify.failure_message(
        **(parties or {"sender": "", "keeper": "", "group": "Handbill"}),
        what_happened=what_happened(outcome, failed, live_site(folders, settings)),
        problems=problems,
        notices=outcome.notices,
        last_success=last_success(folders, settings),
        stale_days=settings.stale_days,
        now=now,
        command=rebuild_command(settings_file),
    )
    if not parties:
        return not_mailed(message)
    code = mail(signup_config, message, exit_code=1)
    if code == 1 and "has not been published for" in message["Subject"]:
        folders.write_state(stale_mailed_at=now.isoformat())
    return code


def upload_live(
    folders: SiteFolders, outcome: Outcome, settings: PublishSettings, now: datetime
) -> str | None:
    """Upload what this run put live; the reason when that failed."""
    if not (outcome.version and settings.upload_to):
        return None
    failed = upload(folders.store / outcome.version, settings.upload_to)
    if not failed:
        folders.write_state(uploaded=outcome.version, uploaded_at=now.isoformat())
        say(f"Uploaded {outcome.version} to {settings.upload_to}.")
    return failed


def what_happened(outcome: Outcome, upload_failed: str | None, live: str) -> str:
    if not outcome.published:
        return f"did not publish the site. Nothing on the web changed: visitors still see {live}."
    if upload_failed:
        return f"built and checked the site but could not upload it: visitors still see {live}."
    return "published the site, but not everything went right."


def check_stale(settings_file: Path, signup_config: Path | None, now: datetime) -> int:
    """Mail the keeper if the site has not been published for `stale_days`; 0 if fresh."""
    settings, pelican_settings = load(settings_file)
    signup_config = signup_config or signup_config_of(settings_file, pelican_settings)
    folders = folders_for(settings_file)
    last = last_success(folders, settings)
    if not notify.is_stale(last, settings.stale_days, now):
        say(f"Fresh: last published {last:%Y-%m-%d %H:%M} UTC.")
        return 0
    told = folders.read_state().get("stale_mailed_at")
    if told and now - datetime.fromisoformat(told) < STALE_MAIL_EVERY:
        say(f"Stale, and the keeper was told at {told}: not mailing again yet.")
        return 1
    message = notify.stale_message(
        **mail_parties(signup_config),
        live=live_site(folders, settings),
        last_success=last,
        stale_days=settings.stale_days,
        now=now,
    )
    say(message["Subject"])
    code = mail(signup_config, message, exit_code=1)
    if code == 1:
        folders.write_state(stale_mailed_at=now.isoformat())
    return code


def git_pull(root: Path) -> list[str]:
    """Take in the volunteers' changes; a pull that fails is mailed, and the site is still
    rebuilt from what is here, so dates stay right."""
    done = subprocess.run(
        ["git", "-C", str(root), "pull", "--ff-only", "--quiet"],
        capture_output=True,
        text=True,
        timeout=600,
    )
    if done.returncode == 0:
        return []
    why = " ".join(done.stderr.split())[:500] or f"exit status {done.returncode}"
    return [f"git pull --ff-only failed, so the site was built without the latest changes: {why}"]


def signup_config_of(settings_file: Path, pelican_settings: dict) -> Path:
    """By default, the signup.toml the site itself reads (HANDBILL_SIGNUP["config"])."""
    name = pelican_settings.get("HANDBILL_SIGNUP", {}).get("config", "signup.toml")
    return settings_file.resolve().parent / name


def mail_parties(signup_config: Path) -> dict[str, str]:
    sender, keeper, group = notify.keeper_address(signup_config)
    return {"sender": sender, "keeper": keeper, "group": group}


def last_success(folders: SiteFolders, settings: PublishSettings) -> datetime | None:
    state = folders.read_state()
    when = state.get("uploaded_at" if settings.upload_to else "published_at")
    return datetime.fromisoformat(when).astimezone(UTC) if when else None


def live_site(folders: SiteFolders, settings: PublishSettings) -> str:
    state = folders.read_state()
    version = state.get("uploaded") if settings.upload_to else folders.current()
    return describe(version) if version else "whatever was there before"


def rebuild_command(settings_file: Path) -> str:
    """This very command, to run again by hand once the problems are fixed."""
    folder = shlex.quote(str(settings_file.resolve().parent))
    return f"cd {folder} && {shlex.join(sys.argv)}"


def mail(signup_config: Path, message: EmailMessage, exit_code: int) -> int:
    try:
        notify.send(signup_config, message)
    except Exception as exc:  # no mail must not hide the problems: they go to the log
        return not_mailed(message, f" ({type(exc).__name__}: {exc})")
    say(f"Emailed {message['To']}: {message['Subject']}")
    return exit_code


def not_mailed(message: EmailMessage, why: str = "") -> int:
    text = f"Subject: {message['Subject']}\n\n{message.get_content()}"
    say(f"Could not email the keeper{why}; the message was:\n{text}", error=True)
    return 2
