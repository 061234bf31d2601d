"""The list backends the sign-up tests hand subscribers to: a real Mailman 3 core, a
listmonk that keeps to listmonk's documented API, and a webhook receiver that checks the
signature. Shared by the HTTP tests (tests/signup_server) and the browser tests
(tests/outputs), so every backend is exercised the same way in both.

Mailman: Debian's mailman3, its own configuration and var folder, REST and LMTP on loopback
ports, its outgoing mail to the test SMTP server; started and stopped by the caller.

listmonk has no Debian package, so it is a fake, kept to the API as listmonk documents it
(https://listmonk.app/docs/apis/subscribers/, checked against docs/docs/content/apis/
subscribers.md in knadh/listmonk): `POST /api/subscribers` (email, name and status required,
`lists` and `attribs` optional, `preconfirm_subscriptions` confirms double opt-in lists),
`PUT /api/subscribers/query/lists` (an SQL `query`, `action` add|remove|unsubscribe,
`target_list_ids`), the public `POST /api/public/subscription` (JSON or a form, `list_uuids`
or `l`, no credentials, double opt-in lists stay unconfirmed), auth as `token user:key` or
HTTP Basic, `{"data": ...}` answers, `{"message": ...}` errors and 409 for an address it has.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import re
import shutil
import signal
import subprocess
import threading
import time
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlencode

from signup_support import MAILMAN_PASSWORD, WEBHOOK_SECRET, free_port

MAILMAN = shutil.which("mailman")
LIST_ID = "news.lists.example.org"
LISTMONK_LIST = 7
# list id -> (uuid, opt-in type), as listmonk has them
LISTS = {LISTMONK_LIST: ("0c554cfb-eb42-4972-92ba-c93c34ba475d", "double")}
LISTMONK_USER, LISTMONK_TOKEN = "api", "tok"  # the token is signup_support.env()'s
EMAIL_QUERY = re.compile(r"^subscribers\.email = '((?:[^']|'')*)'$")


class Mailman:
    """A real Mailman 3 core of its own, driven through its REST API."""

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


AUTHORIZED = {
    f"token {LISTMONK_USER}:{LISTMONK_TOKEN}",
    "Basic " + base64.b64encode(f"{LISTMONK_USER}:{LISTMONK_TOKEN}".encode()).decode(),
}


class FakeListmonk:
    """listmonk's subscriber API, as documented, in memory."""

    def __init__(self) -> None:
        self.subscribers: dict[str, dict] = {}  # email -> subscriber
        self.calls: list[tuple[str, str]] = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self, code: int, payload: dict) -> None:
                body = json.dumps(payload).encode()
                self.send_response(code)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def _request(self) -> dict | None:
                fake.calls.append((self.command, self.path))
                public = self.path == "/api/public/subscription"
                if not public and self.headers.get("Authorization") not in AUTHORIZED:
                    self._answer(403, {"message": "invalid API credentials"})
                    return None
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                kind = self.headers.get("Content-Type", "").split(";")[0].strip()
                if public and kind == "application/x-www-form-urlencoded":
                    form = parse_qs(raw.decode("utf-8"))
                    return {
                        "email": form.get("email", [""])[0],
                        "name": form.get("name", [""])[0],
                        "list_uuids": form.get("l", []),
                    }
                if kind != "application/json":
                    self._answer(400, {"message": "invalid JSON"})
                    return None
                try:
                    return json.loads(raw)
                except ValueError:
                    self._answer(400, {"message": "invalid JSON"})
                    return None

            def do_POST(self):
                data = self._request()
                if data is None:
                    return
                if self.path == "/api/subscribers":
                    self._answer(*fake.create(data))
                elif self.path == "/api/public/subscription":
                    self._answer(*fake.public(data))
                else:
                    self._answer(404, {"message": "not found"})

            def do_PUT(self):
                data = self._request()
                if data is None:
                    return
                if self.path == "/api/subscribers/query/lists":
                    self._answer(*fake.lists_by_query(data))
                else:
                    self._answer(404, {"message": "not found"})

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def create(self, data: dict) -> tuple[int, dict]:
        required = {"email": str, "name": str, "status": str}
        if any(not isinstance(data.get(k), t) for k, t in required.items()):
            return 400, {"message": "invalid fields"}
        if data["status"] not in ("enabled", "blocklisted"):
            return 400, {"message": "invalid status"}
        wanted = data.get("lists", [])
        if not isinstance(wanted, list) or not all(isinstance(i, int) for i in wanted):
            return 400, {"message": "invalid list"}
        if not isinstance(data.get("attribs", {}), dict):
            return 400, {"message": "invalid attribs"}
        return self.add(data["email"], data["name"], data["status"], wanted, data)

    def add(self, email: str, name: str, status: str, wanted: list[int], data: dict):
        email = email.lower()
        if email in self.subscribers:
            return 409, {"message": "E-mail already exists."}
        # Double opt-in lists stay "unconfirmed" (and listmonk mails its own opt-in)
        # unless the caller says the subscription is already confirmed.
        confirmed = data.get("preconfirm_subscriptions") is True
        lists = {
            i: "confirmed" if confirmed or LISTS[i][1] == "single" else "unconfirmed"
            for i in wanted
            if i in LISTS  # listmonk skips ids it does not have
        }
        sub = {
            "id": len(self.subscribers) + 1,
            "uuid": str(uuid.uuid4()),
            "email": email,
            "name": name,
            "status": status,
            "attribs": data.get("attribs", {}),
            "lists": lists,
        }
        self.subscribers[email] = sub
        return 200, {"data": sub}

    def public(self, data: dict) -> tuple[int, dict]:
        """The public form's endpoint: no credentials, so never pre-confirmed."""
        uuids = data.get("list_uuids")
        if not isinstance(data.get("email"), str) or "@" not in data["email"]:
            return 400, {"message": "invalid email"}
        if not isinstance(uuids, list) or not uuids:
            return 400, {"message": "invalid list"}
        wanted = [i for i, (list_uuid, _) in LISTS.items() if list_uuid in uuids]
        name = data.get("name") or data["email"].partition("@")[0]
        code, answer = self.add(data["email"], name, "enabled", wanted, {})
        return (200, {"data": True}) if code in (200, 409) else (code, answer)

    def lists_by_query(self, data: dict) -> tuple[int, dict]:
        match = EMAIL_QUERY.match(data.get("query", ""))
        action = data.get("action")
        targets = data.get("target_list_ids")
        if not match or action not in ("add", "remove", "unsubscribe") or not targets:
            return 400, {"message": "invalid fields"}
        email = match.group(1).replace("''", "'").lower()
        sub = self.subscribers.get(email)
        for list_id in targets if sub else ():
            if action == "unsubscribe" and list_id in sub["lists"]:
                sub["lists"][list_id] = "unsubscribed"
        return 200, {"data": True}

    def close(self) -> None:
        self.server.shutdown()


