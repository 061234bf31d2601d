"""What every page of the theme shows, worked out once per build instead of once per page.

- `urls.py` (a Pelican plugin, `register()`): each post's and page's address, computed once.
- `jinja.py` (a Jinja extension named in JINJA_ENVIRONMENT): the `{% once %}` tag for parts
  of a page that are the same on every page, and templates compiled once per process.

Neither changes a byte of the output; `tests/theme` builds the site and checks that.

The words in each page's language (`_()`, date filters) come from `handbill_i18n.jinja`,
a Jinja extension named in JINJA_ENVIRONMENT, so they work with or without this plugin.
"""

from pelican import signals

from .urls import freeze_urls

__all__ = ["register"]


def register() -> None:
    signals.all_generators_finalized.connect(freeze_urls)
