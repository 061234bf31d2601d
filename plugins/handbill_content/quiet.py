"""Pelican's own warnings that this plugin reports better, left out while it is on.

Each is matched by the start of Pelican's message template (`record.msg`, before its
arguments are filled in), so a reworded message in a new Pelican shows again rather than
vanishing; `tests/content/test_quiet.py` notices that.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

# logger name -> starts of message templates, with what says it better instead
REPORTED_BETTER = {
    # two details on one line or an indented line: frontmatter.py names the line
    "pelican.readers": (
        "Duplicate definition of `%s` for %s",
        # a picture without alt text: pictures.py names the line
        "Empty alt attribute for image %s in %s",
    ),
    # two files with one address: site.py names both and the fix
    "pelican.utils": ('There are %s items "%s" with lang %s', "There are %s original"),
    # a link to a missing file: handbill_checks names the line and the nearest file
    "pelican.contents": ("Unable to find '%s', skipping url replacement",),
    "pelican.cache": ("Cannot get modification stamp for %s",),
}


class ReportedBetter(logging.Filter):
    """Drops the records REPORTED_BETTER names while `active()` says a build uses the plugin."""

    def __init__(self, starts: tuple[str, ...], active: Callable[[], bool]) -> None:
        super().__init__()
        self.starts = starts
        self.active = active

    def filter(self, record: logging.LogRecord) -> bool:
        return not (
            isinstance(record.msg, str) and record.msg.startswith(self.starts) and self.active()
        )


def install(active: Callable[[], bool]) -> None:
    """Once per process: the filters stay, and pass everything when no build uses the plugin."""
    for name, starts in REPORTED_BETTER.items():
        logger = logging.getLogger(name)
        if not any(isinstance(f, ReportedBetter) for f in logger.filters):
            logger.addFilter(ReportedBetter(starts, active))
