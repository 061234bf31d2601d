"""Check one event file's fields and turn them into an EventSpec, collecting every problem.

The readers live in fields.py (single values) and series_fields.py (repeat: and changes:).
"""

from __future__ import annotations

from datetime import datetime

from handbill_config.problems import Problem

from .access import read_access
from .description import MAX_DEPTH, nesting_depth, pictures_in
from .fields import (
    Checker,
    field_line,
    read_end,
    read_ident,
    read_location,
    read_status,
    read_tags,
    read_timezone,
    read_url,
    read_when,
)
from .load import LineMap
from .problems import shown
from .series_fields import read_changes, read_repeat
from .slugs import SLUG_RX, slugify
from .spec import EventSpec

FIELDS = (
    "title",
    "id",
    "slug",
    "start",
    "end",
    "duration",
    "timezone",
    "category",
    "tags",
    "location",
    "online",
    "repeat",
    "changes",
    "status",
    "summary",
    "description",
    "updated",
    "announced",
    "access",
)


# Synonyms volunteers reach for; each maps to its canonical field.
SYNONYMS = {
    "venue": "location",
    "place": "location",
    "where": "location",
    "tz": "timezone",
    "url": "online",
    "link": "online",
    "recurrence": "repeat",
    "recurring": "repeat",
    "accessibility": "access",
}


def check_event(
    data: LineMap, rel: str, stem: str, timezone: str, default_category: str
) -> tuple[EventSpec | None, list[Problem]]:
    """Validate one file's fields; an EventSpec only when there was no problem at all."""
    ck = Checker(rel)
    fields = ck.unknown_fields(data, FIELDS, SYNONYMS)
    line = data.line

    def at(name: str) -> int:
        return field_line(fields, name, line)

    title = ck.text(fields.get("title"), at("title"), "title", required=True)
    ident = read_ident(ck, fields, at, stem)
    slug = ck.text(fields.get("slug"), at("slug"), "slug") or ident
    if slug and not SLUG_RX.match(slug):
        ck.err(
            at("slug"),
            "slug",
            f"{shown(slug)} is not a web-address word",
            f"use lower-case letters, digits and hyphens, e.g. {slugify(slug)!r}",
        )
    tz = read_timezone(ck, fields.get("timezone"), at("timezone"), timezone)
    start = None
    if "start" not in fields:
        ck.err(line, "start", "is missing", "add e.g. `start: 2026-01-05 18:00` or a date")
    else:
        start = ck.a_moment(fields["start"], at("start"), "start")
    end = read_end(ck, fields, start, line) if start is not None else None
    rep = read_repeat(ck, fields["repeat"], at("repeat"), start) if "repeat" in fields else None
    changes = (
        read_changes(ck, fields["changes"], at("changes"), start, rep)
        if "changes" in fields
        else {}
    )
    status = read_status(ck, fields.get("status", "confirmed"), at("status"), "status")
    category = ck.text(fields.get("category"), at("category"), "category") or default_category
    tags = read_tags(ck, fields.get("tags", []), at("tags"))
    location = (
        read_location(ck, fields["location"], at("location"), "location")
        if fields.get("location") is not None
        else None
    )
    online = read_url(ck, fields["online"], at("online"), "online") if "online" in fields else None
    summary = ck.text(fields.get("summary"), at("summary"), "summary") or ""
    description = ck.text(fields.get("description"), at("description"), "description") or ""
    for picture, words in pictures_in(description):
        if not words.strip():
            what = f"the picture {picture} has no words for people who cannot see it"
        elif len(words.split()) < 2:
            what = f"{words.strip()!r} is too short to describe the picture {picture}"
        else:
            continue
        ck.err(
            at("description"),
            "description",
            what,
            "say in a few words what it shows, e.g. ![Volunteers at the stall](/images/stall.jpg)",
        )
    depth = nesting_depth(description)
    if depth > MAX_DEPTH:
        ck.err(
            at("description"),
            "description",
            f"nests lists or quotes {depth} levels deep",
            f"use at most {MAX_DEPTH} levels (a few are plenty)",
        )
    updated = (
        read_when(ck, fields["updated"], at("updated"), "updated") if "updated" in fields else None
    )
    announced = (
        read_when(ck, fields["announced"], at("announced"), "announced")
        if "announced" in fields
        else None
    )
    access = (
        read_access(ck, fields["access"], at("access"))
        if fields.get("access") is not None
        else None
    )
    if ck.problems or None in (title, ident, start, end, tz, status):
        return None, sorted(ck.problems, key=lambda p: p.line)
    return EventSpec(
        id=ident,
        slug=slug,
        title=title,
        start=start,
        end=end,
        all_day=not isinstance(start, datetime),
        timezone=tz,
        category=category,
        tags=tags,
        location=location,
        online=online,
        repeat=rep,
        changes=changes,
        status=status,
        summary=summary,
        description=description,
        updated=updated,
        announced=announced,
        source=rel,
        line=line,
        field_lines=dict(fields.lines),
        access=access,
    ), []
