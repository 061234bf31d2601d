"""Pictures in an event's description need words for people who cannot see them."""

from __future__ import annotations

from pathlib import Path

import pytest

from .problems import problems_in

HEAD = "title: Stall\nstart: 2026-12-05 10:00\ndescription: |\n  Come and help.\n\n"
HINT = "say in a few words what it shows, e.g. ![Volunteers at the stall](/images/stall.jpg)"


@pytest.mark.parametrize(
    ("picture", "expected"),
    [
        ("  ![Volunteers at last year's stall](/images/stall.jpg)\n", []),
        (
            "  ![](/images/stall.jpg)\n",
            [
                "events/e.yaml:3: description: the picture /images/stall.jpg has no words for "
                f"people who cannot see it — {HINT}"
            ],
        ),
        (
            "  ![stall](/images/stall.jpg)\n",
            [
                "events/e.yaml:3: description: 'stall' is too short to describe the picture "
                f"/images/stall.jpg — {HINT}"
            ],
        ),
        (
            '  <img src="/images/stall.jpg">\n',
            [
                "events/e.yaml:3: description: the picture /images/stall.jpg has no words for "
                f"people who cannot see it — {HINT}"
            ],
        ),
        ('  <img alt="Our stall on market day" src="/images/stall.jpg">\n', []),
    ],
)
def test_pictures_in_descriptions(tmp_path: Path, picture: str, expected: list[str]) -> None:
    assert problems_in(tmp_path, HEAD + picture) == expected
