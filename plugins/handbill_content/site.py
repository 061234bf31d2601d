"""Checks that need every post at once: addresses two files share, near-miss categories, tags
and authors, and posts held back because their date is still to come.

They work on the posts and pages Pelican has already read (no file is read again), and they
take a post that would overwrite another's page out of the build, so the preview still
writes everything else.
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Callable, Iterable
from typing import Any

from pelican.generators import PelicanTemplateNotFound

from handbill_config.problems import ERROR, NOTICE, WARNING, Problem

from .problems import closest
from .reader import Facts, relative

ARTICLE_LISTS = (
    "articles",
    "translations",
    "hidden_articles",
    "hidden_translations",
    "drafts",
    "drafts_translations",
)
PAGE_LISTS = (
    "pages",
    "translations",
    "hidden_pages",
    "hidden_translations",
    "draft_pages",
    "draft_translations",
)


class SiteChecks:
    """One build's view of every post and page read, for the checks across files."""

    def __init__(self, settings: dict[str, Any]) -> None:
        self.settings = settings
        self.start()

    def start(self) -> None:
        """Forget the last build: `make serve` runs one Pelican instance many times."""
        self.facts: dict[str, Facts] = {}
        # Output file -> the source file that writes it (posts first, then pages).
        self.outputs: dict[str, str] = {}
        self.suggested: set[str] = set()  # slugs offered in a fix, so no two get the same
        # Each item's save_as, by id (the item is kept too, so the id is not reused).
        self.addresses: dict[int, tuple[Any, str]] = {}

    def facts_of(self, item: Any) -> Facts:
        rel = relative(item.source_path, self.settings)
        return self.facts.get(rel) or Facts(rel, (), (), False)

    # --- addresses -------------------------------------------------------------------
    def address(self, item: Any) -> str:
        """The item's save_as, worked out once: drop_reserved and drop_duplicates both ask
        for every post, and Pelican works it out from the settings each time."""
        found = self.addresses.get(id(item))
        if found is None or found[0] is not item:
            found = self.addresses[id(item)] = (item, getattr(item, "save_as", ""))
        return found[1]

    def drop_duplicates(self, generator: Any, lists: Iterable[str]) -> list[Problem]:
        """Keep the first file for each address (the oldest post); report and drop the rest."""
        items = [item for name in lists for item in getattr(generator, name, None) or []]
        items.sort(key=lambda c: (c.status != "published", _date(c), c.source_path))
        problems: list[Problem] = []
        dropped: set[int] = set()
        for item in items:
            save_as = self.address(item)
            if not save_as:
                continue
            owner = self.outputs.setdefault(save_as, item.source_path)
            if owner != item.source_path:
                problems.append(self._duplicate(item, owner, save_as))
                dropped.add(id(item))
        for name in lists:
            kept = getattr(generator, name, None)
            if kept:
                kept[:] = [item for item in kept if id(item) not in dropped]
        return problems

    def _duplicate(self, item: Any, owner: str, save_as: str) -> Problem:
        facts = self.facts_of(item)
        taken = {s.rsplit("/", 2)[-2] for s in self.outputs if "/" in s} | self.suggested
        new = next(f"{item.slug}-{n}" for n in range(2, 1000) if f"{item.slug}-{n}" not in taken)
        self.suggested.add(new)
        other = relative(owner, self.settings)
        where = save_as.removesuffix("index.html")
        if facts.has("slug"):
            field, line = "Slug", facts.line_of("slug")
            fix = f"give this one its own Slug, e.g. 'Slug: {new}'"
        else:
            field, line = "Title", facts.line_of("title")
            fix = f"add a line 'Slug: {new}' to give this one its own address"
        return Problem(
            facts.path,
            line,
            field,
            f"gives the same address ({where}) as {other}, so this file is left out",
            fix,
        )

    def drop_reserved(
        self, generator: Any, lists: Iterable[str], folders: bool = True
    ) -> list[Problem]:
        """Posts and pages that would overwrite a page the site writes itself (the home page,
        the sitemap) and, for pages, any address inside its own folders (events/, news/…)."""
        files = reserved_files(self.settings)
        reserved = reserved_folders(self.settings) if folders else {}
        problems: list[Problem] = []
        for name in lists:
            kept = getattr(generator, name, None) or []
            for item in list(kept):
                save_as = self.address(item)
                folder = save_as.split("/", 1)[0]
                if save_as in files:
                    why = f"would replace the site's own {save_as}"
                elif folder in reserved and "/" in save_as:
                    used = reserved[folder]
                    why = f"gives the address /{folder}/, which the site uses for its {used}"
                else:
                    continue
                kept.remove(item)
                problems.append(self._reserved(item, why, folder))
        return problems

    def _reserved(self, item: Any, why: str, folder: str) -> Problem:
        facts = self.facts_of(item)
        for key, name in (("save_as", "Save_as"), ("url", "Url"), ("slug", "Slug")):
            if facts.has(key):
                field, line = name, facts.line_of(key)
                break
        else:
            field, line = "Title", facts.line_of("title")
        fix = (
            "leave out Save_as: and Url: (Slug sets the address)"
            if field in ("Save_as", "Url")
            else f"choose another Slug, e.g. 'Slug: about-our-{folder}'"
        )
        return Problem(facts.path, line, field, f"{why}, so this file is left out", fix)

    # --- templates --------------------------------------------------------------------
    def known_templates(self, generator: Any, lists: Iterable[str], default: str) -> list[Problem]:
        """`Template: x` naming no template of the theme would stop the build when writing:
        use the default one and say so."""
        problems: list[Problem] = []
        for item in (i for name in lists for i in getattr(generator, name, None) or []):
            if item.template == default or _has_template(generator, item.template):
                continue
            facts = self.facts_of(item)
            problems.append(
                Problem(
                    facts.path,
                    facts.line_of("template"),
                    "Template",
                    f"{item.template!r} is not a template of the theme, so the usual "
                    f"{default!r} is used",
                    "remove the line (or ask whoever looks after the theme)",
                )
            )
            item.template = default
        return problems

    # --- near misses -----------------------------------------------------------------
    def near_misses(self, articles: list[Any]) -> list[Problem]:
        """A category, tag or author only this post has, spelt almost like one others use."""
        problems: list[Problem] = []
        for key, label, names in (
            ("category", "Category", lambda a: [a.category.name] if hasattr(a, "category") else []),
            ("tags", "Tags", lambda a: [t.name for t in getattr(a, "tags", [])]),
            ("authors", "Authors", lambda a: [x.name for x in getattr(a, "authors", [])]),
        ):
            problems += self._near_misses(articles, key, label, names)
        return problems

    def _near_misses(
        self, articles: list[Any], key: str, label: str, names: Callable[[Any], list[str]]
    ) -> list[Problem]:
        used = Counter(name for article in articles for name in dict.fromkeys(names(article)))
        problems = []
        for article in articles:
            for name in names(article):
                if used[name] != 1:
                    continue
                others = [n for n, _count in used.most_common() if n != name]
                match = closest(name, others)
                if match is None:
                    continue
                facts = self.facts_of(article)
                line = facts.line_of(key, facts.line_of("author" if key == "authors" else key))
                field = "Author" if key == "authors" and facts.has("author") else label
                problems.append(
                    Problem(
                        facts.path,
                        line,
                        field,
                        f"{name!r} is used by no other post",
                        f"did you mean {match!r} (used by {used[match]})?",
                        # Names whose numbers differ ("icb-1" beside "icb-2", "Budget 2025")
                        # are likely meant: shown, but they do not stop a publish.
                        level=ERROR if _digits(name) == _digits(match) else WARNING,
                    )
                )
        return problems

    # --- dates -----------------------------------------------------------------------
    def held_back(self, drafts: list[Any]) -> list[Problem]:
        """Posts Pelican made drafts because their date is to come (WITH_FUTURE_DATES off)."""
        if self.settings.get("WITH_FUTURE_DATES", True):
            return []
        now = datetime.datetime.now(datetime.UTC)
        problems = []
        for post in drafts:
            date = getattr(post, "date", None)
            if post.metadata.get("status", "published") == "draft" or date is None:
                continue
            if date.tzinfo is None or date <= now:
                continue
            facts = self.facts_of(post)
            problems.append(
                Problem(
                    facts.path,
                    facts.line_of("date"),
                    "Date",
                    f"{date:%Y-%m-%d %H:%M} is in the future, so the post is held back",
                    "the first build after that time publishes it (the daily rebuild does)",
                    NOTICE,
                )
            )
        return problems