class WebhookReceiver:
    """Records the webhook's calls, after checking their signature."""

    def __init__(self) -> None:
        self.events: list[dict] = []
        hook = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                signed = (
                    f"{self.headers['X-Handbill-Timestamp']}."
                    f"{self.headers['X-Handbill-Delivery']}.".encode()
                    + body
                )
                good = hmac.new(WEBHOOK_SECRET.encode(), signed, hashlib.sha256).hexdigest()
                ok = self.headers["X-Handbill-Signature"] == f"sha256={good}"
                if ok:
                    hook.events.append(json.loads(body))
                self.send_response(200 if ok else 401)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()


@contextmanager
def running_mailman(folder: Path, smtp_port: int) -> Iterator[Mailman]:
    """A Mailman core with the domain and the list the tests' signup.toml names."""
    if MAILMAN is None:
        raise RuntimeError(
            "mailman3 is not installed: .ci/run installs it (apt-get install mailman3)"
        )
    folder.mkdir(parents=True, exist_ok=True)
    mm = Mailman(folder, smtp_port)
    mm.start()
    try:
        mm.call("POST", "/3.1/domains", {"mail_host": "lists.example.org"})
        mm.call("POST", "/3.1/lists", {"fqdn_listname": "news@lists.example.org"})
        yield mm
    finally:
        mm.stop()


def backend_settings(
    backend: str,
    *,
    mailman: Mailman | None = None,
    listmonk: FakeListmonk | None = None,
    webhook: WebhookReceiver | None = None,
) -> str:
    """signup.toml's table for `backend`, pointing at the running one."""
    if backend == "mailman":
        assert mailman is not None
        return f'[list.mailman]\nrest_url = "{mailman.url}"\nlist_id = "{LIST_ID}"\n'
    if backend == "listmonk":
        assert listmonk is not None
        return (
            f'[list.listmonk]\nurl = "{listmonk.url}"\nlists = [{LISTMONK_LIST}]\n'
            f'username = "{LISTMONK_USER}"\n'
        )
    if backend == "webhook":
        assert webhook is not None
        return f'[list.webhook]\nurl = "{webhook.url}"\n'
    return ""


def on_list(
    backend: str,
    email: str,
    *,
    mailman: Mailman | None = None,
    listmonk: FakeListmonk | None = None,
    webhook: WebhookReceiver | None = None,
) -> bool | None:
    """Whether the backend has `email` as a confirmed member now; None for the keeper's
    mail (the keeper's records say it: see the tests)."""
    if backend == "mailman":
        assert mailman is not None
        return email in mailman.members()
    if backend == "listmonk":
        assert listmonk is not None
        sub = listmonk.subscribers.get(email)
        return bool(sub) and sub["lists"].get(LISTMONK_LIST) == "confirmed"
    if backend == "webhook":
        assert webhook is not None
        events = [e["event"] for e in webhook.events if e["record"]["email"] == email]
        return bool(events) and events[-1] == "subscriber.confirmed"
    return None
