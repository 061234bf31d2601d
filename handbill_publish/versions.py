"""The published site's folders: `output` is a symlink to one complete version in `.site/`.

A publish builds into `.site/<stamp>.partial`, and only a build that passed every check is
renamed to `.site/<stamp>` and put live by renaming a new symlink over `output`: rename() is
atomic, so a reader (rsync, a web server) sees either the old site or the new one, never a
mix, and a publish that fails or is killed leaves `output` exactly as it was.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

PARTIAL = ".partial"
STATE = "state.json"
LOCK = ".lock"


class Busy(Exception):
    """Another publish holds the lock."""


def stamp(when: datetime) -> str:
    """A version's name: its UTC build time, so names sort in the order they were built."""
    return when.astimezone(UTC).strftime("%Y%m%dT%H%M%S%fZ")


def parse_stamp(name: str) -> datetime | None:
    try:
        return datetime.strptime(name, "%Y%m%dT%H%M%S%fZ").replace(tzinfo=UTC)
    except ValueError:
        return None


def describe(name: str | None) -> str:
    """'the site built 2026-11-24 13:35 UTC', for messages."""
    when = parse_stamp(name) if name else None
    return f"the site built {when:%Y-%m-%d %H:%M} UTC" if when else "the site as it was"


@dataclass
class SiteFolders:
    """`output` (what is read) and `.site/` (the versions it points to), in one project."""

    output: Path
    store: Path

    @classmethod
    def at(cls, root: Path, output: str = "output", store: str = ".site") -> SiteFolders:
        return cls(root / output, root / store)

    # --- what is there ---------------------------------------------------------------
    def current(self) -> str | None:
        """The live version's name, or None when `output` is not (yet) one of ours."""
        if not self.output.is_symlink():
            return None
        target = Path(os.readlink(self.output))
        return target.name if (self.store / target.name).is_dir() else None

    def versions(self) -> list[str]:
        """Complete versions, oldest first."""
        if not self.store.is_dir():
            return []
        names = (p.name for p in self.store.iterdir() if p.is_dir())
        return sorted(n for n in names if not n.endswith(PARTIAL))

    def previous(self) -> str | None:
        """The version before the live one: where `rollback` goes."""
        current = self.current()
        older = [v for v in self.versions() if current is None or v < current]
        return older[-1] if older else None

    def unfinished(self) -> list[Path]:
        """Builds of publishes that were killed before they finished."""
        if not self.store.is_dir():
            return []
        return sorted(p for p in self.store.iterdir() if p.name.endswith(PARTIAL))

    # --- changing it ------------------------------------------------------------------
    @contextlib.contextmanager
    def lock(self) -> Iterator[None]:
        """One publish at a time. The kernel drops the lock when its holder dies, even by
        SIGKILL, so a killed publish never blocks the next one."""
        self.store.mkdir(parents=True, exist_ok=True)
        with open(self.store / LOCK, "w") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise Busy from None
            yield

    def staging(self, when: datetime) -> Path:
        """A fresh, empty folder to build into."""
        path = self.store / (stamp(when) + PARTIAL)
        path.mkdir(parents=True)
        return path

    def go_live(self, staging: Path) -> str:
        """Make a checked build the live site with one rename(); returns its version name."""
        version = self.store / staging.name.removesuffix(PARTIAL)
        staging.rename(version)
        self.switch_to(version.name)
        return version.name

    def switch_to(self, version: str) -> None:
        """Point `output` at a complete version, atomically (a publish, or a rollback)."""
        self._adopt_plain_output()
        link = self.output.with_name(f".{self.output.name}.{os.getpid()}.tmp")
        with contextlib.suppress(FileNotFoundError):
            link.unlink()
        # Relative, so the project folder can be moved or mounted elsewhere.
        link.symlink_to(os.path.relpath(self.store / version, self.output.parent))
        os.replace(link, self.output)
        _sync_dir(self.output.parent)

    def _adopt_plain_output(self) -> None:
        """First publish after an older Handbill: `output` is a plain folder. Move it into
        `.site/` as a version (named by when it was last changed), so it can be rolled
        back to. Between this rename and the next, `output` is missing for a moment."""
        if self.output.is_symlink() or not self.output.exists():
            return
        if not self.output.is_dir():
            raise FileExistsError(f"{self.output} is a file, not the site folder")
        when = datetime.fromtimestamp(self.output.stat().st_mtime, UTC)
        self.output.rename(self.store / stamp(when))

    def prune(self, keep: int) -> list[str]:
        """Remove unfinished builds and all but the `keep` newest versions, always keeping
        the live one and the one before it (for rollback)."""
        removed = []
        for path in self.unfinished():
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path.name)
        current, previous = self.current(), self.previous()
        kept = set(self.versions()[-keep:]) | {current, previous}
        for name in self.versions():
            if name not in kept:
                shutil.rmtree(self.store / name, ignore_errors=True)
                removed.append(name)
        return removed

    # --- the record of what happened --------------------------------------------------
    def read_state(self) -> dict[str, str]:
        try:
            return json.loads((self.store / STATE).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}

    def write_state(self, **changes: str) -> None:
        state = {**self.read_state(), **changes}
        tmp = self.store / f".{STATE}.{os.getpid()}.tmp"
        tmp.write_text(json.dumps(state, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        os.replace(tmp, self.store / STATE)


def count_files(folder: Path) -> int:
    return sum(len(files) for _, _, files in os.walk(folder))


def _sync_dir(folder: Path) -> None:
    """Make the rename durable: a power cut right after a publish keeps the new link."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
