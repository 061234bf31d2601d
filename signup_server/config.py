"""Server configuration: `signup.toml` for settings, the environment for secrets.

Nothing secret is read from the TOML file, so it can be kept in git next to the site.
See `signup.example.toml` at the top of the repository for every setting explained.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from handbill_config.consent import DEFAULT_TEXT, DEFAULT_VERSION, Consent, consent_from_table

from .validate import FieldErrors, clean_email, header_safe

BACKENDS = ("email", "mailman", "listmonk", "webhook")
LOOPBACK = ("127.0.0.1", "::1", "localhost")


class ConfigError(ValueError):
    """The configuration cannot be used; the message says what to fix."""


@dataclass(frozen=True)
class Pages:
    """Paths of the static pages the server redirects to (built by the Pelican plugin)."""

    join_form: str = "/join/"
    contact_form: str = "/contact/"
    privacy: str = "/privacy/"
    check_email: str = "/join/check-your-email/"
    welcome: str = "/join/welcome/"
    expired: str = "/join/expired/"
    try_later: str = "/join/try-later/"
    contact_sent: str = "/contact/sent/"


@dataclass(frozen=True)
class Smtp:
    host: str = "127.0.0.1"
    port: int = 25
    security: str = "starttls"  # "starttls", "ssl" or "none"
    username: str | None = None
    password: str | None = None
    timeout: float = 20.0


@dataclass(frozen=True)
class Limits:
    per_ip: int = 5
    per_ip_window: int = 600
    per_address: int = 1
    per_address_window: int = 86400
    confirmations_per_hour: int = 50
    contact_per_hour: int = 20


@dataclass(frozen=True)
class ListConfig:
    name: str = "our mailing list"
    backend: str = "email"
    keeper: str = ""
    mailman_request_address: str = ""
    listmonk_url: str = ""
    listmonk_lists: tuple[int, ...] = ()
    listmonk_user: str = ""
    listmonk_token: str | None = None
    webhook_url: str = ""
    webhook_secret: str | None = None
    # Mailman and the webhook keep no consent text, so by default the keeper gets a copy.
    record_to_keeper: bool = True


@dataclass(frozen=True)
class Config:
    group_name: str
    mail_from: str
    public_url: str  # where visitors reach this server, e.g. https://example.org/signup
    secret_keys: tuple[str, ...]
    consent: Consent
    list: ListConfig
    contact_inbox: str
    site_url: str = ""
    site_origins: tuple[str, ...] = ()
    pages: Pages = field(default_factory=Pages)
    smtp: Smtp = field(default_factory=Smtp)
    limits: Limits = field(default_factory=Limits)
    spool_dir: Path = Path("spool")
    state_file: Path = Path("state/limits.sqlite3")
    token_max_age: int = 48 * 3600
    max_body: int = 8192
    proxy_hops: int = 0
    ask_name: bool = False
    stylesheets: tuple[str, ...] = ()
    confirm_subject: str = "Please confirm you want to join our mailing list"
    contact_subject: str = "Message from the website contact form"
    max_attempts: int = 40

    @property
    def path_prefix(self) -> str:
        return urlsplit(self.public_url).path.rstrip("/")

    def page_url(self, name: str) -> str:
        return self.site_url.rstrip("/") + getattr(self.pages, name)


KNOWN_KEYS: dict[str, set[str]] = {
    "": {"site", "server", "consent", "form", "mail", "list", "contact", "limits"},
    "site": {"group_name", "url", "origins", "pages"},
    "site.pages": set(Pages.__dataclass_fields__),
    "server": {
        "public_url",
        "spool_dir",
        "state_file",
        "token_max_age_hours",
        "max_body_bytes",
        "proxy_hops",
        "stylesheets",
        "max_attempts",
        "secret_keys_env",
    },
    "consent": {"version", "text", "previous"},
    "form": {"ask_name"},
    "mail": {"from", "confirm_subject", "smtp"},
    "mail.smtp": {"host", "port", "security", "username", "password_env", "timeout"},
    "list": {"name", "backend", "keeper", "record_to_keeper", "mailman", "listmonk", "webhook"},
    "list.mailman": {"request_address"},
    "list.listmonk": {"url", "lists", "username", "token_env"},
    "list.webhook": {"url", "secret_env"},
    "contact": {"inbox", "subject"},
    "limits": set(Limits.__dataclass_fields__),
}


def check_keys(data: dict[str, Any], where: str = "") -> None:
    """A misspelt setting would otherwise be ignored in silence: refuse it, naming it."""
    known = KNOWN_KEYS.get(where)
    if known is None:  # free-form tables, e.g. [consent.previous]
        return
    for key, value in data.items():
        name = f"{where}.{key}" if where else key
        if key not in known:
            raise ConfigError(f"unknown setting {name!r}; see signup.example.toml")
        if isinstance(value, dict):
            check_keys(value, name)


def _secret(env: dict[str, str], name: str | None) -> str | None:
    value = env.get(name or "", "") if name else ""
    return value or None


def _keys(env: dict[str, str], name: str) -> tuple[str, ...]:
    # Comma-separated, oldest first: the last key signs, all keys verify (key rotation).
    keys = tuple(k.strip() for k in env.get(name, "").split(",") if k.strip())
    if not keys:
        raise ConfigError(f"set the signing key in the environment variable {name}")
    if any(len(k) < 32 for k in keys):
        raise ConfigError(f"{name}: each key must be at least 32 characters long")
    return keys


def _list_config(t: dict[str, Any], env: dict[str, str]) -> ListConfig:
    backend = t.get("backend", "email")
    if backend not in BACKENDS:
        raise ConfigError(f"[list] backend must be one of {', '.join(BACKENDS)}, not {backend!r}")
    mailman = t.get("mailman", {})
    listmonk = t.get("listmonk", {})
    webhook = t.get("webhook", {})
    cfg = ListConfig(
        name=t.get("name", ListConfig.name),
        backend=backend,
        keeper=t.get("keeper", ""),
        mailman_request_address=mailman.get("request_address", ""),
        listmonk_url=listmonk.get("url", "").rstrip("/"),
        listmonk_lists=tuple(int(i) for i in listmonk.get("lists", ())),
        listmonk_user=listmonk.get("username", ""),
        listmonk_token=_secret(env, listmonk.get("token_env", "HANDBILL_LISTMONK_TOKEN")),
        webhook_url=webhook.get("url", ""),
        webhook_secret=_secret(env, webhook.get("secret_env", "HANDBILL_WEBHOOK_SECRET")),
        record_to_keeper=bool(t.get("record_to_keeper", True)),
    )
    _check_backend(cfg)
    return cfg


def _check_backend(cfg: ListConfig) -> None:
    if not cfg.keeper:
        raise ConfigError("[list] keeper: the list keeper's address is required")
    if cfg.backend == "mailman" and not cfg.mailman_request_address:
        raise ConfigError("[list.mailman] request_address is required for backend = 'mailman'")
    if cfg.backend == "listmonk" and not (cfg.listmonk_url and cfg.listmonk_lists):
        raise ConfigError("[list.listmonk] url and lists are required for backend = 'listmonk'")
    if cfg.backend == "listmonk" and not cfg.listmonk_token:
        raise ConfigError("backend = 'listmonk' needs the API token in the environment")
    if cfg.backend == "webhook" and not (cfg.webhook_url and cfg.webhook_secret):
        raise ConfigError("backend = 'webhook' needs [list.webhook] url and its secret in the env")


def config_from_dict(
    data: dict[str, Any], env: dict[str, str] | None = None, base: Path | None = None
) -> Config:
    env = dict(os.environ if env is None else env)
    base = base or Path.cwd()
    check_keys(data)
    site, server, mail = data.get("site", {}), data.get("server", {}), data.get("mail", {})
    group = site.get("group_name", "")
    if not group:
        raise ConfigError("[site] group_name is required")
    smtp_t, limits_t = mail.get("smtp", {}), data.get("limits", {})
    smtp = Smtp(
        **{k: v for k, v in smtp_t.items() if k in ("host", "port", "security", "timeout")},
        username=smtp_t.get("username"),
        password=_secret(env, smtp_t.get("password_env", "HANDBILL_SMTP_PASSWORD")),
    )
    if smtp.security not in ("starttls", "ssl", "none"):
        raise ConfigError("[mail.smtp] security must be 'starttls', 'ssl' or 'none'")
    if smtp.username and smtp.security == "none" and smtp.host not in LOOPBACK:
        # The worker would send the SMTP password across the network in the clear.
        raise ConfigError("[mail.smtp] a username needs security = 'starttls' or 'ssl'")
    public_url = server.get("public_url", "")
    if not public_url.startswith(("https://", "http://")):
        raise ConfigError(
            "[server] public_url must be the full address, e.g. https://example.org/signup"
        )
    if not mail.get("from"):
        raise ConfigError("[mail] from: the address mail is sent from is required")
    contact = data.get("contact", {})
    lst = _list_config(data.get("list", {}), env)
    cfg = Config(
        group_name=group,
        mail_from=mail["from"],
        public_url=public_url.rstrip("/"),
        secret_keys=_keys(env, server.get("secret_keys_env", "HANDBILL_SIGNUP_SECRET_KEYS")),
        consent=consent_from_table(
            str(data.get("consent", {}).get("version", DEFAULT_VERSION)),
            str(data.get("consent", {}).get("text", DEFAULT_TEXT)),
            {str(k): str(v) for k, v in data.get("consent", {}).get("previous", {}).items()},
            group,
        ),
        list=lst,
        contact_inbox=contact.get("inbox", lst.keeper),
        site_url=site.get("url", "").rstrip("/"),
        site_origins=tuple(o.rstrip("/") for o in site.get("origins", ())),
        pages=Pages(**site.get("pages", {})),
        smtp=smtp,
        limits=Limits(**limits_t),
        spool_dir=base / server.get("spool_dir", "spool"),
        state_file=base / server.get("state_file", "state/limits.sqlite3"),
        token_max_age=int(server.get("token_max_age_hours", 48) * 3600),
        max_body=int(server.get("max_body_bytes", 8192)),
        proxy_hops=int(server.get("proxy_hops", 0)),
        ask_name=bool(data.get("form", {}).get("ask_name", False)),
        stylesheets=tuple(server.get("stylesheets", ())),
        confirm_subject=mail.get("confirm_subject", Config.confirm_subject),
        contact_subject=contact.get("subject", Config.contact_subject),
        max_attempts=int(server.get("max_attempts", 40)),
    )
    check_mail_values(cfg)
    return cfg


def check_mail_values(cfg: Config) -> None:
    """Settings that end up in mail headers get the same checks as visitors' values: a
    line break pasted into a subject would otherwise end the header block early."""
    texts = {
        "[site] group_name": cfg.group_name,
        "[list] name": cfg.list.name,
        "[mail] confirm_subject": cfg.confirm_subject,
        "[contact] subject": cfg.contact_subject,
    }
    for name, value in texts.items():
        if not header_safe(value):
            raise ConfigError(f"{name}: no line breaks, NUL or '=?' please")
    addresses = {
        "[mail] from": cfg.mail_from,
        "[list] keeper": cfg.list.keeper,
        "[contact] inbox": cfg.contact_inbox,
        "[list.mailman] request_address": cfg.list.mailman_request_address,
    }
    for name, value in addresses.items():
        try:
            if value:
                clean_email(value)
        except FieldErrors:
            raise ConfigError(f"{name}: {value!r} is not a plain email address") from None


def load_config(path: str | Path, env: dict[str, str] | None = None) -> Config:
    """Read `signup.toml`; relative paths in it are relative to the file's folder."""
    path = Path(path)
    try:
        with open(path, "rb") as fh:
            data = tomllib.load(fh)
    except (OSError, ValueError) as exc:
        raise ConfigError(f"{path}: {exc}") from exc
    try:
        return config_from_dict(data, env, base=path.resolve().parent)
    except TypeError as exc:  # an unknown key in [limits] or [site.pages]
        raise ConfigError(f"{path}: {exc}") from exc
