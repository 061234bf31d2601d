"""Campaign actions against the real server (gunicorn, 2 workers) and SMTP on loopback:
sign → confirm → count, one signature per person, withdrawal, pledge outcomes with the
clock moved, the petition export, poll counts, a stall, the list's cap, and no address
left on disk or in a log."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import random
import re
import signal
import stat
import subprocess
import threading
import time
from pathlib import Path

import pytest

from signup_support import (
    BIN,
    Site,
    env,
    free_port,
    start_server,
    stop_server,
    write_config,
)

pytestmark = pytest.mark.e2e

ACTIONS = {
    "town-pledge": (
        "Title: Opt out together\nKind: pledge\nPledge: opt out of the data platform\n"
        "Threshold: 3\nPlace: people in Anytown\nDeadline: 2099-03-31\nAsk_name: yes\n\n"
        "Sign, and we write to you once.\n"
    ),
    "late-pledge": (
        "Title: Switch banks together\nKind: pledge\nPledge: move my account\n"
        "Threshold: 50\nDeadline: 2030-01-31\n\nOnly if enough of us do.\n"
    ),
    "save-our-ae": (
        "Title: Keep a full A&E\nKind: petition\nTarget: Midshire ICB\nGoal: 100\n"
        "Closes: 2099-01-15\nAsk_district: yes\nErase_after_days: 30\nVersion: 2\n\n"
        "We call on the ICB to keep a full A&E.\n"
    ),
    "opt-out-poll": (
        "Title: Should we organise a mass opt-out?\nKind: poll\nQuestion: Should we?\n"
        "Options: Yes | No | Not sure\nResults: after_vote\n\nOne vote each.\n"
    ),
    "secret-poll": (
        "Title: Which day?\nKind: poll\nQuestion: Which day suits?\nOptions: Monday | Friday\n"
        "Closes: 2099-01-01\nResults: after_close\n\nWe show the totals at the end.\n"
    ),
}


def write_actions(folder: Path) -> None:
    folder.mkdir(parents=True)
    for slug, text in ACTIONS.items():
        (folder / f"{slug}.md").write_text(text, encoding="utf-8")


def start(tmp: Path, smtp_port: int, limits: str = "", actions: str = "") -> Site:
    port = free_port()
    path = write_config(tmp, smtp_port, port, limits=limits)
    write_actions(tmp / "content" / "actions")
    path.write_text(
        path.read_text(encoding="utf-8")
        + f'\n[actions]\nfolder = "content/actions"\ncounts_file = "public/counts.json"\n{actions}',
        encoding="utf-8",
    )
    site = Site(port, path)
    site.proc = start_server(path, port)
    return site


@pytest.fixture
def site(tmp_path, smtp):
    s = start(tmp_path, smtp.port)
    yield s
    stop_server(s.proc)
    # Whatever the test did: no address, name or link token in the server's log.
    log = (tmp_path / "server.log").read_text()
    assert "@example.org" not in log and "t=" not in log


def sign(site: Site, slug: str, email: str, ip: str = "127.0.3.1", **fields) -> None:
    version = re.search(r"Version: (\d+)", ACTIONS[slug])
    form = {
        "email": email,
        "consent_version": version.group(1) if version else "1",
        "website": "",
        **fields,
    }
    r = site.post(f"/signup/actions/{slug}/sign", form, ip=ip)
    assert r.status == 303, r.text
    assert r.headers["location"].endswith("/join/check-your-email/")


def links(site: Site, smtp, email: str, slug: str) -> list[tuple[str, str]]:
    """(confirm, withdraw) links of every action mail to `email`, in order."""
    site.drain()
    found = []
    for mail in smtp.sink.to(email):
        body = mail.msg.get_content()
        confirm = re.search(rf"\S*(/signup/actions/{slug}/confirm\?t=\S+)", body)
        withdraw = re.search(rf"\S*(/signup/actions/{slug}/withdraw\?t=\S+)", body)
        if confirm:
            found.append((confirm.group(1), withdraw.group(1)))
    return found


def confirm(site: Site, link: str, ip: str = "127.0.3.1") -> None:
    token = link.split("t=", 1)[1]
    path = link.split("?", 1)[0]
    r = site.post(path, {"t": token}, ip=ip)
    assert r.status == 200, r.text


def count(site: Site, slug: str) -> dict:
    r = site.request("GET", f"/signup/actions/{slug}/count.json")
    assert r.status == 200
    assert r.headers["cache-control"] == "public, max-age=60"
    assert "set-cookie" not in r.headers
    return r.json


def cli(site: Site, *args: str) -> str:
    done = subprocess.run(
        [str(BIN / "handbill-signup"), "actions", *args, "--config", str(site.config_path)],
        env=env(),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return done.stdout


def files_containing(folder: Path, needles: list[str]) -> list[str]:
    hits = []
    for path in folder.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            hits += [f"{path}: {n}" for n in needles if n.encode() in data]
    return hits


def test_sign_confirm_count_once_per_person(site, smtp):
    assert count(site, "save-our-ae") == {
        "count": 0,
        "goal": 100,
        "last_signed": None,
        "closed": False,
        "results": None,
    }
    sign(site, "save-our-ae", "ann@example.org", name="Ann Smith", district="ab1")
    sign(site, "save-our-ae", "unconfirmed@example.org", name="Never Clicks", district="AB2")
    [(link, _)] = links(site, smtp, "ann@example.org", "save-our-ae")
    for _ in range(2):  # mail scanners open links: nothing counts
        page = site.request("GET", link)
        assert page.status == 200 and 'method="post"' in page.text
    assert count(site, "save-our-ae")["count"] == 0

    confirm(site, link)
    body = count(site, "save-our-ae")
    assert body["count"] == 1
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:00Z", body["last_signed"])
    confirm(site, link)  # a double click or a replay
    sign(site, "save-our-ae", "ann@example.org", name="Ann Again", district="AB1")
    sign(site, "save-our-ae", "ANN@Example.org", name="Ann Upper", district="AB1")
    assert len(links(site, smtp, "ann@example.org", "save-our-ae")) == 1, "one mail a day"
    assert count(site, "save-our-ae")["count"] == 1
    counts = json.loads((site.config_path.parent / "public" / "counts.json").read_text())
    assert counts["save-our-ae"] == count(site, "save-our-ae")
    assert set(counts) == {
        "town-pledge",
        "late-pledge",
        "save-our-ae",
        "opt-out-poll",
        "secret-poll",
    }

    # The export to hand in: the confirmed signer only, and when it will be erased.
    out = site.config_path.parent / "export.csv"
    cli(site, "export", "save-our-ae", "--out", str(out))
    assert os.stat(out).st_mode & 0o777 == 0o600
    text = out.read_text()
    assert (
        "will be erased on 2099-02-15 00:00 UTC" in text
        and "30 days after the petition closes" in text
    )
    rows = list(csv.DictReader(line for line in io.StringIO(text) if not line.startswith("#")))
    assert [(r["name"], r["district"], r["wording_version"]) for r in rows] == [
        ("Ann Smith", "AB1", "2")
    ]
    assert "ann@example.org" not in text

    # Only the keyed hash is at rest: no address in the state folder or the spool.
    root = site.config_path.parent
    assert not files_containing(root / "state", ["ann@example.org", "unconfirmed@"])
    log = (root / "server.log").read_text()
    assert "@example.org" not in log


def test_withdrawal_lowers_the_count_and_is_scanner_safe(site, smtp):
    for email in ("w1@example.org", "w2@example.org"):
        sign(site, "save-our-ae", email, name="W", district="AB1")
        confirm(site, links(site, smtp, email, "save-our-ae")[0][0])
    assert count(site, "save-our-ae")["count"] == 2
    [(_, withdraw)] = links(site, smtp, "w1@example.org", "save-our-ae")
    page = site.request("GET", withdraw)
    assert page.status == 200 and "Yes, take it back" in page.text
    assert count(site, "save-our-ae")["count"] == 2, "opening the link changes nothing"
    token = withdraw.split("t=", 1)[1]
    r = site.post(withdraw.split("?")[0], {"t": token}, headers={"Origin": None})
    assert r.status == 200
    assert count(site, "save-our-ae")["count"] == 1
    # RFC 8058 one-click, as a mail provider's server posts it (token in the URL).
    [(_, withdraw2)] = links(site, smtp, "w2@example.org", "save-our-ae")
    r = site.post(withdraw2, raw=b"List-Unsubscribe=One-Click", headers={"Origin": None})
    assert r.status == 200
    assert count(site, "save-our-ae")["count"] == 0
    counts = json.loads((site.config_path.parent / "public" / "counts.json").read_text())
    assert counts["save-our-ae"]["count"] == 0


def test_pledge_threshold_one_mail_each_then_addresses_gone(site, smtp):
    signers = [f"pledger{i}@example.org" for i in range(3)]
    for email in signers:
        sign(site, "town-pledge", email, name=f"Pledger {email[7]}")
    for email in signers:
        confirm(site, links(site, smtp, email, "town-pledge")[0][0])
    assert count(site, "town-pledge")["count"] == 3
    assert "threshold" not in cli(site, "sweep")  # the summary line, numbers only
    for _ in range(2):  # a second sweep sends nothing more
        cli(site, "sweep")
    site.drain()
    for email in signers:
        outcome = [m for m in smtp.sink.to(email) if "It's on" in m.msg["Subject"]]
        assert len(outcome) == 1, email
        msg = outcome[0].msg
        assert (
            msg["List-Unsubscribe"].startswith("<http")
            and "/withdraw?t=" in msg["List-Unsubscribe"]
        )
        assert msg["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert "opt out of the data platform" in msg.get_content()
    body = count(site, "town-pledge")
    assert body["count"] == 3 and body["closed"] is False and body["goal"] == 3
    # It's on, and open until its deadline: a late signer gets the same one mail.
    sign(site, "town-pledge", "late@example.org", name="Pledger L")
    confirm(site, links(site, smtp, "late@example.org", "town-pledge")[0][0])
    assert "outcome mails queued 1, addresses erased 1" in cli(site, "sweep")
    site.drain()
    [late] = [m for m in smtp.sink.to("late@example.org") if "It's on" in m.msg["Subject"]]
    assert "4 people signed" in late.msg.get_content()
    assert all(len(smtp.sink.to(e)) == 2 for e in signers), "nothing more for the first three"
    signers.append("late@example.org")
    root = site.config_path.parent
    assert not files_containing(root / "state", [*signers, "Pledger"])
    assert not files_containing(root / "spool", signers)


def test_pledge_deadline_passed_with_the_clock_moved(site, smtp):
    for email in ("few1@example.org", "few2@example.org"):
        sign(site, "late-pledge", email)
        confirm(site, links(site, smtp, email, "late-pledge")[0][0])
    assert "outcome mails queued 0" in cli(site, "sweep", "--now", "2030-01-30T12:00:00+00:00")
    out = cli(site, "sweep", "--now", "2030-02-01T00:30:00+00:00")
    assert "pledges decided 1, outcome mails queued 2, addresses erased 2" in out
    site.drain()
    for email in ("few1@example.org", "few2@example.org"):
        [mail] = [m for m in smtp.sink.to(email) if "It's off" in m.msg["Subject"]]
        assert "2 of the 50" in mail.msg.get_content()
    assert not files_containing(site.config_path.parent / "state", ["few1@", "few2@"])


def test_poll_counts_one_vote_each_and_hides_results_until_close(site, smtp):
    votes = {"v1@example.org": "1", "v2@example.org": "1", "v3@example.org": "3"}
    for email, option in votes.items():
        sign(site, "opt-out-poll", email, option=option)
        sign(site, "secret-poll", email, option="2")
    for email in votes:
        confirm(site, links(site, smtp, email, "opt-out-poll")[0][0])
        confirm(site, links(site, smtp, email, "secret-poll")[0][0])
    # The rule is after_vote: the voter sees the counts once their vote is confirmed.
    again = site.post(
        "/signup/actions/opt-out-poll/confirm",
        {"t": links(site, smtp, "v1@example.org", "opt-out-poll")[0][0].split("t=", 1)[1]},
    )
    assert '<th scope="row">Not sure</th><td>1</td>' in again.text
    body = count(site, "opt-out-poll")
    assert body["count"] == 3
    assert body["results"] == {"Yes": 2, "No": 0, "Not sure": 1}
    hidden = count(site, "secret-poll")
    assert hidden["count"] == 3 and hidden["results"] is None and hidden["closed"] is False
    # Erased after closing + 90 days: the counter keeps its numbers, the hashes go.
    out = cli(site, "sweep", "--now", "2099-04-02T00:00:00+00:00")
    assert "signatures erased 3" in out


def test_invalid_poll_option_is_a_400(site):
    r = site.post(
        "/signup/actions/opt-out-poll/sign",
        {"email": "x@example.org", "option": "9", "consent_version": "1", "website": ""},
    )
    assert r.status == 400 and "Choose one of the answers" in r.text
    r = site.post("/signup/actions/no-such-action/sign", {"email": "x@example.org"})
    assert r.status == 404


def test_a_stall_takes_100_signatures_from_one_network_none_lost(tmp_path, smtp):
    site = start(tmp_path, smtp.port)
    try:
        done = subprocess.run(
            [
                str(BIN / "handbill-signup"),
                "stall",
                "open",
                "--form",
                "save-our-ae",
                "--hours",
                "2",
                "--per-ip",
                "120",
                "--config",
                str(site.config_path),
            ],
            env=env(),
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        )
        code = done.stdout.strip().rsplit(" ", 1)[1]
        people = [f"stall{i}@example.org" for i in range(100)]
        for email in people:  # one wi-fi, well within one 10-minute window
            sign(
                site, "save-our-ae", email, ip="198.51.100.7", name="S", district="AB1", stall=code
            )
        site.drain()
        assert sum(1 for e in people if smtp.sink.to(e)) == 100
        for email in people:
            confirm(site, links(site, smtp, email, "save-our-ae")[0][0], ip="198.51.100.7")
        assert count(site, "save-our-ae")["count"] == 100
        # Without the code, the usual per-action limit holds for that network.
        others = [f"nocode{i}@example.org" for i in range(12)]
        for email in others:
            sign(site, "save-our-ae", email, ip="198.51.100.8", name="N", district="AB1")
        site.drain()
        assert sum(1 for e in others if smtp.sink.to(e)) == 10
        assert code not in (tmp_path / "server.log").read_text()
    finally:
        stop_server(site.proc)


def test_the_lists_cap_does_not_drop_a_signer_who_joined_today(tmp_path, smtp):
    site = start(tmp_path, smtp.port, limits="per_ip = 50\nconfirmations_per_hour = 2")
    try:
        for email in ("first@example.org", "second@example.org", "joiner@example.org"):
            site.join(email, ip="127.0.4.1")
        site.drain()
        assert not smtp.sink.to("joiner@example.org"), "the list's cap held"
        site.join("first@example.org", ip="127.0.4.1")  # one mail per address and day
        # The same people sign a petition the same day: their mails go.
        for email in ("first@example.org", "joiner@example.org"):
            sign(site, "save-our-ae", email, name="J", district="AB1", keep_informed="yes")
        for email in ("first@example.org", "joiner@example.org"):
            [(link, _)] = links(site, smtp, email, "save-our-ae")
            confirm(site, link)
        assert count(site, "save-our-ae")["count"] == 2
        site.drain()
        # The ticked box: a join handed to the list with its own consent record.
        records = [
            m.msg.get_content()
            for m in smtp.sink.to("keeper@anytown.example.org")
            if "New subscriber" in m.msg["Subject"]
        ]
        assert len(records) == 2
        assert all("keep me informed" in r and "/actions/save-our-ae/" in r for r in records)
    finally:
        stop_server(site.proc)


def test_an_unticked_box_hands_nothing_to_the_list(site, smtp):
    sign(site, "save-our-ae", "quiet@example.org", name="Q", district="AB1")
    confirm(site, links(site, smtp, "quiet@example.org", "save-our-ae")[0][0])
    site.drain()
    assert not [
        m
        for m in smtp.sink.to("keeper@anytown.example.org")
        if "New subscriber" in m.msg["Subject"]
    ]


def test_kill_9_mid_signing_and_mid_confirming_loses_and_doubles_nothing(tmp_path, smtp):
    """The join form's crash safety, inherited: kill -9 of the server while people sign,
    then while they confirm; after a restart, their retries and `spool drain`, everyone has
    exactly one confirmation mail and counts exactly once, and no address is on disk."""
    rng = random.Random(int(os.environ.get("HANDBILL_CRASH_SEED", "0")) or None)
    cut = 0  # submissions the kill cut off, over all runs: the test must crash something
    for run in range(4):
        root = tmp_path / f"run{run}"
        root.mkdir()
        site = start(root, smtp.port, actions="per_ip = 1000\n")
        people = [f"crash{run}x{i}@example.org" for i in range(40)]
        answered: dict[str, int | None] = {}

        def signing(people=people, site=site, answered=answered) -> None:
            for email in people:
                try:
                    r = site.post(
                        f"/signup/actions/{SLUG}/sign",
                        {**PETITION, "email": email},
                        ip="127.0.8.8",
                    )
                    answered[email] = r.status
                except OSError:
                    answered[email] = None

        worker = threading.Thread(target=signing)
        worker.start()
        time.sleep(rng.uniform(0.02, 0.12))
        kill_group(site.proc)
        worker.join(30)
        cut += sum(1 for e in people if answered.get(e) != 303)
        site.proc = start_server(site.config_path, site.port)
        for email in people:  # the visitors whose page broke try again
            if answered.get(email) != 303:
                sign(site, SLUG, email, ip="127.0.9.9", name="C", district="AB1")
        spool_drain(site)
        assert [len(smtp.sink.to(e)) for e in people] == [1] * len(people), "one mail each"

        confirms = [links(site, smtp, email, SLUG)[0][0] for email in people]
        worker = threading.Thread(
            target=lambda confirms=confirms, site=site: [_try_confirm(site, c) for c in confirms]
        )
        worker.start()
        time.sleep(rng.uniform(0.0, 0.15))
        kill_group(site.proc)
        worker.join(30)
        site.proc = start_server(site.config_path, site.port)
        try:
            for link in confirms:  # everyone presses the button (again)
                confirm(site, link)
            assert count(site, SLUG)["count"] == len(people)
        finally:
            stop_server(site.proc)
        spool_drain(site)  # with the server gone, its crash leftovers in tmp/ go too
        for folder in (root / "spool", root / "state"):
            assert not files_containing(folder, people)
            for path in [folder, *folder.rglob("*")]:
                assert stat.S_IMODE(path.stat().st_mode) == (0o700 if path.is_dir() else 0o600)

    assert cut, "no kill landed mid-burst: nothing was tested"


SLUG = "save-our-ae"
PETITION = {"name": "C", "district": "AB1", "consent_version": "2", "website": ""}


def _try_confirm(site: Site, link: str) -> None:
    with contextlib.suppress(OSError, AssertionError):
        confirm(site, link)


def kill_group(proc: subprocess.Popen) -> None:
    """SIGKILL the server and every process it started: a crash, not a shutdown."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=10)


