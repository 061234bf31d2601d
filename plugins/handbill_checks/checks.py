"""Count the errors logged during a build, check links, and fail a publish that has any."""

import logging
import weakref
from pathlib import Path
from typing import Any, ClassVar

from pelican import Pelican, signals

from . import settings as checks_settings
from .links import broken_links

log = logging.getLogger(__name__)


class ErrorCounter(logging.Handler):
    """Remembers every ERROR logged by any part of the build, so a publish can fail at the end."""

    def __init__(self) -> None:
        super().__init__(level=logging.ERROR)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1


class BuildChecks:
    """One per Pelican instance; reset after each run so autoreload builds start clean."""

    live: ClassVar[weakref.WeakSet["BuildChecks"]] = weakref.WeakSet()

    def __init__(self, pelican: Pelican) -> None:
        self.settings = checks_settings.read(pelican.settings)
        self.output = Path(pelican.settings["OUTPUT_PATH"])
        self.siteurl = pelican.settings.get("SITEURL", "")
        # Each post's and page's output file as Pelican named it -> its source file.
        self.sources: dict[str, str] = {}
        self.errors = ErrorCounter()
        logging.getLogger().addHandler(self.errors)
        weakref.finalize(self, logging.getLogger().removeHandler, self.errors)
        BuildChecks.live.add(self)

    def page_written(self, path: str, context: dict[str, Any]) -> None:
        # Called for every page of the site, and most are listings, tags or feeds: only note
        # posts and pages, as given. Paths are resolved only to name the source of a broken
        # link (report_broken_links): resolving each page's path here cost more than the
        # link check itself.
        content = context.get("article") or context.get("page")
        source = getattr(content, "source_path", None)
        if source and getattr(content, "save_as", None):
            self.sources[path] = source

    def finish(self) -> None:
        if self.settings.check_links:
            self.report_broken_links()
        failed = self.errors.count
        self.errors.count = 0
        self.sources.clear()
        if failed and self.settings.fail_on_error:
            log.critical("The site was not published: fix the %d problem(s) listed above.", failed)
            raise SystemExit(1)

    def report_broken_links(self) -> None:
        pages_by_link: dict[str, list[Path]] = {}
        for page, link in broken_links(self.output, self.siteurl):
            pages_by_link.setdefault(link, []).append(page)
        if not pages_by_link:
            return
        # The signal is process-wide, so pages written by another build may be listed too:
        # they never match a page of this output.
        source_of = {Path(path).resolve(): source for path, source in self.sources.items()}
        for link, pages in pages_by_link.items():
            # A post's broken link also shows in every listing of its summary: name the post once.
            found = (source_of.get(page.resolve()) for page in pages)
            sources = sorted({display_path(source) for source in found if source})
            for where in sources or [f"{pages[0].relative_to(self.output)} (theme template)"]:
                log.error(
                    "%s: broken link %r — no such file in the site. Check the file name; "
                    "links to posts look like {filename}/posts/name.md and to images like "
                    "{static}/images/name.jpg",
                    where,
                    link,
                )


def display_path(path: str) -> str:
    """The path as a volunteer would type it: relative to the project when inside it."""
    absolute = Path(path).resolve()
    try:
        return str(absolute.relative_to(Path.cwd()))
    except ValueError:
        return str(absolute)


def initialized(pelican: Pelican) -> None:
    # Signals are process-wide: a later build that leaves this plugin out must not be checked.
    if any(name.endswith("handbill_checks") for name in pelican.settings["PLUGINS"]):
        pelican.handbill_checks = BuildChecks(pelican)


def content_written(path: str, context: dict[str, Any]) -> None:
    # This signal carries no Pelican instance: every live checker hears it, keyed by path.
    for checks in list(BuildChecks.live):
        checks.page_written(path, context)


def finalized(pelican: Pelican) -> None:
    checks = getattr(pelican, "handbill_checks", None)
    if checks:
        checks.finish()


def register() -> None:
    signals.initialized.connect(initialized)
    signals.content_written.connect(content_written)
    signals.finalized.connect(finalized)
