"""Campaign actions for Handbill (issue 13): pledges, petitions and polls signed through the
sign-up server, and letters filled in in the browser.

Pipeline: load and validate (`handbill_config.actions`, shared with the server) -> model
(`present.py`, with the confirmed counts baked in from `counts.py`) -> render
(`generator.py`: a page per action with the theme's `actions/` templates; the list where the
"Take action" page says `[[actions]]`; each action's data and retention where the privacy
notice says `[[action-data]]`). Settings: `HANDBILL_ACTIONS` (`settings.py`).
"""

from __future__ import annotations

from typing import Any


def initialized(pelican: Any) -> None:
    from .settings import read

    read(pelican.settings)  # a mistake in HANDBILL_ACTIONS stops the build at start


def register() -> None:
    from pelican import signals

    from .generator import get_generators

    signals.initialized.connect(initialized)
    signals.get_generators.connect(get_generators)
