"""Checks of each detail's value, with Pelican's own parsing (the reader's `process_metadata`).

Each check returns the problems it found and, where the post can still be shown in the
preview, the value to use instead (a status typo holds the post back as a draft; a list of
categories keeps the first). A value Pelican cannot read at all (a date that is no date)
makes the file unreadable: `fatal`.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pelican.utils import slugify

from handbill_config.problems import Problem

from .frontmatter import Field, Header
from .problems import did_you_mean

# A detail to take out of the metadata, so Pelican makes its own (a slug from the title).
_DROP = object()
STATUSES = ("published", "draft", "hidden", "skip")
CLEAN_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
PLAIN_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2}))?)?$")
ISO_DATE = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}([ T_]\d{1,2}:\d{2}(:\d{2})?)?")
DAY_MONTH = re.compile(r"^(\d{1,2})[/.](\d{1,2})[/.](\d{2,4})\b")
DATE_HINT = "write the date and local time as YYYY-MM-DD HH:MM, for example 2026-11-28 18:00"


def apply(metadata: dict[str, Any], replace: dict[str, Any]) -> None:
    """Put the replacement values into Pelican's metadata (dropping those marked to drop)."""
    for key, value in replace.items():
        if value is _DROP:
            metadata.pop(key, None)
        else:
            metadata[key] = value


@dataclass
class Checked:
    problems: list[Problem] = field(default_factory=list)
    fatal: bool = False
    # Pelican's metadata to use instead of what the file says (already processed).
    replace: dict[str, Any] = field(default_factory=dict)


def check_fields(
    header: Header, path: str, process: Callable[[str, str], Any], settings: dict[str, Any]
) -> Checked:
    """Every detail's value, checked the way Pelican will read it."""
    checked = Checked()
    for item in header.fields:
        check = CHECKS.get(item.key)
        if check and header.first(item.key) is item:
            check(item, path, process, settings, checked)
    for wrong, meant in header.meant.items():
        _take_as(header, wrong, meant, process, checked)
    if not any(p.field.lower() in ("save_as", "url") for p in checked.problems):
        check_address_pair(header, path, checked)
    return checked


def _take_as(
    header: Header, wrong: str, meant: str, process: Callable[[str, str], Any], checked: Checked
) -> None:
    """Use `Categories: x` as `Category: x` in the preview (it is reported as a mistake)."""
    item = header.first(wrong)
    if header.first(meant) or item is None or meant in ("date", "modified"):
        return
    value = item.value.split(",")[0].strip() if meant == "category" else item.value
    try:
        checked.replace[meant] = process(meant, value)
    except Exception:  # the misnamed detail's value is reported once the name is fixed
        return


def _date(item: Field, path: str, process, settings, checked: Checked) -> None:
    if _plain_date(item.value):
        return  # the usual 2026-11-28 18:00, valid: no need to ask dateutil
    try:
        process(item.key, item.value)
    except Exception as err:
        checked.fatal = True
        why = _date_error(item.value, err)
        checked.problems.append(Problem(path, item.line, item.name, why, DATE_HINT))
        return
    ambiguous = DAY_MONTH.match(item.value)
    if ambiguous and not ISO_DATE.match(item.value):
        day, month, year = ambiguous.groups()
        if int(day) <= 12 and int(month) <= 12 and day != month:
            year = year if len(year) == 4 else f"20{year}"
            checked.problems.append(
                Problem(
                    path,
                    item.line,
                    item.name,
                    f"{item.value!r} could mean {int(day)} {MONTHS[int(month)]} or "
                    f"{int(month)} {MONTHS[int(day)]} (it is read the American way, month first)",
                    f"write it as {year}-{int(month):02}-{int(day):02} "
                    f"for {int(day)} {MONTHS[int(month)]}",
                )
            )


