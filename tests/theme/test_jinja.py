"""handbill_theme.jinja: `{% once %}` renders a block once per key and build; templates are
compiled once per process."""

import jinja2
import pytest

from handbill_theme.jinja import COMPILED, BuildOnce

TEMPLATES = {
    "page.html": (
        "{% once 'footer', SITEURL %}<footer>{{ counter() }} {{ SITEURL }}</footer>{% endonce %}"
        "|{% once 'other' %}{{ counter() }}{% endonce %}"
    ),
}


def environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.DictLoader(TEMPLATES), extensions=[BuildOnce], autoescape=True
    )


def counter_global() -> object:
    calls = []

    def counter() -> int:
        calls.append(1)
        return len(calls)

    return counter


def test_once_renders_the_block_once_per_key() -> None:
    env = environment()
    env.globals["counter"] = counter_global()
    page = env.get_template("page.html")
    first = page.render(SITEURL="https://a.example")
    assert first == "<footer>1 https://a.example</footer>|2"
    # Same key: the text rendered the first time, though the counter has moved on.
    assert page.render(SITEURL="https://a.example") == first
    # Another SITEURL (RELATIVE_URLS gives each folder its own): rendered again for it.
    assert page.render(SITEURL="..") == "<footer>3 ..</footer>|2"


def test_each_environment_renders_afresh() -> None:
    """Pelican makes new environments for every build, so a rebuild never sees old text."""
    for expected in ("<footer>1 x</footer>|2", "<footer>1 x</footer>|2"):
        env = environment()
        env.globals["counter"] = counter_global()
        assert env.get_template("page.html").render(SITEURL="x") == expected


def test_once_keeps_autoescaping() -> None:
    env = environment()
    env.globals["counter"] = lambda: "<b>"
    assert env.get_template("page.html").render(SITEURL="&") == (
        "<footer>&lt;b&gt; &amp;</footer>|&lt;b&gt;"
    )


def test_a_key_that_cannot_be_kept_fails_loudly() -> None:
    env = jinja2.Environment(extensions=[BuildOnce])
    with pytest.raises(TypeError):
        env.from_string("{% once items %}x{% endonce %}").render(items=[1])


def test_environments_share_compiled_templates() -> None:
    name = "shared-compile-test.html"
    loader = jinja2.DictLoader({name: "{{ 1 + 1 }} {{ value }}"})
    first = jinja2.Environment(loader=loader, extensions=[BuildOnce])
    assert first.bytecode_cache is COMPILED
    first.get_template(name)
    compiled = dict(COMPILED.code)
    second = jinja2.Environment(loader=loader, extensions=[BuildOnce])
    assert second.get_template(name).render(value="x") == "2 x"
    assert COMPILED.code == compiled  # nothing compiled a second time
    # An edited template is compiled again, not served from the cache.
    edited = jinja2.Environment(
        loader=jinja2.DictLoader({name: "{{ 2 + 2 }}"}), extensions=[BuildOnce]
    )
    assert edited.get_template(name).render() == "4"


def test_compiled_code_is_not_shared_between_environments_set_up_differently() -> None:
    """Regression: Jinja's optimizer works `"x" is plugin_enabled` out while compiling, so a
    build with only the events plugin compiled a join box that a full build in the same
    process then reused: no join form and no mailto link in the sidebar."""
    from functools import partial

    def enabled(name: str, plugins: list[str]) -> bool:
        return name in plugins

    source = {"box.html": "{% if 'signup' is plugin_enabled %}form{% else %}link{% endif %}"}
    rendered = []
    for plugins in (["events"], ["events", "signup"]):
        env = jinja2.Environment(loader=jinja2.DictLoader(source), extensions=[BuildOnce])
        env.tests["plugin_enabled"] = partial(enabled, plugins=plugins)
        rendered.append(env.get_template("box.html").render())
    assert rendered == ["link", "form"]


class Post:
    """What the summary macro reads of a post; `reads` counts how often its text was read."""

    def __init__(self, source_path: str, title: str) -> None:
        self.source_path, self.title, self.url = source_path, title, f"news/{title}/"
        self.date = __import__("datetime").datetime(2026, 1, 2)
        self.locale_date, self.authors, self.category = "2 January 2026", [], None
        self.reads = 0

    @property
    def summary(self) -> str:
        self.reads += 1
        return f"<p>{self.title} summary</p>"


def summary_environment() -> jinja2.Environment:
    from sitebuild import ROOT

    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(ROOT / "theme" / "templates")),
        extensions=["handbill_i18n.jinja.Languages", BuildOnce],
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )


LIST = (
    '{% from "partials/article_summary.html" import article_summary with context %}'
    "{% for a in posts %}{{ article_summary(a, level) }}{% endfor %}"
)


def test_a_posts_summary_is_rendered_once_per_build_for_every_list_it_is_in() -> None:
    """The same HTML as rendering it afresh, keyed by the post, the level and SITEURL."""
    one, two = Post("posts/one.md", "one"), Post("posts/two.md", "two")
    env = summary_environment()
    page = env.from_string(LIST)
    first = page.render(posts=[one, two], level=2, SITEURL="https://a.example")
    again = page.render(posts=[two, one], level=2, SITEURL="https://a.example")
    assert (one.reads, two.reads) == (1, 1)
    fresh = summary_environment().from_string(LIST)
    copies = [Post("posts/two.md", "two"), Post("posts/one.md", "one")]
    assert again == fresh.render(posts=copies, level=2, SITEURL="https://a.example")
    assert first != again and '<h2 class="summary-title">' in first
    # Another heading level or SITEURL is rendered for itself.
    assert '<h3 class="summary-title"><a href="../news/one/">' in page.render(
        posts=[one], level=3, SITEURL=".."
    )
    assert one.reads == 2
