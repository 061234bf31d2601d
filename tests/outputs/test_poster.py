"""The subscribe poster as Chromium prints it: one A4 page, the QR code large and whole, the
address written out, and none of the site's menus, sidebar or footer."""

from __future__ import annotations

import io
import re

import zxingcpp
from PIL import Image
from playwright.sync_api import Browser

from outputs.served import ServedSite


def test_the_poster_prints_on_one_page_with_a_readable_code(
    served_site: ServedSite, browser: Browser
) -> None:
    context = browser.new_context(viewport={"width": 794, "height": 1123})  # A4 at 96 dpi
    page = context.new_page()
    try:
        page.goto(served_site.url + "/events/poster/", wait_until="networkidle")
        page.emulate_media(media="print")
        for hidden in (".site-header", ".site-footer", ".sidebar", ".poster__screen-note"):
            assert not page.locator(hidden).first.is_visible(), hidden
        address = page.inner_text(".poster__address")
        assert address == f"{served_site.url}/calendar.ics"
        qr = page.locator(".poster__qr")
        box = qr.bounding_box()
        assert box and box["width"] >= 300, box  # 100 mm is about 378 px
        read = zxingcpp.read_barcodes(Image.open(io.BytesIO(qr.screenshot())))
        assert [r.text for r in read] == [address]
        pdf = page.pdf(format="A4", print_background=True)
        pages = re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf)
        assert len(pages) == 1, f"the poster prints on {len(pages)} pages"
    finally:
        context.close()
