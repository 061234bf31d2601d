"""The build itself, run in its own process: `pelican`, exactly as on the command line, with
every warning and error also written, one JSON object a line, to a file the publish reads.

Its own process, so that a build that crashes, hangs or is killed cannot leave the publish
half-done: the publish only looks at the folder once this process has exited cleanly.
Usage: python -m handbill_publish.runner PROBLEMS_FILE PELICAN_ARGS...
"""

import json
import logging
import sys

from pelican import main as pelican_main
from pelican.log import DEFAULT_LOG_HANDLER


class ProblemFile(logging.Handler):
    """Writes each warning and error as it is logged, so even a build killed halfway has
    told the publish what it found so far."""

    def __init__(self, path: str) -> None:
        super().__init__(level=logging.WARNING)
        self.file = open(path, "a", encoding="utf-8")  # noqa: SIM115 (open for the whole build)

    def emit(self, record: logging.LogRecord) -> None:
        line = {"level": record.levelname, "logger": record.name, "message": record.getMessage()}
        self.file.write(json.dumps(line, ensure_ascii=False) + "\n")
        self.file.flush()


def main(argv: list[str] | None = None) -> None:
    problems, *pelican_args = sys.argv[1:] if argv is None else argv
    root = logging.getLogger()
    # Pelican installs its console handler only on a root logger without handlers: install
    # it here first, then ours beside it, so the terminal shows what `pelican` shows.
    DEFAULT_LOG_HANDLER.setFormatter(logging.Formatter("%(message)s", datefmt="[%H:%M:%S]"))
    root.addHandler(DEFAULT_LOG_HANDLER)
    root.addHandler(ProblemFile(problems))
    pelican_main(pelican_args)


if __name__ == "__main__":
    main()
