"""Put the forms where a page says `[[join-form]]` or `[[contact-form]]`.

This runs once every page and post is read (`*_generator_finalized`) and works on the raw
HTML, before Pelican resolves `{filename}` links; the forms carry finished URLs of their own.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Any

# The lists Pelican's article and page generators keep their items in.
from handbill_theme.urls import LISTS as CONTENT_LISTS

log = logging.getLogger(__name__)

MACROS = {"join-form": "join_form", "contact-form": "contact_form"}
# Markers another plugin fills in (handbill_actions): left for it, not reported.
OTHERS = ("actions", "action-data")
# Markdown wraps a marker on its own line in <p>; a form inside <p> would be invalid HTML.
# Any [[lower-case-words]] is taken as a marker, so a typo ([[join-from]]) is reported.
MARKER = re.compile(r"<p>\s*\[\[([a-z][a-z-]*)\]\]\s*</p>|\[\[([a-z][a-z-]*)\]\]")


def render_form(env: Any, macro: str, lang: str = "en-GB") -> str:
    """The form's words in the page's language (handbill_i18n reads DEFAULT_LANG)."""
    source = f'{{% from "signup/forms.html" import {macro} with context %}}{{{{ {macro}() }}}}'
    return env.from_string(source).render(DEFAULT_LANG=lang)


def replace_markers(content: Any, env: Any) -> None:
    html = getattr(content, "_content", None)
    if not html or "[[" not in html:
        return

    def substitute(match: re.Match[str]) -> str:
        name = match.group(1) or match.group(2)
        if name in OTHERS:
            return match.group(0)
        if name not in MACROS:
            known = " or ".join(f"[[{m}]]" for m in MACROS)
            where = f"{content.source_path}:{_line_of(content.source_path, f'[[{name}]]')}"
            log.error("%s: unknown marker [[%s]]: use %s on a line of its own", where, name, known)
            return match.group(0)
        return render_form(env, MACROS[name], getattr(content, "lang", None) or "en-GB")

    content._content = MARKER.sub(substitute, html)


def _line_of(path: str, text: str) -> int:
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except OSError:
        return 0
    return next((n for n, line in enumerate(lines, 1) if text in line), 0)


def _contents(generator: Any) -> list[Any]:
    items: list[Any] = []
    for attr in CONTENT_LISTS:
        items.extend(getattr(generator, attr, []) or [])
    return items


def generator_finalized(generator: Any) -> None:
    for content in _contents(generator):
        replace_markers(content, generator.env)
