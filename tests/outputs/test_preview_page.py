"""The preview's page script in Chromium against the real preview server, with the build
state set by the test: what a volunteer sees while a build runs, after it, and when the
preview stops."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from handbill_preview.builds import BuildState
from handbill_preview.problems import Problem
from handbill_preview.server import PreviewServer, make_server

PAGE = "<!DOCTYPE html><html lang='en'><head><title>t</title></head><body><h1>{}</h1></body></html>"


@pytest.fixture
def preview(tmp_path: Path) -> Iterator[tuple[PreviewServer, BuildState, Path]]:
    output = tmp_path / "preview"
    output.mkdir()
    (output / "index.html").write_text(PAGE.format("First"))
    state = BuildState()
    state.finish([])
    server = make_server(output, "127.0.0.1", 0, state, [tmp_path])
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server, state, output
    server.shutdown()
    server.server_close()


def test_rebuilding_shows_then_the_new_build_loads_with_its_problems(
    preview, browser: Browser
) -> None:
    server, state, output = preview
    page = browser.new_context().new_page()
    page.goto(f"http://127.0.0.1:{server.server_address[1]}/")
    expect(page.locator("h1")).to_have_text("First")
    badge = page.get_by_role("status")
    expect(badge).to_be_hidden()
    state.begin()
    expect(badge).to_have_text("Rebuilding…")
    (output / "index.html").write_text(PAGE.format("Second"))
    state.finish([Problem("warning", "Just a warning")])
    expect(page.locator("h1")).to_have_text("Second")
    expect(page.locator("#handbill-preview")).to_contain_text("1 warning in the site.")
    expect(page.locator("#handbill-preview")).not_to_contain_text("A publish stops")
    expect(page.get_by_role("status")).to_be_hidden()
    page.context.close()


def test_a_preview_that_stopped_leaves_the_page_as_it_is(preview, browser: Browser) -> None:
    server = preview[0]
    page = browser.new_context().new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"http://127.0.0.1:{server.server_address[1]}/")
    server.shutdown()
    server.server_close()
    page.wait_for_timeout(1500)  # a few failed checks
    expect(page.locator("h1")).to_have_text("First")
    assert not errors
    page.context.close()
