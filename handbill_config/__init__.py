"""Handbill's one typed configuration layer (pydantic v2), shared by the Pelican plugins and
the sign-up server.

A mistake in a settings dict or in `signup.toml` is reported at start, one line per mistake,
in words a volunteer can act on (`signup.toml: limits.per_ip: "5" is text — write a number
such as 5`), never as a traceback half-way through a build or a sign-up.

Public names (the only ones other packages import):
- `StrictModel`: the base of every settings model (unknown keys forbidden, strict types);
- `ConfigError`: `str()` is the message for the volunteer or operator;
- `plugin_settings(pelican_settings, "HANDBILL_X", Model)`: a plugin's settings dict, checked;
- `load_signup_config(path)`: `signup.toml`, read by the site and the server alike.
"""

from .errors import ConfigError
from .model import StrictModel
from .plugin import plugin_settings
from .signup import SignupConfig, load_signup_config

__all__ = ["ConfigError", "SignupConfig", "StrictModel", "load_signup_config", "plugin_settings"]
