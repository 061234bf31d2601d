"""Pelican's warnings that handbill_content replaces: still Pelican's words (so the filter
matches), dropped while a build uses the plugin, and passed on when none does."""

from __future__ import annotations

import inspect
import logging

import pelican.cache
import pelican.contents
import pelican.readers
import pelican.utils
import pytest

from handbill_content import quiet

MODULES = {
    "pelican.readers": pelican.readers,
    "pelican.utils": pelican.utils,
    "pelican.contents": pelican.contents,
    "pelican.cache": pelican.cache,
}


@pytest.mark.parametrize("name", sorted(quiet.REPORTED_BETTER))
def test_pelican_still_says_these_words(name: str) -> None:
    # A Pelican that rewords one of them would show it again: this says which to update.
    source = inspect.getsource(MODULES[name])
    for start in quiet.REPORTED_BETTER[name]:
        assert start.split("%s")[0] in source, f"{name} no longer logs {start!r}"


def test_the_filter_drops_only_while_the_plugin_is_in_use() -> None:
    in_use = [True]
    keep = quiet.ReportedBetter(quiet.REPORTED_BETTER["pelican.cache"], lambda: in_use[0])
    record = logging.LogRecord(
        "pelican.cache",
        logging.WARNING,
        "",
        0,
        "Cannot get modification stamp for %s",
        ("x",),
        None,
    )
    other = logging.LogRecord("pelican.cache", logging.WARNING, "", 0, "Something else", (), None)
    assert not keep.filter(record) and keep.filter(other)
    in_use[0] = False
    assert keep.filter(record)
