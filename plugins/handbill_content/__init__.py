"""Posts and pages checked as they are read: every mistake named with its file, line and fix."""

from .plugin import register

__all__ = ["register"]
