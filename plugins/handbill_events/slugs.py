"""Web-address words: what ids and slugs may look like, and a file name made into one.

Shared by validation (ids, slugs) and the model (category pages), so neither imports
the other for it.
"""

from __future__ import annotations

import re

ID_RX = re.compile(r"^[a-z0-9][a-z0-9._-]*$")
SLUG_RX = re.compile(r"^[a-z0-9][a-z0-9-]*$")


def slugify(stem: str) -> str:
    """`Monthly Planning!` -> `monthly-planning`; "event" when nothing is left."""
    return re.sub(r"[^a-z0-9]+", "-", stem.lower()).strip("-") or "event"
