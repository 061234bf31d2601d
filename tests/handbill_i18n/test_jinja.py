"""The theme's one-call gettext gives what Jinja's own new-style i18n gives, and the page's
language is its post's (a Welsh post in an English build), also inside loops and includes."""

from __future__ import annotations

import jinja2
import pytest

from handbill_i18n import translations
from handbill_i18n.jinja import Languages

WORDS = (
    '{{ _("Home") }}|{{ _("%(n)s signed <b>", n="<x>") }}|{{ _("100%% sure") }}|'
    '{{ ngettext("%(num)s event", "%(num)s events", n) }}|{{ pgettext("nav", "Home") }}|'
    '{{ npgettext("c", "%(num)s a", "%(num)s b", n, who="<q>") }}|'
    "{% trans count=n %}{{ count }} thing{% pluralize %}{{ count }} things{% endtrans %}|"
    '{% trans %}Join us{% endtrans %}|{{ gettext("Menu") }}'
)


class Post:
    def __init__(self, lang: str) -> None:
        self.lang = lang


@pytest.mark.parametrize("autoescape", [True, False])
@pytest.mark.parametrize("n", [1, 2])
def test_words_match_jinjas_own_newstyle_gettext(autoescape: bool, n: int) -> None:
    ours = jinja2.Environment(extensions=[Languages], autoescape=autoescape)
    jinjas = jinja2.Environment(extensions=["jinja2.ext.i18n"], autoescape=autoescape)
    jinjas.install_gettext_translations(translations("cy"), newstyle=True)
    page = {"DEFAULT_LANG": "en", "article": Post("cy"), "n": n}
    expected = jinjas.from_string(WORDS).render(page)
    assert ours.from_string(WORDS).render(page) == expected
    assert expected.startswith("Hafan|")  # Welsh words, so the comparison means something


def test_each_include_in_a_loop_has_its_posts_language() -> None:
    env = jinja2.Environment(
        extensions=[Languages],
        loader=jinja2.DictLoader({"summary": '[{{ _("Home") }} {{ page_lang() }}]'}),
    )
    page = env.from_string(
        '{{ _("Home") }} {{ page_lang() }}'
        '{% for article in posts %}{% include "summary" %}{% endfor %}{{ _("Home") }}'
    )
    html = page.render(DEFAULT_LANG="en-gb", posts=[Post("cy"), Post("en-gb"), Post("cy")])
    assert html == "Home en-GB[Hafan cy][Home en-GB][Hafan cy]Home"
