"""Serve the preview folder as a host would, plus the preview's own addresses.

Every HTML page gets, as it is served (never in the file), a link to the preview's script
and stylesheet; the script polls `state.json`, reloads the page after each build and shows
the build's problems. Answers carry the Content-Security-Policy the operators' guide gives,
so the preview breaks where the public site would.
"""

from __future__ import annotations

import html
import json
import re
import sys
from functools import partial
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from importlib.resources import files
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from .builds import BuildState
from .problems import Problem, find_file

PREFIX = "/.handbill-preview/"
ASSETS = {"preview.js": "text/javascript", "preview.css": "text/css"}
# The policy docs/operators.md tells hosts to send.
CSP = (
    "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)
TAGS = (
    '<meta name="handbill-preview-build" content="{build}">'
    f'<link rel="stylesheet" href="{PREFIX}preview.css">'
    f'<script src="{PREFIX}preview.js" defer></script>'
)
# The search page and its index (Pagefind runs as WebAssembly), as the guide's files grant.
SEARCH_CSP = CSP.replace("; img-src", "; script-src 'self' 'wasm-unsafe-eval'; img-src", 1)
SEARCH_PATHS = ("/search/", "/pagefind/")
HEAD_END = re.compile(rb"</head\s*>", re.IGNORECASE)
MAX_SOURCE = 2_000_000  # bytes of a source file the source view shows


def with_preview(page: bytes, build: str) -> bytes:
    """The page with the preview's script and stylesheet, before </head> (else at the end).

    The build it was served from rides along: a build that finishes just after the page was
    served still reloads it.
    """
    tags = TAGS.format(build=html.escape(build)).encode()
    found = HEAD_END.search(page)
    if not found:
        return page + tags
    return page[: found.start()] + tags + page[found.start() :]


class PreviewHandler(SimpleHTTPRequestHandler):
    """Files from the preview folder; HTML with the preview's tags; /.handbill-preview/."""

    def __init__(self, *args, state: BuildState, roots: list[Path], **kwargs) -> None:
        self.state = state
        self.roots = roots
        super().__init__(*args, **kwargs)

    def end_headers(self) -> None:
        # A reload must show the new build, never a copy the browser kept.
        self.send_header("Cache-Control", "no-store")
        searching = urlsplit(self.path).path.startswith(SEARCH_PATHS)
        self.send_header("Content-Security-Policy", SEARCH_CSP if searching else CSP)
        super().end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass  # the terminal is for the build's messages

    def do_GET(self) -> None:
        self.answer(head=False)

    def do_HEAD(self) -> None:
        self.answer(head=True)

    def answer(self, head: bool) -> None:
        path = urlsplit(self.path).path
        if path.startswith(PREFIX):
            self.preview_address(path.removeprefix(PREFIX), head)
            return
        page = self.html_file(path)
        if page is None:
            super().do_HEAD() if head else super().do_GET()
            return
        try:
            body = page.read_bytes()
        except OSError:  # removed by the build in between
            self.send_error(HTTPStatus.NOT_FOUND)
            return
        self.send_body(HTTPStatus.OK, "text/html; charset=utf-8", body, head, True)

    def html_file(self, path: str) -> Path | None:
        """The HTML file an address shows, or None to let the file server answer."""
        found = Path(self.translate_path(path))
        if found.is_dir():
            if not path.endswith("/"):
                return None  # the file server redirects to the address with a slash
            found = found / "index.html"
        return found if found.suffix == ".html" and found.is_file() else None

    def send_error(self, code: int, message: str | None = None, explain: str | None = None):
        page = Path(self.directory) / "404.html"
        if code != HTTPStatus.NOT_FOUND or not page.is_file():
            super().send_error(code, message, explain)
            return
        body = page.read_bytes()
        self.send_body(code, "text/html; charset=utf-8", body, self.command == "HEAD", True)

    def send_body(self, code: int, kind: str, body: bytes, head: bool, page: bool) -> None:
        if page:
            body = with_preview(body, self.state.build)
        self.send_response(code)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if not head:
            self.wfile.write(body)

    def preview_address(self, name: str, head: bool) -> None:
        if name == "state.json":
            body = json.dumps(self.state.as_json()).encode()
            self.send_body(HTTPStatus.OK, "application/json", body, head, False)
        elif name in ASSETS:
            body = files(__package__).joinpath("static", name).read_bytes()
            self.send_body(HTTPStatus.OK, f"{ASSETS[name]}; charset=utf-8", body, head, False)
        elif name == "source":
            query = parse_qs(urlsplit(self.path).query)
            self.source_view(query.get("file", [""])[0], head)
        else:
            self.send_error(HTTPStatus.NOT_FOUND)

    def source_view(self, name: str, head: bool) -> None:
        """A source file a problem names, numbered, with that file's problems on top.

        Only files the current problems name, inside the project: the preview shows no
        other file to whatever asks.
        """
        problems = [p for p in self.state.current_problems() if p.file == name]
        found = find_file(name, self.roots) if problems else None
        if found is None or found.stat().st_size > MAX_SOURCE:
            self.send_error(HTTPStatus.NOT_FOUND)
            return
        text = found.read_bytes().decode("utf-8", errors="replace")
        project = self.roots[0].resolve()
        path = found.relative_to(project) if found.is_relative_to(project) else found
        body = source_page(name, str(path), text, problems).encode()
        self.send_body(HTTPStatus.OK, "text/html; charset=utf-8", body, head, True)


def source_page(name: str, path: str, text: str, problems: list[Problem]) -> str:
    marked = {p.line for p in problems}
    rows = "\n".join(
        f'<tr id="L{n}"{" class=is-marked" if n in marked else ""}>'
        f"<td>{n}</td><td><pre>{html.escape(line)}</pre></td></tr>"
        for n, line in enumerate(text.splitlines() or [""], start=1)
    )
    listed = "".join(f"<li>{html.escape(p.text)}</li>" for p in problems)
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{html.escape(name)} (preview)</title></head><body class=handbill-source>"
        f"<h1>{html.escape(name)}</h1><p>Open <code>{html.escape(path)}</code> in your editor, "
        'fix it and save: the page refreshes by itself. <a href="/">Back to the site</a></p>'
        f"<ul>{listed}</ul><table>{rows}</table></body></html>"
    )


class PreviewServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address) -> None:
        # A browser that reloads mid-answer closes the connection: not worth a traceback.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


def make_server(
    output: Path, bind: str, port: int, state: BuildState, roots: list[Path]
) -> PreviewServer:
    handler = partial(PreviewHandler, directory=str(output), state=state, roots=roots)
    return PreviewServer((bind, port), handler)
