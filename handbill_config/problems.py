"""One mistake in one volunteer's file: `file:line: field: what — fix`.

One class for every kind of file (posts and pages, events, actions), so the site and the
sign-up server word and log mistakes the same way. Problems are values, collected and
reported together, never raised: one file's mistakes never stop the others being read.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

# How a problem is logged. An ERROR fails `make publish` (handbill_checks counts them); a
# WARNING is shown and the (cleaned) page is published; a NOTICE says what the build did on
# purpose, such as holding back a post dated in the future.
ERROR, WARNING, NOTICE = "error", "warning", "notice"
LOG_LEVELS = {ERROR: logging.ERROR, WARNING: logging.WARNING, NOTICE: logging.WARNING}


@dataclass(frozen=True)
class Problem:
    """One mistake in one file; `str()` is the line a volunteer sees."""

    file: str
    line: int
    field: str
    message: str
    hint: str = ""
    level: str = ERROR

    def __str__(self) -> str:
        hint = f" — {self.hint}" if self.hint else ""
        return f"{self.file}:{self.line}: {self.field}: {self.message}{hint}"

    def log(self, logger: logging.Logger) -> None:
        logger.log(LOG_LEVELS[self.level], "%s", self)
