"""Preview rebuilds re-render only what an edit changed, and always match a fresh build."""

import json
import shutil
from pathlib import Path

import pytest

from sitebuild import ROOT, build_site, html_pages, snapshot

POST = "posts/2024-03-launch-meeting.md"
EVENT = "events/members-meeting.yaml"
FEEDS = {
    "FEED_ALL_ATOM": "feeds/all.atom.xml",
    "CATEGORY_FEED_ATOM": "feeds/category/{slug}.atom.xml",
    "TAG_FEED_RSS": "feeds/tag/{slug}.rss.xml",
}


class Preview:
    """One preview folder (output and cache) of a content copy, rebuilt as `make serve` does."""

    def __init__(self, content: Path, root: Path, **settings) -> None:
        self.content, self.root, self.settings = content, root, settings
        self.output = root / "output"
        self.record = root / "cache" / "handbill-rendercache.json"

    def build(self, **settings) -> tuple[int, int]:
        """Build; return (pages kept, pages rendered) as the plugin recorded them."""
        build_site(self.output, PATH=str(self.content), **{**self.settings, **settings})
        record = json.loads(self.record.read_text(encoding="utf-8"))
        return record["kept"], record["rendered"]

    def fresh(self, **settings) -> dict[str, bytes]:
        """The same files built from scratch, with no cache at all."""
        output = self.root.parent / f"fresh-{self.root.name}" / "output"
        shutil.rmtree(output.parent, ignore_errors=True)
        build_site(
            output,
            PATH=str(self.content),
            CACHE_CONTENT=False,
            LOAD_CONTENT_CACHE=False,
            **{**self.settings, **settings},
        )
        return snapshot(output)


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} is not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture
def preview(content_copy: Path, tmp_path: Path) -> Preview:
    site = Preview(content_copy, tmp_path / "preview")
    kept, rendered = site.build()
    assert kept == 0 and rendered > 50
    return site


def test_a_rebuild_with_no_edits_renders_nothing(preview: Preview) -> None:
    before = snapshot(preview.output)
    kept, rendered = preview.build()
    assert (kept, rendered) == (len(html_pages(preview.output)) + 2, 0)  # + sitemap, robots
    assert snapshot(preview.output) == before


def test_editing_a_post_renders_only_the_pages_that_show_its_text(preview: Preview) -> None:
    edit(preview.content / POST, "\n\n", "\n\nA first paragraph added while previewing.\n\n")
    kept, rendered = preview.build()
    # The post, and the first page of each listing its summary is on (home, category,
    # its tags, its author): nothing else shows its text.
    assert 2 <= rendered <= 10, rendered
    assert kept > 80
    post = preview.output / "news/2024/we-are-launched/index.html"
    assert "A first paragraph added while previewing." in post.read_text(encoding="utf-8")
    assert snapshot(preview.output) == preview.fresh()


def test_editing_a_title_renders_every_page(preview: Preview) -> None:
    edit(preview.content / POST, "Title: Anytown Save Our NHS is launched", "Title: Renamed")
    kept, _rendered = preview.build()
    assert kept == 0
    assert snapshot(preview.output) == preview.fresh()


def test_editing_an_event_renders_every_page(preview: Preview) -> None:
    # Every page shows the upcoming meetings at its foot.
    edit(preview.content / EVENT, "title: Members' meeting", "title: Members' assembly")
    kept, _rendered = preview.build()
    assert kept == 0
    assert snapshot(preview.output) == preview.fresh()


def test_the_passing_of_time_updates_event_pages(preview: Preview) -> None:
    # Pinned clocks either side of the December members' meeting (demo content).
    before, after = "2026-11-22T12:00:00+00:00", "2027-01-20T12:00:00+00:00"
    preview.build(HANDBILL_EVENTS={"now": before})
    _kept, rendered = preview.build(HANDBILL_EVENTS={"now": after})
    assert rendered > 0
    fresh = preview.fresh(HANDBILL_EVENTS={"now": after})
    # Pages of months now too far back stay behind, as with Pelican alone (`make clean`).
    built = snapshot(preview.output)
    assert {name: built.get(name) for name in fresh} == fresh


def test_editing_the_theme_renders_every_page(content_copy: Path, tmp_path: Path) -> None:
    theme = tmp_path / "theme"
    shutil.copytree(ROOT / "theme", theme)
    site = Preview(content_copy, tmp_path / "preview", THEME=str(theme))
    site.build()
    base = theme / "templates" / "base.html"
    edit(base, "</body>", "<!-- theme edited --></body>")
    kept, _rendered = site.build()
    assert kept == 0
    assert all("theme edited" in p.read_text(encoding="utf-8") for p in html_pages(site.output))


def test_a_page_changed_or_deleted_in_the_output_is_written_again(preview: Preview) -> None:
    about = preview.output / "about" / "index.html"
    home = preview.output / "index.html"
    expected = snapshot(preview.output)
    about.write_text("edited by hand", encoding="utf-8")
    home.unlink()
    _kept, rendered = preview.build()
    assert rendered == 2
    assert snapshot(preview.output) == expected


def test_feeds_are_rewritten_only_when_a_post_in_them_changes(
    content_copy: Path, tmp_path: Path
) -> None:
    site = Preview(content_copy, tmp_path / "preview", **FEEDS)
    site.build()
    feeds = site.output / "feeds"
    untouched = feeds / "tag" / "consent.rss.xml"
    stamp = untouched.stat().st_mtime_ns
    edit(site.content / POST, "\n\n", "\n\nA paragraph for the feeds.\n\n")
    site.build()
    assert "A paragraph for the feeds." in (feeds / "all.atom.xml").read_text(encoding="utf-8")
    assert untouched.stat().st_mtime_ns == stamp
    assert snapshot(site.output) == site.fresh()


def test_publishing_renders_every_page_and_keeps_no_record(tmp_path: Path) -> None:
    build_site(tmp_path / "output", "publishconf.py", CACHE_PATH=str(tmp_path / "cache"))
    assert not (tmp_path / "cache" / "handbill-rendercache.json").exists()


def test_an_unreadable_record_means_every_page_is_rendered(preview: Preview) -> None:
    preview.record.write_text("{not json", encoding="utf-8")
    kept, _rendered = preview.build()
    assert kept == 0
    assert snapshot(preview.output) == preview.fresh()
