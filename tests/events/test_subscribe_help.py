"""Subscribing from a phone or a poster: the QR codes the build ships decode to each
calendar's https address, and every calendar has a poster page with its code and address."""

from __future__ import annotations

import base64
import io
from pathlib import Path

import pytest
import zxingcpp
from bs4 import BeautifulSoup
from PIL import Image
from playwright.sync_api import Browser

from handbill_events.subscribe_help import help_paths, qr_svg

SITE = "https://anytown-sos-nhs.example.org"


def calendars(site: Path) -> list[str]:
    """Every calendar a visitor can subscribe to, as its path in the site."""
    categories = sorted(f"calendar/{p.name}" for p in (site / "calendar").glob("*.ics"))
    return ["calendar.ics", *categories]


def decode(browser: Browser, svg: bytes, size: int = 400) -> list[str]:
    """What a QR reader reads from Chromium's rendering of the SVG, as an <img> on a page."""
    page = browser.new_page(viewport={"width": size + 40, "height": size + 40})
    try:
        data = base64.b64encode(svg).decode()
        page.set_content(
            f'<body style="margin:20px;background:#fff"><img id="qr" width="{size}" '
            f'height="{size}" src="data:image/svg+xml;base64,{data}"></body>'
        )
        page.wait_for_function("document.getElementById('qr').complete")
        png = page.locator("#qr").screenshot()
    finally:
        page.close()
    return [found.text for found in zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))]


def test_paths_for_the_whole_calendar_and_a_category() -> None:
    assert help_paths("calendar.ics").qr == "calendar.qr.svg"
    assert help_paths("calendar.ics").poster == "events/poster/"
    meetings = help_paths("calendar/meetings.ics")
    assert (meetings.qr, meetings.poster) == (
        "calendar/meetings.qr.svg",
        "events/category/meetings/poster/",
    )


def test_the_same_address_gives_the_same_bytes() -> None:
    first = qr_svg(f"{SITE}/calendar.ics")
    assert first == qr_svg(f"{SITE}/calendar.ics")
    assert first != qr_svg(f"{SITE}/calendar/meetings.ics")
    assert first.startswith(b"<svg ") and b"viewBox" in first


def test_every_shipped_qr_code_decodes_to_its_calendar_address(
    published_site: Path, browser: Browser
) -> None:
    found = {}
    for feed in calendars(published_site):
        svg = (published_site / help_paths(feed).qr).read_bytes()
        found[feed] = decode(browser, svg)
    assert len(found) > 2, found
    assert found == {feed: [f"{SITE}/{feed}"] for feed in found}


def test_the_decoder_reads_a_changed_address_differently(browser: Browser) -> None:
    # Guards the check above: the reader really reads the picture.
    assert decode(browser, qr_svg("https://other.example.org/x.ics")) == [
        "https://other.example.org/x.ics"
    ]
    blank = b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 41 41"></svg>'
    assert decode(browser, blank) == []


@pytest.mark.parametrize("feed", ["calendar.ics", "calendar/meetings.ics"])
def test_poster_pages_show_the_code_and_the_address(published_site: Path, feed: str) -> None:
    paths = help_paths(feed)
    doc = BeautifulSoup((published_site / paths.poster_save_as).read_bytes(), "html5lib")
    poster = doc.select_one("article.poster")
    assert poster.select_one("img.poster__qr")["src"] == f"{SITE}/{paths.qr}"
    assert poster.select_one(".poster__address").get_text() == f"{SITE}/{feed}"
    assert "ICSx⁵" in poster.get_text()
    assert doc.select_one('link[href$="/poster.css"]') is not None


def test_the_subscribe_panel_offers_android_the_qr_code_and_the_poster(
    published_site: Path,
) -> None:
    doc = BeautifulSoup((published_site / "events/index.html").read_bytes(), "html5lib")
    panel = doc.select_one(".event-subscribe")
    android = next(dt for dt in panel.select("dt") if "Android" in dt.get_text())
    links = {a.get_text(): a["href"] for a in android.find_next_sibling("dd").select("a")}
    assert links["this subscribe link"] == "webcal://anytown-sos-nhs.example.org/calendar.ics"
    assert "ICSx⁵" in links
    assert panel.select_one(".event-subscribe__qr img")["src"] == f"{SITE}/calendar.qr.svg"
    poster = panel.select_one(".event-subscribe__qr a")["href"]
    assert poster == f"{SITE}/events/poster/"
