"""Campaign actions (issue 13): pledges, petitions, polls and letters, one Markdown file each
in `content/actions/`, read the same way by the site plugin and the sign-up server.

A file is Pelican-style Markdown: `Key: value` lines, an empty line, then the body (the text
above the form; for a letter, the letter itself with `{blanks}`). This module does not import
Pelican or Markdown: the server decides what a signature is worth from the same models the
site renders, so a petition's goal, a poll's options or a pledge's deadline cannot differ
between the page and the count.

`load_actions(folder)` returns every action and every mistake at once, each mistake as
`file:line: field: what — fix`, so a volunteer fixes them all in one go.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field

from .model import StrictModel
from .problems import Problem

KINDS = ("pledge", "petition", "poll", "letter")
SIGNING_KINDS = ("pledge", "petition", "poll")
RESULTS_RULES = ("after_vote", "after_close")
STATUSES = ("published", "draft")
MIN_OPTIONS, MAX_OPTIONS = 2, 6
DEFAULT_ERASE_AFTER_DAYS = 90
DEFAULT_TIMEZONE = "Europe/London"
SHOWN = 60  # characters of a volunteer's value quoted in a message

# Markdown's meta extension (which Pelican's reader uses): the same patterns.
META_RE = re.compile(r"^[ ]{0,3}(?P<key>[A-Za-z0-9_-]+):\s*(?P<value>.*)")
META_MORE_RE = re.compile(r"^[ ]{4,}(?P<value>.*)")
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
BLANK_RE = re.compile(r"\{([^{}\n]*)\}")
BLANK_NAME_RE = re.compile(r"^[a-z][a-z0-9_]*$")
EMAIL_RE = re.compile(r"^[^@\s<>,;]+@[^@\s<>,;]+\.[^@\s<>,;]+$")

COMMON_KEYS = ("title", "kind", "summary", "version", "status", "date")
KIND_KEYS: dict[str, tuple[str, ...]] = {
    "pledge": ("pledge", "threshold", "place", "deadline", "ask_name"),
    "petition": ("target", "goal", "closes", "ask_district", "erase_after_days"),
    "poll": ("question", "options", "closes", "results", "erase_after_days"),
    "letter": ("to", "subject"),
}
REQUIRED: dict[str, tuple[str, ...]] = {
    "pledge": ("pledge", "threshold", "deadline"),
    "petition": ("target",),
    "poll": ("question", "options"),
    "letter": ("subject",),
}
EXAMPLES = {
    "title": "Title: Save our A&E",
    "kind": "Kind: petition",
    "version": "Version: 2",
    "pledge": "Pledge: opt out of the federated data platform",
    "threshold": "Threshold: 1000",
    "deadline": "Deadline: 2027-03-31",
    "target": "Target: Midshire Integrated Care Board",
    "question": "Question: Should we organise a mass opt-out?",
    "options": "Options: Yes | No | Not sure",
    "subject": "Subject: Please record my type 1 opt-out",
    "goal": "Goal: 15000",
    "closes": "Closes: 2027-01-31",
    "erase_after_days": "Erase_after_days: 90",
    "date": "Date: 2026-11-01",
}


# --- Problems -------------------------------------------------------------------------


def _shown(value: str) -> str:
    text = value if len(value) <= SHOWN else value[: SHOWN - 1] + "…"
    return f'"{text}"'


# --- The models -----------------------------------------------------------------------

PositiveInt = Annotated[int, Field(ge=1)]


class ActionBase(StrictModel):
    """What every action has. `slug` is the file's name without `.md`: it is the page's
    address and the server's key, so renaming the file starts a new action."""

    slug: str
    title: str
    summary: str = ""
    version: PositiveInt = 1
    status: Literal["published", "draft"] = "published"
    # When it started (optional): of the open actions with no closing date, the home page
    # features the most recent.
    date: dt.date | None = None
    body: str = ""  # Markdown, as written (the plugin converts it)
    source: str = ""  # the file, as named in problems
    body_line: int = 1  # the file's line where the body starts

    @property
    def published(self) -> bool:
        return self.status == "published"

    @property
    def signing(self) -> bool:
        """Whether people sign it through the sign-up server (all but letters)."""
        return self.kind in SIGNING_KINDS  # type: ignore[attr-defined]

    @property
    def consent_version(self) -> str:
        """The form's `consent_version`: the wording version the signer saw."""
        return str(self.version)

    @property
    def goal_count(self) -> int | None:
        """The number shown as the goal next to the counter (count.json's `goal`)."""
        return None

    @property
    def closes_at(self) -> dt.datetime | None:
        """When signing stops (aware, site time zone); None: open until taken down."""
        return None

    @property
    def erase_at(self) -> dt.datetime | None:
        """When the signatures (names, districts, keyed hashes) are erased; None when there
        is no fixed time (a pledge's addresses go when its outcome mail is sent)."""
        return None

    def closed(self, now: dt.datetime) -> bool:
        return self.closes_at is not None and now >= self.closes_at


