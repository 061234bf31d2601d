"""Mail the group's keeper when the scheduled rebuild did not publish, or the site is stale.

SMTP settings, the sender and the keeper come from signup.toml, the file the sign-up
server uses (the password from the environment, as there), so a group sets up mail once.
"""

from __future__ import annotations

import os
import smtplib
import ssl
import textwrap
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path

from handbill_config import ConfigError, load_signup_config

LOOPBACK = ("127.0.0.1", "::1", "localhost")


def failure_message(
    *,
    sender: str,
    keeper: str,
    group: str,
    what_happened: str,
    problems: list[str],
    notices: list[str],
    last_success: datetime | None,
    stale_days: int,
    now: datetime,
    command: str,
) -> EmailMessage:
    """The full list of problems, one a line, as the build printed them."""
    count = f"{len(problems)} problem{'s' if len(problems) != 1 else ''}"
    subject = f"{group}: the site was not published ({count})"
    if last_success and is_stale(last_success, stale_days, now):
        subject = f"{group}: the site has not been published for {age_days(last_success, now)} days"
    lines = [
        f"The scheduled rebuild of the {group} website at {now:%Y-%m-%d %H:%M} UTC",
        *textwrap.wrap(what_happened, 78),
        "",
        *staleness_lines(last_success, stale_days, now),
        f"Fix the {count} below (each says: file:line: what is wrong — what would be right),",
        "commit the change, and the next rebuild publishes the site. To try it at once:",
        f"    {command}",
        "",
        f"{count.capitalize()}:",
        *map(item, problems),
    ]
    if notices:
        lines += ["", "Also noted (these do not stop the site being published):"]
        lines += map(item, notices)
    return _message(sender, keeper, subject, lines, now)


def stale_message(
    *,
    sender: str,
    keeper: str,
    group: str,
    live: str,
    last_success: datetime | None,
    stale_days: int,
    now: datetime,
) -> EmailMessage:
    """The site has not been published for too long, whatever the reason (the rebuild does
    not run at all, or its mails were missed)."""
    subject = f"{group}: the site has not been published for {age_days(last_success, now)} days"
    if last_success is None:
        subject = f"{group}: the site has never been published successfully"
    lines = [
        *staleness_lines(last_success, stale_days, now),
        f"Visitors see {live}.",
        "Upcoming events and the calendar window are worked out when the site is built, so",
        "an old site soon looks as if the group has stopped meeting.",
        "",
        "Check that the scheduled rebuild runs (systemctl status handbill-rebuild.timer,",
        "or the cron log) and what it printed (journalctl -u handbill-rebuild).",
    ]
    return _message(sender, keeper, subject, lines, now)


def item(text: str) -> str:
    """One problem as a list item; the lines of a longer message indented under it."""
    first, *rest = text.strip().splitlines() or [""]
    return "\n".join([f"  - {first}", *(f"    {line.strip()}" for line in rest)])


def is_stale(last_success: datetime | None, stale_days: int, now: datetime) -> bool:
    return last_success is None or (now - last_success).total_seconds() >= stale_days * 86400


def age_days(last_success: datetime | None, now: datetime) -> int:
    return int((now - last_success).total_seconds() // 86400) if last_success else 0


def staleness_lines(last_success: datetime | None, stale_days: int, now: datetime) -> list[str]:
    if not is_stale(last_success, stale_days, now):
        return []
    if last_success is None:
        return ["No successful publish has been recorded on this server.", ""]
    return [
        f"The site was last published on {last_success:%Y-%m-%d %H:%M} UTC, "
        f"{age_days(last_success, now)} days ago",
        f"(you are told after {stale_days} days).",
        "",
    ]


def _message(sender: str, to: str, subject: str, lines: list[str], now: datetime) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = format_datetime(now)
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    message["Auto-Submitted"] = "auto-generated"
    message.set_content("\n".join(lines) + "\n")
    return message


def keeper_address(signup_config: Path) -> tuple[str, str, str]:
    """(sender, keeper, group name) from signup.toml."""
    cfg = load_signup_config(signup_config)
    where = cfg.source
    if not cfg.list_.keeper:
        raise ConfigError(f"{where}: list.keeper: the keeper's address is needed for the mail")
    if not cfg.mail.from_:
        raise ConfigError(f"{where}: mail.from: the address mail is sent from is needed")
    return cfg.mail.from_, cfg.list_.keeper, cfg.site.group_name


def send(signup_config: Path, message: EmailMessage) -> None:
    """Send one message with the sign-up server's SMTP settings; the password, as for the
    server, from the environment variable named by [mail.smtp] password_env."""
    smtp = load_signup_config(signup_config).mail.smtp
    password = os.environ.get(smtp.password_env)
    if smtp.username and not password:
        raise ConfigError(
            f"{signup_config}: mail.smtp.username is set, but the environment has no "
            f"{smtp.password_env} (the SMTP password)"
        )
    if password and smtp.security == "none" and smtp.host not in LOOPBACK:
        raise ConfigError(  # the sign-up server refuses this too
            f"{signup_config}: mail.smtp: a login needs security = 'starttls' or 'ssl', "
            "or the password would cross the network in the clear"
        )
    if smtp.security == "ssl":
        context = ssl.create_default_context()
        conn: smtplib.SMTP = smtplib.SMTP_SSL(
            smtp.host, smtp.port, timeout=smtp.timeout, context=context
        )
    else:
        conn = smtplib.SMTP(smtp.host, smtp.port, timeout=smtp.timeout)
    with conn:
        if smtp.security == "starttls":
            conn.starttls(context=ssl.create_default_context())
        if smtp.username and password:
            conn.login(smtp.username, password)
        conn.send_message(message)
