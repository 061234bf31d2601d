"""Join and contact forms for Handbill (Pelican side); the sign-up server is `signup_server/`.

- `{% from "signup/forms.html" import join_form %}{{ join_form() }}` in a template, or a
  line `[[join-form]]` / `[[contact-form]]` in a Markdown page, places a form;
- the result pages ("check your email", "you're on the list", ...) are built with the site;
- with no `server_url`, the forms become `mailto:` links, so plain static hosting works.
"""

from __future__ import annotations

from typing import Any


def initialized(pelican: Any) -> None:
    from .settings import read

    # A global (not a context variable) so macros imported without context can see it.
    jinja_globals = dict(pelican.settings.get("JINJA_GLOBALS", {}))
    jinja_globals["handbill_signup"] = read(pelican.settings)
    pelican.settings["JINJA_GLOBALS"] = jinja_globals


def register() -> None:
    from pelican import signals

    from .markers import generator_finalized
    from .pages import get_generators

    signals.initialized.connect(initialized)
    signals.article_generator_finalized.connect(generator_finalized)
    signals.page_generator_finalized.connect(generator_finalized)
    signals.get_generators.connect(get_generators)
