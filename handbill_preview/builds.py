"""The rebuild loop: build, wait for a change (Pelican's own watcher), build again.

Each build's problems come from handbill_checks, which keeps every warning and error any
part of the build logs. A build that stops with an exception is a problem too: the preview
keeps serving the last pages and says why.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pelican import Pelican
from pelican.log import init as init_logging
from pelican.settings import read_settings
from pelican.utils import wait_for_changes

from handbill_config import ConfigError

from .problems import Problem, from_records, problem

log = logging.getLogger(__name__)


def setup_logging() -> None:
    """Pelican's console logging, with every build showing its warnings again.

    Pelican prints a warning only once per process (its LimitFilter); in a preview that
    rebuilds, a warning still there must be listed by every build.
    """
    init_logging(logs_dedup_min_level=logging.INFO)


@dataclass
class BuildState:
    """What the page script polls: which build is current, and its problems."""

    started: str = field(default_factory=lambda: f"{time.time_ns():x}")
    number: int = 0
    building: bool = True
    problems: list[Problem] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def begin(self) -> None:
        with self.lock:
            self.building = True

    def finish(self, problems: list[Problem]) -> None:
        with self.lock:
            self.number += 1
            self.building = False
            self.problems = problems

    @property
    def build(self) -> str:
        """Changes whenever a build finishes: the page reloads when it does."""
        return f"{self.started}-{self.number}"

    def current_problems(self) -> list[Problem]:
        with self.lock:
            return list(self.problems)

    def as_json(self) -> dict[str, Any]:
        with self.lock:
            return {
                "build": self.build,
                "building": self.building,
                "problems": [p.as_json() for p in self.problems],
            }


class Builder:
    """Pelican for one settings file, rebuilt after every change it watches."""

    def __init__(self, settings_file: Path, overrides: dict[str, Any], state: BuildState) -> None:
        self.settings_file = settings_file
        self.overrides = overrides
        self.state = state
        self.pelican: Pelican | None = None
        self.settings: dict[str, Any] = {"PATH": overrides.get("PATH", "content")}

    @property
    def roots(self) -> list[Path]:
        """Where the files messages name are: the project, then the content folder."""
        return [Path.cwd(), Path(self.settings.get("PATH", "content"))]

    def load(self) -> list[Problem]:
        """Read the settings again; a mistake in them is a problem, not the end."""
        try:
            self.settings = read_settings(str(self.settings_file), override=self.overrides)
            self.pelican = Pelican(self.settings)
        except Exception as err:  # e.g. a typo in pelicanconf.py: show it, wait for a fix
            # A ConfigError names its file already ("pelicanconf.py: HANDBILL_CHECKS.…").
            text = str(err) if isinstance(err, ConfigError) else f"{self.settings_file.name}: {err}"
            log.error("%s", text)
            self.pelican = None
            return [problem(logging.ERROR, text, self.roots)]
        return []

    def build(self) -> None:
        self.state.begin()
        problems = self.load() if self.pelican is None else []
        if self.pelican is not None:
            problems = self.run(self.pelican)
        self.state.finish(problems)

    def run(self, pelican: Pelican) -> list[Problem]:
        checks = getattr(pelican, "handbill_checks", None)
        if checks is not None:
            checks.logged.take()  # what a build that stopped halfway left behind
        try:
            pelican.run()
        except (Exception, SystemExit) as err:  # SystemExit: settings that fail on errors
            log.error("The build stopped: %s: %s", type(err).__name__, err)
            records = checks.logged.take() if checks is not None else []
            if isinstance(err, SystemExit) and checks is not None:
                records = checks.problems + records  # it stopped after listing them
            return from_records(records, self.roots)
        return from_records(checks.problems if checks is not None else [], self.roots)

    def wait(self) -> None:
        """Block until a watched file changes; re-read the settings if they changed."""
        changes = wait_for_changes(str(self.settings_file), self.settings)
        changed = {Path(path).resolve() for _, path in changes}
        if self.settings_file.resolve() in changed:
            self.pelican = None

    def forever(self) -> None:
        while True:
            self.build()
            self.wait()
