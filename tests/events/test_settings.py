"""settings.py: the organiser's address for the calendars (ORGANIZER), checked at start."""

from __future__ import annotations

import pytest

from handbill_config import ConfigError
from handbill_events.settings import from_pelican

BASE = {"TIMEZONE": "Europe/London", "SITENAME": "Anytown"}


def test_the_organiser_defaults_to_the_contact_address() -> None:
    cfg = from_pelican({**BASE, "CONTACT_EMAIL": "hello@anytown.example.org"})
    assert cfg.organizer_email == "hello@anytown.example.org"


def test_organizer_email_overrides_the_contact_or_turns_it_off() -> None:
    given = {**BASE, "CONTACT_EMAIL": "hello@anytown.example.org"}
    chosen = {"organizer_email": "events@anytown.example.org"}
    assert (
        from_pelican({**given, "HANDBILL_EVENTS": chosen}).organizer_email
        == chosen["organizer_email"]
    )
    assert from_pelican({**given, "HANDBILL_EVENTS": {"organizer_email": ""}}).organizer_email == ""
    assert from_pelican(BASE).organizer_email == ""  # no contact at all: no organiser


@pytest.mark.parametrize(
    ("settings", "key"),
    [
        ({"CONTACT_EMAIL": "hello at anytown"}, "CONTACT_EMAIL:"),
        ({"HANDBILL_EVENTS": {"organizer_email": "Anytown <a@b.org>"}}, "organizer_email:"),
        ({"HANDBILL_EVENTS": {"organizer_email": "a@b"}}, "organizer_email:"),
    ],
)
def test_an_address_calendars_cannot_use_stops_the_build(settings: dict, key: str) -> None:
    with pytest.raises(ConfigError) as err:
        from_pelican({**BASE, **settings})
    message = str(err.value)
    assert key in message and "is not an email address — write" in message, message
