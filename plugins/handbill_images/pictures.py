"""One picture: what it is (read from its header: size, format, turn), the files published
for it, and making those files with Pillow.

Every published JPEG, PNG and WebP is encoded again here, the original size included, so
nothing of the camera's details goes out: EXIF (GPS location, camera, time taken), XMP,
comments. The turn the camera recorded (EXIF orientation) is applied to the pixels first,
so a photo taken with the phone on its side still shows upright. The colour profile (ICC)
stays: it holds no personal details and without it colours shift.

The same bytes and settings always give the same files: Pillow's encoders are
deterministic with fixed settings, and nothing here reads the clock.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import PurePosixPath

from PIL import Image, ImageOps, UnidentifiedImageError

# The formats resized and cleaned; the extension Pillow saves each with. GIF (often
# animated) and SVG (drawings, no camera details) are published as they are.
FORMATS = ("JPEG", "PNG", "WEBP")
EXTENSIONS = (".jpg", ".jpeg", ".png", ".webp")
ORIENTATION = 0x0112
TURNED = (5, 6, 7, 8)  # orientations that swap width and height


@dataclass(frozen=True)
class Variant:
    """One published file of a picture."""

    width: int
    height: int
    save_as: str  # path in the output folder
    url: str  # address from the site's root, as Pelican writes the original's


@dataclass(frozen=True)
class Picture:
    """A picture as found in a static folder, and the files it is published as."""

    source: str  # path inside the content folder, as volunteers see it
    format: str  # JPEG, PNG or WEBP
    original: Variant  # the picture at its own size (turned upright, details removed)
    resized: tuple[Variant, ...]  # narrower copies, narrowest first

    @property
    def candidates(self) -> tuple[Variant, ...]:
        """What `srcset` offers: the narrower copies, and the original unless it is far
        wider than the widest copy (a 4032-pixel phone photo is for downloading, not
        for a page)."""
        if self.resized and self.original.width > self.resized[-1].width * 5 // 4:
            return self.resized
        return (*self.resized, self.original)

    def fallback(self, width: int = 960) -> Variant:
        """The `src` for browsers that ignore `srcset`: the widest copy up to `width`."""
        fitting = [v for v in self.candidates if v.width <= width]
        return fitting[-1] if fitting else self.candidates[0]

    def table_row(self) -> tuple:
        """Plain values for the preview's render cache (handbill_rendercache digests the
        context): a picture that changes size renders the pages again."""
        return (self.source, self.format, *((v.width, v.height, v.url) for v in self.candidates))


class NotAPicture(Exception):
    """Pillow cannot read the file as a picture of a format we publish."""


def read_picture(
    path: str, source: str, save_as: str, url: str, widths: tuple[int, ...], max_pixels: float
) -> Picture:
    """The picture's facts from its header only (no pixels decoded: cheap on every build)."""
    try:
        with Image.open(path) as image:
            fmt = image.format or ""
            width, height = image.size
            turn = image.getexif().get(ORIENTATION, 1) if fmt in FORMATS else 1
            frames = getattr(image, "n_frames", 1)
    except UnidentifiedImageError:
        raise NotAPicture("the file is damaged, or not a picture") from None
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as err:
        raise NotAPicture(str(err) or type(err).__name__) from None
    if fmt not in FORMATS:
        raise NotAPicture(f"it is a {fmt or 'unknown'} picture inside")
    if frames > 1:
        raise NotAPicture("it is animated, and only still pictures are resized")
    if width * height > max_pixels:
        raise NotAPicture(f"it is {width} x {height} pixels, too big to resize")
    if turn in TURNED:
        width, height = height, width
    original = Variant(width, height, save_as, url)
    resized = tuple(
        Variant(w, max(1, round(height * w / width)), _named(save_as, w), _named(url, w))
        for w in sorted(set(widths))
        if w < width
    )
    return Picture(source, fmt, original, resized)


def _named(path: str, width: int) -> str:
    """`images/storm.jpg` -> `images/storm-480w.jpg`."""
    pure = PurePosixPath(path)
    return str(pure.with_name(f"{pure.stem}-{width}w{pure.suffix}"))


def render(data: bytes, picture: Picture, quality: int) -> list[bytes]:
    """The bytes of every published file of `picture`: the original, then each copy."""
    with Image.open(io.BytesIO(data)) as opened:
        opened.load()
        icc = opened.info.get("icc_profile")
        transparency = opened.info.get("transparency")
        upright = ImageOps.exif_transpose(opened) or opened.copy()
    # Everything Pillow could carry over from the file (EXIF, XMP, comments, text chunks,
    # DPI) is dropped; a palette picture's transparent colour is part of the picture.
    upright.info = {} if transparency is None else {"transparency": transparency}
    full = _for_format(upright, picture.format)
    files = [_encode(full, picture.format, quality, icc)]
    smooth = full if full.mode not in ("P", "1") else full.convert("RGBA")
    for variant in picture.resized:
        small = smooth.resize(
            (variant.width, variant.height), Image.Resampling.LANCZOS, reducing_gap=3.0
        )
        files.append(_encode(small, picture.format, quality, icc))
    return files


def _for_format(image: Image.Image, fmt: str) -> Image.Image:
    """The picture in a mode the format can save."""
    allowed = {"JPEG": ("RGB", "L", "CMYK"), "PNG": ("RGB", "RGBA", "L", "LA", "P", "1")}
    if image.mode in allowed.get(fmt, ("RGB", "RGBA")):
        return image
    alpha = image.mode in ("RGBA", "LA", "PA", "RGBa", "La") or "transparency" in image.info
    return image.convert("RGBA" if alpha and fmt != "JPEG" else "RGB")


def _encode(image: Image.Image, fmt: str, quality: int, icc: bytes | None) -> bytes:
    out = io.BytesIO()
    extra = {"icc_profile": icc} if icc else {}
    if fmt == "JPEG":
        image.save(out, "JPEG", quality=quality, optimize=True, progressive=True, **extra)
    elif fmt == "WEBP":
        image.save(out, "WEBP", quality=quality, method=4, **extra)
    else:
        image.save(out, "PNG", compress_level=9, **extra)
    return out.getvalue()
