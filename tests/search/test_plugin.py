"""handbill_search in a real Pelican build of the demo."""

from __future__ import annotations

from pathlib import Path

import pytest

from handbill_config import ConfigError
from sitebuild import build_site


def test_index_off_keeps_the_page_and_writes_no_index(tmp_path: Path) -> None:
    out = build_site(tmp_path / "output", HANDBILL_SEARCH={"index": False})
    page = (out / "search" / "index.html").read_text(encoding="utf-8")
    assert 'role="search"' in page and "data-search-fallback" in page
    assert not (out / "pagefind").exists()


def test_the_dev_build_indexes_posts_pages_and_events(dev_site: Path) -> None:
    assert (dev_site / "pagefind" / "pagefind.js").is_file()
    nav = (dev_site / "index.html").read_text(encoding="utf-8")
    assert 'href="/search/"' in nav


def test_a_misspelt_setting_stops_the_build(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"HANDBILL_SEARCH\.indx"):
        build_site(tmp_path / "output", HANDBILL_SEARCH={"indx": False})


def test_a_failed_index_fails_the_publish(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    with pytest.raises(SystemExit):
        build_site(tmp_path / "output", "publishconf.py", HANDBILL_SEARCH={"timeout_seconds": 0})
    said = [r.getMessage() for r in caplog.records if r.name.startswith("handbill_search")]
    assert said == [
        "search: the search index took longer than 0 s — see docs/operators.md, "
        "'Search and sharing'"
    ]
