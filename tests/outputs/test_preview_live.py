"""`make serve` end to end: the real preview server, a real browser, real edits to files.

After a save the open page reloads by itself and shows the change; a mistake appears in a
banner at the top of the page, linked to its file and line; fixing it makes the banner go.
"""

from __future__ import annotations

import time
import urllib.request
from pathlib import Path

from playwright.sync_api import Browser, Page, expect

from preview_process import Preview, start_preview
from sitebuild import build_site

__all__ = ["start_preview"]  # the fixture, for this module's tests

POST = "posts/2026-11-scrutiny-committee.md"
BANNER = "#handbill-preview"
BAD_EVENT = "title: Stall\nstart: 2026-12-12 10:00\nend: 12:00\nlocation: Market Square\n"


def opened(browser: Browser, url: str) -> Page:
    page = browser.new_context().new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(url, wait_until="load")
    # A mark that only this load of the page has: a reload wipes it.
    page.evaluate("() => { window.loadedBefore = true; }")
    assert not errors, errors
    return page


def reloaded(page: Page, timeout: float = 60) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if not page.evaluate("() => window.loadedBefore === true"):
                return True
        except Exception:  # the page is between two loads
            pass
        page.wait_for_timeout(200)
    return False


def save(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")


def post_url(preview: Preview) -> str:
    # The post's address as the build wrote it: news/<year>/<slug>/.
    found = next(preview.output.glob("news/*/scrutiny-committee/index.html"))
    return f"{preview.url}/{found.parent.relative_to(preview.output)}/"


def test_the_page_reloads_by_itself_after_a_save_and_shows_the_change(
    start_preview, browser: Browser
) -> None:
    preview = start_preview()
    page = opened(browser, post_url(preview))
    post = preview.content / POST
    save(post, post.read_text(encoding="utf-8") + "\nA sentence added while previewing.\n")
    assert reloaded(page), "the page did not reload after the save"
    expect(page.get_by_text("A sentence added while previewing.")).to_be_visible()
    expect(page.locator(BANNER)).to_have_count(0)
    page.context.close()


def test_a_mistake_shows_in_a_banner_with_its_file_and_line_until_it_is_fixed(
    start_preview, browser: Browser, screenshots_dir: Path
) -> None:
    preview = start_preview()
    page = opened(browser, preview.url + "/about/")
    expect(page.locator(BANNER)).to_have_count(0)
    event = preview.content / "events" / "new-stall.yaml"
    save(event, BAD_EVENT.replace("2026-12-12 10:00", "2026-12-32 10:00"))
    assert reloaded(page)
    banner = page.locator(BANNER)
    expect(banner).to_be_visible()
    expect(banner).to_contain_text("1 mistake")
    expect(banner).to_contain_text("start: '2026-12-32' is not a real date")
    link = banner.get_by_role("link", name="events/new-stall.yaml:2")
    expect(link).to_be_visible()
    page.screenshot(path=screenshots_dir / "preview-problems.png")
    # The link shows the file with the line marked and the message above it.
    link.click()
    expect(page.locator("tr.is-marked")).to_contain_text("start: 2026-12-32 10:00")
    expect(page.locator("h1")).to_have_text("events/new-stall.yaml")
    page.screenshot(path=screenshots_dir / "preview-source.png")
    page.go_back()
    page.evaluate("() => { window.loadedBefore = true; }")
    save(event, BAD_EVENT)
    assert reloaded(page)
    expect(page.locator(BANNER)).to_have_count(0)
    page.context.close()


def test_the_preview_folder_and_a_publish_build_carry_no_preview_script(
    start_preview, tmp_path: Path
) -> None:
    # The script is added as pages are served, never written: what is built is what ships.
    preview = start_preview()
    published = build_site(tmp_path / "published", "publishconf.py")
    for folder in (preview.output, published):
        pages = list(folder.rglob("*.html"))
        assert pages
        carrying = [p for p in pages if b"handbill-preview" in p.read_bytes()]
        assert not carrying, carrying[:3]
    with urllib.request.urlopen(preview.url + "/about/", timeout=10) as answer:
        assert b'<script src="/.handbill-preview/preview.js" defer>' in answer.read()
