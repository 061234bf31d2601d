"""Markdown for Handbill: extensions named in MARKDOWN, and (as a Pelican plugin) a reader
that converts a build's files with one Markdown instance instead of one per file.

- `smarty.py`: Markdown's smarty extension, passing over text it would not change.
- `reader.py`: Pelican's Markdown reader, reusing its Markdown instance (register()).
"""

from pelican import signals

from .reader import use_reusing_reader

__all__ = ["register"]


def register() -> None:
    signals.readers_init.connect(use_reusing_reader)
