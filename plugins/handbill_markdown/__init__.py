"""Markdown extensions for Handbill's MARKDOWN setting (not a Pelican plugin)."""
