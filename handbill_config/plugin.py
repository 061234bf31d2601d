"""A Pelican plugin's settings dict (`HANDBILL_CHECKS`, ...), checked once at start.

This module does not import Pelican: the sign-up server imports this package too.
"""

from __future__ import annotations

import ast
import logging
import sys
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from .errors import ConfigError, problems

M = TypeVar("M", bound=BaseModel)


def plugin_settings(pelican_settings: dict[str, Any], name: str, model: type[M]) -> M:
    """`pelican_settings[name]` (absent: `{}`) checked against `model`.

    Raises ConfigError naming the settings file and every mistake in the dict, e.g.
    `publishconf.py: HANDBILL_CHECKS.fail_on_eror: unknown setting — did you mean
    "fail_on_error"?`. Pelican then stops before building anything, with exit status 1;
    `_quiet_tracebacks` keeps its log to that message (no Python traceback)."""
    given = pelican_settings.get(name)
    given = {} if given is None else given
    try:
        return model.model_validate(given)
    except ValidationError as exc:
        _quiet_tracebacks()
        source = settings_file(name, given)
        raise ConfigError(problems(exc, model, source, name, python=True)) from None


def settings_file(name: str, value: Any) -> str:
    """The settings file (`pelicanconf.py`, `publishconf.py`) where `name` was written.

    Pelican keeps no record of the file it read, but it loads it as a module named after
    the file, and the dict in the settings is the very object that file made. When several
    loaded files hold it (publishconf.py imports pelicanconf.py), the one that assigns it."""
    holders = []
    for module in list(sys.modules.values()):
        # The module's own namespace: getattr could run a module's lazy __getattr__, and
        # sys.modules may hold None or other objects.
        namespace = getattr(module, "__dict__", None)
        if not isinstance(namespace, dict) or namespace.get(name) is not value:
            continue
        if str(namespace.get("__file__")).endswith(".py"):
            holders.append(module)
    assigning = [module for module in holders if _assigns(Path(module.__file__), name)]
    chosen = (assigning or holders)[-1:]
    return Path(chosen[0].__file__).name if chosen else "settings"


def _assigns(path: Path, name: str) -> bool:
    try:
        tree = ast.parse(path.read_text(encoding="utf-8"))
    except (OSError, SyntaxError, ValueError):
        return False
    for node in tree.body:
        targets = node.targets if isinstance(node, ast.Assign) else []
        if isinstance(node, ast.AnnAssign | ast.AugAssign):
            targets = [node.target]
        if any(isinstance(t, ast.Name) and t.id == name for t in targets):
            return True
    return False


class _ConfigErrorWithoutTraceback(logging.Filter):
    """Pelican logs an exception that stops a build with its traceback and class name; for a
    configuration mistake the volunteer needs only our message. Uses logging's public filter
    hook on Pelican's logger, so nothing of Pelican's own code is touched."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and isinstance(record.exc_info[1], ConfigError):
            record.msg, record.args = "%s", (str(record.exc_info[1]),)
            record.exc_info = None
            record.exc_text = None
        return True


def _quiet_tracebacks() -> None:
    logger = logging.getLogger("pelican")
    if not any(isinstance(f, _ConfigErrorWithoutTraceback) for f in logger.filters):
        logger.addFilter(_ConfigErrorWithoutTraceback())
