"""Help to subscribe from a phone or a poster: a QR code of each calendar's https address
(SVG, made at build time with segno) and a printable poster page per calendar.

Why the https address in the QR code, not webcal: a phone's camera opens https in the
browser on every platform, where the poster page's words take over; iOS then offers to
subscribe, and Android users follow the ICSx⁵ step. Same address, same bytes: segno draws
the same symbol for the same text, and nothing else goes into the file.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import segno

# Medium error correction: a printed poster survives a fold or a smudge, and a typical
# address still fits a small symbol.
ERROR_LEVEL = "m"
BORDER = 4  # the quiet zone QR readers need, in modules


@dataclass(frozen=True)
class HelpPaths:
    qr: str  # the QR code's SVG, relative to the site
    poster: str  # the poster page's address, relative to the site

    @property
    def poster_save_as(self) -> str:
        return f"{self.poster}index.html"


def help_paths(feed: str) -> HelpPaths:
    """`calendar.ics` -> the whole calendar's; `calendar/<slug>.ics` -> a category's."""
    stem = feed.removesuffix(".ics")
    if "/" in stem:
        return HelpPaths(f"{stem}.qr.svg", f"events/category/{stem.rsplit('/', 1)[1]}/poster/")
    return HelpPaths(f"{stem}.qr.svg", "events/poster/")


def qr_svg(text: str) -> bytes:
    """A QR code of `text` as a standalone SVG: black on white (so it scans in dark mode
    too), scalable (a viewBox, no fixed size), no XML declaration."""
    code = segno.make(text, error=ERROR_LEVEL, micro=False, boost_error=False)
    out = io.BytesIO()
    code.save(
        out,
        kind="svg",
        border=BORDER,
        dark="#000",
        light="#fff",
        xmldecl=False,
        omitsize=True,
        svgclass=None,
        lineclass=None,
        nl=True,
    )
    return out.getvalue()
