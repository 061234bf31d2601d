"""What the render cache takes a page to be made from: equal inputs, equal descriptions."""

from dataclasses import dataclass
from datetime import date, datetime

import pytest
from pelican.contents import Article
from pelican.urlwrappers import Tag

from handbill_rendercache.digest import Describer, Unstable

SETTINGS = {"SLUGIFY_SOURCE": "title", "DEFAULT_LANG": "en"}


def article(path: str, text: str = "<p>Hello</p>") -> Article:
    return Article(text, {"title": path, "date": datetime(2026, 1, 5)}, source_path=path)


@dataclass
class Venue:
    name: str
    opens: date


def test_plain_values_and_dataclasses_describe_the_same_every_time() -> None:
    value = {"b": [1, "two", date(2026, 1, 5)], "a": Venue("Hall", date(2026, 1, 5))}
    assert Describer().describe(value) == Describer().describe(dict(reversed(value.items())))
    assert Describer().describe(value) != Describer().describe({**value, "c": None})


def test_a_post_is_described_by_its_source_file_and_collected() -> None:
    describer = Describer()
    post = article("posts/one.md")
    assert "posts/one.md" in describer.describe([post])
    meta, bodies = describer.content_digests()
    assert set(meta) == set(bodies) == {"posts/one.md"}


def test_a_post_text_change_changes_only_its_body_digest() -> None:
    first, second = Describer(), Describer()
    first.describe(article("posts/one.md", "<p>Hello</p>"))
    second.describe(article("posts/one.md", "<p>Hello again</p>"))
    (meta1, body1), (meta2, body2) = first.content_digests(), second.content_digests()
    assert meta1 == meta2
    assert body1 != body2


def test_tags_are_described_by_name_and_slug() -> None:
    assert Describer().describe(Tag("NHS", SETTINGS)) == Describer().describe(Tag("NHS", SETTINGS))


def test_an_object_that_prints_its_address_is_unstable() -> None:
    with pytest.raises(Unstable):
        Describer().describe({"thing": object()})


def test_a_cycle_is_unstable_not_endless() -> None:
    loop: list = []
    loop.append(loop)
    with pytest.raises(Unstable):
        Describer().describe(loop)


def test_a_cache_key_stands_for_the_object() -> None:
    class Event:
        cache_key = "members-meeting v3"

    assert "members-meeting v3" in Describer().describe(Event())
