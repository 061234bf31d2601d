"""What the templates show for each action, worked out once a build: its address, its
counter (baked from the counts file), whether it is open, a poll's results, a letter's
paragraphs and blanks. Templates only lay these out and translate the words around them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from urllib.parse import quote

from handbill_config.actions import Action, Letter, Poll

from .counts import Count
from .settings import Resolved

BLANK = re.compile(r"\{([a-z][a-z0-9_]*)\}")
DATE_BLANK = "date"
# Blanks whose names say they hold several lines get a text area, not a one-line box.
MULTILINE_WORDS = ("address", "story", "message", "details", "reason")
# Words of a blank's name shown in capitals in its label (nhs_number -> "NHS number").
ACRONYMS = ("nhs", "gp", "mp", "msp", "ms", "mla", "icb", "id")


@dataclass(frozen=True)
class Result:
    option: str
    votes: int
    percent: int


@dataclass(frozen=True)
class Blank:
    name: str
    label: str  # from the name: your_name -> "Your name" (the volunteer's own words)
    multiline: bool
    autocomplete: str


@dataclass(frozen=True)
class ActionView:
    action: Action
    url: str  # with SITEURL, for links
    path: str  # inside the site, for `url` of the page
    save_as: str
    count: Count
    open: bool
    sign_url: str  # "" without a server
    count_url: str  # "" without a server
    percent: int | None  # of the goal, for the progress bar
    results: tuple[Result, ...] | None  # None: not shown (rule, or no numbers yet)
    last_signed: datetime | None = None  # to the hour, site time zone
    last_day: date | None = None  # the last day to sign (closing is midnight at its end)
    body_html: str = ""
    paragraphs: tuple[tuple[tuple[str, str], ...], ...] = ()  # letter: (text|blank, value)
    blanks: tuple[Blank, ...] = ()
    mailto: str = ""  # letter without JavaScript: an empty draft with the subject

    @property
    def kind(self) -> str:
        return self.action.kind

    @property
    def goal(self) -> int | None:
        return self.action.goal_count


def view(
    action: Action, count: Count, cfg: Resolved, server_url: str, body_html: str = ""
) -> ActionView:
    path = cfg.url.format(slug=action.slug)
    # The refresh script may only ask the site's own origin (the CSP's connect-src 'self'):
    # a server elsewhere keeps the built numbers.
    own = server_url.startswith("/") or bool(cfg.siteurl and server_url.startswith(cfg.siteurl))
    prefix = f"{server_url}/actions/{action.slug}" if server_url else ""
    open_ = not action.closed(cfg.now) and not count.closed
    goal = action.goal_count
    letter = _letter(action) if isinstance(action, Letter) else {}
    return ActionView(
        action=action,
        url=f"{cfg.siteurl}/{path}",
        path=path,
        save_as=cfg.url.format(slug=action.slug) + "index.html",
        count=count,
        open=open_,
        sign_url=f"{prefix}/sign" if prefix and action.signing else "",
        count_url=f"{prefix}/count.json" if prefix and action.signing and own else "",
        percent=min(100, count.count * 100 // goal) if goal else None,
        results=_results(action, count, cfg.now) if isinstance(action, Poll) else None,
        last_signed=count.last_signed.astimezone(cfg.tz) if count.last_signed else None,
        last_day=(action.closes_at - timedelta(seconds=1)).date() if action.closes_at else None,
        body_html=body_html,
        **letter,
    )


def _results(poll: Poll, count: Count, now: datetime) -> tuple[Result, ...] | None:
    """Counts only, and only when the poll's rule allows them to be public."""
    if not poll.results_public(now) or count.results is None:
        return None
    votes = [
        count.results.get(option, count.results.get(str(number), 0))
        for number, option in enumerate(poll.options, 1)
    ]
    total = sum(votes)
    return tuple(
        Result(option, n, round(n * 100 / total) if total else 0)
        for option, n in zip(poll.options, votes, strict=True)
    )


def _letter(letter: Letter) -> dict:
    paragraphs = []
    for block in re.split(r"\n\s*\n", letter.body.strip()):
        parts: list[tuple[str, str]] = []
        for number, line in enumerate(block.split("\n")):
            if number:
                parts.append(("break", ""))
            at = 0
            for match in BLANK.finditer(line):
                if match.start() > at:
                    parts.append(("text", line[at : match.start()]))
                parts.append(("blank", match[1]))
                at = match.end()
            if at < len(line):
                parts.append(("text", line[at:]))
        paragraphs.append(tuple(parts))
    blanks = tuple(_blank(name) for name in letter.blanks if name != DATE_BLANK)
    return {
        "paragraphs": tuple(paragraphs),
        "blanks": blanks,
        "mailto": f"mailto:{quote(letter.to, safe='@')}?subject={quote(letter.subject, safe='')}",
    }


def _blank(name: str) -> Blank:
    words = " ".join(w.upper() if w in ACRONYMS else w for w in name.split("_") if w)
    auto = {"your_name": "name", "name": "name", "your_address": "street-address"}
    return Blank(
        name=name,
        label=words[:1].upper() + words[1:],
        multiline=any(word in name for word in MULTILINE_WORDS),
        autocomplete=auto.get(name, "off"),
    )
