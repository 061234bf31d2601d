"""The preview server: pages get the preview's tags as served, other files are untouched."""

from __future__ import annotations

import http.client
import json
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from handbill_preview.builds import BuildState
from handbill_preview.problems import Problem
from handbill_preview.server import CSP, SEARCH_CSP, make_server, with_preview

PAGE = b"<!DOCTYPE html><html><head><title>t</title></head><body><p>hello</p></body></html>"


@pytest.fixture
def site(tmp_path: Path) -> Iterator[tuple[str, Path, BuildState]]:
    output, project = tmp_path / "preview", tmp_path / "project"
    (output / "about").mkdir(parents=True)
    (output / "about" / "index.html").write_bytes(PAGE)
    (output / "404.html").write_bytes(PAGE.replace(b"hello", b"not here"))
    (output / "style.css").write_bytes(b"p { color: red } </head>")
    (project / "content" / "posts").mkdir(parents=True)
    (project / "content" / "posts" / "a.md").write_text("Title: A\nDate: 2026-13-01\n\n<b>x</b>")
    (project / "content" / "posts" / "b.md").write_text("Title: B\n")
    (tmp_path / "secret.txt").write_text("not for the browser")
    state = BuildState()
    state.finish(
        [Problem("error", "content/posts/a.md:2: Date: no such month", "content/posts/a.md", 2)]
    )
    server = make_server(output, "127.0.0.1", 0, state, [project])
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"127.0.0.1:{server.server_address[1]}", output, state
    server.shutdown()
    server.server_close()


def get(host: str, path: str, method: str = "GET") -> tuple[int, dict[str, str], bytes]:
    connection = http.client.HTTPConnection(host, timeout=10)
    connection.request(method, path)
    answer = connection.getresponse()
    body = answer.read()
    connection.close()
    return answer.status, {k.lower(): v for k, v in answer.getheaders()}, body


def test_pages_get_the_preview_tags_before_the_end_of_head(site) -> None:
    host, _, state = site
    status, headers, body = get(host, "/about/")
    assert status == 200
    assert body.startswith(PAGE.split(b"</head>")[0])
    assert b'<script src="/.handbill-preview/preview.js" defer></script></head>' in body
    assert f'content="{state.build}"'.encode() in body
    assert int(headers["content-length"]) == len(body)
    assert headers["cache-control"] == "no-store"
    assert headers["content-security-policy"] == CSP
    assert get(host, "/about/", "HEAD")[2] == b""


def test_the_search_page_and_its_index_may_run_webassembly(site) -> None:
    host, output, _ = site
    (output / "search").mkdir()
    (output / "search" / "index.html").write_bytes(PAGE)
    (output / "pagefind").mkdir()
    (output / "pagefind" / "pagefind.js").write_bytes(b"export {};")
    for path in ("/search/", "/search/?q=nhs", "/pagefind/pagefind.js"):
        assert get(host, path)[1]["content-security-policy"] == SEARCH_CSP, path
    assert "'wasm-unsafe-eval'" in SEARCH_CSP and "wasm" not in CSP
    assert get(host, "/about/")[1]["content-security-policy"] == CSP


def test_other_files_are_served_as_they_are(site) -> None:
    host, output, _ = site
    status, headers, body = get(host, "/style.css")
    assert (status, body) == (200, (output / "style.css").read_bytes())
    assert headers["cache-control"] == "no-store"
    assert get(host, "/about")[0] == 301  # the file server's redirect to /about/


def test_the_not_found_page_carries_the_banner_too(site) -> None:
    status, _, body = get(site[0], "/no-such-page/")
    assert status == 404
    assert b"not here" in body and b"/.handbill-preview/preview.js" in body


def test_state_lists_the_problems_of_the_current_build(site) -> None:
    host, _, state = site
    status, headers, body = get(host, "/.handbill-preview/state.json")
    assert status == 200 and headers["content-type"] == "application/json"
    assert json.loads(body) == {
        "build": state.build,
        "building": False,
        "problems": [
            {
                "level": "error",
                "text": "content/posts/a.md:2: Date: no such month",
                "file": "content/posts/a.md",
                "line": 2,
            }
        ],
    }


def test_the_source_view_shows_the_file_escaped_with_the_line_marked(site) -> None:
    status, _, body = get(site[0], "/.handbill-preview/source?file=content/posts/a.md")
    assert status == 200
    text = body.decode()
    assert '<tr id="L2" class=is-marked><td>2</td><td><pre>Date: 2026-13-01</pre>' in text
    assert "&lt;b&gt;x&lt;/b&gt;" in text and "<b>x</b>" not in text
    assert "<li>content/posts/a.md:2: Date: no such month</li>" in text
    assert "Open <code>content/posts/a.md</code> in your editor" in text


@pytest.mark.parametrize(
    "name",
    [
        "../secret.txt",
        "/etc/passwd",
        "content/../../secret.txt",
        "",
        "content/posts",
        "content/posts/b.md",  # in the project, but no problem names it
    ],
)
def test_the_source_view_shows_nothing_outside_the_project(site, name: str) -> None:
    status, _, body = get(site[0], f"/.handbill-preview/source?file={name}")
    assert status == 404
    assert b"not for the browser" not in body and b"root:" not in body


def test_preview_assets_are_served(site) -> None:
    for name, kind in (("preview.js", "text/javascript"), ("preview.css", "text/css")):
        status, headers, body = get(site[0], f"/.handbill-preview/{name}")
        assert status == 200 and headers["content-type"].startswith(kind) and body


def test_a_page_without_head_gets_the_tags_at_the_end() -> None:
    assert with_preview(b"<p>bare</p>", "b1").startswith(b"<p>bare</p><meta")
    assert with_preview(b"<HEAD></HEAD >", "b1").endswith(b"</HEAD >")