def spool_drain(site: Site) -> None:
    """As the operator after a crash: `handbill-signup spool drain` (recovers leftovers)."""
    done = subprocess.run(
        [str(BIN / "handbill-signup"), "spool", "drain", "--config", str(site.config_path)],
        env=env(),
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stdout


def test_the_workers_periodic_pass_sends_a_pledges_outcome(site, smtp):
    """No cron needed: the spool worker (`handbill-signup worker`) sweeps as it runs."""
    from signup_server.store import SQLiteStore
    from signup_server.worker import Worker

    signers = [f"viaworker{i}@example.org" for i in range(3)]
    for email in signers:
        sign(site, "town-pledge", email)
        confirm(site, links(site, smtp, email, "town-pledge")[0][0])
    cfg = site.cfg
    stop = threading.Event()
    worker = Worker(cfg, site.spool, store=SQLiteStore(cfg.state_file))
    running = threading.Thread(target=worker.run_forever, kwargs={"poll": 0.05, "stop": stop})
    running.start()
    try:
        deadline = time.monotonic() + 20
        while sum(len(smtp.sink.to(e)) for e in signers) < 6 and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        stop.set()
        running.join(10)
    for email in signers:
        assert [m.msg["Subject"] for m in smtp.sink.to(email)][1:] == ["It's on: Opt out together"]
    assert not files_containing(site.config_path.parent / "state", signers)
    log = (site.config_path.parent / "server.log").read_text()
    assert not any(e in log for e in signers)
