"""render_once: the box that is the same on every page is rendered once per build."""

from __future__ import annotations

from types import SimpleNamespace

from jinja2 import DictLoader, Environment

from handbill_events.fragments import add_render_once

TEMPLATES = {
    "box.html": "{% set _ = calls.append(1) %}<a href='{{ SITEURL }}/events/'>{{ title }}</a>",
    "page.html": "<p>{{ page }}</p>{{ render_once('box.html') }}",
}


def test_each_siteurl_renders_the_fragment_once_and_pages_get_the_same_text() -> None:
    generator = SimpleNamespace(env=Environment(loader=DictLoader(TEMPLATES), autoescape=True))
    add_render_once(generator)
    page = generator.env.get_template("page.html")
    calls: list[int] = []
    shared = {"calls": calls, "title": "Fish & chips"}
    first = page.render(page=1, SITEURL="", **shared)
    second = page.render(page=2, SITEURL="", **shared)
    assert first == "<p>1</p><a href='/events/'>Fish &amp; chips</a>"
    assert second == "<p>2</p><a href='/events/'>Fish &amp; chips</a>"
    assert len(calls) == 1
    assert page.render(page=3, SITEURL="..", **shared).endswith(
        "<a href='../events/'>Fish &amp; chips</a>"
    )
    assert len(calls) == 2


def test_a_new_generator_starts_a_new_cache() -> None:
    calls: list[int] = []
    for title in ("One", "Two"):
        generator = SimpleNamespace(env=Environment(loader=DictLoader(TEMPLATES)))
        add_render_once(generator)
        out = generator.env.get_template("page.html").render(
            page=1, SITEURL="", calls=calls, title=title
        )
        assert out.endswith(f"{title}</a>")
    assert len(calls) == 2
