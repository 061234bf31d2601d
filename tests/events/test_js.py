"""events.js stays small and self-contained.

What it does in a browser is checked in Chromium: tests/outputs/test_upcoming_freshness.py.
"""

from __future__ import annotations

from .conftest import ROOT

SCRIPT = ROOT / "theme/static/js/events.js"


def test_script_is_small_and_self_contained() -> None:
    text = SCRIPT.read_text()
    assert len(text) < 3000
    assert "http" not in text  # no requests anywhere