def _has_template(generator: Any, name: str) -> bool:
    try:
        generator.get_template(name)
    except PelicanTemplateNotFound:
        return False
    return True


def reserved_files(settings: dict[str, Any]) -> set[str]:
    """The pages Pelican writes from the theme's own templates: index.html, 404.html…"""
    names = [*settings.get("DIRECT_TEMPLATES", []), "index"]
    files = {settings.get(f"{n.upper()}_SAVE_AS", f"{n}.html") for n in names}
    return {f for f in files if f}


def _digits(name: str) -> str:
    return "".join(ch for ch in name if ch.isdigit())


def reserved_folders(settings: dict[str, Any]) -> dict[str, str]:
    """Top folders the build writes into itself, and what for."""
    folders = {"events": "events", "calendar": "calendars", "feeds": "feeds"}
    for key, value in settings.items():
        if key.endswith("_SAVE_AS") and key not in ("PAGE_SAVE_AS", "PAGE_LANG_SAVE_AS"):
            first = str(value or "").split("/", 1)
            if len(first) == 2 and first[0] and "{" not in first[0]:
                folders.setdefault(first[0], "news" if key.startswith("ARTICLE") else "own pages")
    for path in settings.get("STATIC_PATHS", []):
        folders.setdefault(path.split("/", 1)[0], "pictures and files")
    folders.setdefault(settings.get("THEME_STATIC_DIR", "theme"), "theme")
    return folders


def _date(item: Any) -> datetime.datetime:
    date = getattr(item, "date", None)
    if date is None:
        return datetime.datetime.max.replace(tzinfo=datetime.UTC)
    return date if date.tzinfo else date.replace(tzinfo=datetime.UTC)
