"""Build, check and swap: what `make publish` does, and the first half of a rebuild."""

from __future__ import annotations

import contextlib
import shutil
import signal
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from . import say
from .build import BuildResult, run_build
from .settings import PublishSettings
from .versions import Busy, SiteFolders, count_files, describe


@dataclass
class Outcome:
    version: str | None = None  # the version put live by this run, if any
    problems: list[str] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    message: str = ""  # one line for the terminal or the log

    @property
    def published(self) -> bool:
        return self.version is not None


def folders_for(settings_file: Path) -> SiteFolders:
    """`output/` and `.site/` live next to the settings file, like `content/`."""
    return SiteFolders.at(settings_file.resolve().parent)


def unchanged(folders: SiteFolders) -> str:
    current = folders.current()
    if current is None and folders.output.is_dir():
        return f"the live site is unchanged: {folders.output.name}/ is as it was"
    if current is None:
        return "there is no published site yet"
    return f"the live site is unchanged: {folders.output.name}/ still shows {describe(current)}"


@contextlib.contextmanager
def uninterrupted() -> Iterator[None]:
    """Ctrl-C or SIGTERM during the swap waits the few milliseconds until it is done, so the
    swap and its record are never left half-made (a SIGKILL still can: see versions.py)."""
    signals = {signal.SIGINT, signal.SIGTERM}
    signal.pthread_sigmask(signal.SIG_BLOCK, signals)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, signals)


def why_not(result: BuildResult) -> str:
    """The build's own messages are above this line; what it could not say goes here."""
    listed = result.logged
    said = f"{listed} problem{'s' if listed != 1 else ''} (listed above)" if listed else ""
    return "; ".join(part for part in [said, *result.problems[listed:]] if part)


def publish(settings_file: Path, settings: PublishSettings, now: datetime) -> Outcome:
    folders = folders_for(settings_file)
    try:
        with folders.lock():
            return _publish_locked(folders, settings_file, settings, now)
    except Busy:
        return Outcome(
            problems=["another publish is running"],
            message=f"Not published: another publish is running; {unchanged(folders)}.",
        )


def _publish_locked(
    folders: SiteFolders, settings_file: Path, settings: PublishSettings, now: datetime
) -> Outcome:
    for leftover in folders.unfinished():
        shutil.rmtree(leftover, ignore_errors=True)
        say(
            f"An earlier publish was stopped before it finished ({leftover.name}); it "
            "never went live and has been removed."
        )
    staging = folders.staging(now)
    timeout = settings.build_timeout_minutes * 60
    try:
        result = run_build(settings_file.resolve().parent, settings_file, staging, timeout)
    except KeyboardInterrupt:
        shutil.rmtree(staging, ignore_errors=True)
        say(f"Publish interrupted: nothing was published; {unchanged(folders)}.")
        raise
    if not result.ok:
        shutil.rmtree(staging, ignore_errors=True)
        return Outcome(
            problems=result.problems,
            notices=result.notices,
            message=f"Not published: {why_not(result)}; {unchanged(folders)}.",
        )
    with uninterrupted():
        version = folders.go_live(staging)
        folders.write_state(published=version, published_at=now.astimezone(UTC).isoformat())
    folders.prune(settings.keep_versions)
    files = count_files(folders.store / version)
    previous = folders.previous()
    kept = f"; the previous site ({previous}) is kept for rollback" if previous else ""
    return Outcome(
        version=version,
        notices=result.notices,
        message=(
            f"Published: {folders.output.name}/ now shows {describe(version)} "
            f"({folders.store.name}/{version}, {files} files){kept}."
        ),
    )
