"""The demo site built with the real Pelican, plus a phone photo carrying GPS EXIF: every
published picture is free of EXIF, `<img>` gets srcset/sizes/width/height whose every
address is a file of the stated width, builds give the same bytes, and the cache spares
the resizing."""

from __future__ import annotations

import io
import logging
import re
import shutil
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from bs4 import BeautifulSoup
from PIL import Image

import handbill_images.plugin
from sitebuild import CONTENT, build_site, snapshot

from .photos import exiftool_tags, phone_photo, piexif_tags

SITEURL = "https://anytown.example.org"
POST = """Title: Our stall in photos
Date: 2026-11-21 12:00
Category: News
Tags: hospital
Authors: Test Author

![Volunteers handing out leaflets at the market stall]({static}/images/phone.jpg)

Some words between the pictures.

![A hand-drawn map of the march route from the hospital to the Town Hall]({static}/images/route.png)

<p><img src="{static}/images/storm-clouds.jpg" alt="Storm clouds over the bypass" class="wide"></p>
"""
PICTURES = (".jpg", ".jpeg", ".png", ".webp")


def make_content(root: Path, post: str = POST) -> Path:
    content = root / "content"
    shutil.copytree(CONTENT, content)
    (content / "images" / "phone.jpg").write_bytes(phone_photo(4032, 3024))
    (content / "images" / "route.png").write_bytes(phone_photo(1200, 800, "PNG", orientation=1))
    (content / "posts" / "stall.md").write_text(post)
    return content


def build(root: Path, content: Path, name: str = "output", **settings: object) -> Path:
    return build_site(
        root / name,
        "publishconf.py",
        PATH=str(content),
        SITEURL=SITEURL,
        CACHE_PATH=str(root / "cache"),
        **settings,
    )


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("images")
    content = make_content(root)
    return build(root, content), root


def pictures_in(out: Path) -> list[Path]:
    return sorted(p for p in out.rglob("*") if p.suffix.lower() in PICTURES)


def post_images(out: Path) -> list:
    page = BeautifulSoup((out / "news/2026/our-stall-in-photos/index.html").read_text(), "html5lib")
    return page.select(".prose img")


def local_file(out: Path, page_url: str, address: str) -> Path:
    """The output file a (possibly relative) address on a page leads to."""
    path = urlsplit(urljoin(page_url, address)).path
    return out / path.lstrip("/")


def test_no_published_picture_carries_exif(built: tuple[Path, Path]) -> None:
    out, root = built
    pictures = pictures_in(out)
    names = {p.relative_to(out).as_posix() for p in pictures}
    assert {
        "images/phone.jpg",
        "images/phone-480w.jpg",
        "images/phone-960w.jpg",
        "images/phone-1600w.jpg",
        "images/route.png",
        "images/route-480w.png",
        "images/route-960w.png",
        "images/storm-clouds.jpg",
        "images/storm-clouds-1600w.jpg",
    } <= names
    # The sources do carry it: the demo photo its camera's, the phone photo GPS too.
    assert exiftool_tags(str(root / "content/images/storm-clouds.jpg"))
    assert piexif_tags((root / "content/images/phone.jpg").read_bytes())["GPS"]
    for picture in pictures:
        with Image.open(picture) as image:
            assert dict(image.getexif()) == {}, picture
            assert "exif" not in image.info and "xmp" not in image.info, picture
        assert exiftool_tags(str(picture)) == {}, picture
        if picture.suffix != ".png":
            assert piexif_tags(picture.read_bytes()) == {}, picture


def test_img_gets_srcset_sizes_width_height_and_lazy_below_the_first(
    built: tuple[Path, Path],
) -> None:
    out, _ = built
    page_url = f"{SITEURL}/news/2026/our-stall-in-photos/"
    phone, route, storm = post_images(out)
    assert phone.get("loading") is None and phone.get("decoding") is None
    for img in (route, storm):
        assert (img["loading"], img["decoding"]) == ("lazy", "async")
    assert storm["class"] == ["wide"] and storm["alt"] == "Storm clouds over the bypass"
    # The phone photo was taken on its side: published upright (3024 wide, 4032 high);
    # the 4032-pixel original is not offered to pages, only its copies.
    assert [c.split()[1] for c in phone["srcset"].split(", ")] == ["480w", "960w", "1600w"]
    assert phone["sizes"] == "(min-width: 46rem) 44rem, calc(100vw - 2rem)"
    for img in (phone, route, storm):
        src = local_file(out, page_url, img["src"])
        with Image.open(src) as image:
            assert (int(img["width"]), int(img["height"])) == image.size
        for candidate in img["srcset"].split(", "):
            address, width = candidate.split()
            with Image.open(local_file(out, page_url, address)) as image:
                assert f"{image.size[0]}w" == width, candidate
    with Image.open(local_file(out, page_url, phone["src"])) as image:
        assert image.size == (960, 1280)
    assert route["srcset"].endswith("route.png 1200w")  # small enough to offer as it is


