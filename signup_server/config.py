"""The server's configuration: `signup.toml` (read by `handbill_config`, the one parser the
site uses too) plus what only the server needs: secrets from the environment, paths resolved,
the delivery backend chosen, and the checks a running server depends on.

Nothing secret is read from the TOML file, so it can be kept in git next to the site.
See `signup.example.toml` at the top of the repository for every setting explained.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from handbill_config import ConfigError, SignupConfig, load_signup_config
from handbill_config.consent import Consent
from handbill_config.model import StrictModel
from handbill_config.signup import Actions, Limits, MailingList, Pages, Smtp, Stall
from handbill_i18n import translations

from .backends import Backend, backend_for
from .validate import FieldErrors, clean_email, header_safe

LOOPBACK = ("127.0.0.1", "::1", "localhost")

__all__ = ["Config", "ConfigError", "load_config"]


@dataclass(frozen=True)
class Config:
    """Everything the server runs with. No defaults here: they are signup.toml's
    (`handbill_config.signup`), the same the site uses."""

    group_name: str
    mail_from: str
    public_url: str  # where visitors reach this server, e.g. https://example.org/signup
    secret_keys: tuple[str, ...]
    consent: Consent
    list: MailingList
    backend: Backend
    contact_inbox: str
    site_url: str
    site_origins: tuple[str, ...]
    pages: Pages
    smtp: Smtp
    smtp_password: str | None
    limits: Limits
    stall: Stall
    spool_dir: Path
    state_file: Path
    token_max_age: int  # seconds
    leave_max_age: int  # seconds a leave link works
    privacy_version: str
    privacy_sha256: str
    max_body: int
    proxy_hops: int
    ask_name: bool
    stylesheets: tuple[str, ...]
    confirm_subject: str
    contact_subject: str
    max_attempts: int
    actions: Actions  # [actions]: limits, page address, time zone
    actions_folder: Path
    counts_file: Path
    signatures_file: Path  # confirmed signatures, next to the rate-limit counters
    language: str = "en-GB"  # pages and mails (handbill_i18n); signup.toml's site.language

    @property
    def path_prefix(self) -> str:
        return urlsplit(self.public_url).path.rstrip("/")

    def page_url(self, name: str) -> str:
        return self.site_url.rstrip("/") + getattr(self.pages, name)

    def action_url(self, slug: str) -> str:
        """An action's page on the site."""
        return self.site_url.rstrip("/") + self.actions.page.replace("{slug}", slug)


def load_config(path: str | Path, env: Mapping[str, str] | None = None) -> Config:
    """Read `signup.toml`; relative paths in it are relative to the file's folder. Raises
    ConfigError listing every mistake, the file's and the environment's."""
    file = load_signup_config(path)
    return config_from_file(file, env, base=Path(path).resolve().parent)


def config_from_file(
    file: SignupConfig, env: Mapping[str, str] | None = None, base: Path | None = None
) -> Config:
    env = dict(os.environ if env is None else env)
    base = base or Path.cwd()
    backend, problems = backend_for(file, env)
    problems = [*required(file), *problems]
    keys, key_problems = signing_keys(env, file.server.secret_keys_env)
    problems += key_problems
    contact_inbox = file.contact.inbox or file.list_.keeper
    problems += header_problems(file, contact_inbox)
    privacy_hash, privacy_problems = privacy_sha256(file, base)
    problems += privacy_problems
    actions_folder = base / file.actions.folder
    if problems:
        raise ConfigError(problems)
    server = file.server
    words = translations(file.site.language).gettext
    return Config(
        group_name=file.site.group_name,
        mail_from=file.mail.from_,
        public_url=server.public_url.rstrip("/"),
        secret_keys=keys,
        consent=file.consent_for(file.site.group_name),
        list=file.list_,
        backend=backend,
        contact_inbox=contact_inbox,
        site_url=file.site.url.rstrip("/"),
        site_origins=tuple(o.rstrip("/") for o in file.site.origins),
        pages=file.site.pages,
        smtp=file.mail.smtp,
        smtp_password=env.get(file.mail.smtp.password_env) or None,
        limits=file.limits,
        stall=file.stall,
        spool_dir=base / server.spool_dir,
        state_file=base / server.state_file,
        token_max_age=int(server.token_max_age_hours * 3600),
        leave_max_age=int(server.leave_link_max_age_days * 86400),
        privacy_version=file.site.privacy_version,
        privacy_sha256=privacy_hash,
        max_body=server.max_body_bytes,
        proxy_hops=server.proxy_hops,
        ask_name=file.form.ask_name,
        stylesheets=tuple(server.stylesheets),
        confirm_subject=in_language(file.mail, "confirm_subject", words),
        contact_subject=in_language(file.contact, "subject", words),
        max_attempts=server.max_attempts,
        actions=file.actions,
        actions_folder=actions_folder,
        counts_file=base / file.actions.counts_file,
        signatures_file=(base / server.state_file).parent / "signatures.sqlite3",
        language=file.site.language,
    )


