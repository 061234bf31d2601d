"""Join -> leave end to end for the keeper-mail, listmonk and webhook backends: the real server
under gunicorn, a real SMTP server on loopback, the link from the mail (Mailman: test_mailman).

listmonk has no Debian package, so it is a fake here, but one that keeps to listmonk's
documented API (https://listmonk.app/docs/apis/subscribers/): `POST /api/subscribers` with
`preconfirm_subscriptions`, `PUT /api/subscribers/query/lists` with an SQL expression and
`action: unsubscribe`, the public `POST /api/public/subscription`, `token user:key` auth,
`{"data": ...}` answers and 409 for an address it has.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from signup_support import (
    WEBHOOK_SECRET,
    Site,
    confirm_link,
    free_port,
    start_server,
    stop_server,
    write_config,
)

pytestmark = pytest.mark.e2e
KEEPER = "keeper@anytown.example.org"
LISTS = {7: "double"}  # list id -> opt-in type, as listmonk has it
EMAIL_QUERY = re.compile(r"^subscribers\.email = '((?:[^']|'')*)'$")


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
                if not public and self.headers.get("Authorization") != "token api:tok":
                    self._answer(403, {"message": "invalid API credentials"})
                    return None
                if self.headers.get("Content-Type") != "application/json":
                    self._answer(400, {"message": "invalid JSON"})
                    return None
                return json.loads(self.rfile.read(int(self.headers["Content-Length"])))

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
        required = {"email": str, "name": str, "status": str, "lists": list}
        if any(not isinstance(data.get(k), t) for k, t in required.items()):
            return 400, {"message": "invalid fields"}
        if data["status"] not in ("enabled", "blocklisted"):
            return 400, {"message": "invalid status"}
        if not all(isinstance(i, int) and i in LISTS for i in data["lists"]):
            return 400, {"message": "invalid list"}
        email = data["email"].lower()
        if email in self.subscribers:
            return 409, {"message": "E-mail already exists."}
        # Double opt-in lists stay "unconfirmed" (and listmonk mails its own opt-in)
        # unless the caller says the subscription is already confirmed.
        confirmed = data.get("preconfirm_subscriptions") is True
        lists = {
            i: "confirmed" if confirmed or LISTS[i] == "single" else "unconfirmed"
            for i in data["lists"]
        }
        sub = {
            "id": len(self.subscribers) + 1,
            "uuid": str(uuid.uuid4()),
            "email": email,
            "name": data["name"],
            "status": data["status"],
            "attribs": data.get("attribs", {}),
            "lists": lists,
        }
        self.subscribers[email] = sub
        return 200, {"data": sub}

    def public(self, data: dict) -> tuple[int, dict]:
        return 200, {"data": {"has_optin": True}}

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


class Webhook:
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


@pytest.fixture(scope="module")
def listmonk():
    fake = FakeListmonk()
    yield fake
    fake.close()


@pytest.fixture(scope="module")
def webhook():
    hook = Webhook()
    yield hook
    hook.close()


@pytest.fixture(scope="module", params=["email", "listmonk", "webhook"])
def site(request, tmp_path_factory, module_smtp, listmonk, webhook):
    backend = request.param
    extra = {
        "email": "",
        "listmonk": f'[list.listmonk]\nurl = "{listmonk.url}"\nlists = [7]\nusername = "api"\n',
        "webhook": f'[list.webhook]\nurl = "{webhook.url}"\n',
    }[backend]
    tmp = tmp_path_factory.mktemp(f"leave-{backend}")
    port = free_port()
    path = write_config(tmp, module_smtp.port, port, backend=backend, extra=extra)
    s = Site(port, path)
    s.proc = start_server(path, port)
    s.backend = backend  # type: ignore[attr-defined]
    yield s
    stop_server(s.proc)


def link_in(mail, kind: str) -> str:
    word = next(w for w in mail.msg.get_content().split() if f"/signup/{kind}?t=" in w)
    return word[word.index(f"/signup/{kind}") :]


def keeper_mail(sink, email: str, subject_start: str) -> list:
    return [
        m
        for m in sink.to(KEEPER)
        if m.msg["Subject"].startswith(subject_start) and email in m.msg.get_content()
    ]


def on_list(site, listmonk, webhook, email: str) -> bool:
    if site.backend == "listmonk":
        sub = listmonk.subscribers.get(email)
        return bool(sub) and sub["lists"].get(7) == "confirmed"
    if site.backend == "webhook":
        events = [e["event"] for e in webhook.events if e["record"]["email"] == email]
        return bool(events) and events[-1] == "subscriber.confirmed"
    return True  # keeper mail: checked through the records


def test_join_then_leave_through_the_same_backend(site, module_smtp, listmonk, webhook):
    sink = module_smtp.sink
    email = f"leaver.{site.backend}@example.org"
    assert site.join(email, ip="127.0.6.1").status == 303
    site.drain()
    [confirmation] = sink.to(email)
    token = confirm_link(confirmation).split("t=", 1)[1]
    assert site.post("/signup/confirm", {"t": token}, ip="127.0.6.1").status == 303
    site.drain()
    assert on_list(site, listmonk, webhook, email)
    [record] = keeper_mail(sink, email, "New subscriber")
    text = record.msg.get_content()
    assert "withdraw_url: http://127.0.0.1" in text and "/join/leave/" in text
    assert "privacy_notice_version:" in text and "privacy_notice_sha256:" in text

    # The leave page on the site: one field; the server mails a leave link.
    r = site.post("/signup/leave-request", {"email": email, "website": ""}, ip="127.0.6.2")
    assert r.status == 303 and r.headers["location"].endswith("/join/leave/check-your-email/")
    site.drain()
    leave_mail = sink.to(email)[-1]
    assert leave_mail.msg["Subject"] == "Leave Anytown news"
    link = link_in(leave_mail, "leave")
    page = site.request("GET", link)  # what a mail scanner does: nothing changes
    assert page.status == 200 and b"Yes, take me off the list" in page.body
    site.drain()
    assert on_list(site, listmonk, webhook, email) and not keeper_mail(sink, email, "Left")
    r = site.post("/signup/leave", {"t": link.split("t=", 1)[1]}, ip="127.0.6.3")
    assert r.status == 303 and r.headers["location"].endswith("/join/left/")
    site.drain()
    assert not site.spool.jobs("failed") and not site.spool.jobs("queue")
    [left] = keeper_mail(sink, email, "Left")
    assert "withdrawn_at:" in left.msg.get_content()
    if site.backend == "listmonk":
        assert listmonk.subscribers[email]["lists"][7] == "unsubscribed"
        assert ("PUT", "/api/subscribers/query/lists") in listmonk.calls
    elif site.backend == "webhook":
        assert webhook.events[-1]["event"] == "subscriber.withdrawn"
        assert webhook.events[-1]["record"]["email"] == email


def test_a_dead_leave_link_goes_to_the_leave_page(site):
    r = site.request("GET", "/signup/leave?t=gAAAAAnotatoken")
    assert r.status == 303 and r.headers["location"].endswith("/join/leave/")
    r = site.post("/signup/leave", {"t": "gAAAAAnotatoken"})
    assert r.status == 303 and r.headers["location"].endswith("/join/leave/")


def test_leave_form_answers_the_same_for_anyone(site, module_smtp):
    """No enumeration: an address never on the list gets the same answer (and its owner
    the leave link, which changes nothing for them)."""
    r = site.post("/signup/leave-request", {"email": "never@example.org", "website": ""})
    assert r.status == 303 and r.headers["location"].endswith("/join/leave/check-your-email/")
    r = site.post("/signup/leave-request", {"email": "bot@example.org", "website": "x"})
    assert r.status == 303 and r.headers["location"].endswith("/join/leave/check-your-email/")
    site.drain()
    assert not module_smtp.sink.to("bot@example.org")