def test_the_demo_photo_is_responsive(built: tuple[Path, Path]) -> None:
    out, _ = built
    page = (out / "news/2026/consultation-closes/index.html").read_text()
    [tag] = re.findall(r"<img [^>]*storm-clouds[^>]*>", page)
    assert 'srcset="' in tag and 'width="960" height="640"' in tag
    assert f"{SITEURL}/images/storm-clouds-480w.jpg 480w" in tag


def test_same_content_same_bytes_and_the_cache_spares_resizing(
    built: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    out, root = built
    content = root / "content"
    fresh = build_site(
        root / "fresh",
        "publishconf.py",
        PATH=str(content),
        SITEURL=SITEURL,
        CACHE_PATH=str(root / "fresh-cache"),
    )
    first = {k: v for k, v in snapshot(out).items() if k.lower().endswith(PICTURES)}
    assert first == {k: v for k, v in snapshot(fresh).items() if k.lower().endswith(PICTURES)}

    def no_resizing(*args: object) -> None:
        raise AssertionError("resized again although the cache holds the files")

    monkeypatch.setattr(handbill_images.plugin, "render", no_resizing)
    handbill_images.plugin.KEYS.clear()  # read and digest the pictures again, as a new process
    again = build(root, content, "again")
    assert snapshot(again) == snapshot(out)


def test_relative_urls_give_relative_srcset(tmp_path: Path) -> None:
    content = make_content(tmp_path)
    out = build(tmp_path, content, RELATIVE_URLS=True)
    phone = post_images(out)[0]
    assert phone["src"] == "../../../images/phone-960w.jpg"
    page_url = "https://x.example/news/2026/our-stall-in-photos/"
    for candidate in phone["srcset"].split(", "):
        assert local_file(out, page_url, candidate.split()[0]).is_file(), candidate


def test_a_broken_photo_is_named_and_not_published(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    content = make_content(tmp_path)
    whole = phone_photo(1200, 900)
    (content / "images" / "phone.jpg").write_bytes(whole[: len(whole) // 3])  # cut short
    (content / "images" / "damaged.jpg").write_bytes(b"\xff\xd8\xff\xe0" + bytes(500))
    frames = [Image.new("RGB", (64, 64), colour) for colour in ("red", "blue")]
    frames[0].save(content / "images" / "animated.webp", save_all=True, append_images=frames[1:])
    caplog.set_level(logging.WARNING)
    out = build(tmp_path, content, HANDBILL_CHECKS={"fail_on_error": False})
    messages = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert (
        "images/phone.jpg:1: picture: cannot be published (the file is cut short: it may not "
        "have finished copying) — export it again as JPEG or PNG" in messages
    )
    assert (
        "images/damaged.jpg:1: picture: cannot be published (the file is damaged, or not a "
        "picture) — export it again as JPEG or PNG" in messages
    )
    assert not (out / "images" / "damaged.jpg").exists()
    assert (
        "images/animated.webp:1: picture: cannot be published (it is animated, and only still "
        "pictures are resized) — export it again as JPEG or PNG" in messages
    )
    assert not (out / "images" / "animated.webp").exists()
    # Its post's link then leads to no file: said too, with the post's line.
    assert any(
        m.startswith("posts/stall.md:7: link: '{static}/images/phone.jpg'") for m in messages
    )
    assert not (out / "images" / "phone.jpg").exists()
    assert "Traceback" not in caplog.text


def test_unchanged_pictures_are_not_rewritten(tmp_path: Path) -> None:
    content = make_content(tmp_path)
    out = build(tmp_path, content, DELETE_OUTPUT_DIRECTORY=False)
    phone = out / "images" / "phone-480w.jpg"
    before = phone.stat().st_mtime_ns
    build(tmp_path, content, DELETE_OUTPUT_DIRECTORY=False)
    assert phone.stat().st_mtime_ns == before
    with Image.open(io.BytesIO(phone.read_bytes())) as image:
        assert image.size == (480, 640)


def test_preview_renders_the_page_again_when_a_photo_changes(tmp_path: Path) -> None:
    """The preview keeps unchanged pages (handbill_rendercache); a photo replaced by one of
    another shape must still change its page's width and height."""
    content = make_content(tmp_path)

    def preview() -> Path:
        return build_site(
            tmp_path / "preview",
            "pelicanconf.py",
            PATH=str(content),
            CACHE_PATH=str(tmp_path / "c"),
        )

    out = preview()
    assert post_images(out)[0]["height"] == "1280"  # upright: 960 x 1280
    (content / "images" / "phone.jpg").write_bytes(phone_photo(4032, 3024, orientation=1))
    out = preview()
    phone = post_images(out)[0]
    assert (phone["width"], phone["height"]) == ("960", "720")
    with Image.open(out / "images" / "phone-960w.jpg") as image:
        assert image.size == (960, 720)
