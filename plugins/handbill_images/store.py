"""Resized pictures kept between builds, by what they are made from, and written to the
output only when they differ from what is there.

The key is a digest of the picture's bytes, the settings the files depend on, this
plugin's encoding code and Pillow's version: any change to one makes new files, and two
builds of the same picture share them. The files hold no address or path, so the preview
and the public build can share them safely (unlike Pelican's content cache, whose pages
hold the site's address).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from functools import cache
from pathlib import Path

import PIL

from . import pictures


@cache
def code_version() -> str:
    """What the files depend on besides the picture: the encoder's code and Pillow."""
    digest = hashlib.sha256(Path(pictures.__file__).read_bytes())
    digest.update(PIL.__version__.encode())
    return digest.hexdigest()


class Store:
    """A folder of finished sets of files, one folder per key; None keeps nothing."""

    def __init__(self, folder: Path | None, fingerprint: str) -> None:
        self.folder = folder
        self.fingerprint = fingerprint
        self.hits = self.misses = 0

    def key(self, data: bytes, picture: pictures.Picture) -> str:
        digest = hashlib.sha256(data)
        shape = (picture.format, [(v.width, v.height) for v in picture.resized])
        digest.update(repr((self.fingerprint, shape, code_version())).encode())
        return digest.hexdigest()

    def get(self, key: str, count: int) -> list[bytes] | None:
        if self.folder is None:
            return None
        where = self.folder / key[:2] / key
        try:
            files = [(where / str(index)).read_bytes() for index in range(count)]
        except OSError:
            self.misses += 1
            return None
        self.hits += 1
        return files

    def put(self, key: str, files: list[bytes]) -> None:
        """Keep a finished set: written aside, then renamed into place in one step, so a
        build stopped halfway never leaves half a set for the next one to use."""
        if self.folder is None:
            return
        parent = self.folder / key[:2]
        try:
            parent.mkdir(parents=True, exist_ok=True)
            aside = Path(tempfile.mkdtemp(dir=parent, prefix=".partial-"))
            for index, data in enumerate(files):
                (aside / str(index)).write_bytes(data)
            try:
                aside.rename(parent / key)
            except OSError:  # another build put the same set first
                shutil.rmtree(aside, ignore_errors=True)
        except OSError:
            pass  # a cache that cannot be written only makes the next build slower


def write_if_changed(path: Path, data: bytes) -> bool:
    """Write `data` to `path` unless it holds those bytes already (the preview leaves
    unchanged files, and their times, alone). Written aside and renamed: Pelican may have
    linked the output to the source file (STATIC_CREATE_LINKS), which must not change."""
    try:
        if path.stat().st_size == len(data) and path.read_bytes() == data:
            return False
    except OSError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, aside = tempfile.mkstemp(dir=path.parent, prefix=".handbill-")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.chmod(aside, 0o644)
        os.replace(aside, path)
    except BaseException:
        Path(aside).unlink(missing_ok=True)
        raise
    return True
