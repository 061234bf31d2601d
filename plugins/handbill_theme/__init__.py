"""What every page of the theme shows, worked out once per build instead of once per page.

- `urls.py` (a Pelican plugin, `register()`): each post's and page's address, computed once.
- `jinja.py` (a Jinja extension named in JINJA_ENVIRONMENT): the `{% once %}` tag for parts
  of a page that are the same on every page, and templates compiled once per process.

Neither changes a byte of the output; `tests/theme` builds the site and checks that.

It also gives every generator's templates the words in the site's language (`_()`, from
`handbill_i18n`, for DEFAULT_LANG), and checks the home page's HOME_ACTION at start
(`settings.py`).
"""

from pelican import Pelican, signals
from pelican.generators import Generator

from handbill_i18n import install

from .settings import read_home_action
from .urls import freeze_urls

__all__ = ["register"]


def install_translations(generator: Generator) -> None:
    """Jinja's i18n extension with the catalogue for the site's language."""
    if "jinja2.ext.i18n" not in generator.env.extensions:
        generator.env.add_extension("jinja2.ext.i18n")
    install(generator.env, generator.settings["DEFAULT_LANG"])


def check_settings(pelican: Pelican) -> None:
    read_home_action(pelican.settings)


def register() -> None:
    signals.initialized.connect(check_settings)
    signals.generator_init.connect(install_translations)
    signals.all_generators_finalized.connect(freeze_urls)