class Pledge(ActionBase):
    """ "I will <pledge>, but only if <threshold> <place> will too", by a deadline. Signers'
    addresses are kept only until the outcome mail (on at the threshold, off at the deadline)
    is sent."""

    kind: Literal["pledge"] = "pledge"
    pledge: str
    threshold: PositiveInt
    place: str = ""
    deadline: dt.datetime
    ask_name: bool = False

    @property
    def goal_count(self) -> int | None:
        return self.threshold

    @property
    def closes_at(self) -> dt.datetime | None:
        return self.deadline


class Petition(ActionBase):
    """A statement to a named target; signatures (name, district, wording version) are kept
    until `erase_after_days` after closing, the address only as a keyed hash."""

    kind: Literal["petition"] = "petition"
    target: str
    goal: PositiveInt | None = None
    closes: dt.date | None = None
    closes_time: dt.datetime | None = None  # the end of the `closes` day, site time zone
    ask_district: bool = False
    erase_after_days: PositiveInt = DEFAULT_ERASE_AFTER_DAYS

    @property
    def goal_count(self) -> int | None:
        return self.goal

    @property
    def closes_at(self) -> dt.datetime | None:
        return self.closes_time

    @property
    def erase_at(self) -> dt.datetime | None:
        return _after(self.closes_time, self.erase_after_days)


class Poll(ActionBase):
    """One question, 2 to 6 options, one vote per confirmed address (kept as a keyed hash).
    `results`: after_vote (a voter sees the counts once their vote is confirmed, everyone
    after closing) or after_close (nobody sees counts before closing)."""

    kind: Literal["poll"] = "poll"
    question: str
    options: tuple[str, ...] = Field(min_length=MIN_OPTIONS, max_length=MAX_OPTIONS)
    closes: dt.date | None = None
    closes_time: dt.datetime | None = None
    results: Literal["after_vote", "after_close"] = "after_close"
    erase_after_days: PositiveInt = DEFAULT_ERASE_AFTER_DAYS

    @property
    def closes_at(self) -> dt.datetime | None:
        return self.closes_time

    @property
    def erase_at(self) -> dt.datetime | None:
        return _after(self.closes_time, self.erase_after_days)

    def results_public(self, now: dt.datetime) -> bool:
        """Whether the counts may be shown to everyone (on the page, in count.json)."""
        return self.results == "after_vote" or self.closed(now)


class Letter(ActionBase):
    """A letter with `{blanks}` that the page fills in the browser. Nothing is sent or kept."""

    kind: Literal["letter"] = "letter"
    to: str = ""
    subject: str
    blanks: tuple[str, ...] = ()  # in order of first use; `date` is filled with today

    @property
    def signing(self) -> bool:
        return False


Action = Pledge | Petition | Poll | Letter
MODELS: dict[str, type[ActionBase]] = {
    "pledge": Pledge,
    "petition": Petition,
    "poll": Poll,
    "letter": Letter,
}


def _after(moment: dt.datetime | None, days: int) -> dt.datetime | None:
    return None if moment is None else moment + dt.timedelta(days=days)


# --- Reading a file ---------------------------------------------------------------------


@dataclass(frozen=True)
class Meta:
    key: str  # lower case
    name: str  # as written
    value: str
    line: int


def split_file(text: str) -> tuple[list[Meta], str, int]:
    """The `Key: value` lines (with their line numbers), the body, and the body's first line,
    as Markdown's meta extension reads them (an indented line continues the one above)."""
    lines = text.replace("\r\n", "\n").split("\n")
    metas: list[Meta] = []
    number = 0
    for number, raw in enumerate(lines, 1):
        line = raw.expandtabs(4)
        if not line.strip():
            break
        match = META_RE.match(line)
        if match:
            metas.append(Meta(match["key"].lower(), match["key"], match["value"].strip(), number))
            continue
        more = META_MORE_RE.match(line)
        if more and metas:
            last = metas[-1]
            metas[-1] = Meta(
                last.key, last.name, f"{last.value} {more['value'].strip()}", last.line
            )
            continue
        number -= 1  # the body starts on this line, without an empty line before it
        break
    body_start = number + 1
    return (
        metas,
        "\n".join(lines[body_start - 1 :]).strip("\n"),
        body_start + _leading(lines[body_start - 1 :]),
    )


