"""handbill_checks keeps every warning and error of a build: errors fail a publish, and the
preview shows them all."""

from __future__ import annotations

import logging

from handbill_checks.checks import BuildLog


def test_errors_are_counted_warnings_kept_and_take_starts_again() -> None:
    kept = BuildLog()
    logger = logging.getLogger("handbill_checks.test_build_log")
    logger.addHandler(kept)
    try:
        logger.info("not a problem")
        logger.warning("posts/a.md:3: Tags: an empty tag")
        logger.error("events/b.yaml:2: start: not a date")
        logger.critical("The build stopped")
    finally:
        logger.removeHandler(kept)
    assert kept.count == 2
    taken = kept.take()
    assert [r.getMessage() for r in taken] == [
        "posts/a.md:3: Tags: an empty tag",
        "events/b.yaml:2: start: not a date",
        "The build stopped",
    ]
    assert kept.count == 0 and kept.take() == []
