"""Wiring: Handbill's reader for Markdown files, and the checks run as Pelican builds.

load (reader.py, per file, cached with Pelican's content cache) -> validate (fields.py,
frontmatter.py, active.py per file; site.py across files; unread.py for files nobody read)
-> report (each problem logged once per build: errors fail `make publish` through
handbill_checks, warnings and notices do not).
"""

from __future__ import annotations

import logging
import weakref
from typing import Any

from pelican import Pelican, signals
from pelican.generators import ArticlesGenerator, PagesGenerator

from . import quiet, settings as content_settings
from .problems import Problem
from .reader import FACTS, Facts, HandbillMarkdownReader
from .site import ARTICLE_LISTS, PAGE_LISTS, SiteChecks
from .unread import unread_files

log = logging.getLogger(__name__)
NAME = "handbill_content"
# Details a post must have (Title, Date, Category) and a page must have (Title); without a
# title or (for a post) a date Pelican cannot show the file at all.
REQUIRED = {
    "post": {"title": True, "date": True, "category": False},
    "page": {"title": True},
}
EXAMPLES = {
    "page title": "Title: About us",
    "title": "Title: Petition passes 15,000 signatures",
    "date": "Date: 2026-11-28 18:00",
    "category": "Category: News",
}
# One checker per build, found by its settings dict (every generator and reader of a build
# shares that one dict); held by the Pelican instance, so it goes when the build does.
BUILDS: weakref.WeakValueDictionary[int, SiteChecks] = weakref.WeakValueDictionary()


def enabled(settings: dict[str, Any]) -> bool:
    # Signals are process-wide: a build that leaves this plugin out must be left alone.
    return any(str(name).endswith(NAME) for name in settings.get("PLUGINS") or ())


def initialized(pelican: Pelican) -> None:
    if enabled(pelican.settings):
        content_settings.read(pelican.settings)  # a mistake in HANDBILL_CONTENT stops the build
        pelican.handbill_content = SiteChecks(pelican.settings)
        BUILDS[id(pelican.settings)] = pelican.handbill_content


def readers_init(readers: Any) -> None:
    if enabled(readers.settings):
        for ext in HandbillMarkdownReader.file_extensions:
            readers.reader_classes[ext] = HandbillMarkdownReader


def report(problems: list[Problem]) -> None:
    for problem in problems:
        problem.log(log)


def content_context(generator: Any, metadata: dict[str, Any]) -> None:
    """Each post or page, as Pelican reads it (also from the cache): tell its problems."""
    facts: Facts | None = metadata.pop(FACTS, None)
    checks = BUILDS.get(id(generator.settings))
    if facts is None or checks is None:
        return
    checks.facts[facts.path] = facts
    kind = "post" if isinstance(generator, ArticlesGenerator) else "page"
    problems = list(facts.problems)
    if not facts.fatal:
        problems += missing(facts, kind, metadata)
    report(sorted(problems, key=lambda p: p.line))
    if facts.fatal or any("left out" in p.message for p in problems):
        metadata["status"] = "skip"


def missing(facts: Facts, kind: str, metadata: dict[str, Any]) -> list[Problem]:
    if not facts.lines:
        example = "Title:, Date:, Category:" if kind == "post" else "Title:"
        return [
            Problem(
                facts.path,
                1,
                "details",
                f"the file does not start with the {kind}'s details ({example}), so it is left out",
                f"start it with a line '{example_of('title', kind)}' (see docs/volunteers.md)",
            )
        ]
    problems = []
    for key in REQUIRED[kind]:
        if facts.has(key) or (key == "date" and metadata.get("status") == "skip"):
            continue
        what = "missing, so the file is left out" if REQUIRED[kind][key] else "missing"
        if key == "category":
            what = "missing, so the post is filed under its folder's name"
        problems.append(
            Problem(
                facts.path,
                1,
                key.capitalize(),
                what,
                f"add a line '{example_of(key, kind)}' at the top, before the empty line",
            )
        )
    return problems


def example_of(key: str, kind: str) -> str:
    return EXAMPLES.get(f"{kind} {key}", EXAMPLES[key])


def article_pretaxonomy(generator: ArticlesGenerator) -> None:
    checks = BUILDS.get(id(generator.settings))
    if checks is None:
        return
    report(checks.drop_duplicates(generator, ARTICLE_LISTS))
    report(checks.near_misses(generator.articles))
    report(checks.held_back(generator.drafts))


def page_finalized(generator: PagesGenerator) -> None:
    checks = BUILDS.get(id(generator.settings))
    if checks is not None:
        report(checks.drop_reserved(generator, PAGE_LISTS))
        report(checks.drop_duplicates(generator, PAGE_LISTS))


def all_finalized(generators: list[Any]) -> None:
    checks = BUILDS.get(id(generators[0].settings)) if generators else None
    if checks is not None:
        report(unread_files(generators[0].context, checks.settings, set(checks.facts)))


def register() -> None:
    quiet.install(lambda: len(BUILDS) > 0)
    signals.initialized.connect(initialized)
    signals.readers_init.connect(readers_init)
    signals.article_generator_context.connect(content_context)
    signals.page_generator_context.connect(content_context)
    signals.article_generator_pretaxonomy.connect(article_pretaxonomy)
    signals.page_generator_finalized.connect(page_finalized)
    signals.all_generators_finalized.connect(all_finalized)
