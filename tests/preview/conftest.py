"""The preview server fixture, shared with the browser tests (tests/outputs)."""

from preview_process import start_preview

__all__ = ["start_preview"]
