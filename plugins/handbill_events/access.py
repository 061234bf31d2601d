"""Access details of an event (`access:` in the YAML): what disabled supporters need to know
before they decide to come — step-free access, a hearing loop, BSL, a quiet space.

Each feature is yes, no, or left out (not known): a page must never turn "we have not
checked" into "no". Read (validate), shown on the event page and given to search engines
as schema.org `amenityFeature` on the event's `Place` (present.py).
"""

from __future__ import annotations

from typing import Any

from .fields import Checker, field_line
from .load import LineMap
from .problems import shown
from .spec import FEATURES, Access

FIELDS = (*FEATURES, "notes")
# Names volunteers reach for (hyphens and spaces are read as underscores first).
SYNONYMS = {
    "step_free_access": "step_free",
    "wheelchair": "step_free",
    "wheelchair_access": "step_free",
    "level_access": "step_free",
    "toilet": "accessible_toilet",
    "toilets": "accessible_toilet",
    "accessible_toilets": "accessible_toilet",
    "disabled_toilet": "accessible_toilet",
    "loop": "hearing_loop",
    "induction_loop": "hearing_loop",
    "sign_language": "bsl",
    "bsl_interpreter": "bsl",
    "quiet_room": "quiet_space",
    "note": "notes",
    "details": "notes",
}
EXAMPLE = "e.g. `access: {step_free: yes, hearing_loop: no, notes: Ramp at the side door}`"
YES = ("yes", "true", "y", "on")
NO = ("no", "false", "n", "off")
UNKNOWN = ("unknown", "not known", "don't know", "dont know", "?", "")


def read_access(ck: Checker, value: Any, line: int) -> Access | None:
    """The `access:` block, reporting each mistake; None when it says nothing usable."""
    if not isinstance(value, LineMap):
        ck.err(
            line,
            "access",
            f"should be a block of yes/no details, not {shown(value)}",
            EXAMPLE,
        )
        return None
    spelled = LineMap()
    spelled.line, spelled.key_lines = value.line, {}
    for key, item in value.items():
        # `Step-free`, `step free`, `STEP_FREE` all mean step_free.
        name = str(key).strip().lower().replace("-", "_").replace(" ", "_")
        name = name if name not in spelled and (name in FIELDS or name in SYNONYMS) else key
        spelled[name] = item
        spelled.key_lines[name] = value.line_of(key)
    fields = ck.unknown_fields(spelled, FIELDS, SYNONYMS, "access.")
    found: dict[str, Any] = {}
    for name in FEATURES:
        if name in fields:
            found[name] = _yes_no(ck, fields[name], field_line(fields, name, line), name)
    if "notes" in fields:
        found["notes"] = (
            ck.text(fields["notes"], field_line(fields, "notes", line), "access.notes") or ""
        )
    return Access(**found)


def _yes_no(ck: Checker, value: Any, line: int, name: str) -> bool | None:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower() if isinstance(value, (str, int, float)) else None
    if text in YES:
        return True
    if text in NO:
        return False
    if text is None or text not in UNKNOWN:
        ck.err(
            line,
            f"access.{name}",
            f"{shown(value)} is not yes or no",
            "write yes or no; leave the line out if you do not know",
        )
    return None


def amenity_features(access: Access) -> list[dict[str, Any]]:
    """schema.org LocationFeatureSpecification items for the features that are known."""
    return [
        {"@type": "LocationFeatureSpecification", "name": FEATURES[name], "value": value}
        for name, value in access.known
    ]
