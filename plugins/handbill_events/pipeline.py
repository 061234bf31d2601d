"""One event file through the pipeline, without Pelican: load -> validate -> model.

The generator calls these for every file of a build, the benchmark (bench/ics.py) and
the fuzz test (tests/events/test_pipeline_fuzz.py) call the same, so what they measure and
try is what a build does. No file can stop a build: what validation did not foresee is
caught here and reported like any other problem, naming the file.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import Any

from handbill_config.problems import Problem

from .description import Rendered
from .load import read_yaml
from .model import Event, build_event
from .problems import shown
from .rule_dates import TooManyDates
from .settings import EventSettings
from .spec import EventSpec
from .validate import check_event

log = logging.getLogger(__name__)

# Read in any letter case: an editor or a phone may save `event.YAML` or `.Yml`.
EXTENSIONS = (".yaml", ".yml")
DEFAULT_FOLDERS = ("events",)  # HANDBILL_EVENTS["path"] unless a site sets its own


def is_event_file(name: str | PurePath) -> bool:
    """Whether a file name has an extension the events plugin reads (any letter case)."""
    return PurePath(name).suffix.lower() in EXTENSIONS


def reads_file(rel: str | PurePath, pelican_settings: dict[str, Any] | None = None) -> bool:
    """Whether the events plugin reads `rel` (a path relative to Pelican's PATH).

    For other checks of `content/` (handbill_content) that must not report an event file
    as skipped: a file in an events folder (HANDBILL_EVENTS["path"], any depth) with a
    `.yaml`/`.yml` extension in any letter case.
    """
    given = ((pelican_settings or {}).get("HANDBILL_EVENTS") or {}).get("path", DEFAULT_FOLDERS)
    folders = [given] if isinstance(given, str) else list(given)
    path = PurePath(rel)
    return is_event_file(path) and any(
        not folder or PurePath(folder) in path.parents for folder in map(str, folders)
    )


@dataclass
class Validated:
    """What reading and validating one file gave (a spec is used only without problems)."""

    spec: EventSpec | None
    problems: list[Problem]


def catch_all(rel: str, err: BaseException) -> Problem:
    """The problem for a failure nobody foresaw: the file is named, the build goes on."""
    log.debug("reading %s", rel, exc_info=err)
    return Problem(
        rel,
        1,
        "file",
        f"could not be read ({type(err).__name__}: {shown(str(err))})",
        "check the file against docs/volunteers.md, and please report this",
    )


def validate_file(path: Path, rel: str, timezone: str, default_category: str) -> Validated:
    """One file through load and validate. Never raises for what a file holds."""
    try:
        data, problems = read_yaml(path, rel)
        if data is None:
            return Validated(None, problems)
        spec, more = check_event(data, rel, PurePath(rel).stem, timezone, default_category)
        return Validated(spec, problems + more)
    except (Exception, RecursionError) as err:  # a case validation missed
        return Validated(None, [catch_all(rel, err)])


@dataclass
class Modelled:
    """The event a valid spec makes, or the problem that stopped it, and any warnings."""

    event: Event | None
    problems: list[Problem]
    warnings: list[Problem]


def sanitised(spec: EventSpec, rendered: Rendered) -> list[Problem]:
    """The warning for a description that had active content removed, if it had."""
    if not rendered.removed:
        return []
    return [
        Problem(
            spec.source,
            spec.line_of("description"),
            "description",
            f"{', '.join(rendered.removed)} removed from the published page",
            "descriptions keep text, links, emphasis and lists; scripts, embeds and "
            "event handlers are never published",
        )
    ]


def model_event(
    spec: EventSpec, settings: EventSettings, describe: Callable[[str], Rendered]
) -> Modelled:
    """The complete Event of a valid spec; `describe` renders its description."""
    try:
        rendered = describe(spec.description)
        event = build_event(spec, settings, description=rendered)
    except TooManyDates as err:  # a start in the wrong century: the model knows the horizon
        problem = Problem(
            spec.source,
            spec.line_of("start"),
            "start",
            f"{spec.start:%Y-%m-%d} makes this series list {err}",
            "check the year of `start:`, or end the series with `until:` or `count:`",
        )
        return Modelled(None, [problem], [])
    except RecursionError:  # Markdown recursing; validation refuses deep nesting first
        problem = Problem(
            spec.source,
            spec.line_of("description"),
            "description",
            "nests lists or quotes too deeply to publish",
            "use a few levels at most",
        )
        return Modelled(None, [problem], [])
    except Exception as err:  # a case validation missed
        return Modelled(None, [catch_all(spec.source, err)], [])
    return Modelled(event, [], sanitised(spec, rendered))


class Addresses:
    """The ids and page addresses taken so far in a build, to report a second file's."""

    def __init__(self) -> None:
        self.ids: dict[str, str] = {}
        self.slugs: dict[str, str] = {}

    def clash(self, spec: EventSpec) -> list[Problem]:
        """The problem if `spec` reuses an id or address of an earlier file; takes its own."""
        problems = []
        if spec.id in self.ids:
            problems.append(
                Problem(
                    spec.source,
                    spec.line_of("id"),
                    "id",
                    f"{spec.id!r} is already the id of {self.ids[spec.id]}",
                    "give each event its own id (ids never change once published)",
                )
            )
        elif spec.slug in self.slugs:
            problems.append(
                Problem(
                    spec.source,
                    spec.line_of("slug"),
                    "slug",
                    f"{spec.slug!r} is already the address of {self.slugs[spec.slug]}",
                    "set a different `slug:`",
                )
            )
        self.ids.setdefault(spec.id, spec.source)
        self.slugs.setdefault(spec.slug, spec.source)
        return problems
