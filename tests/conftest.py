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
