"""Photos made fit for phones: each picture resized at build time into a few widths, its
camera details (EXIF: GPS location, camera, time) removed, and `<img>` given `srcset`,
`sizes`, `width` and `height`. Results are cached by the picture's bytes."""

from .plugin import register

__all__ = ["register"]
