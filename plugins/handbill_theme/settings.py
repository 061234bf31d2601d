"""The theme's home-page settings in pelicanconf.py, checked at start: a misspelt key in
HOME_ACTION would otherwise leave the home page's call to action without its words."""

from typing import Any

from pydantic import Field

from handbill_config import StrictModel, plugin_settings


class HomeAction(StrictModel):
    """HOME_ACTION: the group's current action, the home page's call to action."""

    title: str = Field(min_length=1)
    text: str = ""
    url: str = ""  # where the button goes; no button without it
    link_text: str = ""  # the button's words; "Take part" when empty


def read_home_action(settings: dict[str, Any]) -> HomeAction | None:
    """None (the next event is the call to action) or the checked HOME_ACTION."""
    if settings.get("HOME_ACTION") is None:
        return None
    return plugin_settings(settings, "HOME_ACTION", HomeAction)
