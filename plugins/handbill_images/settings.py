"""Settings for handbill_images: the HANDBILL_IMAGES dict in pelicanconf.py, checked at start."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BeforeValidator, Field

from handbill_config import StrictModel, plugin_settings


def _as_tuple(value: Any) -> Any:
    """Widths may be written as a list ([480, 960]) or a tuple."""
    return tuple(value) if isinstance(value, list) else value


class ImagesSettings(StrictModel):
    # The widths (in pixels) each photo is published in, besides its own; a picture is
    # never made wider than it is. Phones take 480 or 960, big screens 1600.
    widths: Annotated[
        tuple[Annotated[int, Field(ge=64, le=8000)], ...], BeforeValidator(_as_tuple)
    ] = (480, 960, 1600)
    # How wide the picture shows on the page, for the browser to choose a width before it
    # has the page's styles: the theme's text column is 44rem at most, less 2rem of margins
    # on a phone.
    sizes: str = "(min-width: 46rem) 44rem, calc(100vw - 2rem)"
    # JPEG and WebP quality (1-95): 82 is hard to tell from the original at a fraction of
    # its weight.
    quality: Annotated[int, Field(ge=1, le=95)] = 82
    # Keep resized pictures between builds in CACHE_PATH/<cache_folder>, by the picture's
    # bytes and these settings, so a preview resizes only new or changed photos.
    cache_folder: str = "handbill_images"
    # Pictures bigger than this (in millions of pixels) are refused with a message: they
    # would take minutes and gigabytes to resize (a phone photo is 12 to 50).
    max_megapixels: Annotated[float, Field(gt=0, le=400)] = 120

    def fingerprint(self) -> str:
        """What the resized files depend on (not `sizes`, which only the pages use)."""
        return repr((self.widths, self.quality))


def read(settings: dict[str, Any]) -> ImagesSettings:
    return plugin_settings(settings, "HANDBILL_IMAGES", ImagesSettings)
