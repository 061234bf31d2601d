"""The search index: Pagefind (its binary ships in the `pagefind-bin` wheel) run once per
build over exactly the pages worth finding (posts, pages, events).

Why a staging folder of hard links rather than Pagefind's `--site output/`: Pagefind parses
every HTML file it is given, and most of a site's files are lists (tags, categories, archive
pages, months) that only repeat the posts. Giving it only the pages to find halves its
work on a large site, and no glob has to follow the site's URL settings.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

import pagefind_bin

BUNDLE = "pagefind"  # the folder inside the site, served from the site itself
STAGING = ".handbill-search-"  # the pages to index, linked while Pagefind runs
# Pagefind's ready-made interfaces (about 420 KB): the search page has its own, smaller and
# made for keyboards and screen readers (theme/static/js/search.js), so these go.
UNUSED = (
    "pagefind-ui.js",
    "pagefind-ui.css",
    "pagefind-modular-ui.js",
    "pagefind-modular-ui.css",
    "pagefind-component-ui.js",
    "pagefind-component-ui.css",
    "pagefind-highlight.js",
)


@dataclass(frozen=True)
class IndexResult:
    pages: int  # how many pages were given to the indexer
    problem: str = ""  # empty when the index was written

    @property
    def ok(self) -> bool:
        return not self.problem


def stage(output: Path, pages: Iterable[str], into: Path) -> int:
    """Hard-link (or copy, across file systems) each page into `into`, same relative path."""
    count = 0
    for rel in sorted(set(pages)):
        source = output / rel
        if not source.is_file():
            continue
        target = into / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(source, target)
        except OSError:
            shutil.copyfile(source, target)
        count += 1
    return count


def pages_digest(output: Path, pages: Iterable[str]) -> str:
    """What the index is made from: the pages' paths and bytes, and the indexer's version.
    Reading them is about a fortieth of what indexing them costs."""
    digest = hashlib.sha256(version("pagefind-bin").encode())
    for rel in sorted(set(pages)):
        source = output / rel
        if source.is_file():
            digest.update(rel.encode() + b"\0" + source.read_bytes() + b"\0")
    return digest.hexdigest()


def same_order(bundle: Path) -> None:
    """Pagefind lists a bilingual site's languages in `pagefind-entry.json` in an order that
    changes from run to run (a hash map's). Sorted keys: the same site gives the same bytes
    (the browser reads it as JSON, so order carries no meaning)."""
    entry = bundle / "pagefind-entry.json"
    data = json.loads(entry.read_text(encoding="utf-8"))
    entry.write_text(
        json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False),
        encoding="utf-8",
    )


def write_index(output: Path, pages: Iterable[str], timeout: float = 600) -> IndexResult:
    """Index `pages` (paths relative to `output`) into `output/pagefind/`, replacing it."""
    bundle = output / BUNDLE
    shutil.rmtree(bundle, ignore_errors=True)
    # Inside the site's own folder: same file system (hard links), and a build killed
    # half-way leaves nothing beside it (a publish's .partial folder goes whole).
    for leftover in output.glob(f"{STAGING}*"):
        shutil.rmtree(leftover, ignore_errors=True)
    with tempfile.TemporaryDirectory(prefix=STAGING, dir=output) as tmp:
        count = stage(output, pages, Path(tmp))
        command = [
            str(pagefind_bin.get_executable()),
            *("--site", tmp, "--output-path", str(bundle), "--silent"),
        ]
        try:
            done = subprocess.run(
                command, capture_output=True, text=True, timeout=timeout, check=False
            )
        except subprocess.TimeoutExpired:
            return IndexResult(count, f"the search index took longer than {timeout:.0f} s")
        except OSError as err:
            return IndexResult(count, f"the search indexer could not start: {err}")
    if done.returncode != 0 or not (bundle / "pagefind.js").is_file():
        said = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["no message"]
        return IndexResult(count, f"the search indexer failed: {said[0]}")
    for name in UNUSED:
        (bundle / name).unlink(missing_ok=True)
    same_order(bundle)
    return IndexResult(count)
