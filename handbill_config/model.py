"""The base of every settings model."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class StrictModel(BaseModel):
    """Unknown keys are mistakes (a misspelt key must not silently switch a guard off), types
    are not coerced ("5" is not 5: TOML and Python both can say a number), values are read-only
    once checked."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)
