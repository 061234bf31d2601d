"""events.js hides events that ended since the build (checked in Node with a stub DOM)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from .conftest import ROOT

SCRIPT = ROOT / "theme/static/js/events.js"

# A stub DOM just big enough for events.js: two upcoming items (one already over) and the
# hidden "No upcoming events" paragraph; then a list whose items are all over.
HARNESS = """
const fs = require("fs");
function item(end) { return {attrs: {"data-event-end": end}, hidden: false,
  getAttribute(n) { return this.attrs[n]; }}; }
function list(items) {
  const empty = {hidden: true};
  return {items, empty, hidden: false, parentNode: {querySelector: () => empty},
    querySelector() { return this.items.find((i) => !i.hidden) || null; }};
}
const past = item("2000-01-01T10:00:00+00:00"), future = item("2999-01-01T10:00:00+00:00");
const mixed = list([past, future]);
const gone = list([item("2001-01-01T10:00:00+00:00")]);
global.navigator = {};
global.document = {readyState: "complete",
  querySelectorAll(sel) {
    if (sel === "[data-event-end]") return [...mixed.items, ...gone.items];
    if (sel === "[data-events-list]") return [mixed, gone];
    return [];
  },
  getElementById() { return null; }};
eval(fs.readFileSync(process.argv[2], "utf8"));
console.log(JSON.stringify({past: past.hidden, future: future.hidden,
  mixedList: mixed.hidden, mixedEmpty: mixed.empty.hidden,
  goneList: gone.hidden, goneEmpty: gone.empty.hidden}));
"""


@pytest.mark.skipif(shutil.which("node") is None, reason="Node.js is not installed")
def test_script_hides_ended_events_and_shows_the_empty_message(tmp_path: Path) -> None:
    harness = tmp_path / "harness.js"
    harness.write_text(HARNESS)
    run = subprocess.run(
        ["node", str(harness), str(SCRIPT)], capture_output=True, text=True, check=True, timeout=30
    )
    assert json.loads(run.stdout) == {
        "past": True,
        "future": False,
        "mixedList": False,
        "mixedEmpty": True,
        "goneList": True,
        "goneEmpty": False,
    }


def test_script_is_small_and_self_contained() -> None:
    text = SCRIPT.read_text()
    assert len(text) < 3000
    assert "http" not in text  # no requests anywhere
