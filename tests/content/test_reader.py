"""Handbill's Markdown reader inside real builds: problems told on every build, even when
the preview takes a post from its cache (without reading the file again); raw HTML kept
only when the group's setting allows it."""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

import pytest
from pelican import Pelican
from pelican.settings import read_settings

from handbill_config import ConfigError
from handbill_content.reader import HandbillMarkdownReader
from sitebuild import CONTENT, ROOT, build_site

CORPUS = Path(__file__).parent / "corpus"
STATUS_TYPO = "posts/status-typo.md:8: Status: 'drfat' is not a status"


@pytest.fixture
def content(tmp_path: Path) -> Path:
    copy = tmp_path / "content"
    shutil.copytree(CONTENT, copy)
    shutil.copy2(CORPUS / "posts/status-typo.md", copy / "posts/status-typo.md")
    shutil.copy2(CORPUS / "pages/embed.md", copy / "pages/embed.md")
    return copy


def test_a_cached_post_tells_its_problems_without_being_read_again(
    content: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture, monkeypatch
) -> None:
    reads: list[str] = []
    original = HandbillMarkdownReader._read

    def counted(self, source_path: str, rel: str):
        reads.append(rel)
        return original(self, source_path, rel)

    monkeypatch.setattr(HandbillMarkdownReader, "_read", counted)
    for build in ("first", "second"):
        caplog.clear()
        reads.clear()
        with caplog.at_level(logging.WARNING):
            build_site(tmp_path / "output", PATH=str(content))  # pelicanconf: content cache on
        told = [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR]
        assert any(m.startswith(STATUS_TYPO) for m in told), build
    assert reads == []  # the second build read no post: every one came from the cache


def test_raw_html_is_kept_when_the_group_allows_it(content: Path, tmp_path: Path) -> None:
    out = build_site(
        tmp_path / "output", PATH=str(content), HANDBILL_CONTENT={"allow_raw_html": True}
    )
    assert '<iframe src="https://www.youtube.com/embed/abc">' in (
        out / "corpus-embed/index.html"
    ).read_text(encoding="utf-8")


def test_raw_html_is_removed_by_default(content: Path, tmp_path: Path) -> None:
    out = build_site(tmp_path / "output", PATH=str(content))
    page = (out / "corpus-embed/index.html").read_text(encoding="utf-8")
    assert "<iframe" not in page and "Watch:" in page


def test_a_misspelt_setting_stops_the_build_with_a_message(tmp_path: Path) -> None:
    settings = read_settings(
        str(ROOT / "pelicanconf.py"),
        override={
            "OUTPUT_PATH": str(tmp_path / "out"),
            "HANDBILL_CONTENT": {"allow_raw_htm": True},
        },
    )
    with pytest.raises(ConfigError) as stopped:
        Pelican(settings)
    assert "HANDBILL_CONTENT.allow_raw_htm: unknown setting" in str(stopped.value)
    assert 'did you mean "allow_raw_html"?' in str(stopped.value)
    assert not (tmp_path / "out").exists()


def test_a_rebuild_of_the_same_instance_forgets_the_last_build(
    content: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # `make serve` runs one Pelican many times: a renamed post is not its own duplicate.
    settings = read_settings(
        str(ROOT / "pelicanconf.py"),
        override={
            "PATH": str(content),
            "OUTPUT_PATH": str(tmp_path / "out"),
            "CACHE_PATH": str(tmp_path / "cache"),
        },
    )
    pelican = Pelican(settings)
    pelican.run()
    post = content / "posts/2026-11-scrutiny-committee.md"
    post.rename(post.with_name("scrutiny.md"))
    caplog.clear()
    with caplog.at_level(logging.ERROR):
        pelican.run()
    assert not [r for r in caplog.records if "same address" in r.getMessage()]
    assert (tmp_path / "out/news/2026/scrutiny-committee/index.html").is_file()
