"""The built site on a real HTTP server on loopback, as a static host would serve it."""

from __future__ import annotations

import http.client
from dataclasses import dataclass
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler
from pathlib import Path
from urllib.parse import urlsplit


class SiteHandler(SimpleHTTPRequestHandler):
    """A static host like the real one: files as they are, and 404.html for anything missing."""

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        page = Path(self.directory) / "404.html"
        if code != HTTPStatus.NOT_FOUND or not page.is_file():
            super().send_error(code, message, explain)
            return
        body = page.read_bytes()
        self.send_response(code)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass  # keep the test output for failures


@dataclass(frozen=True)
class ServedSite:
    url: str  # http://127.0.0.1:PORT, no trailing slash
    root: Path  # the built files

    @property
    def host(self) -> str:
        return urlsplit(self.url).netloc


# Headers that belong to one connection, not to the request a proxy passes on.
HOP_BY_HOP = {
    "connection",
    "keep-alive",
    "transfer-encoding",
    "upgrade",
    "te",
    "trailer",
    "proxy-connection",
    "content-length",
    "server",
    "date",
}


class ProxyingSiteHandler(SiteHandler):
    """The static site plus /signup/ passed to the sign-up server, as nginx does in operators.md."""

    def __init__(self, *args: object, backend_port: int, **kwargs: object) -> None:
        self.backend_port = backend_port  # set first: the base __init__ handles the request
        super().__init__(*args, **kwargs)

    def do_GET(self) -> None:
        self.forward() if self.path.startswith("/signup/") else super().do_GET()

    def do_HEAD(self) -> None:
        self.forward() if self.path.startswith("/signup/") else super().do_HEAD()

    def do_POST(self) -> None:
        if self.path.startswith("/signup/"):
            self.forward()
        else:
            self.send_error(HTTPStatus.METHOD_NOT_ALLOWED)

    def forward(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else None
        headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
        # Overwrite, don't append, as the nginx example does (proxy_hops = 1).
        headers["X-Forwarded-For"] = self.client_address[0]
        backend = http.client.HTTPConnection("127.0.0.1", self.backend_port, timeout=30)
        try:
            backend.request(self.command, self.path, body=body, headers=headers)
            answer = backend.getresponse()
            data = answer.read()
        finally:
            backend.close()
        self.send_response(answer.status)
        for key, value in answer.getheaders():
            if key.lower() not in HOP_BY_HOP:
                self.send_header(key, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)
