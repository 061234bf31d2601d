"""The Mailman hand-off against a real Mailman 3 core (Debian's mailman3), join and leave.

The test runs its own Mailman: its own configuration and var folder, REST and LMTP on
loopback ports, its outgoing mail to the test SMTP server; started and stopped here.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import signal
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlencode

import pytest

from signup_support import (
    MAILMAN_PASSWORD,
    Site,
    confirm_link,
    free_port,
    start_server,
    stop_server,
    write_config,
)

pytestmark = pytest.mark.e2e
MAILMAN = shutil.which("mailman")
LIST_ID = "news.lists.example.org"


class Mailman:
    def __init__(self, root: Path, smtp_port: int) -> None:
        self.root = root
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.cfg = root / "mailman.cfg"
        self.cfg.write_text(
            f"""[mailman]
site_owner: owner@lists.example.org
layout: handbill
[paths.handbill]
var_dir: {root}/var
bin_dir: /usr/lib/mailman3/bin
[database]
class: mailman.database.sqlite.SQLiteDatabase
url: sqlite:///{root}/var/data/mailman.db
[webservice]
hostname: 127.0.0.1
port: {self.port}
admin_user: restadmin
admin_pass: {MAILMAN_PASSWORD}
[mta]
incoming: mailman.mta.null.NullMTA
lmtp_host: 127.0.0.1
lmtp_port: {free_port()}
smtp_host: 127.0.0.1
smtp_port: {smtp_port}
[runner.nntp]
start: no
""",
            encoding="utf-8",
        )

    def command(self, *args: str) -> list[str]:
        root = ["--run-as-root"] if os.geteuid() == 0 else []
        return [MAILMAN, "-C", str(self.cfg), *root, *args]

    def start(self) -> None:
        subprocess.run(
            self.command("start"),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            timeout=60,
            check=True,
        )
        deadline = time.monotonic() + 90
        while True:
            try:
                self.call("GET", "/3.1/system/versions")
                return
            except OSError:
                assert time.monotonic() < deadline, "Mailman's REST API did not come up"
                time.sleep(0.5)

    def stop(self) -> None:
        pid_file = self.root / "var" / "master.pid"
        subprocess.run(
            self.command("stop"),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            timeout=30,
            check=False,
        )
        deadline = time.monotonic() + 20
        while pid_file.exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        if pid_file.exists():  # our own master only, by its pid
            os.kill(int(pid_file.read_text().strip()), signal.SIGKILL)

    def call(self, method: str, path: str, fields: dict | None = None) -> dict:
        data = urlencode(fields).encode() if fields is not None else None
        req = urllib.request.Request(f"{self.url}{path}", data=data, method=method)
        token = base64.b64encode(f"restadmin:{MAILMAN_PASSWORD}".encode()).decode()
        req.add_header("Authorization", f"Basic {token}")
        with urllib.request.urlopen(req, timeout=10) as resp:
            body = resp.read()
        return json.loads(body) if body else {}

    def members(self) -> list[str]:
        roster = self.call("GET", f"/3.1/lists/{LIST_ID}/roster/member")
        return [entry["email"] for entry in roster.get("entries", [])]


@pytest.fixture(scope="module")
def mailman(tmp_path_factory, module_smtp):
    if MAILMAN is None:
        pytest.fail("mailman3 is not installed: .ci/run installs it (apt-get install mailman3)")
    mm = Mailman(tmp_path_factory.mktemp("mailman"), module_smtp.port)
    mm.start()
    try:
        mm.call("POST", "/3.1/domains", {"mail_host": "lists.example.org"})
        mm.call("POST", "/3.1/lists", {"fqdn_listname": "news@lists.example.org"})
        yield mm
    finally:
        mm.stop()


@pytest.fixture(scope="module")
def site(tmp_path_factory, module_smtp, mailman):
    tmp = tmp_path_factory.mktemp("signup-mailman")
    port = free_port()
    extra = f'[list.mailman]\nrest_url = "{mailman.url}"\nlist_id = "{LIST_ID}"\n'
    path = write_config(tmp, module_smtp.port, port, backend="mailman", extra=extra)
    s = Site(port, path)
    s.proc = start_server(path, port)
    yield s
    stop_server(s.proc)


def leave_link(received) -> str:
    body = received.msg.get_content()
    word = next(w for w in body.split() if "/signup/leave?t=" in w)
    return word[word.index("/signup/leave") :]


def join_and_confirm(site, sink, email: str, ip: str) -> None:
    assert site.join(email, ip=ip).status == 303
    site.drain()
    [mail] = sink.to(email)
    token = confirm_link(mail).split("t=", 1)[1]
    assert site.request("GET", f"/signup/confirm?t={token}").status == 200  # shows only
    assert site.post("/signup/confirm", {"t": token}, ip=ip).status == 303
    site.drain()


def test_join_then_leave_with_the_button(site, module_smtp, mailman):
    email = "alice@example.org"
    join_and_confirm(site, module_smtp.sink, email, "127.0.5.1")
    assert email in mailman.members(), "pre-verified and pre-confirmed: no second opt-in"
    [confirmation] = module_smtp.sink.to(email)[:1]
    link = leave_link(confirmation)
    assert site.request("GET", link).status == 200  # a mail scanner's GET changes nothing
    site.drain()
    assert email in mailman.members()
    r = site.post("/signup/leave", {"t": link.split("t=", 1)[1]}, ip="127.0.5.1")
    assert r.status == 303 and r.headers["location"].endswith("/join/left/")
    site.drain()
    assert email not in mailman.members()
    records = [
        m for m in module_smtp.sink.to("keeper@anytown.example.org") if email in m.raw.decode()
    ]
    assert any(m.msg["Subject"].startswith("Left ") for m in records)


def test_join_then_one_click_unsubscribe(site, module_smtp, mailman):
    """RFC 8058: the mail program POSTs List-Unsubscribe=One-Click to the header's URL."""
    email = "bob.oneclick@example.org"
    join_and_confirm(site, module_smtp.sink, email, "127.0.5.2")
    assert email in mailman.members()
    [confirmation] = module_smtp.sink.to(email)[:1]
    url = confirmation.msg["List-Unsubscribe"].strip("<>")
    assert confirmation.msg["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    path = url[url.index("/signup/leave") :]
    r = site.post(path, {"List-Unsubscribe": "One-Click"}, headers={"Origin": None})
    assert r.status == 303
    site.drain()
    assert email not in mailman.members()
    # Again (a second click): still a success, nothing changes in Mailman.
    assert site.post(path, {"List-Unsubscribe": "One-Click"}).status == 303
    site.drain()
    assert not site.spool.jobs("failed")
