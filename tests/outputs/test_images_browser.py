"""Chromium on a phone and on a desktop downloads a copy of the demo photo its screen
needs (srcset and sizes at work), never the full-size original."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser

from outputs.served import ServedSite

POST = "/news/2026/consultation-closes/"


@pytest.mark.parametrize(
    ("width", "scale", "expected"),
    [
        (375, 1, "storm-clouds-480w.jpg"),  # a small phone: 343 CSS pixels of picture
        (375, 2, "storm-clouds-960w.jpg"),  # a sharp phone screen: 686 device pixels
        (1280, 1, "storm-clouds-960w.jpg"),  # desktop: the 44rem text column, 704 pixels
        (1280, 2, "storm-clouds-1600w.jpg"),
    ],
)
def test_the_browser_takes_the_copy_it_needs(
    served_site: ServedSite, browser: Browser, width: int, scale: int, expected: str
) -> None:
    context = browser.new_context(
        viewport={"width": width, "height": 900}, device_scale_factor=scale
    )
    try:
        page = context.new_page()
        fetched: list[str] = []
        page.on("request", lambda r: fetched.append(urlsplit(r.url).path))
        page.goto(served_site.url + POST, wait_until="networkidle")
        page.locator("img[src*='storm-clouds']").scroll_into_view_if_needed()
        page.wait_for_load_state("networkidle")
        photos = [Path(p).name for p in fetched if "storm-clouds" in p]
        assert photos == [expected]
        # The page saw the picture's size before it loaded: the box has its final height.
        box = page.locator("img[src*='storm-clouds']").bounding_box()
        assert box is not None and abs(box["height"] / box["width"] - 1280 / 1920) < 0.01
    finally:
        context.close()
    original = (served_site.root / "images" / "storm-clouds.jpg").stat().st_size
    chosen = (served_site.root / "images" / expected).stat().st_size
    assert chosen < original
