"""Files under content/ that no part of the build read, named so none is skipped in silence.

One walk of the folder names after every generator has run (no file is opened except the
first bytes of pictures), compared with what Pelican read: posts, pages, static files, and
event files (the events plugin reads every `.yaml`/`.yml` in its folders, in any case).
"""

from __future__ import annotations

import fnmatch
import os
from collections import defaultdict
from collections.abc import Iterator
from pathlib import PurePosixPath
from typing import Any

from handbill_config.problems import ERROR, WARNING, Problem

from .problems import closest
from .reader import MARKDOWN_EXTENSIONS

EVENT_EXTENSIONS = ("yaml", "yml")
DOCUMENTS = ("doc", "docx", "odt", "rtf", "pages", "pdf", "gdoc", "html", "htm", "rst")
PICTURES = ("jpg", "jpeg", "png", "gif", "svg", "webp", "avif", "heic", "heif", "tif", "tiff")
BACKUPS = ("bak", "orig", "swp", "tmp", "old")
# Formats browsers cannot show, or show in few browsers only.
UNSHOWABLE = ("heic", "heif", "tif", "tiff", "bmp", "psd", "raw", "cr2", "nef", "dng")
# What the first bytes of a picture say it is.
MAGIC = (
    (b"\xff\xd8\xff", "jpeg"),
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"GIF8", "gif"),
    (b"RIFF", "webp"),
    (b"<svg", "svg"),
    (b"<?xml", "svg"),
    (b"II*\x00", "tiff"),
    (b"MM\x00*", "tiff"),
    (b"BM", "bmp"),
)
# Browsers look at a picture's first bytes, not its name: a PNG named .jpg still shows.
SHOWABLE = ("jpeg", "png", "gif", "webp", "svg")
BIG_PICTURE = 1_000_000  # bytes; the guide asks for about 300 KB
RESIZED = ("jpeg", "png", "webp")  # what handbill_images publishes in phone-sized copies


def unread_files(
    context: dict[str, Any], settings: dict[str, Any], read: set[str]
) -> list[Problem]:
    """A problem for each file under the content folder that the build left unread."""
    root = settings["PATH"]
    used = read | set(context.get("generated_content", {})) | set(context.get("static_content", {}))
    places = Places(settings)
    # handbill_images publishes photos in phone-sized copies: a big one is no problem then.
    resized = any(str(name).endswith("handbill_images") for name in settings.get("PLUGINS") or ())
    problems: list[Problem] = []
    for rel in walk(root, settings.get("IGNORE_FILES", ["**/.*"])):
        place = places.of(rel)
        if place == "events":
            problems += _event_folder(rel)
        elif place == "actions" and _ext(rel) == "md":
            continue  # handbill_actions reads every .md there and reports its own mistakes
        elif place == "static":
            problems += _picture(root, rel, resized) if _ext(rel) in PICTURES + UNSHOWABLE else []
        elif rel not in used:
            problems += _unread(rel, place)
    return problems + _copies(read)


class Places:
    """Which folder of the site a path is in: posts, pages, events, actions, static or
    elsewhere."""

    def __init__(self, settings: dict[str, Any]) -> None:
        events = settings.get("HANDBILL_EVENTS", {}).get("path", ["events"])
        actions = (settings.get("HANDBILL_ACTIONS") or {}).get("folder", "actions")
        self.folders = [
            (actions, "actions"),
            *((p, "events") for p in ([events] if isinstance(events, str) else events)),
            *((p, "posts") for p in settings.get("ARTICLE_PATHS", [])),
            *((p, "pages") for p in settings.get("PAGE_PATHS", [])),
            *((p, "static") for p in settings.get("STATIC_PATHS", [])),
        ]
        # The deepest folder wins: pages/ inside posts/ holds pages.
        self.folders.sort(key=lambda pair: -len(pair[0]))

    def of(self, rel: str) -> str:
        for folder, place in self.folders:
            if not folder or rel == folder or rel.startswith(folder.rstrip("/") + "/"):
                return place
        return "elsewhere"


