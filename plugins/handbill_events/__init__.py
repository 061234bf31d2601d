"""Events from YAML files for Handbill: pages, listings, ICS calendars and feeds.

Pipeline (docs/architecture.md): load.py (YAML with line numbers) -> validate.py
(EventSpec or problems) -> model.py (a complete Event and its Occurrences) -> ledger.py
(SEQUENCE and change times) -> generator.py (pages via the theme's events/ templates),
ics.py (calendars), feeds.py (Atom/RSS). pipeline.py runs one file through the first
three, as the build, the benchmark and the fuzz tests do.

`reads_file(rel, settings)` tells other checks of content/ which files this plugin reads.
"""

from pelican import signals

from .generator import EventsGenerator, get_generators
from .pipeline import reads_file
from .settings import initialized

__all__ = ["EventsGenerator", "reads_file", "register"]


def register() -> None:
    signals.initialized.connect(initialized)
    signals.get_generators.connect(get_generators)
