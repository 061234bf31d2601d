"""The words visitors and supporters read, in their language: one gettext catalogue for the
theme, the plugins' pages and the sign-up server's pages and mails.

Why one package for both sides: the site and the sign-up server show the same words (the
join form, the consent wording, the leave page), so they share one catalogue
(`locale/<lang>/LC_MESSAGES/messages.po`, compiled to `.mo`). Messages volunteers see in
build output stay English and are not marked.

Templates mark text with Jinja's i18n extension, new-style (`{{ _("Join us") }}`,
`{{ _("%(n)s signatures", n=count) }}`): values are escaped and the catalogue text is not
double-formatted. Python code marks text with `gettext_for(lang)`.
"""

from __future__ import annotations

import gettext
from functools import cache
from pathlib import Path

from jinja2 import Environment

__all__ = ["LOCALE_DIR", "install", "translations"]

LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "messages"


@cache
def translations(lang: str) -> gettext.NullTranslations:
    """The catalogue for `lang` ("cy", "cy-GB", "en-GB"...), or English (the source text)
    when none is shipped. Cached: a build renders thousands of pages in one language."""
    code = lang.replace("-", "_")
    return gettext.translation(
        DOMAIN, LOCALE_DIR, languages=[code, code.split("_")[0]], fallback=True
    )


def install(env: Environment, lang: str) -> None:
    """Give a Jinja environment `_`, `gettext` and `ngettext` for `lang`.

    The environment must have `jinja2.ext.i18n` among its extensions."""
    env.install_gettext_translations(translations(lang), newstyle=True)
