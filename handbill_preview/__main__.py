"""`python -m handbill_preview`: see cli.py."""

from .cli import main

main()
