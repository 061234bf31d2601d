"""Consent wording: one source of truth shared by the Pelican plugin and the sign-up server.

The wording and its version live in the `[consent]` table of `signup.toml`. The site shows
the current version; the server accepts the current and any listed earlier version (a visitor
may submit a page built before the wording changed) and records the exact text agreed to.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from handbill_i18n import N_

DEFAULT_VERSION = "2026-01-v1"
DEFAULT_TEXT = N_(
    "Yes, please email me news and calls to action from {group}. I understand this tells "
    "{group} that I support its campaign, and that I can unsubscribe at any time."
)


@dataclass(frozen=True)
class ConsentStatement:
    version: str
    text: str

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()

    def as_dict(self) -> dict[str, str]:
        return {"id": self.version, "text": self.text, "sha256": self.sha256}


@dataclass(frozen=True)
class Consent:
    current: ConsentStatement
    previous: tuple[ConsentStatement, ...] = field(default=())

    def get(self, version: str) -> ConsentStatement | None:
        for statement in (self.current, *self.previous):
            if statement.version == version:
                return statement
        return None

    @property
    def all(self) -> tuple[ConsentStatement, ...]:
        return (self.current, *self.previous)


def placeholders_ok(text: str) -> str:
    """The wording may name the group as {group} and nothing else in braces: anything else
    would stop the build (str.format) when the wording is filled in."""
    try:
        text.format(group="")
    except (KeyError, IndexError, ValueError):
        raise ValueError(
            "only {group} may stand in braces — write {{ and }} for a brace itself"
        ) from None
    return text


def consent_from_table(version: str, text: str, previous: dict[str, str], group: str) -> Consent:
    """The `[consent]` table's wording with "{group}" filled in: the current version and
    every earlier one still accepted (`[consent.previous]`)."""
    return Consent(
        ConsentStatement(version, text.format(group=group).strip()),
        tuple(ConsentStatement(v, t.format(group=group).strip()) for v, t in previous.items()),
    )
