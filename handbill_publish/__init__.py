"""handbill-publish: atomic publishing and the scheduled rebuild (docs/operators.md).

Pipeline: build.py runs the build (runner.py, its own process) into a staging folder and
collects every problem -> publish.py swaps a clean build in (versions.py: `output` is a
symlink to `.site/<version>`, switched with one rename) -> rebuild.py uploads it (upload.py)
and mails the keeper when anything failed or the site is stale (notify.py). cli.py is the
`handbill-publish` command.
"""

import sys


def say(text: str, error: bool = False) -> None:
    """One line for the person or the log watching: the build's own output comes first."""
    stream = sys.stderr if error else sys.stdout
    stream.write(text + "\n")
    stream.flush()
