"""Fixtures shared by the independent-validator checks of the built site."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from functools import partial
from http.server import ThreadingHTTPServer
from pathlib import Path

import pytest

from outputs import tools
from outputs.served import ServedSite, SiteHandler
from outputs.tools import ROOT
from sitebuild import build_site

SCREENSHOTS = ROOT / "screenshots"
# Screenshots older than this session are leftovers, not worth announcing.
SESSION_START = time.time()


@pytest.fixture(scope="session")
def java() -> str:
    return tools.java()


@pytest.fixture(scope="session")
def node() -> str:
    return tools.node()


@pytest.fixture(scope="session")
def vnu_jar() -> Path:
    return tools.npm_file(tools.VNU_JAR)


@pytest.fixture(scope="session")
def axe_source() -> str:
    return tools.npm_file(tools.AXE_JS).read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def ical_js() -> Path:
    return tools.npm_file(tools.ICAL_JS)


@pytest.fixture(scope="session")
def screenshots_dir() -> Path:
    SCREENSHOTS.mkdir(exist_ok=True)
    return SCREENSHOTS


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    # Tell a person where to look at the pages the browser tests photographed.
    shots = SCREENSHOTS.glob("*.png") if SCREENSHOTS.is_dir() else []
    if any(shot.stat().st_mtime >= SESSION_START for shot in shots):
        terminalreporter.write_line(f"Screenshots of the site: {SCREENSHOTS}")


@pytest.fixture(scope="session")
def served_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServedSite]:
    """The published build, with SITEURL set to where a real HTTP server on loopback serves it.

    The published settings are used (feeds on, as the public sees it); only the address differs,
    so that every absolute link the pages make stays on the site under test.
    """
    root = tmp_path_factory.mktemp("served") / "output"
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(SiteHandler, directory=str(root)))
    url = f"http://127.0.0.1:{server.server_address[1]}"
    build_site(root, "publishconf.py", SITEURL=url, FEED_DOMAIN=url)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield ServedSite(url, root)
    finally:
        server.shutdown()
        server.server_close()
