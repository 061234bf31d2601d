"""The spool worker yields the CPU to the web server (run in child processes: a lowered
priority cannot be raised again)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

PROBE = """
import json, os
from pathlib import Path
from signup_server.priority import lower_priority
done = lower_priority({nice})
group = Path("/proc/self/autogroup")
print(json.dumps({{
    "done": done,
    "policy": os.sched_getscheduler(0),
    "nice": os.getpriority(os.PRIO_PROCESS, 0),
    "autogroup": group.read_text() if group.exists() else "",
}}))
"""

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="Linux scheduling")


def probe(nice: int, new_session: bool) -> dict:
    out = subprocess.run(
        [sys.executable, "-c", PROBE.format(nice=nice)],
        capture_output=True,
        text=True,
        check=True,
        start_new_session=new_session,
        timeout=30,
    )
    return json.loads(out.stdout)


def test_worker_runs_idle_and_niced():
    base = os.getpriority(os.PRIO_PROCESS, 0)
    got = probe(10, new_session=False)
    assert got["policy"] == os.SCHED_IDLE
    assert got["nice"] == min(base + 10, 19)
    assert "SCHED_IDLE" in got["done"]


def test_session_share_lowered_only_in_a_session_of_its_own():
    mine = Path("/proc/self/autogroup")
    if not mine.exists():
        pytest.skip("kernel without autogroups")
    shared = probe(10, new_session=False)
    # Our own session (the test runner's) keeps its share.
    assert shared["autogroup"] == mine.read_text()
    assert not any(step.startswith("session") for step in shared["done"])
    alone = probe(10, new_session=True)
    assert alone["autogroup"].split()[-1] == "19"
    assert "session nice 19" in alone["done"]


def test_nice_zero_changes_nothing():
    got = probe(0, new_session=True)
    assert got["done"] == [] and got["policy"] == os.SCHED_OTHER
