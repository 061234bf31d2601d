"""Wiring: Handbill's reader for Markdown files, and the checks run as Pelican builds.

load (reader.py, per file, cached with Pelican's content cache) -> validate (fields.py,
frontmatter.py, active.py per file; site.py across files; unread.py for files nobody read)
-> report (each problem logged once per build: errors fail `make publish` through
handbill_checks, warnings and notices do not).
"""

from __future__ import annotations

import functools
import logging
import weakref
from collections.abc import Callable
from typing import Any

from pelican import Pelican, signals
from pelican.generators import ArticlesGenerator, PagesGenerator

from handbill_config.problems import Problem

from . import quiet, settings as content_settings
from .reader import FACTS, Facts, HandbillMarkdownReader
from .site import ARTICLE_LISTS, PAGE_LISTS, SiteChecks
from .unread import unread_files

log = logging.getLogger(__name__)
NAME = "handbill_content"
# Pelican would publish HTML in these as it is (reStructuredText through its `raw`
# directive), and none of them is checked line by line: posts and pages are Markdown.
UNCHECKED_EXTENSIONS = ("html", "htm", "rst")
# Details a post or a page must have. Without a title, or a post without a date, Pelican
# cannot show the file at all: it is left out (a draft may do without a date).
REQUIRED = {"post": ("title", "date", "category"), "page": ("title",)}
CANNOT_SHOW_WITHOUT = ("title", "date")
EXAMPLES = {
    "page title": "Title: About us",
    "title": "Title: Petition passes 15,000 signatures",
    "date": "Date: 2026-11-28 18:00",
    "category": "Category: News",
}
# One checker per build, found by its settings dict (every generator and reader of a build
# shares that one dict); held by the Pelican instance, so it goes when the build does.
BUILDS: weakref.WeakValueDictionary[int, SiteChecks] = weakref.WeakValueDictionary()


def never_stops_the_build(handler: Callable[..., None]) -> Callable[..., None]:
    """A check that fails in a way nobody foresaw is one error line, not a traceback that
    stops the preview (and, being an error, it still stops a publish)."""

    @functools.wraps(handler)
    def guarded(*args: Any, **kwargs: Any) -> None:
        try:
            handler(*args, **kwargs)
        except Exception as err:
            log.debug("handbill_content: %s", handler.__name__, exc_info=True)
            log.error(
                "content checks: %s could not finish (%s: %s) — the rest of the site is "
                "built; please report this",
                handler.__name__,
                type(err).__name__,
                err,
            )

    return guarded


def enabled(settings: dict[str, Any]) -> bool:
    # Signals are process-wide: a build that leaves this plugin out must be left alone.
    return any(str(name).endswith(NAME) for name in settings.get("PLUGINS") or ())


def initialized(pelican: Pelican) -> None:
    if enabled(pelican.settings):
        content_settings.read(pelican.settings)  # a mistake in HANDBILL_CONTENT stops the build
        pelican.handbill_content = SiteChecks(pelican.settings)
        BUILDS[id(pelican.settings)] = pelican.handbill_content


def article_generator_init(generator: ArticlesGenerator) -> None:
    # The first thing of each build to read a post (a rebuild of `make serve` too).
    checks = BUILDS.get(id(generator.settings))
    if checks is not None:
        checks.start()


def readers_init(readers: Any) -> None:
    if not enabled(readers.settings):
        return
    for ext in HandbillMarkdownReader.file_extensions:
        readers.reader_classes[ext] = HandbillMarkdownReader
    if not content_settings.read(readers.settings).allow_raw_html:
        # Without a reader (as READERS = {"html": None} does) such a file is left unread, and
        # unread.py names it with the fix: copy its text into a .md file.
        for ext in UNCHECKED_EXTENSIONS:
            readers.reader_classes[ext] = None


def report(problems: list[Problem]) -> None:
    for problem in problems:
        problem.log(log)


@never_stops_the_build
def content_context(generator: Any, metadata: dict[str, Any]) -> None:
    """Each post or page, as Pelican reads it (also from the cache): tell its problems."""
    facts: Facts | None = metadata.pop(FACTS, None)
    checks = BUILDS.get(id(generator.settings))
    if facts is None or checks is None:
        return
    checks.facts[facts.path] = facts
    kind = "post" if isinstance(generator, ArticlesGenerator) else "page"
    problems = list(facts.problems)
    left_out = facts.fatal
    if not facts.fatal:
        absent, left_out = missing(facts, kind, metadata)
        problems += absent
    report(sorted(problems, key=lambda p: p.line))
    if left_out:
        metadata["status"] = "skip"


def missing(facts: Facts, kind: str, metadata: dict[str, Any]) -> tuple[list[Problem], bool]:
    """The required details the file lacks, and whether it must be left out for it."""
    if not facts.lines:
        example = "Title:, Date:, Category:" if kind == "post" else "Title:"
        what = f"the file does not start with the {kind}'s details ({example}), so it is left out"
        fix = f"start it with a line '{example_of('title', kind)}' (see docs/volunteers.md)"
        return [Problem(facts.path, 1, "details", what, fix)], True
    draft = metadata.get("status") in ("draft", "skip")
    problems = []
    left_out = False
    for key in REQUIRED[kind]:
        if facts.has(key) or (key == "date" and draft):
            continue
        if key in CANNOT_SHOW_WITHOUT:
            what, left_out = "missing, so the file is left out", True
        else:
            what = "missing, so the post is filed under its folder's name"
        fix = f"add a line '{example_of(key, kind)}' at the top, before the empty line"
        problems.append(Problem(facts.path, 1, key.capitalize(), what, fix))
    return problems, left_out


def example_of(key: str, kind: str) -> str:
    return EXAMPLES.get(f"{kind} {key}", EXAMPLES[key])


@never_stops_the_build
def article_pretaxonomy(generator: ArticlesGenerator) -> None:
    checks = BUILDS.get(id(generator.settings))
    if checks is None:
        return
    report(checks.drop_reserved(generator, ARTICLE_LISTS, folders=False))
    report(checks.drop_duplicates(generator, ARTICLE_LISTS))
    report(checks.known_templates(generator, ARTICLE_LISTS, "article"))
    report(checks.near_misses(generator.articles))
    report(checks.held_back(generator.drafts))


@never_stops_the_build
def page_finalized(generator: PagesGenerator) -> None:
    checks = BUILDS.get(id(generator.settings))
    if checks is not None:
        report(checks.drop_reserved(generator, PAGE_LISTS))
        report(checks.drop_duplicates(generator, PAGE_LISTS))
        report(checks.known_templates(generator, PAGE_LISTS, "page"))


@never_stops_the_build
def all_finalized(generators: list[Any]) -> None:
    checks = BUILDS.get(id(generators[0].settings)) if generators else None
    if checks is not None:
        report(unread_files(generators[0].context, checks.settings, set(checks.facts)))


def register() -> None:
    quiet.install(lambda: len(BUILDS) > 0)
    signals.initialized.connect(initialized)
    signals.readers_init.connect(readers_init)
    signals.article_generator_init.connect(article_generator_init)
    signals.article_generator_context.connect(content_context)
    signals.page_generator_context.connect(content_context)
    signals.article_generator_pretaxonomy.connect(article_pretaxonomy)
    signals.page_generator_finalized.connect(page_finalized)
    signals.all_generators_finalized.connect(all_finalized)
