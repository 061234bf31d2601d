"""present.py: links and JSON-LD for templates."""

from __future__ import annotations

import json
from pathlib import Path

from handbill_events.present import add_links, json_ld

from .test_model import SETTINGS, event_from


def test_add_links_for_all_day_events(tmp_path: Path) -> None:
    event = event_from("title: Fest\nstart: 2026-06-27\nend: 2026-06-28\n", tmp_path)
    links = add_links(event.occurrences[0], SETTINGS)
    assert "dates=20260627%2F20260629" in links["google"]
    assert "ctz=" not in links["google"]
    assert "allday=true" in links["outlook"]


def test_json_ld_can_never_close_its_script_element(tmp_path: Path) -> None:
    event = event_from("title: </script><b>x</b>\nstart: 2026-06-27 18:00\n", tmp_path)
    blob = json_ld(event.occurrences, SETTINGS)
    assert "</" not in blob
    assert json.loads(blob)["name"] == "</script><b>x</b>"
