"""Count the errors logged during a build, check links, and fail a publish that has any."""

import logging
import weakref
from pathlib import Path
from typing import Any, ClassVar

from pelican import Pelican, signals

from . import settings as checks_settings
from .links import broken_links
from .suggest import as_written, link_line, suggestion

log = logging.getLogger(__name__)


class BuildLog(logging.Handler):
    """Keeps every warning and error any part of the build logs: a publish fails on the
    errors, and the preview (handbill_preview) shows them all in the page."""

    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    @property
    def count(self) -> int:
        """How many errors (not warnings) were logged since the last take()."""
        return sum(1 for record in self.records if record.levelno >= logging.ERROR)

    def take(self) -> list[logging.LogRecord]:
        """What was logged since the last call, and start again."""
        taken, self.records = self.records, []
        return taken


class BuildChecks:
    """One per Pelican instance; reset after each run so autoreload builds start clean."""

    live: ClassVar[weakref.WeakSet["BuildChecks"]] = weakref.WeakSet()

    def __init__(self, pelican: Pelican) -> None:
        self.settings = checks_settings.read(pelican.settings)
        self.output = Path(pelican.settings["OUTPUT_PATH"])
        self.siteurl = pelican.settings.get("SITEURL", "")
        self.content = Path(pelican.settings["PATH"])
        # Each post's and page's output file as Pelican named it -> its source file.
        self.sources: dict[str, str] = {}
        self.logged = BuildLog()
        # What the last finished build logged, for the preview's problems banner.
        self.problems: list[logging.LogRecord] = []
        logging.getLogger().addHandler(self.logged)
        weakref.finalize(self, logging.getLogger().removeHandler, self.logged)
        BuildChecks.live.add(self)

    def page_written(self, path: str, context: dict[str, Any]) -> None:
        # Called for every page of the site, and most are listings, tags or feeds: only note
        # posts and pages, as given. Paths are resolved only to name the source of a broken
        # link (report_broken_links): resolving each page's path here cost more than the
        # link check itself. A post's page is written to its own save_as (Pelican writes
        # none whose save_as is empty), so that is not worked out again here (1 % of a build).
        content = context.get("article") or context.get("page")
        source = getattr(content, "source_path", None)
        if source:
            self.sources[path] = source

    def finish(self) -> None:
        if self.settings.check_links:
            self.report_broken_links()
        failed = self.logged.count
        self.problems = self.logged.take()
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
            sources = sorted({source for source in found if source})
            if not sources:
                where = f"{pages[0].relative_to(self.output)} (theme template)"
                log.error("%s: link: %r leads to no file in the site", where, link)
            for source in sources:
                self.report_link(source, link)

    def report_link(self, source: str, link: str) -> None:
        """`posts/x.md:7: link: '…' leads to no file in the site — did you mean '…'?`"""
        line, text = link_line(source, link, self.siteurl)
        hint = suggestion(link, self.siteurl, self.content, self.output, text) or (
            "check the file name; links to posts look like {filename}/posts/name.md and to "
            "images like {static}/images/name.jpg"
        )
        where = content_path(source, self.content)
        written = as_written(link, self.siteurl, text)
        log.error("%s:%d: link: %r leads to no file in the site — %s", where, line, written, hint)


def content_path(path: str, content: Path) -> str:
    """The path as volunteers see it in messages: inside the content folder (posts/x.md)."""
    try:
        return Path(path).resolve().relative_to(content.resolve()).as_posix()
    except ValueError:
        return display_path(path)


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
