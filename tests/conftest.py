"""Shared fixtures: the demo site built once per session with each settings file."""

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

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
