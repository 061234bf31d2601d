"""Pictures without a description, or with one that describes nothing: exact messages,
each an ERROR (the publish fails; tests/content/test_corpus.py publishes one alone)."""

from __future__ import annotations

import pytest

from handbill_config.problems import ERROR
from handbill_content.pictures import pictures_without_alt, too_short

HEAD = "Title: T\nDate: 2026-01-01 12:00\n\n"
HINT = (
    "describe what it shows between the square brackets, e.g. "
    "![Volunteers at the market stall]({static}/images/stall.jpg)"
)
SHORT = (
    "say in a few words what it shows, e.g. "
    "![Volunteers at the market stall]({static}/images/stall.jpg)"
)

CASES = [
    ("![Volunteers at the stall]({static}/images/a.jpg)", []),
    ('<img src="{static}/images/a.jpg" alt="Our banner at the march">', []),
    (
        "![]({static}/images/a.jpg)",
        [
            "posts/p.md:4: picture: {static}/images/a.jpg has no description for people who "
            f"cannot see it — {HINT}"
        ],
    ),
    (
        "![  ](images/a.jpg)",
        [
            "posts/p.md:4: picture: images/a.jpg has no description for people who cannot "
            f"see it — {HINT}"
        ],
    ),
    (
        "![photo]({static}/images/a.jpg)",
        [
            "posts/p.md:4: picture: 'photo' is too short to describe {static}/images/a.jpg "
            f"for people who cannot see it — {SHORT}"
        ],
    ),
    (
        "text\n\n![IMG_20261121_101500.jpg]({static}/images/a.jpg)",
        [
            "posts/p.md:6: picture: 'IMG_20261121_101500.jpg' is too short to describe "
            f"{{static}}/images/a.jpg for people who cannot see it — {SHORT}"
        ],
    ),
    (
        '<IMG SRC="{static}/images/a.jpg">',
        [
            "posts/p.md:4: picture: {static}/images/a.jpg has no description for people who "
            f"cannot see it — {HINT}"
        ],
    ),
    (
        "<img src='{static}/images/a.jpg' alt=''>",
        [
            "posts/p.md:4: picture: {static}/images/a.jpg has no description for people who "
            f"cannot see it — {HINT}"
        ],
    ),
    (
        '<img alt="DSC 0412" src="x.png">',
        [
            "posts/p.md:4: picture: 'DSC 0412' is too short to describe x.png for people who "
            f"cannot see it — {SHORT}"
        ],
    ),
]


@pytest.mark.parametrize(("body", "expected"), CASES, ids=[c[0][:40] for c in CASES])
def test_messages(body: str, expected: list[str]) -> None:
    problems = pictures_without_alt(HEAD + body, "posts/p.md", 4)
    assert [str(p) for p in problems] == expected
    assert all(p.level == ERROR for p in problems)


def test_pictures_in_the_details_lines_are_left_to_the_details_checks() -> None:
    text = "Title: ![](x.png)\n\n![](y.png)"
    assert [p.line for p in pictures_without_alt(text, "posts/p.md", 3)] == [3]


@pytest.mark.parametrize(
    ("description", "short"),
    [
        ("Photo", True),
        ("banner", True),
        ("A b", True),
        ("PXL_20261121_101500", True),
        ("march.jpg", True),
        ("Our banner", False),
        ("Tŷ Hywel, Cardiff", False),
    ],
)
def test_too_short(description: str, short: bool) -> None:
    assert too_short(description) is short
