"""Jinja's i18n extension for the theme, with the language taken from the page.

Named in `JINJA_ENVIRONMENT["extensions"]` (pelicanconf.py) instead of `jinja2.ext.i18n`, so
every build that uses the theme has `_()` and the date filters, whichever plugins it runs.
The words come from the catalogue of the page's language: a post's or page's own `lang`
(a Welsh translation of an English post: `Lang: cy`), else the site's DEFAULT_LANG. So one
build can make English and Welsh pages side by side (docs/volunteers.md, bilingual posts).

The callables are module-level functions (one identity per process): the theme's shared
compiled templates are keyed by the filters' identities (handbill_theme/jinja.py).
"""

from __future__ import annotations

from contextlib import suppress
from datetime import date, datetime, time
from typing import Any

from babel import Locale
from jinja2 import Environment, pass_context
from jinja2.ext import InternationalizationExtension
from jinja2.runtime import Context
from markupsafe import Markup

from . import lang_tag, locale_for, translations
from .dates import date_words

# Each page's language, noted on the Jinja Context that renders it (one per page, include
# and block) the first time a word on it is translated: a page asks for dozens of words, and
# working the language out each time (two context look-ups, the tag normalised) was 2 % of a
# build. The theme never rebinds `article`, `page` or `DEFAULT_LANG` with `{% set %}`, so a
# Context's language does not change while it renders.
LANG_ATTR = "handbill_lang"
# Language tags as written (a post's `lang`, DEFAULT_LANG) -> as BCP 47 writes them.
_TAGS: dict[str, str] = {}


def _tag(lang: str) -> str:
    tag = _TAGS.get(lang)
    if tag is None:
        tag = _TAGS[lang] = lang_tag(lang)
    return tag


def _find_lang(ctx: Context) -> str:
    """The page's language: its post's or page's `lang`, else the site's."""
    for name in ("article", "page"):
        lang = getattr(ctx.get(name), "lang", None)
        if isinstance(lang, str) and lang:
            return _tag(lang)
    return _tag(ctx.get("DEFAULT_LANG") or "en")


def context_lang(ctx: Context) -> str:
    """The page's language, worked out once per Context."""
    lang = getattr(ctx, LANG_ATTR, None)
    if lang is None:
        lang = _find_lang(ctx)
        # A Jinja whose Context takes no attributes of ours: worked out on each call.
        with suppress(AttributeError):
            setattr(ctx, LANG_ATTR, lang)
    return lang


@pass_context
def page_lang(ctx: Context) -> str:
    return context_lang(ctx)


# The template's `_`, `gettext`, `ngettext`, `pgettext` and `npgettext`: Jinja's new-style
# gettext (values given as keywords, the text always %-formatted, Markup when autoescaping,
# `num` and `context` filled in as Jinja's own wrappers do), in one call. Jinja's `_` looks
# `gettext` up and calls its wrapper, which calls the translating function: three calls
# through Context.call for each word, thousands of words a build (1.7 % of its instructions).
def _formatted(ctx: Context, text: str, variables: dict[str, Any]) -> str:
    """Jinja's new-style formatting: Markup when autoescaping, then `% variables` always.
    Without variables and without a `%`, that gives the text itself, so most words skip
    Markup's escaping `%` (a mapping's format looks up no key and leaves such text as it is)."""
    if ctx.eval_ctx.autoescape:
        text = Markup(text)
    if not variables and "%" not in text:
        return text
    return text % variables


@pass_context
def _gettext(ctx: Context, message: str, /, **variables: Any) -> str:
    text = translations(context_lang(ctx)).gettext(message)
    if not variables and "%" not in text:  # most words: what _formatted gives, in this call
        return Markup(text) if ctx.eval_ctx.autoescape else text
    return _formatted(ctx, text, variables)


@pass_context
def _ngettext(ctx: Context, singular: str, plural: str, n: int, /, **variables: Any) -> str:
    variables.setdefault("num", n)
    text = translations(context_lang(ctx)).ngettext(singular, plural, n)
    return _formatted(ctx, text, variables)


@pass_context
def _pgettext(ctx: Context, context: str, message: str, /, **variables: Any) -> str:
    variables.setdefault("context", context)
    text = translations(context_lang(ctx)).pgettext(context, message)
    return _formatted(ctx, text, variables)


@pass_context
def _npgettext(
    ctx: Context, context: str, singular: str, plural: str, n: int, /, **variables: Any
) -> str:
    variables.setdefault("context", context)
    variables.setdefault("num", n)
    text = translations(context_lang(ctx)).npgettext(context, singular, plural, n)
    return _formatted(ctx, text, variables)


GETTEXT = {
    "_": _gettext,
    "gettext": _gettext,
    "ngettext": _ngettext,
    "pgettext": _pgettext,
    "npgettext": _npgettext,
}


@pass_context
def day_text(ctx: Context, moment: date, weekday: bool = False, year: bool = True) -> str:
    """'5 January 2026'; `weekday=True`: 'Monday 5 January 2026'; `year=False`: without it."""
    return date_words(context_lang(ctx)).day(moment, weekday=weekday or not year, year=year)


@pass_context
def month_text(ctx: Context, moment: date) -> str:
    return date_words(context_lang(ctx)).month(moment)


@pass_context
def month_name(ctx: Context, moment: date) -> str:
    return date_words(context_lang(ctx)).month_name(moment)


@pass_context
def clock(ctx: Context, moment: time | datetime) -> str:
    return date_words(context_lang(ctx)).clock(moment)


def language_name(lang: str) -> str:
    """A language's name in that language ("Cymraeg", "English"): a link to a translation
    is read by someone who reads that language."""
    name = Locale(locale_for(lang).language).display_name or lang
    return name[:1].upper() + name[1:]


@pass_context
def week_days(ctx: Context) -> list[tuple[str, str]]:
    """Monday to Sunday: (full name, short name)."""
    return date_words(context_lang(ctx)).week_days


FILTERS: dict[str, Any] = {
    "day_text": day_text,
    "month_text": month_text,
    "month_name": month_name,
    "clock": clock,
    "language_name": language_name,
    "lang_tag": lang_tag,
}


class Languages(InternationalizationExtension):
    """`jinja2.ext.i18n` with each page's language, and the date filters."""

    def __init__(self, environment: Environment) -> None:
        super().__init__(environment)
        # Jinja's install marks the environment new-style (how `{% trans %}` compiles); the
        # globals it sets are then replaced by the one-call versions above.
        environment.install_gettext_callables(
            _gettext, _ngettext, newstyle=True, pgettext=_pgettext, npgettext=_npgettext
        )
        environment.globals.update(GETTEXT)
        environment.filters.update(FILTERS)
        environment.globals["week_days"] = week_days
        environment.globals["page_lang"] = page_lang