def walk(root: str, ignores: list[str]) -> Iterator[str]:
    for folder, dirs, names in os.walk(root):
        dirs[:] = sorted(
            d
            for d in dirs
            if not d.startswith(".") and not any(fnmatch.fnmatch(d, i) for i in ignores)
        )
        rel_folder = os.path.relpath(folder, root)
        for name in sorted(names):
            # Hidden files (.events-state.json, .DS_Store) belong to programs, not volunteers.
            if not name.startswith(".") and not any(fnmatch.fnmatch(name, i) for i in ignores):
                yield str(PurePosixPath(rel_folder, name)) if rel_folder != "." else name


def _ext(rel: str) -> str:
    return os.path.splitext(rel)[1][1:].lower()


def _suffixes(rel: str) -> list[str]:
    return [s[1:].lower() for s in PurePosixPath(rel.rstrip("~")).suffixes]


def _stem(rel: str) -> str:
    name = PurePosixPath(rel.rstrip("~")).name
    return name.split(".", 1)[0]


def _looks_like(rel: str) -> str:
    """post (Markdown), event (YAML), document, picture, backup, or other."""
    suffixes = _suffixes(rel)
    if rel.endswith("~") or (suffixes and suffixes[-1] in BACKUPS):
        return "backup"
    if any(s in MARKDOWN_EXTENSIONS or closest(s, MARKDOWN_EXTENSIONS, 0.7) for s in suffixes):
        return "post"
    if any(s in EVENT_EXTENSIONS for s in suffixes):
        return "event"
    if suffixes and suffixes[-1] in DOCUMENTS:
        return "document"
    if suffixes and suffixes[-1] in PICTURES + UNSHOWABLE:
        return "picture"
    return "other"


def _unread(rel: str, place: str) -> list[Problem]:
    kind = _looks_like(rel)
    folder = PurePosixPath(rel).parent
    stem = _stem(rel)
    if kind == "backup":
        return [_backup_copy(rel)]
    if kind == "post" and place in ("posts", "pages", "actions"):
        return [
            Problem(
                rel,
                1,
                "file name",
                "does not end in .md, so it is not read",
                f"rename it to {folder / (stem + '.md')}",
            )
        ]
    if kind == "post":
        return [
            Problem(
                rel,
                1,
                "file",
                "is not in a folder the site reads, so it is not published",
                f"move it to posts/{stem}.md (news) or pages/{stem}.md (a page)",
            )
        ]
    if kind == "event":
        return [
            Problem(
                rel,
                1,
                "file",
                "looks like an event, but events are read only from events/",
                f"move it to events/{stem}.yaml",
            )
        ]
    if kind == "document":
        return [
            Problem(
                rel,
                1,
                "file",
                f"is a .{_ext(rel)} document, which the site cannot read",
                f"copy its text into {folder / (stem + '.md')} (see 'Write a post' in "
                "docs/volunteers.md)",
            )
        ]
    if kind == "picture":
        return [
            Problem(
                rel,
                1,
                "file",
                "is a picture outside images/, so it is not published",
                f"move it to images/{PurePosixPath(rel).name} and link to "
                f"{{static}}/images/{PurePosixPath(rel).name}",
            )
        ]
    if place in ("posts", "pages"):
        return [
            Problem(
                rel,
                1,
                "file",
                f"is not a Markdown file, so it is not read as a {place[:-1]}",
                f"if it is one, rename it to {folder / (stem + '.md')}; "
                f"otherwise move it out of {folder}/",
            )
        ]
    return [
        Problem(
            rel,
            1,
            "file",
            "is in no folder the site publishes, so it is left out",
            "put files to publish in images/ (or a folder listed in STATIC_PATHS)",
            WARNING,
        )
    ]


