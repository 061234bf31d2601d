"""handbill_theme.urls: addresses worked out once per build, with the same site as result."""

from pathlib import Path

from pelican.contents import Article
from pelican.settings import DEFAULT_CONFIG, read_settings

from handbill_theme.urls import freeze_urls
from sitebuild import ROOT, build_site, snapshot


def test_the_site_is_byte_identical_without_the_plugin(tmp_path: Path) -> None:
    """Every page, feed and calendar is the same whether addresses are computed once
    (handbill_theme) or each time a template asks (Pelican alone)."""
    settings = read_settings(str(ROOT / "publishconf.py"))
    assert "handbill_theme" in settings["PLUGINS"]
    # One build clock for both, so the upcoming events agree.
    events = {**settings["HANDBILL_EVENTS"], "now": "2026-11-22T12:00:00"}
    with_it = build_site(tmp_path / "with" / "output", "publishconf.py", HANDBILL_EVENTS=events)
    without = build_site(
        tmp_path / "without" / "output",
        "publishconf.py",
        HANDBILL_EVENTS=events,
        PLUGINS=[p for p in settings["PLUGINS"] if p != "handbill_theme"],
    )
    assert snapshot(with_it) == snapshot(without)
    assert len(snapshot(with_it)) > 50


class Generator:
    def __init__(self, articles: list[Article]) -> None:
        self.articles = articles


def article(settings: dict, **metadata: object) -> Article:
    return Article(
        "<p>Text</p>",
        metadata={"title": "T", **metadata},
        settings=settings,
        source_path=str(ROOT / "content" / "posts" / "x.md"),
    )


def test_frozen_address_is_the_one_pelican_works_out() -> None:
    settings = {
        **DEFAULT_CONFIG,
        "ARTICLE_URL": "news/{date:%Y}/{slug}/",
        "PATH": str(ROOT / "content"),
    }
    from pelican.utils import SafeDatetime

    post = article(settings, slug="a-post", date=SafeDatetime(2026, 3, 1))
    given = article(settings, slug="b", date=SafeDatetime(2026, 3, 1), url="elsewhere/b/")
    expected = post.url
    freeze_urls([Generator([post, given]), object()])
    assert post.override_url == expected == "news/2026/a-post/"
    assert post.url == expected
    # A post with its own URL: metadata keeps it.
    assert given.url == "elsewhere/b/"
