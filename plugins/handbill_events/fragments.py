"""Template fragments that are the same on every page, rendered once per build.

The upcoming-events box is on every page and carries a few dozen dates (upcoming.py):
rendering it for each of 2,000 pages cost about a tenth of a build. Each generator gets a
`render_once(name)` template global; it renders `name` the first time and then hands out
that text. The key is the template and SITEURL (which differs per page only with
RELATIVE_URLS), so only fragments that read nothing page-specific may use it.
"""

from __future__ import annotations

from typing import Any

from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup


def add_render_once(generator: Any) -> None:
    """`signals.generator_init`: a fresh cache per generator, so per build."""
    cache: dict[tuple[str, str], Markup] = {}

    @pass_context
    def render_once(context: Context, name: str) -> Markup:
        key = (name, str(context.get("SITEURL", "")))
        if key not in cache:
            template = context.environment.get_template(name)
            cache[key] = Markup(template.render(context.get_all()))
        return cache[key]

    generator.env.globals["render_once"] = render_once
