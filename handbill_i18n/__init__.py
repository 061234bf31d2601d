"""The words visitors and supporters read, in their language: one gettext catalogue for the
theme, the plugins' pages and the sign-up server's pages and mails.

Why one package for both sides: the site and the sign-up server show the same words (the
join form, the consent wording, the leave page), so they share one catalogue
(`locale/<lang>/LC_MESSAGES/messages.po`). Messages volunteers see in build output stay
English and are not marked.

Templates mark text with Jinja's i18n extension, new-style (`{{ _("Join us") }}`,
`{{ _("%(n)s signatures", n=count) }}`): values are escaped and the catalogue text is not
double-formatted. Python code marks text with `translations(lang).gettext`.

The `.po` file is the only copy of a translation in git: it is compiled in memory the first
time a process asks for its language (about 10 ms for the whole Welsh catalogue), so no
`.mo` can go stale, and the same `.po` gives the same words on every machine. Fuzzy
entries are left out (a guess is not a translation); `tests/handbill_i18n` fails on any.
`make translations` updates `messages.pot` and the `.po` files from the code (babel.cfg).
"""

from __future__ import annotations

import gettext
from functools import cache
from io import BytesIO
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from jinja2 import Environment

__all__ = ["LOCALE_DIR", "N_", "install", "locale_for", "shipped", "translations"]

LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "messages"


def N_(message: str) -> str:
    """Marks text for the catalogue where it is written; it is translated where it is shown
    (a field's error message is made before the server knows which page shows it)."""
    return message


def shipped() -> list[str]:
    """The languages with a catalogue, besides English (the source text)."""
    return sorted(p.parent.parent.name for p in LOCALE_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))


def _po_file(lang: str) -> Path | None:
    code = lang.replace("-", "_")
    for candidate in (code, code.split("_")[0]):
        path = LOCALE_DIR / candidate / "LC_MESSAGES" / f"{DOMAIN}.po"
        if path.is_file():
            return path
    return None


@cache
def translations(lang: str) -> gettext.NullTranslations:
    """The catalogue for `lang` ("cy", "cy-GB", "en-GB"...), or English (the source text)
    when none is shipped. Cached: a build renders thousands of pages in one language."""
    path = _po_file(lang)
    if path is None:
        return gettext.NullTranslations()
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=path.parent.parent.name, domain=DOMAIN)
    compiled = BytesIO()
    write_mo(compiled, catalog, use_fuzzy=False)
    compiled.seek(0)
    return gettext.GNUTranslations(compiled)


@cache
def locale_for(lang: str) -> Locale:
    """Babel's locale (CLDR data: month and day names, time format) for a language code
    as Pelican writes it ("en-GB", "cy"). Babel carries its own data: a fresh Debian has
    no system locales, and Python's strftime would give English names anyway."""
    try:
        return Locale.parse(lang.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        return Locale.parse(lang.replace("-", "_").split("_")[0])


def install(env: Environment, lang: str) -> None:
    """Give a Jinja environment `_`, `gettext` and `ngettext` for `lang` (the sign-up
    server: one language per server). The theme uses `handbill_i18n.jinja.Languages`.

    The environment must have `jinja2.ext.i18n` among its extensions."""
    env.install_gettext_translations(translations(lang), newstyle=True)
