"""Build the real site with the real Pelican into tmp_path, from fixture event folders."""

from __future__ import annotations

import logging
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from pelican import Pelican
from pelican.settings import read_settings

ROOT = Path(__file__).resolve().parents[2]
DATA = Path(__file__).parent / "data"
NOW = "2026-11-22T12:00:00+00:00"
SITEURL = "https://anytown.example.org"


def build(
    workdir: Path,
    events: Path | list[Path] | None = None,
    *,
    now: str = NOW,
    siteurl: str = SITEURL,
    fresh: bool = True,
    cache: Path | None = None,
    **handbill: object,
) -> Path:
    """Copy event files into workdir/content/events, build, return the output folder.

    With fresh=False the content folder (and its change ledger) is kept from a previous
    build, so tests can edit a file and rebuild. `cache` turns Pelican's content cache
    on, kept in that folder.
    """
    content = workdir / "content"
    target = content / "events"
    if fresh:
        shutil.rmtree(content, ignore_errors=True)
        target.mkdir(parents=True)
        sources = events if isinstance(events, list) else [events] if events else []
        for source in sources:
            if source.is_dir():
                shutil.copytree(source, target, dirs_exist_ok=True)
            else:
                shutil.copy(source, target / source.name)
    out = workdir / "output"
    settings = read_settings(
        str(ROOT / "pelicanconf.py"),
        override={
            "PATH": str(content),
            "OUTPUT_PATH": str(out),
            "THEME": str(ROOT / "theme"),
            "PLUGIN_PATHS": [str(ROOT / "plugins")],
            "PLUGINS": ["handbill_events"],
            "SITEURL": siteurl,
            "DIRECT_TEMPLATES": [],
            "DELETE_OUTPUT_DIRECTORY": True,
            "CACHE_CONTENT": cache is not None,
            "LOAD_CONTENT_CACHE": cache is not None,
            "CACHE_PATH": str(cache or workdir / "cache"),
            "HANDBILL_EVENTS": {
                "now": now,
                "uid_domain": "anytown.example.org",
                "region": ("GB", "ENG"),
                **handbill,
            },
        },
    )
    Pelican(settings=settings).run()
    return out


@pytest.fixture
def build_events(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> Callable[..., Path]:
    caplog.set_level(logging.WARNING)

    def _build(events: Path | list[Path] | None = None, **kwargs: object) -> Path:
        return build(tmp_path, events, **kwargs)

    return _build


@pytest.fixture(scope="session")
def demo_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo events from content/events, built once."""
    return build(tmp_path_factory.mktemp("demo"), ROOT / "content" / "events")


@pytest.fixture(scope="session")
def fixture_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """tests/events/data/site built with the clock early in 2026, before the bank holidays."""
    return build(tmp_path_factory.mktemp("fixture"), DATA / "site", now="2026-01-01T09:00:00+00:00")
