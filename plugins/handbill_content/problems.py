"""Mistakes found in posts, pages and other content files: `file:line: field: what — fix`
(handbill_config.problems.Problem), and the helpers that word them."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def normalised(word: str) -> str:
    """The form two spellings of one name share: case, spaces, hyphens and a plural s."""
    folded = "".join(ch for ch in word.casefold() if ch.isalnum())
    return folded.removesuffix("s")


def closest(word: str, choices: Iterable[str], cutoff: float = 0.8) -> str | None:
    """The choice `word` was most likely meant to be, or None when none is close.

    `choices` come likeliest first. Names that differ only in case, spacing, hyphens or a
    plural s match first; then
    difflib's ratio, preferring choices with the same first letter (typos rarely hit it).
    """
    options = [c for c in dict.fromkeys(choices) if c != word]
    same = [c for c in options if normalised(c) == normalised(word)]
    if same:
        return same[0]
    folded: dict[str, str] = {}
    for choice in options:  # the first of two spellings wins: callers put the likelier first
        folded.setdefault(choice.casefold(), choice)
    matches = difflib.get_close_matches(word.casefold(), list(folded), n=3, cutoff=cutoff)
    matches.sort(key=lambda m: not m.startswith(word[:1].casefold()))
    return folded[matches[0]] if matches else None


def did_you_mean(word: str, choices: Iterable[str], cutoff: float = 0.8) -> str:
    """`did you mean 'X'?`, or "" when nothing is close."""
    match = closest(word, choices, cutoff)
    return f"did you mean {match!r}?" if match else ""
