"""A phone photo with GPS EXIF becomes upright, resized files with no EXIF at all: checked
with Pillow and with two readers independent of it (piexif, exiftool)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

from handbill_images.pictures import NotAPicture, Picture, read_picture, render

from .photos import exiftool_tags, phone_photo, piexif_tags

WIDTHS = (480, 960, 1600)


def picture_of(path: Path, widths: tuple[int, ...] = WIDTHS) -> Picture:
    name = f"images/{path.name}"
    return read_picture(str(path), name, name, name, widths, 120e6)


@pytest.mark.parametrize(
    ("fmt", "size", "resized"),
    [
        ("JPEG", (4032, 3024), [(480, 640), (960, 1280), (1600, 2133)]),  # a 12 MP phone photo
        ("PNG", (2000, 1500), [(480, 640), (960, 1280)]),
        ("WEBP", (2000, 1500), [(480, 640), (960, 1280)]),
    ],
)
def test_gps_photo_becomes_resized_files_without_exif(
    tmp_path: Path, fmt: str, size: tuple[int, int], resized: list[tuple[int, int]]
) -> None:
    source = tmp_path / f"phone.{fmt.lower()}"
    source.write_bytes(phone_photo(*size, fmt))
    # The test photo really carries what must not be published (so this test can fail).
    assert "GPS" in "".join(exiftool_tags(str(source)))
    if fmt != "PNG":  # piexif reads JPEG and WebP
        assert piexif_tags(source.read_bytes())["GPS"]

    picture = picture_of(source)
    # Taken on its side (orientation 6): published upright, as wide as it was high.
    assert (picture.original.width, picture.original.height) == (size[1], size[0])
    assert [(v.width, v.height) for v in picture.resized] == resized
    files = render(source.read_bytes(), picture, 82)
    assert len(files) == 1 + len(resized)
    for index, (variant, data) in enumerate(
        zip((picture.original, *picture.resized), files, strict=True)
    ):
        with Image.open(io.BytesIO(data)) as image:
            assert image.format == fmt
            assert image.size == (variant.width, variant.height)
            assert dict(image.getexif()) == {}, variant
            assert not {"exif", "xmp", "XML:com.adobe.xmp", "comment", "Comment"} & set(
                image.info
            ), image.info
            # The red block stored at the sensor's top-left is at the top-right once
            # turned upright (orientation 6: the phone was turned a quarter clockwise).
            rgb = image.convert("RGB")
            assert _red(rgb.getpixel((variant.width - 3, 3))), index
            assert not _red(rgb.getpixel((3, 3))), index
        out = tmp_path / f"out{index}.{fmt.lower()}"
        out.write_bytes(data)
        assert exiftool_tags(str(out)) == {}, out
        if fmt != "PNG":
            assert piexif_tags(data) == {}


def _red(pixel: tuple[int, int, int]) -> bool:
    r, g, b = pixel
    return r > 200 and g < 60 and b < 60


def test_same_photo_same_bytes(tmp_path: Path) -> None:
    source = tmp_path / "phone.jpg"
    source.write_bytes(phone_photo(1200, 900))
    picture = picture_of(source)
    assert render(source.read_bytes(), picture, 82) == render(source.read_bytes(), picture, 82)


def test_never_made_wider_than_it_is(tmp_path: Path) -> None:
    source = tmp_path / "small.jpg"
    source.write_bytes(phone_photo(600, 400, orientation=1))
    picture = picture_of(source)
    assert [v.width for v in picture.resized] == [480]
    assert [v.width for v in picture.candidates] == [480, 600]  # the original is offered too
    tiny = tmp_path / "tiny.png"
    tiny.write_bytes(phone_photo(300, 200, "PNG", orientation=1))
    assert picture_of(tiny).resized == ()


def test_a_huge_original_is_not_offered_to_pages(tmp_path: Path) -> None:
    source = tmp_path / "phone.jpg"
    source.write_bytes(phone_photo(4032, 3024, orientation=1))
    picture = picture_of(source)
    assert [v.width for v in picture.candidates] == [480, 960, 1600]
    assert picture.fallback().width == 960


@pytest.mark.parametrize(
    ("data", "why"),
    [
        (b"\xff\xd8\xff\xe0" + bytes(100), "the file is damaged, or not a picture"),
        (b"GIF89a" + bytes(100), "the file is damaged, or not a picture"),
    ],
)
def test_what_pillow_cannot_read_is_named(tmp_path: Path, data: bytes, why: str) -> None:
    path = tmp_path / "broken.jpg"
    path.write_bytes(data)
    with pytest.raises(NotAPicture, match=why):
        picture_of(path)


def test_too_many_pixels_is_refused_before_decoding(tmp_path: Path) -> None:
    path = tmp_path / "big.png"
    Image.new("L", (3000, 2000)).save(path)
    with pytest.raises(NotAPicture, match="3000 x 2000 pixels, too big"):
        read_picture(str(path), "x", "x", "x", WIDTHS, 5e6)


def test_palette_png_with_transparency_keeps_it(tmp_path: Path) -> None:
    path = tmp_path / "logo.png"
    image = Image.new("P", (1000, 500), 0)
    image.putpalette([255, 255, 255, 200, 0, 0] + [0] * 762)
    image.paste(1, (0, 0, 500, 500))
    image.save(path, transparency=0)
    picture = picture_of(path)
    files = render(path.read_bytes(), picture, 82)
    with Image.open(io.BytesIO(files[0])) as full:
        assert full.convert("RGBA").getpixel((900, 10))[3] == 0  # still transparent
    with Image.open(io.BytesIO(files[1])) as small:
        assert small.size == (480, 240)
        rgba = small.convert("RGBA")
        assert rgba.getpixel((400, 10))[3] == 0
        assert rgba.getpixel((10, 10))[:3] == (200, 0, 0)
