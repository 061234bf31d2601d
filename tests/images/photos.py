"""Test photos made with Pillow: a phone's picture, with GPS location and camera details in
its EXIF, taken with the phone on its side (orientation 6)."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
from fractions import Fraction

import piexif
from outputs.tools import missing
from PIL import Image, ImageDraw

GPS_IFD = 0x8825
EXIF_IFD = 0x8769
# Anytown General Hospital's car park, to the metre: what a volunteer's phone would record.
LATITUDE = ((53, 1), (22, 1), (1632, 100))
LONGITUDE = ((1, 1), (28, 1), (4836, 100))


def phone_photo(
    width: int = 2000, height: int = 1500, fmt: str = "JPEG", orientation: int = 6
) -> bytes:
    """A picture as a phone stores it: pixels in the sensor's orientation, a red block in
    the stored top-left corner, and EXIF with GPS, make, model, time and orientation."""
    image = Image.new("RGB", (width, height), (40, 90, 160))
    draw = ImageDraw.Draw(image)
    for x in range(0, width, 50):  # stripes, so the picture is not trivially compressible
        draw.line([(x, 0), (x + height // 2, height)], fill=(200, 200, 60), width=7)
    draw.rectangle([0, 0, width // 5, height // 5], fill=(255, 0, 0))
    exif = Image.Exif()
    exif[0x010F] = "Phonemaker"  # Make
    exif[0x0110] = "Phone 12 Pro"  # Model
    exif[0x0132] = "2026:11:21 10:15:00"  # DateTime
    exif[0x0112] = orientation
    gps = exif.get_ifd(GPS_IFD)
    gps[1], gps[3] = "N", "W"
    gps[2] = tuple(Fraction(n, d) for n, d in LATITUDE)
    gps[4] = tuple(Fraction(n, d) for n, d in LONGITUDE)
    exif.get_ifd(EXIF_IFD)[0x9003] = "2026:11:21 10:15:00"  # DateTimeOriginal
    out = io.BytesIO()
    if fmt == "PNG":
        image.save(out, fmt, exif=exif, pnginfo=_png_text())
    else:
        image.save(out, fmt, exif=exif, quality=90)
    return out.getvalue()


def _png_text():
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    info.add_text("Comment", "taken outside the hospital")
    return info


def piexif_tags(data: bytes) -> dict[str, dict]:
    """Every EXIF tag piexif (a reader independent of Pillow) finds, by IFD; JPEG and WebP."""
    if data[:4] == b"RIFF" and data[12:16] != b"VP8X":
        return {}  # a simple WebP: only the extended form (VP8X) has room for EXIF
    found = piexif.load(data)
    return {ifd: tags for ifd, tags in found.items() if ifd != "thumbnail" and tags}


PERSONAL_GROUPS = ("IFD0", "IFD1", "ExifIFD", "GPS", "InteropIFD", "IPTC", "MakerNotes")
PERSONAL_NAMES = ("GPS", "Comment", "Make", "Model", "DateTimeOriginal", "ExifByteOrder")


def exiftool_tags(path: str) -> dict[str, object]:
    """The personal details exiftool (Debian's libimage-exiftool-perl) reads from a file:
    EXIF (camera, times, GPS), XMP, IPTC, maker notes, text comments; not the file's size
    or encoding."""
    exiftool = shutil.which("exiftool")
    if not exiftool:
        missing("exiftool", "install it: sudo apt install libimage-exiftool-perl")
    done = subprocess.run(
        [exiftool, "-json", "-G1", "-a", "-u", path],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    [tags] = json.loads(done.stdout)
    personal = {}
    for key, value in tags.items():
        group, _, name = key.rpartition(":")
        if (
            group in PERSONAL_GROUPS
            or group.startswith("XMP")
            or any(word in name for word in PERSONAL_NAMES)
        ):
            personal[key] = value
    return personal
