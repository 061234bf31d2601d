"""Action files (issue 13): the models the site and the server share, and each mistake with
the exact line a volunteer sees.

Each case takes one of the demo's action files and changes one line; the loader must report
that mistake (and only that one) as `file:line: field: what — fix`.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from handbill_config.actions import Letter, Petition, Pledge, Poll, load_actions, split_file
from sitebuild import CONTENT

ACTIONS = CONTENT / "actions"
LONDON = ZoneInfo("Europe/London")


def demo(name: str) -> str:
    return (ACTIONS / f"{name}.md").read_text(encoding="utf-8")


def write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.md"
    path.write_text(text, encoding="utf-8")
    return path


def problems_for(tmp_path: Path, name: str, text: str) -> list[str]:
    write(tmp_path / "actions", name, text)
    actions, problems = load_actions(tmp_path / "actions", shown_as="content/actions")
    assert not (actions and problems)
    return [str(p) for p in problems]


def test_the_demo_actions_load_without_problems() -> None:
    actions, problems = load_actions(ACTIONS)
    assert [str(p) for p in problems] == []
    kinds = {a.slug: a.kind for a in actions}
    assert kinds == {
        "gp-opt-out-letter": "letter",
        "mass-opt-out-poll": "poll",
        "opt-out-pledge": "pledge",
        "save-our-ae": "petition",
    }


def test_derived_values_the_server_needs() -> None:
    actions = {a.slug: a for a in load_actions(ACTIONS)[0]}
    pledge = actions["opt-out-pledge"]
    assert isinstance(pledge, Pledge)
    # A date alone means the end of that day in the site's time zone (BST on 31 March).
    assert pledge.deadline == dt.datetime(2027, 4, 1, tzinfo=LONDON)
    assert pledge.deadline.utcoffset() == dt.timedelta(hours=1)
    assert pledge.goal_count == 1000 and pledge.ask_name and pledge.consent_version == "1"
    assert pledge.erase_at is None and pledge.signing
    petition = actions["save-our-ae"]
    assert isinstance(petition, Petition)
    assert petition.closes == dt.date(2027, 1, 15)
    assert petition.closes_at == dt.datetime(2027, 1, 16, tzinfo=LONDON)
    assert petition.erase_at == dt.datetime(2027, 4, 16, tzinfo=LONDON)
    assert petition.goal_count == 15000 and petition.ask_district
    poll = actions["mass-opt-out-poll"]
    assert isinstance(poll, Poll)
    assert len(poll.options) == 3 and poll.options[0] == "Yes, let's do it together"
    assert poll.results == "after_close" and poll.goal_count is None
    assert not poll.results_public(dt.datetime(2027, 1, 31, 23, 59, tzinfo=LONDON))
    assert poll.results_public(dt.datetime(2027, 2, 1, tzinfo=LONDON))
    letter = actions["gp-opt-out-letter"]
    assert isinstance(letter, Letter) and not letter.signing
    assert letter.blanks == (
        "your_name",
        "your_address",
        "date",
        "practice",
        "date_of_birth",
        "nhs_number",
    )


def test_deadline_times(tmp_path: Path) -> None:
    base = demo("opt-out-pledge")
    write(tmp_path, "a", base.replace("Deadline: 2027-03-31", "Deadline: 2027-03-31T18:00"))
    write(tmp_path, "b", base.replace("Deadline: 2027-03-31", "Deadline: 2027-01-10T18:00Z"))
    actions, problems = load_actions(tmp_path)
    assert problems == []
    a, b = actions
    assert a.deadline == dt.datetime(2027, 3, 31, 18, tzinfo=LONDON)
    assert b.deadline == dt.datetime(2027, 1, 10, 18, tzinfo=dt.UTC)
    assert b.deadline.tzinfo == LONDON  # given in UTC, kept in the site's zone


def test_version_status_and_defaults(tmp_path: Path) -> None:
    text = demo("save-our-ae").replace("Erase_after_days: 90\n", "")
    text = text.replace("Kind: petition", "Kind: petition\nVersion: 3\nStatus: draft")
    write(tmp_path, "p", text)
    (petition,), problems = load_actions(tmp_path)
    assert problems == []
    assert petition.version == 3 and petition.consent_version == "3"
    assert not petition.published and petition.erase_after_days == 90


def test_the_body_and_its_first_line() -> None:
    metas, body, line = split_file("Title: X\nKind: letter\n\n\nDear {name},\n")
    assert [m.key for m in metas] == ["title", "kind"]
    assert body == "Dear {name}," and line == 5


def test_a_missing_folder_is_no_actions(tmp_path: Path) -> None:
    assert load_actions(tmp_path / "nothing") == ([], [])


F = "content/actions/x.md"
OPTIONS = (
    "Options: Yes, let's do it together | Not yet: first press the ICB for answers | "
    "No, it's a personal choice"
)
PLEDGE, PETITION, POLL, LETTER = (
    "opt-out-pledge",
    "save-our-ae",
    "mass-opt-out-poll",
    "gp-opt-out-letter",
)
MISTAKES = [
    (
        PLEDGE,
        "Kind: pledge",
        "Kind: pledj",
        f'{F}:2: Kind: "pledj" is not one of pledge, petition, poll, letter — '
        "did you mean 'pledge'?",
    ),
    (
        PLEDGE,
        "Kind: pledge\n",
        "",
        f"{F}:1: Kind: missing — add a line such as 'Kind: petition' "
        "(one of pledge, petition, poll, letter)",
    ),
    (
        PLEDGE,
        "Title: Opt out together\n",
        "",
        f"{F}:1: Title: missing — add a line such as 'Title: Save our A&E'",
    ),
    (
        PLEDGE,
        "Threshold: 1000",
        "Threshold: a thousand",
        f'{F}:5: Threshold: "a thousand" is not a whole number — '
        "write one such as 'Threshold: 1000'",
    ),
    (
        PLEDGE,
        "Threshold: 1000",
        "Threshold: 0",
        f'{F}:5: Threshold: "0" is too small — write 1 or more',
    ),
    (
        PLEDGE,
        "Threshold: 1000\n",
        "",
        f"{F}:1: Threshold: missing (every pledge needs one) — "
        "add a line such as 'Threshold: 1000'",
    ),
    (
        PLEDGE,
        "Deadline: 2027-03-31",
        "Deadline: 31/03/2027",
        f'{F}:7: Deadline: "31/03/2027" is not a date — write year-month-day, '
        "like 'Deadline: 2027-03-31'",
    ),
    (
        PLEDGE,
        "Deadline: 2027-03-31",
        "Deadline: 2027-03-31T25:00",
        f'{F}:7: Deadline: "2027-03-31T25:00" is not a date or a date and time — write '
        "year-month-day, like 'Deadline: 2027-03-31', or add a time, like "
        "'Deadline: 2027-03-31T18:00'",
    ),
    (
        PLEDGE,
        "Ask_name: yes",
        "Ask_name: maybe",
        f'{F}:8: Ask_name: "maybe" is not yes or no — write yes or no',
    ),
    (
        PLEDGE,
        "Pledge: opt out of the federated data platform",
        "Pledge:",
        f"{F}:4: Pledge: is empty — write it, like "
        "'Pledge: opt out of the federated data platform'",
    ),
    (
        PLEDGE,
        "Place: people in Anytown",
        "Place: people in Anytown\nGoal: 5",
        f"{F}:7: Goal: is for petitions, not pledges — remove the line",
    ),
    (
        PLEDGE,
        "Place: people in Anytown",
        "Place: people in Anytown\nTreshold: 5",
        f"{F}:7: Treshold: is not a detail actions use — did you mean 'threshold'?",
    ),
    (
        PLEDGE,
        "Place: people in Anytown",
        "Place: people in Anytown\nTags: nhs",
        f"{F}:7: Tags: is not a detail actions use — remove it, or see docs/volunteers.md "
        "for the details each kind takes",
    ),
    (
        PLEDGE,
        "Threshold: 1000",
        "Threshold: 1000\nThreshold: 500",
        f"{F}:6: Threshold: given twice (lines 5 and 6) — keep one of them",
    ),
    (
        PLEDGE,
        "Kind: pledge",
        "Kind: pledge\nVersion: two",
        f"{F}:3: Version: \"two\" is not a whole number — write one such as 'Version: 2'",
    ),
    (
        PLEDGE,
        "Kind: pledge",
        "Kind: pledge\nStatus: hidden",
        f'{F}:3: Status: "hidden" is not one of published, draft — write one of published, draft',
    ),
    (
        PETITION,
        "Closes: 2027-01-15",
        "Closes: next January",
        f'{F}:6: Closes: "next January" is not a date — '
        "write year-month-day, like 'Closes: 2027-01-31'",
    ),
    (
        PETITION,
        "Target: Midshire Integrated Care Board\n",
        "",
        f"{F}:1: Target: missing (every petition needs one) — add a line such as "
        "'Target: Midshire Integrated Care Board'",
    ),
    (
        PETITION,
        "Erase_after_days: 90",
        "Erase_after_days: -1",
        f'{F}:8: Erase_after_days: "-1" is not a whole number — write one such as '
        "'Erase_after_days: 90'",
    ),
    (
        POLL,
        OPTIONS,
        "Options: Yes",
        f"{F}:5: Options: has 1 choice — write 2 to 6 choices separated by ' | ', like "
        "'Options: Yes | No | Not sure'",
    ),
    (
        POLL,
        OPTIONS,
        "Options: A | B | C | D | E | F | G",
        f"{F}:5: Options: has 7 choices — write 2 to 6 choices separated by ' | ', like "
        "'Options: Yes | No | Not sure'",
    ),
    (
        POLL,
        OPTIONS,
        "Options: Yes | | No",
        f"{F}:5: Options: has an empty choice — write 2 to 6 choices separated by ' | ', like "
        "'Options: Yes | No | Not sure'",
    ),
    (
        POLL,
        OPTIONS,
        "Options: Yes | No | yes",
        f'{F}:5: Options: "Yes" is given twice — make each choice different',
    ),
    (
        POLL,
        "Results: after_close",
        "Results: after_voting",
        f'{F}:7: Results: "after_voting" is not one of after_vote, after_close — '
        "did you mean 'after_vote'?",
    ),
    (
        POLL,
        "Closes: 2027-01-31\n",
        "",
        f"{F}:6: Results: after_close needs a closing date, or nobody would ever see the "
        "results — add a line such as 'Closes: 2027-01-31', or write 'Results: after_vote'",
    ),
    (
        LETTER,
        "{date_of_birth}",
        "{Date of birth}",
        f"{F}:17: letter: {{Date of birth}} is not a blank's name — write names in lower case "
        "with underscores, like {date_of_birth}",
    ),
    (
        LETTER,
        "Subject: Please",
        "To: the surgery\nSubject: Please",
        f'{F}:4: To: "the surgery" is not an email address — write one, like '
        "'To: office@example.org', or leave the line out",
    ),
    (
        LETTER,
        "Subject: Please record my type 1 opt-out\n",
        "",
        f"{F}:1: Subject: missing (every letter needs one) — add a line such as "
        "'Subject: Please record my type 1 opt-out'",
    ),
]


@pytest.mark.parametrize(("name", "old", "new", "expected"), MISTAKES)
def test_each_mistake_is_one_line_a_volunteer_can_act_on(
    tmp_path: Path, name: str, old: str, new: str, expected: str
) -> None:
    text = demo(name)
    assert old in text
    assert problems_for(tmp_path, "x", text.replace(old, new, 1)) == [expected]


def test_a_letter_without_blanks(tmp_path: Path) -> None:
    text = "Title: Thanks\nKind: letter\nSubject: Thank you\n\nDear nurses, thank you.\n"
    assert problems_for(tmp_path, "x", text) == [
        f"{F}:5: letter: the letter has no blanks to fill in — write the parts people fill "
        "in as {your_name}, {your_address}, {date}…"
    ]


def test_a_file_name_that_cannot_be_an_address(tmp_path: Path) -> None:
    assert problems_for(tmp_path, "Save Our A&E", demo(PETITION)) == [
        "content/actions/Save Our A&E.md:1: file name: \"Save Our A&E\" can't be the page's "
        "address — name the file with lower-case letters, digits and hyphens, like "
        "'save-our-ae.md'"
    ]


def test_every_problem_in_every_file_at_once(tmp_path: Path) -> None:
    folder = tmp_path / "actions"
    write(folder, "a", demo(PLEDGE).replace("Threshold: 1000", "Threshold: lots"))
    write(folder, "b", demo(POLL).replace("Results: after_close", "Results: never"))
    write(
        folder,
        "c",
        demo(PETITION)
        .replace("Goal: 15000", "Goal: x")
        .replace("Closes: 2027-01-15", "Closes: soon"),
    )
    write(folder, "d", demo(LETTER))
    actions, problems = load_actions(folder, shown_as="content/actions")
    assert [a.slug for a in actions] == ["d"]
    assert [f"{p.file}:{p.line}:{p.field}" for p in problems] == [
        "content/actions/a.md:5:Threshold",
        "content/actions/b.md:7:Results",
        "content/actions/c.md:5:Goal",
        "content/actions/c.md:6:Closes",
    ]


def test_a_file_that_is_not_text_or_not_a_file(tmp_path: Path) -> None:
    folder = tmp_path / "actions"
    (folder / "folder.md").mkdir(parents=True)
    (folder / "word.md").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\xff")
    actions, problems = load_actions(folder, shown_as="actions")
    assert actions == []
    assert [str(p) for p in problems] == [
        "actions/folder.md:1: file: cannot be read (Is a directory) — save it again as a file",
        "actions/word.md:1: file: is not UTF-8 text — save it as UTF-8 (plain text)",
    ]
