"""Stand-in for the parts of handbill_config this package uses, until it lands on main.

Same names and behaviour as the agreed API (StrictModel, ConfigError, plugin_settings,
load_signup_config): when handbill_config is merged, imports switch to it and this module
is deleted. load_signup_config here reads only what the keeper's mail needs, through the
sign-up server's own key check, so there is still one schema for signup.toml.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import pydantic

from handbill_signup.server.config import ConfigError as SignupConfigError, Smtp, check_keys


class ConfigError(Exception):
    """str() is the message for the operator."""


class StrictModel(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid", strict=True, frozen=True)


M = TypeVar("M", bound=StrictModel)


def plugin_settings(settings: dict[str, Any], name: str, model: type[M]) -> M:
    where = "publishconf.py"
    try:
        return model.model_validate(settings.get(name, {}))
    except pydantic.ValidationError as exc:
        lines = []
        for error in exc.errors():
            field = ".".join(str(part) for part in error["loc"])
            lines.append(f"{where}: {name}.{field}: {error['msg']}")
        raise ConfigError("\n".join(lines)) from None


@dataclass(frozen=True)
class SignupMail:
    group_name: str
    mail_from: str
    keeper: str
    smtp: Smtp


def load_signup_config(path: str | Path) -> SignupMail:
    path = Path(path)
    try:
        with open(path, "rb") as handle:
            data = tomllib.load(handle)
        check_keys(data)
    except (OSError, ValueError, SignupConfigError) as exc:
        raise ConfigError(f"{path}: {exc}") from exc
    mail, smtp = data.get("mail", {}), data.get("mail", {}).get("smtp", {})
    password_env = smtp.get("password_env", "HANDBILL_SMTP_PASSWORD")
    return SignupMail(
        group_name=data.get("site", {}).get("group_name", ""),
        mail_from=mail.get("from", ""),
        keeper=data.get("list", {}).get("keeper", ""),
        smtp=Smtp(
            **{k: v for k, v in smtp.items() if k in ("host", "port", "security", "timeout")},
            username=smtp.get("username"),
            password=os.environ.get(password_env) or None,
        ),
    )