def _leading(lines: list[str]) -> int:
    """Empty lines before the body's first line."""
    count = 0
    for line in lines:
        if line.strip():
            break
        count += 1
    return count


class _Reader:
    """Turns one file's metadata into a model's fields, collecting every problem."""

    def __init__(self, source: str, metas: list[Meta], tz: ZoneInfo) -> None:
        self.source = source
        self.tz = tz
        self.problems: list[Problem] = []
        self.metas: dict[str, Meta] = {}
        for meta in metas:
            if meta.key in self.metas:
                first = self.metas[meta.key]
                self.problem(
                    meta,
                    f"given twice (lines {first.line} and {meta.line})",
                    "keep one of them",
                )
                continue
            self.metas[meta.key] = meta

    def problem(self, where: Meta | int, message: str, hint: str = "", field: str = "") -> None:
        line = where if isinstance(where, int) else where.line
        name = field or (where.name if isinstance(where, Meta) else "")
        self.problems.append(Problem(self.source, line, name, message, hint))

    def text(self, key: str) -> str | None:
        meta = self.metas.get(key)
        if meta is None:
            return None
        if not meta.value:
            self.problem(meta, "is empty", f"write it, like '{_example(key)}'")
            return None
        return meta.value

    def whole(self, key: str) -> int | None:
        meta = self.metas.get(key)
        if meta is None or self.text(key) is None:
            return None
        value = meta.value.replace(",", "").replace("_", "")
        if not value.isdigit():
            self.problem(
                meta,
                f"{_shown(meta.value)} is not a whole number",
                f"write one such as '{_example(key)}'",
            )
            return None
        number = int(value)
        if number < 1:
            self.problem(meta, f"{_shown(meta.value)} is too small", "write 1 or more")
            return None
        return number

    def yes_no(self, key: str) -> bool | None:
        meta = self.metas.get(key)
        if meta is None or self.text(key) is None:
            return None
        value = meta.value.lower()
        if value in ("yes", "true"):
            return True
        if value in ("no", "false"):
            return False
        self.problem(meta, f"{_shown(meta.value)} is not yes or no", "write yes or no")
        return None

    def choice(self, key: str, choices: tuple[str, ...]) -> str | None:
        meta = self.metas.get(key)
        if meta is None or self.text(key) is None:
            return None
        value = meta.value.lower()
        if value in choices:
            return value
        self.problem(
            meta,
            f"{_shown(meta.value)} is not one of {', '.join(choices)}",
            _did_you_mean(value, choices) or f"write one of {', '.join(choices)}",
        )
        return None

    def day(self, key: str) -> tuple[dt.date, dt.datetime] | None:
        """A date, and the moment it ends (midnight at its end, site time zone)."""
        meta = self.metas.get(key)
        if meta is None or self.text(key) is None:
            return None
        try:
            day = dt.date.fromisoformat(meta.value)
        except ValueError:
            self.problem(
                meta,
                f"{_shown(meta.value)} is not a date",
                f"write year-month-day, like '{_example(key)}'",
            )
            return None
        return day, end_of_day(day, self.tz)

    def moment(self, key: str) -> dt.datetime | None:
        """A date (meaning the end of that day) or an ISO date and time, site time zone."""
        meta = self.metas.get(key)
        if meta is None or self.text(key) is None:
            return None
        if "T" not in meta.value and " " not in meta.value.strip():
            found = self.day(key)
            return found[1] if found else None
        try:
            moment = dt.datetime.fromisoformat(meta.value)
        except ValueError:
            self.problem(
                meta,
                f"{_shown(meta.value)} is not a date or a date and time",
                "write year-month-day, like 'Deadline: 2027-03-31', or add a time, "
                "like 'Deadline: 2027-03-31T18:00'",
            )
            return None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=self.tz)
        return moment.astimezone(self.tz)

    def options(self, key: str) -> tuple[str, ...] | None:
        meta = self.metas.get(key)
        if meta is None or self.text(key) is None:
            return None
        options = tuple(part.strip() for part in meta.value.split("|"))
        hint = (
            f"write {MIN_OPTIONS} to {MAX_OPTIONS} choices separated by ' | ', "
            f"like '{_example(key)}'"
        )
        if any(not option for option in options):
            self.problem(meta, "has an empty choice", hint)
            return None
        if not MIN_OPTIONS <= len(options) <= MAX_OPTIONS:
            self.problem(meta, f"has {len(options)} choice{'s' * (len(options) != 1)}", hint)
            return None
        repeated = sorted(
            {o for o in options if [x.casefold() for x in options].count(o.casefold()) > 1}
        )
        if repeated:
            self.problem(
                meta,
                f"{_shown(repeated[0])} is given twice",
                "make each choice different",
            )
            return None
        return options


