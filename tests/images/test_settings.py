"""HANDBILL_IMAGES checked at start: a typo or a wrong value is named, with the fix."""

from __future__ import annotations

import pytest

from handbill_config import ConfigError
from handbill_images.settings import ImagesSettings, read


def test_defaults() -> None:
    assert read({}) == ImagesSettings()
    assert read({}).widths == (480, 960, 1600)


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        (
            {"widht": [480]},
            'settings: HANDBILL_IMAGES.widht: unknown setting — did you mean "widths"?',
        ),
        ({"quality": "high"}, 'settings: HANDBILL_IMAGES.quality: "high" is text'),
        ({"widths": [480, 20]}, "settings: HANDBILL_IMAGES.widths[1]: 20 is too small — write 64"),
    ],
)
def test_mistakes_are_named(given: dict, expected: str) -> None:
    with pytest.raises(ConfigError) as caught:
        read({"HANDBILL_IMAGES": given})
    assert len(caught.value.problems) == 1
    assert caught.value.problems[0].startswith(expected), caught.value.problems


def test_the_files_depend_on_widths_and_quality_only() -> None:
    base = ImagesSettings().fingerprint()
    assert ImagesSettings(sizes="100vw").fingerprint() == base
    assert ImagesSettings(quality=70).fingerprint() != base
    assert ImagesSettings(widths=(640,)).fingerprint() != base
