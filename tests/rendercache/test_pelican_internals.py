"""The two places handbill_rendercache leans on Pelican's own code (docs/architecture.md,
"Private names we rely on"): this fails loudly on a Pelican release that changes them, and
a preview on such a release renders every page and says why."""

import logging
from types import SimpleNamespace

import pelican
import pytest
from pelican.contents import Article
from pelican.writers import Writer

from handbill_rendercache import writer as cache_writer


@pytest.fixture(autouse=True)
def fresh_check():
    cache_writer.pelican_mismatch.cache_clear()
    yield
    cache_writer.pelican_mismatch.cache_clear()


def test_this_pelican_has_what_the_render_cache_relies_on() -> None:
    assert cache_writer.pelican_mismatch() is None, (
        f"Pelican {pelican.__version__} changed Writer._open_w/_written_files or how a post's "
        "content and summary are read or kept: update plugins/handbill_rendercache (writer.py, "
        "cache.py) and docs/architecture.md"
    )


def preview_settings(tmp_path) -> dict:
    return {
        "PLUGINS": ["handbill_rendercache"],
        "CACHE_CONTENT": True,
        "LOAD_CONTENT_CACHE": True,
        "OUTPUT_PATH": str(tmp_path / "output"),
        "CACHE_PATH": str(tmp_path / "cache"),
    }


def test_a_changed_writer_turns_the_cache_off_and_says_so(
    monkeypatch: pytest.MonkeyPatch, tmp_path, caplog: pytest.LogCaptureFixture
) -> None:
    def renamed(self, path, encoding, override=False, mode="w"):
        return open(path, mode, encoding=encoding)

    monkeypatch.setattr(Writer, "_open_w", renamed)
    with caplog.at_level(logging.WARNING):
        assert cache_writer.get_writer(SimpleNamespace(settings=preview_settings(tmp_path))) is None
    assert "rendering every page" in caplog.text and "Writer._open_w now takes" in caplog.text


def test_content_read_without_get_content_turns_the_cache_off(
    monkeypatch: pytest.MonkeyPatch, tmp_path, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(Article, "content", property(lambda self: "<p>Text</p>"))
    with caplog.at_level(logging.WARNING):
        assert cache_writer.get_writer(SimpleNamespace(settings=preview_settings(tmp_path))) is None
    assert "get_content/get_summary" in caplog.text


def test_on_this_pelican_a_preview_gets_the_caching_writer(tmp_path) -> None:
    site = SimpleNamespace(settings={**preview_settings(tmp_path), "HANDBILL_RENDERCACHE": {}})
    writer = cache_writer.get_writer(site)
    assert writer is not None and issubclass(writer, cache_writer.CachingWriter)


def test_text_kept_elsewhere_turns_the_cache_off(
    monkeypatch: pytest.MonkeyPatch, tmp_path, caplog: pytest.LogCaptureFixture
) -> None:
    init = Article.__init__

    def elsewhere(self, content=None, *args, **kwargs):
        init(self, content, *args, **kwargs)
        self.converted, self._content = self._content, None

    monkeypatch.setattr(Article, "__init__", elsewhere)
    with caplog.at_level(logging.WARNING):
        assert cache_writer.get_writer(SimpleNamespace(settings=preview_settings(tmp_path))) is None
    assert "_content" in caplog.text
