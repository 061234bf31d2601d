"""Shared fixtures: the demo site built once per session with each settings file, and the
browser (Debian's Chromium through Playwright) for every folder that needs one."""

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from outputs import tools
from playwright.sync_api import Browser, sync_playwright

from sitebuild import CONTENT, build_site


@pytest.fixture(scope="session")
def dev_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_site(tmp_path_factory.mktemp("dev") / "output")


@pytest.fixture(scope="session")
def published_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_site(tmp_path_factory.mktemp("published") / "output", "publishconf.py")


@pytest.fixture
def content_copy(tmp_path: Path) -> Iterator[Path]:
    """A copy of the demo content that a test may change."""
    copy = tmp_path / "content"
    shutil.copytree(CONTENT, copy)
    yield copy


# Without the networking flags Chromium phones home at start-up, which the tests would then
# have to tell apart from requests the site makes; the sandbox needs privileges CI lacks.
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def chromium() -> Path:
    found = tools.chromium()
    tools.playwright_driver()
    return found


@pytest.fixture(scope="session")
def browser(chromium: Path) -> Iterator[Browser]:
    """Debian's Chromium, headless; Playwright gives each launch a fresh temporary profile.

    One per session for every folder (tests/outputs, tests/deploy…): Playwright's sync API
    cannot run twice at once in one process.
    """
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(chromium), headless=True, args=CHROMIUM_FLAGS
        )
        try:
            yield launched
        finally:
            launched.close()


# The end-to-end tier: whole folders of it, and any test that needs a browser or a running
# server. Everything else (unit tests and single builds) is the fast tier, `make test-fast`.
E2E_FOLDERS = {"outputs", "bench", "deploy"}
E2E_FIXTURES = {"browser", "chromium", "served_site", "server"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    tests_root = Path(__file__).parent
    for item in items:
        folder = item.path.relative_to(tests_root).parts[0]
        if folder in E2E_FOLDERS or E2E_FIXTURES.intersection(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.e2e)