MONTHS = (
    "",
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def _plain_date(value: str) -> bool:
    """A valid date in the form the guide shows (YYYY-MM-DD, optionally HH:MM[:SS])."""
    found = PLAIN_DATE.match(value)
    if not found:
        return False
    try:
        datetime.datetime(*(int(part) for part in found.groups() if part is not None))
    except ValueError:
        return False
    return True


def _date_error(value: str, err: Exception) -> str:
    if not value:
        return "is empty"
    found = re.match(r"^(\d{4})-(\d{1,2})-(\d{1,2})", value)
    if found and not 1 <= int(found[2]) <= 12:
        return f"{value!r} is not a date: there is no month {int(found[2])}"
    if found and not _is_day(*map(int, found.groups())):
        return f"{value!r} is not a date: that month has no day {int(found[3])}"
    time = re.search(r"(\d{1,2}):(\d{2})", value)
    if time and (int(time[1]) > 23 or int(time[2]) > 59):
        return f"{value!r}: {time[0]} is not a time of day (hours 0-23, minutes 0-59)"
    return f"{value!r} is not a date"


def _is_day(year: int, month: int, day: int) -> bool:
    try:
        datetime.date(year, month, day)
    except ValueError:
        return False
    return True


def _status(item: Field, path: str, process, settings, checked: Checked) -> None:
    value = item.value.strip().lower()
    if value in STATUSES:
        return
    meant = did_you_mean(value, STATUSES, 0.6) or "write draft, hidden or published"
    checked.problems.append(
        Problem(
            path,
            item.line,
            item.name,
            f"{item.value!r} is not a status, so it is kept off the site as a draft",
            meant if meant.startswith("write") else f"{meant} (draft, hidden or published)",
        )
    )
    checked.replace["status"] = "draft"


def _category(item: Field, path: str, process, settings, checked: Checked) -> None:
    if not item.value:
        checked.problems.append(
            Problem(path, item.line, item.name, "is empty", "write one category, e.g. 'News'")
        )
        return
    parts = [p.strip() for p in re.split(r"[,;]", item.value) if p.strip()]
    if len(parts) > 1:
        checked.problems.append(
            Problem(
                path,
                item.line,
                item.name,
                f"a post has one category, but {item.value!r} would make a new category of "
                "that whole name",
                f"keep one, e.g. 'Category: {parts[0]}', and put the others in Tags:",
            )
        )
        checked.replace["category"] = process("category", parts[0])


def _slug(item: Field, path: str, process, settings, checked: Checked) -> None:
    if not item.value:
        hint = "write lower-case words joined by hyphens, e.g. 'Slug: petition-update'"
        checked.problems.append(Problem(path, item.line, item.name, "is empty", hint))
        checked.replace["slug"] = _DROP
        return
    if CLEAN_SLUG.match(item.value):
        return  # lower-case words and hyphens: nothing for slugify to change
    proper = slugify(
        item.value,
        regex_subs=settings.get("SLUG_REGEX_SUBSTITUTIONS", ()),
        preserve_case=settings.get("SLUGIFY_PRESERVE_CASE", False),
        use_unicode=settings.get("SLUGIFY_USE_UNICODE", False),
    )
    if proper == item.value:
        return
    if not proper:
        hint = "write lower-case words joined by hyphens, e.g. 'Slug: petition-update'"
        what = f"{item.value!r} has no letters or digits for the web address"
        checked.problems.append(Problem(path, item.line, item.name, what, hint))
        checked.replace["slug"] = _DROP
        return
    checked.problems.append(
        Problem(
            path,
            item.line,
            item.name,
            f"{item.value!r} would put spaces, capitals or punctuation in the web address",
            f"write 'Slug: {proper}'",
        )
    )
    checked.replace["slug"] = proper


def _title(item: Field, path: str, process, settings, checked: Checked) -> None:
    if not item.value:
        checked.fatal = True
        checked.problems.append(
            Problem(path, item.line, item.name, "is empty", "write the headline after 'Title: '")
        )


def _address(item: Field, path: str, process, settings, checked: Checked) -> None:
    """`Save_as:` (the file written) and `Url:` (the address links use) must agree."""
    if "{" in item.value or "}" in item.value:
        what = f"{item.value!r}: placeholders such as {{slug}} are not filled in here"
    elif not item.value:
        what = "is empty"
    else:
        return
    checked.problems.append(
        Problem(path, item.line, item.name, what, "leave the line out: Slug sets the address")
    )
    checked.replace[item.key] = _DROP


def check_address_pair(header: Header, path: str, checked: Checked) -> None:
    given = [f for f in (header.first("save_as"), header.first("url")) if f]
    if len(given) == 1:
        alone = given[0]
        other = "Url" if alone.key == "save_as" else "Save_as"
        checked.problems.append(
            Problem(
                path,
                alone.line,
                alone.name,
                f"is given without {other}:, so links lead to an address that has no page",
                "leave the line out (Slug sets the address), or give both",
            )
        )
        checked.replace[alone.key] = _DROP


CHECKS: dict[str, Callable[..., None]] = {
    "date": _date,
    "modified": _date,
    "status": _status,
    "category": _category,
    "slug": _slug,
    "title": _title,
    "save_as": _address,
    "url": _address,
}
