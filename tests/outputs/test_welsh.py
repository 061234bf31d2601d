"""The Welsh build, and the demo's English and Welsh post side by side, through the same
independent checks as the English site: the W3C Nu Html Checker and axe-core in Chromium."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from functools import partial
from http.server import ThreadingHTTPServer
from pathlib import Path

import pytest
from playwright.sync_api import Browser

from outputs.served import ServedSite, SiteHandler
from outputs.test_browser import DESKTOP, PHONE, axe_violations, off_site
from outputs.test_html_vnu import describe, run_vnu
from sitebuild import CONTENT, ROOT, build_site

NOW = "2026-11-24T12:00:00+00:00"
# One page of each kind, and the join result page the server sends people to.
PAGES = [
    "",
    "events/",
    "events/members-meeting/",
    "events/2026/12/",
    "news/archives/",
    "news/2026/scrutiny-committee/",
    "join/check-your-email/",
]


def serve(root: Path) -> tuple[ThreadingHTTPServer, str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(SiteHandler, directory=str(root)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


@pytest.fixture(scope="module")
def welsh(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServedSite]:
    """The published demo with DEFAULT_LANG = "cy", served on loopback (its Welsh post left
    out: on a Welsh site the English posts would be the ones marked `Lang: en`)."""
    work = tmp_path_factory.mktemp("welsh-e2e")
    content = work / "content"
    shutil.copytree(CONTENT, content, ignore=lambda folder, names: ["cy"] * ("cy" in names))
    # The sign-up settings of a Welsh site: the server's language, and so the consent wording.
    toml = work / "signup.toml"
    example = (ROOT / "signup.example.toml").read_text(encoding="utf-8")
    toml.write_text(example.replace("[site]\n", '[site]\nlanguage = "cy"\n', 1), encoding="utf-8")
    root = work / "output"
    server, url = serve(root)
    build_site(
        root,
        "publishconf.py",
        PATH=str(content),
        DEFAULT_LANG="cy",
        HANDBILL_SIGNUP={"config": str(toml), "server_url": "/signup"},
        SITEURL=url,
        FEED_DOMAIN=url,
        HANDBILL_EVENTS={"now": NOW, "uid_domain": "x"},
    )
    try:
        yield ServedSite(url, root)
    finally:
        server.shutdown()
        server.server_close()


def test_welsh_pages_pass_the_nu_html_checker(
    java: str, vnu_jar: Path, welsh: ServedSite, published_site: Path
) -> None:
    pages = sorted(welsh.root.rglob("*.html"))
    # The bilingual pair from the English demo: hreflang links and the language switch.
    pair = [published_site / "news/2024/we-are-launched/index.html"]
    pair.append(published_site / "cy/news/2024/we-are-launched/index.html")
    assert len(pages) >= 10 and all(p.is_file() for p in pair)
    problems = [m for m in run_vnu(java, vnu_jar, pages + pair) if m.get("type") != "info"]
    report = "\n".join(
        describe(m, [welsh.root.resolve(), published_site.resolve()]) for m in problems
    )
    assert not problems, f"{len(problems)} HTML error(s) from the Nu Html Checker:\n{report}"


@pytest.mark.parametrize("path", PAGES)
def test_welsh_pages_in_chromium_with_axe(
    browser: Browser, axe_source: str, welsh: ServedSite, path: str
) -> None:
    for width in (DESKTOP, PHONE):
        context = browser.new_context(viewport={"width": width, "height": 900})
        context.add_init_script(script=axe_source)
        requests: list[str] = []
        page = context.new_page()
        page.on("request", lambda r, seen=requests: seen.append(r.url))
        try:
            response = page.goto(f"{welsh.url}/{path}", wait_until="networkidle")
            assert response is not None and response.status == 200
            assert page.evaluate("document.documentElement.lang") == "cy"
            problems = axe_violations(page) + [
                f"request off the site: {u}" for u in off_site(requests, welsh.host)
            ]
        finally:
            context.close()
        assert not problems, f"/{path} at {width}px:\n" + "\n".join(problems)
