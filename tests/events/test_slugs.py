"""slugs.py: web-address words."""

from __future__ import annotations

from handbill_events.slugs import ID_RX, SLUG_RX, slugify


def test_slugify_makes_a_web_address_word() -> None:
    assert slugify("Monthly Planning Meeting!") == "monthly-planning-meeting"
    assert slugify("!!!") == "event"
    assert SLUG_RX.match(slugify("Été 2026")) and ID_RX.match("planning.meeting-2")