def _event_folder(rel: str) -> list[Problem]:
    """The events plugin reads .yaml and .yml in any case; name what it leaves."""
    suffixes = _suffixes(rel)
    if suffixes and suffixes[-1] in EVENT_EXTENSIONS:
        return []
    folder = PurePosixPath(rel).parent
    stem = _stem(rel)
    if rel.endswith("~") or (suffixes and suffixes[-1] in BACKUPS):
        return [_backup_copy(rel)]
    if any(s in EVENT_EXTENSIONS or closest(s, EVENT_EXTENSIONS, 0.6) for s in suffixes):
        return [
            Problem(
                rel,
                1,
                "file name",
                "does not end in .yaml, so it is not read",
                f"rename it to {folder / (stem + '.yaml')}",
            )
        ]
    if _looks_like(rel) == "post":
        return [
            Problem(
                rel,
                1,
                "file",
                "is a post or page in the events folder, so it is not read",
                f"move it to posts/{stem}.md or pages/{stem}.md",
            )
        ]
    return [
        Problem(
            rel,
            1,
            "file",
            "is not an event file (.yaml), so it is not read",
            f"if it is an event, rename it to {folder / (stem + '.yaml')}; "
            f"otherwise move it out of {folder}/",
        )
    ]


def _picture(root: str, rel: str, resized: bool = False) -> list[Problem]:
    ext = _ext(rel)
    name = PurePosixPath(rel).name
    if ext in UNSHOWABLE:
        return [
            Problem(
                rel,
                1,
                "picture",
                f".{ext} pictures do not show in most browsers",
                f"save it as JPEG ({_stem(rel)}.jpg) or PNG and link to that",
            )
        ]
    path = os.path.join(root, rel)
    try:
        size = os.path.getsize(path)
        with open(path, "rb") as handle:
            head = handle.read(64).lstrip()
    except OSError as err:
        return [
            Problem(
                rel,
                1,
                "picture",
                f"cannot be read ({err.strerror})",
                "copy the picture into images/ again",
            )
        ]
    actual = next((kind for magic, kind in MAGIC if head.startswith(magic)), None)
    if ext == "svg" and b"<svg" in head:
        actual = "svg"
    if size == 0 or actual not in SHOWABLE:
        what = "is empty" if size == 0 else f"is not a picture browsers can show ({ext} expected)"
        if actual:
            what = f"is a {actual.upper()} picture inside, which browsers cannot show"
        return [
            Problem(
                rel,
                1,
                "picture",
                what,
                "export the picture again as JPEG or PNG, with the right ending (.jpg or .png)",
            )
        ]
    problems = []
    if " " in name:
        problems.append(
            Problem(
                rel,
                1,
                "picture",
                "has a space in its name, which breaks Markdown links to it",
                f"rename it to {name.replace(' ', '-')}",
                WARNING,
            )
        )
    if size > BIG_PICTURE and not (resized and actual in RESIZED):
        problems.append(
            Problem(
                rel,
                1,
                "picture",
                f"is {size / 1e6:.1f} MB, slow to load on a phone",
                "save it 1600 pixels wide, under about 300 KB",
                WARNING,
            )
        )
    return problems


def _copies(read: set[str]) -> list[Problem]:
    """`post.md` and `post.md.txt` (or `post.MD`): two copies of one post."""
    groups: dict[str, list[str]] = defaultdict(list)
    for rel in read:
        path = PurePosixPath(rel)
        groups[str(path.parent / _stem(rel).lower())].append(rel)
    problems = []
    for files in groups.values():
        if len(files) < 2:
            continue
        files.sort(key=lambda f: (not f.endswith(".md"), f))
        for extra in files[1:]:
            problems.append(
                Problem(
                    extra,
                    1,
                    "file",
                    f"is a second copy of {files[0]}",
                    f"keep one of the two: delete or rename {extra}",
                    ERROR,
                )
            )
    return problems


def _backup_copy(rel: str) -> Problem:
    return Problem(
        rel,
        1,
        "file",
        "looks like an editor's backup copy, so it is not read",
        "delete it if you don't need it",
        WARNING,
    )
