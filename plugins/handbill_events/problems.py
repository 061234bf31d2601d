"""Problems found in volunteers' event files, formatted `file:line: field: what — fix`.

Problems are values, collected and reported together, never raised: one file's mistakes
never stop the build.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

SHOWN = 60  # characters of a volunteer's value quoted in a message


def shown(value: object) -> str:
    """`repr(value)` for a message, shortened: a pasted paragraph or a 5,000-digit slip
    would bury the message."""
    text = repr(value)
    return text if len(text) <= SHOWN else f"{text[: SHOWN - 2]}…{text[-1]}"


def did_you_mean(word: object, choices: Iterable[str], default: str = "") -> str:
    """A "did you mean …?" suggestion from difflib, or `default` when nothing is close."""
    word = str(word).lower()
    matches = difflib.get_close_matches(word, list(choices), n=3, cutoff=0.6)
    # Typos rarely hit the first letter: prefer "monday" over "sunday" for "munday".
    matches.sort(key=lambda m: not m.startswith(word[:1]))
    return f"did you mean {matches[0]!r}?" if matches else default
