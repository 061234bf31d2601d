"""Files nobody reads, on a hand-made content folder: named, and static files left alone."""

from __future__ import annotations

from pathlib import Path

from pelican.settings import read_settings

from handbill_content.unread import unread_files
from sitebuild import ROOT


def scan(
    content: Path,
    read: set[str] = frozenset(),
    static: set[str] = frozenset(),
    plugins: list[str] | None = None,
) -> list[str]:
    override: dict = {"PATH": str(content)}
    if plugins is not None:
        override["PLUGINS"] = plugins
    settings = read_settings(str(ROOT / "pelicanconf.py"), override=override)
    context = {"generated_content": {}, "static_content": dict.fromkeys(static)}
    return [str(p) for p in unread_files(context, settings, set(read))]


def write(content: Path, rel: str, data: bytes = b"x") -> None:
    (content / rel).parent.mkdir(parents=True, exist_ok=True)
    (content / rel).write_bytes(data)


def test_static_files_and_event_files_are_left_alone(tmp_path: Path) -> None:
    write(tmp_path, "images/security.txt")
    write(tmp_path, "images/chart.svg", b"<svg xmlns='http://www.w3.org/2000/svg'></svg>")
    write(tmp_path, "events/meeting.YAML")
    write(tmp_path, "events/fair.Yml")
    write(tmp_path, "events/.events-state.json")
    write(tmp_path, "posts/.DS_Store")
    write(tmp_path, "posts/read.md")
    assert scan(tmp_path, read={"posts/read.md"}) == []


def test_a_big_picture_is_a_warning_with_its_size(tmp_path: Path) -> None:
    write(tmp_path, "images/banner.jpg", b"\xff\xd8\xff\xe0" + bytes(2_400_000))
    write(tmp_path, "images/animation.gif", b"GIF89a" + bytes(1_500_000))
    # With handbill_images (the demo's settings), a big photo is published in phone sizes:
    # only the GIF, published as it is, is too heavy.
    assert scan(tmp_path) == [
        "images/animation.gif:1: picture: is 1.5 MB, slow to load on a phone — save it 1600 "
        "pixels wide, under about 300 KB"
    ]
    assert scan(tmp_path, plugins=["handbill_content"]) == [
        "images/animation.gif:1: picture: is 1.5 MB, slow to load on a phone — save it 1600 "
        "pixels wide, under about 300 KB",
        "images/banner.jpg:1: picture: is 2.4 MB, slow to load on a phone — save it 1600 "
        "pixels wide, under about 300 KB",
    ]


def test_a_text_file_with_a_post_s_name_is_named(tmp_path: Path) -> None:
    write(tmp_path, "pages/about.markdwon")
    assert scan(tmp_path) == [
        "pages/about.markdwon:1: file name: does not end in .md, so it is not read — "
        "rename it to pages/about.md"
    ]


def test_a_picture_that_cannot_be_read_is_named(tmp_path: Path) -> None:
    (tmp_path / "images").mkdir()
    (tmp_path / "images/gone.jpg").symlink_to(tmp_path / "nowhere.jpg")
    assert scan(tmp_path) == [
        "images/gone.jpg:1: picture: cannot be read (No such file or directory) — copy the "
        "picture into images/ again"
    ]


def test_action_files_are_the_actions_plugins_and_a_misnamed_one_is_named(tmp_path: Path) -> None:
    write(tmp_path, "actions/save-our-ae.md")
    write(tmp_path, "actions/poll.markdown")
    write(tmp_path, "actions/notes.txt")
    assert scan(tmp_path) == [
        "actions/notes.txt:1: file: is in no folder the site publishes, so it is left out — "
        "put files to publish in images/ (or a folder listed in STATIC_PATHS)",
        "actions/poll.markdown:1: file name: does not end in .md, so it is not read — "
        "rename it to actions/poll.md",
    ]
