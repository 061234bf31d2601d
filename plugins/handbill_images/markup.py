"""`<img>` made responsive: `srcset` and `sizes` (the browser picks the width it needs),
`width` and `height` (the page keeps the picture's place while it loads, so nothing
jumps), and `loading="lazy"` / `decoding="async"` below the first picture.

A Jinja filter (`responsive_images`, installed by plugin.py) applied to a post's or
page's HTML after Pelican has turned `{static}/images/x.jpg` into the picture's address,
so each copy's address is written the same way (absolute, or relative with
RELATIVE_URLS). Pages with no `<img` pay one substring search.
"""

from __future__ import annotations

import html
import re
from urllib.parse import quote, unquote

from .pictures import Picture, Variant

IMG = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
IMG_START = re.compile(r"<[iI][mM][gG]")
ATTRIBUTE = re.compile(r"""([^\s"'=<>/]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?""")
# Relative addresses (RELATIVE_URLS) climb to the site's root first.
CLIMB = re.compile(r"^(?:\.\./|\./)*")


class ResponsiveImages:
    """The filter: one per build, filled with the build's pictures (by address from the
    site's root, e.g. `images/storm.jpg`) once the static files are known."""

    def __init__(self, sizes: str, siteurl: str) -> None:
        self.sizes = sizes
        self.siteurl = siteurl.rstrip("/")
        self.pictures: dict[str, Picture] = {}

    def __call__(self, text: str, lazy: bool = False) -> str:
        """`text` with each known picture's `<img>` made responsive; with `lazy`, every
        picture loads lazily (lists of posts, where none is the page's first picture)."""
        if not text or not self.pictures or not IMG_START.search(text):
            return text
        first = not lazy

        def rewrite(match: re.Match[str]) -> str:
            nonlocal first
            made = self.tag(match[0], first)
            first = first and made == match[0]
            return made

        return IMG.sub(rewrite, text)

    def find(self, src: str) -> tuple[str, Picture] | None:
        """The picture an address leads to, and the part of the address before its path
        from the site's root (`https://site.example/`, `../../`, `/`)."""
        path = src.split("#", 1)[0].split("?", 1)[0]
        if self.siteurl and path.startswith(self.siteurl + "/"):
            head = self.siteurl + "/"
        elif path.startswith("/") and not path.startswith("//"):
            head = "/"
        elif "://" in path or path.startswith("//"):
            return None  # another site's picture
        else:
            head = CLIMB.match(path)[0]
        picture = self.pictures.get(unquote(html.unescape(path[len(head) :])))
        return (head, picture) if picture else None

    def tag(self, tag: str, first: bool) -> str:
        attributes = {name.lower(): value for name, value in _attributes(tag)}
        src = attributes.get("src")
        if not src or "srcset" in attributes:
            return tag  # a volunteer's own srcset stays as written
        found = self.find(html.unescape(src))
        if found is None:
            return tag
        head, picture = found
        fallback = picture.fallback()
        made = dict(attributes)
        made["src"] = address(head, fallback)
        if len(picture.candidates) > 1:
            made["srcset"] = ", ".join(f"{address(head, v)} {v.width}w" for v in picture.candidates)
            made["sizes"] = self.sizes
        if "width" not in attributes and "height" not in attributes:
            made["width"], made["height"] = str(fallback.width), str(fallback.height)
        if not first:
            made.setdefault("loading", "lazy")
            made.setdefault("decoding", "async")
        return "<img " + " ".join(_attribute(k, v) for k, v in made.items()) + ">"


def _attributes(tag: str) -> list[tuple[str, str | None]]:
    """(name, value as written, or None for a bare attribute) of a tag's attributes."""
    inner = tag[4:-1].rstrip().removesuffix("/")
    return [
        (m[1], next((v for v in m.groups()[1:] if v is not None), None))
        for m in ATTRIBUTE.finditer(inner)
    ]


def _attribute(name: str, value: str | None) -> str:
    """One attribute, as written: values in double quotes, escaped only where needed (the
    values read from the page are HTML already)."""
    if value is None:
        return name
    return f'{name}="{value.replace(chr(34), "&quot;")}"'


def address(head: str, variant: Variant) -> str:
    """A copy's address, written like Pelican wrote the original's (spaces as %20)."""
    return html.escape(head + quote(variant.url, safe="/"), quote=True)
