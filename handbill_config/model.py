"""The base of every settings model."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict


class StrictModel(BaseModel):
    """Unknown keys are mistakes (a misspelt key must not silently switch a guard off), types
    are not coerced ("5" is not 5: TOML and Python both can say a number), values are read-only
    once checked."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


def _when(value: Any) -> Any:
    """The build clock as an ISO date and time, or a datetime."""
    if not isinstance(value, str):
        return value
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(
            f'"{value}" is not a date and time — write one such as "2026-11-22T12:00:00+00:00"'
        ) from None


# A plugin's `now` setting: the build's clock pinned (tests, `make bench`), or None for now.
BuildClock = Annotated[datetime | None, BeforeValidator(_when)]
