"""Build checks: broken internal links, and failing a publish on any logged error."""

from .checks import register

__all__ = ["register"]
