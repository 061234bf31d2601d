"""Fixtures for the handbill_publish tests (helpers in tests/publish_support.py)."""

from collections.abc import Iterator
from pathlib import Path

import pytest

import publish_support


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return publish_support.project(tmp_path)


@pytest.fixture
def inbox() -> Iterator[publish_support.Inbox]:
    yield from publish_support.inbox()


@pytest.fixture
def signup_toml(project: Path, inbox: publish_support.Inbox) -> Path:
    return publish_support.signup_toml(project, inbox)
