"""The theme's home-page settings in pelicanconf.py, checked at start: a misspelt key in
HOME_ACTION would otherwise leave the home page's call to action without its words."""

from typing import Any

from pydantic import Field

from handbill_config import StrictModel, plugin_settings


class HomeAction(StrictModel):
    """HOME_ACTION: the home page's call to action, written by hand (an action that is not a
    pledge, petition or poll of content/actions/, like a consultation elsewhere)."""

    title: str = Field(min_length=1)
    text: str = ""
    url: str = ""  # where the button goes; no button without it
    link_text: str = ""  # the button's words; "Take part" when empty


def read_home_action(settings: dict[str, Any]) -> HomeAction | None:
    """None (the call to action is then the group's current campaign action from
    handbill_actions, else the next event) or the checked HOME_ACTION."""
    if settings.get("HOME_ACTION") is None:
        return None
    return plugin_settings(settings, "HOME_ACTION", HomeAction)
