"""Events from YAML files for Handbill: pages, listings, ICS calendars and feeds.

Pipeline: load.py (YAML with line numbers) -> validate.py (EventSpec or problems) ->
model.py (Event and Occurrence: the one source of truth) -> generator.py (pages via
the theme's events/ templates), ics.py (calendars), feeds.py (Atom/RSS).
"""

from pelican import signals

from .fragments import add_render_once
from .generator import EventsGenerator, get_generators
from .settings import initialized

__all__ = ["EventsGenerator", "register"]


def register() -> None:
    signals.initialized.connect(initialized)
    signals.get_generators.connect(get_generators)
    signals.generator_init.connect(add_render_once)
