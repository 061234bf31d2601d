"""The search index: the real Pagefind binary over a few pages in a temporary folder."""

from __future__ import annotations

import json
from pathlib import Path

from handbill_search.index import UNUSED, write_index

PAGE = """<!DOCTYPE html><html lang="en"><head><title>{title}</title></head>
<body><nav>Menu words everywhere</nav><article data-pagefind-body><h1>{title}</h1>
<p>{text}</p></article></body></html>"""


def site(root: Path) -> Path:
    out = root / "output"
    for rel, title, text in [
        ("news/a/index.html", "Hospital march", "We marched to the hospital."),
        ("about/index.html", "About us", "A campaign group in Anytown."),
        ("news/tag/x/index.html", "Tag list", "A list that repeats the posts."),
    ]:
        path = out / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(PAGE.format(title=title, text=text), encoding="utf-8")
    return out


def indexed_pages(out: Path) -> int:
    entry = json.loads((out / "pagefind" / "pagefind-entry.json").read_text(encoding="utf-8"))
    return sum(lang["page_count"] for lang in entry["languages"].values())


def test_only_the_pages_given_are_indexed(tmp_path: Path) -> None:
    out = site(tmp_path)
    result = write_index(out, ["news/a/index.html", "about/index.html", "missing/index.html"])
    assert result.ok and result.pages == 2, result
    assert indexed_pages(out) == 2
    assert (out / "pagefind" / "pagefind.js").is_file()
    assert not [name for name in UNUSED if (out / "pagefind" / name).exists()]
    # The staging folder is gone; the site's own files are untouched.
    assert sorted(p.name for p in out.iterdir()) == ["about", "news", "pagefind"]
    assert (out / "news/tag/x/index.html").is_file()


def test_a_second_index_replaces_the_first(tmp_path: Path) -> None:
    out = site(tmp_path)
    assert write_index(out, ["news/a/index.html", "about/index.html"]).ok
    assert write_index(out, ["about/index.html"]).ok
    assert indexed_pages(out) == 1


def test_an_indexer_that_takes_too_long_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    out = site(tmp_path)
    result = write_index(out, ["about/index.html"], timeout=0.001)
    assert not result.ok
    assert result.problem == "the search index took longer than 0 s"


def test_a_staging_folder_left_by_a_killed_build_is_removed(tmp_path: Path) -> None:
    out = site(tmp_path)
    (out / ".handbill-search-abc123" / "x").mkdir(parents=True)
    assert write_index(out, ["about/index.html"]).ok
    assert not list(out.glob(".handbill-search-*"))
