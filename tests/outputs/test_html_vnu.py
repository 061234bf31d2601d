"""Every page of the demo site passes the W3C Nu Html Checker (vnu.jar) with zero errors."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest


def run_vnu(java: str, vnu_jar: Path, pages: list[Path]) -> list[dict]:
    """Check all pages in one JVM start (one per page would take minutes)."""
    done = subprocess.run(
        [
            java,
            "-jar",
            str(vnu_jar),
            "--format",
            "json",
            "--errors-only",
            "--exit-zero-always",
            *map(str, pages),
        ],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    # vnu writes its JSON report to stderr as one line, possibly after a JVM notice such as
    # "Picked up JAVA_TOOL_OPTIONS"; anything unparsable is itself a failure.
    reports = [line for line in done.stderr.splitlines() if line.startswith("{")]
    try:
        return json.loads(reports[-1])["messages"]
    except (IndexError, json.JSONDecodeError, KeyError):
        pytest.fail(f"vnu.jar did not report JSON (exit {done.returncode}):\n{done.stderr[-2000:]}")


def describe(message: dict, site_roots: list[Path]) -> str:
    where = Path(unquote(urlparse(message.get("url", "")).path))
    for root in site_roots:
        if root in where.parents:
            where = Path(root.parent.name) / where.relative_to(root)
    line = message.get("lastLine", "?")
    extract = (message.get("extract") or "").strip().replace("\n", " ")
    return f"{where}:{line}: {message.get('message')}  [{extract[:80]}]"


def test_every_page_passes_the_nu_html_checker(
    java: str, vnu_jar: Path, dev_site: Path, published_site: Path
) -> None:
    roots = [dev_site.resolve(), published_site.resolve()]
    pages = [page for root in roots for page in sorted(root.rglob("*.html"))]
    # The demo site has many page types; far fewer files means the build itself went wrong.
    assert len(pages) >= 10, f"only {len(pages)} HTML files built: {pages}"
    problems = [m for m in run_vnu(java, vnu_jar, pages) if m.get("type") != "info"]
    report = "\n".join(describe(m, roots) for m in problems)
    assert not problems, f"{len(problems)} HTML error(s) from the Nu Html Checker:\n{report}"


def test_the_checker_catches_an_invalid_page(java: str, vnu_jar: Path, tmp_path: Path) -> None:
    # Guards the check itself: if vnu's options or output format change, the test above
    # must not turn into one that passes whatever the site contains.
    bad = tmp_path / "bad.html"
    bad.write_text("<!DOCTYPE html><html lang=en><title>x</title><p><div></span>", "utf-8")
    messages = run_vnu(java, vnu_jar, [bad])
    assert any(m.get("type") == "error" for m in messages), messages
