"""Stall mode against the real server (gunicorn) and SMTP on loopback: a meeting on one
wi-fi gets everyone's mail while the stall is open, the limits still hold, and the code is
never in a URL or a log."""

from __future__ import annotations

import re
import subprocess
import time

import pytest

from signup_support import BIN, Site, env, free_port, start_server, stop_server, write_config

pytestmark = pytest.mark.e2e


def stall(config, *args: str) -> str:
    done = subprocess.run(
        [str(BIN / "handbill-signup"), "stall", *args, "--config", str(config)],
        env=env(),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return done.stdout


@pytest.fixture
def site(tmp_path, smtp):
    port = free_port()
    path = write_config(tmp_path, smtp.port, port, limits="per_ip = 2")
    s = Site(port, path)
    s.proc = start_server(path, port)
    yield s
    stop_server(s.proc)


def mailed(sink, addresses) -> int:
    return sum(1 for a in addresses if sink.to(a))


def test_a_stall_raises_the_limit_for_one_form_and_a_few_hours(site, smtp):
    out = stall(site.config_path, "open", "--hours", "2", "--per-ip", "10")
    code = re.search(r"Stall code .*: ([0-9a-f]{10})$", out.strip()).group(1)
    listed = stall(site.config_path, "list")
    assert "join: open until" in listed and code not in listed

    meeting = [f"meeting{i}@example.org" for i in range(8)]
    for email in meeting:  # one wi-fi, the code typed into the stall page's form
        r = site.join(email, ip="203.0.113.5", fields={"stall": code})
        assert r.status == 303 and r.headers["location"].endswith("/join/check-your-email/")
    without = [f"plain{i}@example.org" for i in range(4)]
    for email in without:
        site.join(email, ip="203.0.113.6")
    wrong = [f"guess{i}@example.org" for i in range(4)]
    for email in wrong:
        site.join(email, ip="203.0.113.7", fields={"stall": "0123456789"})
    site.join(meeting[0], ip="203.0.113.5", fields={"stall": code})  # per address still 1
    site.drain()
    assert mailed(smtp.sink, meeting) == 8
    assert len(smtp.sink.to(meeting[0])) == 1, "the per-address limit is unchanged"
    assert mailed(smtp.sink, without) == 2 and mailed(smtp.sink, wrong) == 2

    # Raised, not removed: the stall's own limit holds too (10, 8 used, +1 repeat above).
    extra = [f"late{i}@example.org" for i in range(3)]
    for email in extra:
        site.join(email, ip="203.0.113.5", fields={"stall": code})
    site.drain()
    assert mailed(smtp.sink, extra) == 1

    # Closed: the code is just an unknown field value again, the usual limit applies.
    assert "closed 1" in stall(site.config_path, "close")
    after = [f"after{i}@example.org" for i in range(3)]
    for email in after:
        site.join(email, ip="203.0.113.8", fields={"stall": code})
    site.drain()
    assert mailed(smtp.sink, after) == 2
    log = (site.config_path.parent / "server.log").read_text()
    assert code not in log


def test_a_stall_expires_by_itself(site, smtp):
    out = stall(site.config_path, "open", "--hours", "0.0005")  # under two seconds
    code = out.strip().rsplit(" ", 1)[1]
    time.sleep(2.5)
    late = [f"expired{i}@example.org" for i in range(3)]
    for email in late:
        site.join(email, ip="203.0.113.9", fields={"stall": code})
    site.drain()
    assert mailed(smtp.sink, late) == 2


def test_a_stall_cannot_be_opened_for_days(site):
    done = subprocess.run(
        [
            str(BIN / "handbill-signup"),
            *("stall", "open", "--hours", "72"),
            "-c",
            str(site.config_path),
        ],
        env=env(),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2 and "--hours must be between 0 and 12" in done.stderr
