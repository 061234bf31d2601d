"""The published site, with the posts whose active HTML was removed, under the strict
Content-Security-Policy the operators' guide gives, in Debian's Chromium: no violations.

The policy is read from the configuration the guide includes (deploy/nginx/handbill.conf,
or the guide itself), so the test follows it when it changes.
"""

from __future__ import annotations

import re
import shutil
import threading
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from playwright.sync_api import Browser

from sitebuild import CONTENT, ROOT, build_site

CORPUS = Path(__file__).parent / "corpus"
HTML_FILES = [
    *sorted(str(p.relative_to(CORPUS)) for p in CORPUS.rglob("*.md") if "html-" in p.name),
    "pages/embed.md",
]
POLICY_SOURCES = (ROOT / "deploy" / "nginx" / "handbill.conf", ROOT / "docs" / "operators.md")
# nginx's map gives every page its `default` policy (the search page alone adds WebAssembly).
POLICY = re.compile(
    r"(?:add_header Content-Security-Policy|map \$uri \$handbill_csp \{\s*default)"
    r' "([^"]+)"'
)
# Collects every violation the page reports, from before its first script runs.
LISTEN = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__violations.push(`${e.violatedDirective} blocked ${e.blockedURI || "inline"}`);
});
"""
PAGES = [
    "/",
    "/news/2026/scrutiny-committee/",
    "/news/category/news/",
    "/events/",
    "/about/",
    "/join/",
    "/contact/",
    "/corpus-embed/",
    *(f"/news/2025/corpus-{Path(rel).stem}/" for rel in HTML_FILES if rel.startswith("posts/")),
]


def documented_policy() -> str:
    for source in POLICY_SOURCES:
        if source.is_file() and (found := POLICY.search(source.read_text(encoding="utf-8"))):
            return found[1]
    raise AssertionError(f"no Content-Security-Policy found in {POLICY_SOURCES}")


class PolicyHandler(SimpleHTTPRequestHandler):
    """The built files, each answer with the documented policy, as the web server sends it."""

    policy = ""

    def end_headers(self) -> None:
        self.send_header("Content-Security-Policy", self.policy)
        super().end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    tmp = tmp_path_factory.mktemp("csp")
    content = tmp / "content"
    shutil.copytree(CONTENT, content)
    for rel in HTML_FILES:
        shutil.copy2(CORPUS / rel, content / rel)
    root = tmp / "output"
    handler = type("Handler", (PolicyHandler,), {"policy": documented_policy()})
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(handler, directory=str(root)))
    url = f"http://127.0.0.1:{server.server_address[1]}"
    build_site(root, "publishconf.py", PATH=str(content), SITEURL=url, FEED_DOMAIN=url)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield url, root
    finally:
        server.shutdown()
        server.server_close()


def violations(browser: Browser, url: str) -> list[str]:
    context = browser.new_context()
    try:
        context.add_init_script(script=LISTEN)
        page = context.new_page()
        said: list[str] = []
        page.on("console", lambda m: said.append(m.text) if "Security Policy" in m.text else None)
        response = page.goto(url, wait_until="networkidle")
        assert response is not None and response.status == 200, url
        return [*page.evaluate("window.__violations"), *said]
    finally:
        context.close()


def test_the_html_corpus_pages_are_built(served: tuple[str, Path]) -> None:
    _url, root = served
    for address in PAGES:
        assert (root / address.strip("/") / "index.html").is_file() or address == "/", address


@pytest.mark.parametrize("address", PAGES)
def test_no_policy_violations(served: tuple[str, Path], browser: Browser, address: str) -> None:
    url, _root = served
    assert violations(browser, url + address) == []


GUARD = """<!DOCTYPE html><html lang="en"><head><title>guard</title></head><body>
<p style="color: red">inline style</p><script>document.title = "ran";</script>
<iframe src="https://www.youtube.com/embed/abc"></iframe></body></html>"""


def test_the_check_sees_violations(served: tuple[str, Path], browser: Browser) -> None:
    # What the plugin removes from posts is exactly what the policy blocks: proved on a page
    # that keeps it.
    url, root = served
    (root / "csp-guard").mkdir(exist_ok=True)
    (root / "csp-guard" / "index.html").write_text(GUARD, encoding="utf-8")
    seen = " | ".join(violations(browser, f"{url}/csp-guard/"))
    for directive in ("style-src", "script-src", "frame-src"):
        assert directive in seen, seen