def in_language(section: StrictModel, key: str, gettext: Callable[[str], str]) -> str:
    """A subject as written in signup.toml; left at its default, in the site's language."""
    value = getattr(section, key)
    default = type(section).model_fields[key].default
    return gettext(value) if value == default else value


def required(file: SignupConfig) -> list[str]:
    """What the site can do without but a running server cannot."""
    problems = []
    if not file.site.group_name:
        problems.append(
            file.problem("site.group_name", "missing — the group's name, shown in every mail")
        )
    if not file.server.public_url.startswith(("https://", "http://")):
        problems.append(
            file.problem(
                "server.public_url",
                'must be the full address — write one such as "https://example.org/signup"',
            )
        )
    if not file.mail.from_:
        problems.append(
            file.problem("mail.from", "missing — the address mail is sent from, on your domain")
        )
    if not file.list_.keeper:
        problems.append(file.problem("list.keeper", "missing — the list keeper's address"))
    smtp = file.mail.smtp
    if smtp.username and smtp.security == "none" and smtp.host not in LOOPBACK:
        # The worker would send the SMTP password across the network in the clear.
        problems.append(
            file.problem(
                "mail.smtp.username",
                'a username needs security = "starttls" or "ssl" — '
                "the password would cross the network in the clear",
            )
        )
    return problems


def privacy_sha256(file: SignupConfig, base: Path) -> tuple[str, list[str]]:
    """The SHA-256 of the privacy notice's source, for the consent record ("" if unset)."""
    if not file.site.privacy_file:
        return "", []
    path = base / file.site.privacy_file
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest(), []
    except OSError as exc:
        reason = exc.strerror or str(exc)
        return "", [
            file.problem(
                "site.privacy_file", f"{path}: {reason} — the privacy notice's file, or unset it"
            )
        ]


def signing_keys(env: Mapping[str, str], name: str) -> tuple[tuple[str, ...], list[str]]:
    # Comma-separated, oldest first: the last key signs, all keys verify (key rotation).
    keys = tuple(k.strip() for k in env.get(name, "").split(",") if k.strip())
    if not keys:
        return keys, [f"environment: {name}: not set — set the signing key in it (32+ characters)"]
    if any(len(k) < 32 for k in keys):
        return keys, [f"environment: {name}: each key must be at least 32 characters long"]
    return keys, []


def header_problems(file: SignupConfig, contact_inbox: str) -> list[str]:
    """Settings that end up in mail headers get the same checks as visitors' values: a
    line break pasted into a subject would otherwise end the header block early."""
    problems = []
    texts = {
        "site.group_name": file.site.group_name,
        "list.name": file.list_.name,
        "mail.confirm_subject": file.mail.confirm_subject,
        "contact.subject": file.contact.subject,
    }
    for name, value in texts.items():
        if not header_safe(value):
            problems.append(
                file.problem(name, 'no line breaks, NUL or "=?" — write it on one line')
            )
    addresses = {
        "mail.from": file.mail.from_,
        "list.keeper": file.list_.keeper,
        "contact.inbox": contact_inbox,
    }
    for name, value in addresses.items():
        try:
            if value:
                clean_email(value)
        except FieldErrors:
            problems.append(
                file.problem(
                    name,
                    f'"{value}" is not a plain email address — write just the address, '
                    "like join@example.org",
                )
            )
    return problems