def _example(key: str) -> str:
    return EXAMPLES.get(key, f"{key.capitalize()}: …")


def _did_you_mean(word: str, choices: Iterable[str], cutoff: float = 0.6) -> str:
    close = difflib.get_close_matches(word.lower(), list(choices), n=1, cutoff=cutoff)
    return f"did you mean '{close[0]}'?" if close else ""


def end_of_day(day: dt.date, tz: ZoneInfo) -> dt.datetime:
    """Midnight at the end of `day` in the site's time zone: "Closes: 2027-01-31" means
    people can still sign all through 31 January."""
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tzinfo=tz)


def _kind_name(kind: str) -> str:
    return f"{kind}s"


def read_action(path: Path, source: str, tz: ZoneInfo) -> tuple[Action | None, list[Problem]]:
    """One action file: its model, or None and the reasons why not."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        return None, [
            Problem(source, 1, "file", "is not UTF-8 text", "save it as UTF-8 (plain text)")
        ]
    except OSError as err:
        reason = err.strerror or type(err).__name__
        return None, [
            Problem(source, 1, "file", f"cannot be read ({reason})", "save it again as a file")
        ]
    metas, body, body_line = split_file(text)
    reader = _Reader(source, metas, tz)
    slug = path.stem
    if not SLUG_RE.match(slug):
        reader.problem(
            1,
            f"{_shown(slug)} can't be the page's address",
            "name the file with lower-case letters, digits and hyphens, like 'save-our-ae.md'",
            field="file name",
        )
    kind = reader.choice("kind", KINDS)
    if "kind" not in reader.metas:
        reader.problem(
            1,
            "missing",
            f"add a line such as '{_example('kind')}' (one of {', '.join(KINDS)})",
            field="Kind",
        )
    _check_keys(reader, kind)
    fields = _common(reader, slug, body, body_line)
    if kind is not None:
        fields.update(KIND_FIELDS[kind](reader, body, body_line))
        for key in REQUIRED[kind]:
            if key not in reader.metas:
                reader.problem(
                    1,
                    f"missing (every {kind} needs one)",
                    f"add a line such as '{_example(key)}'",
                    field=key.capitalize(),
                )
    if reader.problems or kind is None:
        return None, sorted(reader.problems, key=lambda problem: problem.line)
    return MODELS[kind].model_validate(fields), []  # type: ignore[return-value]


def _check_keys(reader: _Reader, kind: str | None) -> None:
    allowed = COMMON_KEYS + (KIND_KEYS[kind] if kind else sum(KIND_KEYS.values(), ()))
    for key, meta in reader.metas.items():
        if key in allowed:
            continue
        owners = [k for k, keys in KIND_KEYS.items() if key in keys]
        if owners and kind:
            others = " and ".join(_kind_name(k) for k in owners)
            reader.problem(meta, f"is for {others}, not {_kind_name(kind)}", "remove the line")
            continue
        close = _did_you_mean(key, allowed, cutoff=0.75)
        reader.problem(
            meta,
            "is not a detail actions use",
            close or "remove it, or see docs/volunteers.md for the details each kind takes",
        )


def _common(reader: _Reader, slug: str, body: str, body_line: int) -> dict:
    fields: dict = {"slug": slug, "body": body, "source": reader.source, "body_line": body_line}
    title = reader.text("title")
    if "title" not in reader.metas:
        reader.problem(1, "missing", f"add a line such as '{_example('title')}'", field="Title")
    if title:
        fields["title"] = title
    summary = reader.text("summary")
    if summary:
        fields["summary"] = summary
    version = reader.whole("version")
    if version:
        fields["version"] = version
    status = reader.choice("status", STATUSES)
    if status:
        fields["status"] = status
    started = reader.day("date")
    if started:
        fields["date"] = started[0]
    return fields


def _pledge(reader: _Reader, body: str, body_line: int) -> dict:
    return _given(
        pledge=reader.text("pledge"),
        threshold=reader.whole("threshold"),
        place=reader.text("place"),
        deadline=reader.moment("deadline"),
        ask_name=reader.yes_no("ask_name"),
    )


def _petition(reader: _Reader, body: str, body_line: int) -> dict:
    closes = reader.day("closes")
    return _given(
        target=reader.text("target"),
        goal=reader.whole("goal"),
        closes=closes[0] if closes else None,
        closes_time=closes[1] if closes else None,
        ask_district=reader.yes_no("ask_district"),
        erase_after_days=reader.whole("erase_after_days"),
    )


def _poll(reader: _Reader, body: str, body_line: int) -> dict:
    closes = reader.day("closes")
    results = reader.choice("results", RESULTS_RULES)
    if results == "after_close" and closes is None and "closes" not in reader.metas:
        reader.problem(
            reader.metas["results"],
            "after_close needs a closing date, or nobody would ever see the results",
            "add a line such as 'Closes: 2027-01-31', or write 'Results: after_vote'",
        )
    return _given(
        question=reader.text("question"),
        options=reader.options("options"),
        closes=closes[0] if closes else None,
        closes_time=closes[1] if closes else None,
        results=results,
        erase_after_days=reader.whole("erase_after_days"),
    )


def _letter(reader: _Reader, body: str, body_line: int) -> dict:
    to = reader.text("to")
    if to is not None and not EMAIL_RE.match(to):
        reader.problem(
            reader.metas["to"],
            f"{_shown(to)} is not an email address",
            "write one, like 'To: office@example.org', or leave the line out",
        )
    return _given(
        to=to,
        subject=reader.text("subject"),
        blanks=letter_blanks(reader, body, body_line),
    )


KIND_FIELDS = {"pledge": _pledge, "petition": _petition, "poll": _poll, "letter": _letter}


def _given(**fields: object) -> dict:
    return {key: value for key, value in fields.items() if value is not None}


def letter_blanks(reader: _Reader, body: str, body_line: int) -> tuple[str, ...]:
    """The `{names}` in a letter, in order of first use; a problem for each one that is not
    a name (`{Your Name}`), so the page never shows a blank with no box to fill it."""
    blanks: list[str] = []
    for offset, line in enumerate(body.split("\n")):
        for match in BLANK_RE.finditer(line):
            name = match[1]
            if BLANK_NAME_RE.match(name):
                if name not in blanks:
                    blanks.append(name)
                continue
            suggestion = re.sub(r"[^a-z0-9]+", "_", name.strip().lower()).strip("_") or "your_name"
            if suggestion[0].isdigit():
                suggestion = f"blank_{suggestion}"
            reader.problem(
                body_line + offset,
                f"{{{name}}} is not a blank's name",
                f"write names in lower case with underscores, like {{{suggestion}}}",
                field="letter",
            )
    if not blanks and not reader.problems:
        reader.problem(
            body_line,
            "the letter has no blanks to fill in",
            "write the parts people fill in as {your_name}, {your_address}, {date}…",
            field="letter",
        )
    return tuple(blanks)


def site_timezone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(DEFAULT_TIMEZONE)


def load_actions(
    folder: str | Path, timezone: str = DEFAULT_TIMEZONE, shown_as: str | None = None
) -> tuple[list[Action], list[Problem]]:
    """Every `*.md` action in `folder` (sorted by slug) and every problem in any of them.

    A missing folder means no actions. `timezone` is the site's (Pelican's TIMEZONE): dates
    without a time mean the end of that day there. `shown_as` is how the folder is named in
    problems (default: as given)."""
    folder = Path(folder)
    tz = site_timezone(timezone)
    actions: list[Action] = []
    problems: list[Problem] = []
    if not folder.is_dir():
        return actions, problems
    prefix = shown_as if shown_as is not None else str(folder)
    for path in sorted(folder.glob("*.md")):
        source = f"{prefix.rstrip('/')}/{path.name}" if prefix else path.name
        action, found = read_action(path, source, tz)
        problems += found
        if action is not None:
            actions.append(action)
    return actions, problems
