"""What the last preview build wrote: a small JSON file in CACHE_PATH."""

from __future__ import annotations

import json
import logging
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path

log = logging.getLogger(__name__)

# Bump when the meaning of a record changes, so an older one is ignored, never trusted.
FORMAT = 1


@dataclass
class PageRecord:
    """One written file: what it was made from, and its size and time when written."""

    key: str  # digest of what the page itself was given (the post, the tag, the page number)
    reads: list[str]  # source files whose text the page showed (content or summary)
    size: int
    mtime_ns: int


@dataclass
class Record:
    site: str = ""  # digest of everything every page can see: settings, theme, all metadata
    bodies: dict[str, str] = field(default_factory=dict)  # source file -> digest of its text
    pages: dict[str, PageRecord] = field(default_factory=dict)  # output path -> its record
    # How the build went, for `make serve` users and tests (Pelican's log drops repeats).
    kept: int = 0
    rendered: int = 0

    @classmethod
    def load(cls, path: Path) -> Record:
        """The last build's record; anything unreadable just means every page is rendered."""
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if data.get("format") != FORMAT:
                return cls()
            pages = {name: PageRecord(**page) for name, page in data["pages"].items()}
            return cls(data["site"], data["bodies"], pages, data["kept"], data["rendered"])
        except FileNotFoundError:
            return cls()
        except (OSError, ValueError, KeyError, TypeError) as err:
            log.warning("%s: cannot read the render cache (%s); rendering every page", path, err)
            return cls()

    def save(self, path: Path) -> None:
        data = {"format": FORMAT, **asdict(self)}
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(path.name + ".partial")
        partial.write_text(json.dumps(data, separators=(",", ":")), encoding="utf-8")
        # Replace in one step: a build stopped half-way leaves the old record or the new one.
        os.replace(partial, path)
