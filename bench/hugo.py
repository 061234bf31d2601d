"""Build the same posts with Debian's Hugo, if installed, with a minimal generated layout.

The posts are converted once (front matter to YAML, Pelican's {static} and {filename} links
to plain URLs); the layout renders the same kinds of pages as Pelican's default theme:
posts, pages, paginated index, categories, tags, authors, feeds.
"""

from __future__ import annotations

import logging
import re
import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .measure import ratio, run, summary

if TYPE_CHECKING:
    from .build import Site

log = logging.getLogger(__name__)

CONFIG = """\
baseURL = "https://bench.example.org/"
title = "Bench"
languageCode = "en-gb"
disableKinds = []
[pagination]
  pagerSize = 8
paginate = 8
[permalinks]
  posts = "/news/:year/:slug/"
  categories = "/news/category/:slug/"
  tags = "/news/tag/:slug/"
  authors = "/news/author/:slug/"
[taxonomies]
  category = "categories"
  tag = "tags"
  author = "authors"
[markup.goldmark.renderer]
  unsafe = true
"""

LAYOUTS = {
    "_default/baseof.html": (
        '<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8"><title>{{ .Title }}'
        '</title></head><body><header><a href="{{ .Site.BaseURL }}">{{ .Site.Title }}</a>'
        '</header><main>{{ block "main" . }}{{ end }}</main></body></html>\n'
    ),
    "_default/single.html": (
        '{{ define "main" }}<article><h1>{{ .Title }}</h1><p><time>{{ .Date.Format "2 January '
        '2006" }}</time> in {{ range .Params.categories }}{{ . }}{{ end }}</p>{{ .Content }}'
        '<p>{{ range .Params.tags }}<a href="/news/tag/{{ . | urlize }}/">'
        "{{ . }}</a> {{ end }}</p></article>{{ end }}\n"
    ),
    "_default/list.html": (
        '{{ define "main" }}<h1>{{ .Title }}</h1>{{ range .Paginator.Pages }}<article><h2>'
        '<a href="{{ .RelPermalink }}">{{ .Title }}</a></h2><p>{{ .Summary }}</p></article>'
        '{{ end }}{{ with .Paginator.Next }}<a href="{{ .URL }}">Older</a>{{ end }}{{ end }}\n'
    ),
    "_default/terms.html": (
        '{{ define "main" }}<h1>{{ .Title }}</h1><ul>{{ range .Data.Terms.Alphabetical }}'
        '<li><a href="{{ .Page.RelPermalink }}">{{ .Page.Title }}</a> ({{ .Count }})</li>'
        "{{ end }}</ul>{{ end }}\n"
    ),
    "index.html": (
        '{{ define "main" }}<h1>{{ .Site.Title }}</h1>{{ $p := .Paginate (where .Site.RegularPages '
        '"Section" "posts") }}{{ range $p.Pages }}<article><h2><a href="{{ .RelPermalink }}">'
        "{{ .Title }}</a></h2><p>{{ .Summary }}</p></article>{{ end }}{{ end }}\n"
    ),
}

META = re.compile(r"^(\w+):\s*(.*)$")
FILENAME_LINK = re.compile(r"\{filename\}/(posts|pages)/([\w.-]+)\.md")


def read_post(path: Path) -> tuple[dict[str, str], str]:
    header, body = path.read_text(encoding="utf-8").split("\n\n", 1)
    meta = {}
    for line in header.splitlines():
        found = META.match(line)
        if found:
            meta[found.group(1).lower()] = found.group(2)
    return meta, body


def yaml_list(value: str) -> str:
    return "[" + ", ".join(f'"{v.strip()}"' for v in value.split(",") if v.strip()) + "]"


def convert(site: Site, target: Path) -> None:
    """Write the Hugo project: config, layouts, posts, pages, images."""
    shutil.rmtree(target, ignore_errors=True)
    (target / "content" / "posts").mkdir(parents=True)
    (target / "config.toml").write_text(CONFIG, encoding="utf-8")
    for name, text in LAYOUTS.items():
        (target / "layouts" / name).parent.mkdir(parents=True, exist_ok=True)
        (target / "layouts" / name).write_text(text, encoding="utf-8")
    shutil.copytree(site.content / "images", target / "static" / "images")
    urls: dict[str, str] = {}
    posts = {p: read_post(p) for p in sorted((site.content / "posts").glob("*.md"))}
    for path, (meta, _) in posts.items():
        urls[f"posts/{path.stem}"] = f"/news/{meta['date'][:4]}/{meta['slug']}/"
    for path in sorted((site.content / "pages").glob("*.md")):
        urls[f"pages/{path.stem}"] = f"/{path.stem}/"
        meta, body = read_post(path)
        write_page(target / "content" / f"{path.stem}.md", meta, body, urls, url=f"/{path.stem}/")
    for path, (meta, body) in posts.items():
        write_page(target / "content" / "posts" / path.name, meta, body, urls)


def write_page(
    path: Path, meta: dict[str, str], body: str, urls: dict[str, str], url: str | None = None
) -> None:
    body = body.replace("{static}/", "/")
    body = FILENAME_LINK.sub(lambda m: urls.get(f"{m.group(1)}/{m.group(2)}", "/"), body)
    front = [f'title: "{meta.get("title", "").replace(chr(34), "")}"']
    if "date" in meta:
        front.append(f"date: {meta['date'].replace(' ', 'T')}:00Z")
    if "slug" in meta:
        front.append(f"slug: {meta['slug']}")
    if url:
        front.append(f"url: {url}")
    if "category" in meta:
        front.append(f"categories: {yaml_list(meta['category'])}")
    if "tags" in meta:
        front.append(f"tags: {yaml_list(meta['tags'])}")
    if "authors" in meta:
        front.append(f"authors: {yaml_list(meta['authors'])}")
    if "summary" in meta:
        front.append(f'summary: "{meta["summary"].replace(chr(34), "")}"')
    path.write_text("---\n" + "\n".join(front) + "\n---\n\n" + body, encoding="utf-8")


def bench(site: Site, rounds: int, plain_wall: float | None) -> dict[str, Any] | None:
    """Median Hugo build of the same posts; None when Hugo is not installed."""
    binary = shutil.which("hugo")
    if not binary:
        return None
    project = site.root / "hugo"
    convert(site, project)
    version = run("hugo-version", [binary, "version"], site.logs() / "hugo-version.log")
    runs = []
    for n in range(rounds):
        output = site.root / "output-hugo"
        shutil.rmtree(output, ignore_errors=True)
        cmd = [binary, "--quiet", "-s", str(project), "-d", str(output)]
        runs.append(run(f"hugo-{n}", cmd, site.logs() / f"hugo-{n}.log"))
    if any(r.returncode for r in runs):
        log.error("Hugo build failed: see %s", runs[-1].log)
    stats = summary(runs)
    pages = sum(1 for _ in (site.root / "output-hugo").rglob("*.html"))
    return {
        **stats,
        "version": Path(version.log).read_text(encoding="utf-8").strip(),
        "html_files": pages,
        "ratio_plain_over_hugo": ratio(plain_wall, stats["wall_median"]),
        "all": [r.as_dict() for r in runs],
    }
