"""The faulty-content corpus: each file's exact messages, no traceback, the publish refused,
and the preview still writing every other page.

The demo site plus every corpus file (and the faulty event files of tests/events/broken) is
built twice: once as `make publish` does (the pelican command, in a new process), once as
the preview does. The messages of different files do not touch each other (each faulty
post has its own slug, and its own misspelling), so two builds stand for one per file;
`test_alone_*` publish a few files on their own to show that each one alone fails (or, for
warnings, passes) the publish.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import pytest
from pelican.settings import read_settings

from handbill_content.check import check_file
from handbill_content.reader import READ_EXTENSIONS, TEXT_EXTENSIONS, is_markdown_text
from sitebuild import CONTENT, ROOT, build_site

HERE = Path(__file__).parent
CORPUS = HERE / "corpus"
EXPECTED_FILE = HERE / "expected-messages.txt"
BROKEN_EVENTS = ROOT / "tests" / "events" / "broken"
# A line of Pelican's log: "[12:00:00] ERROR    posts/x.md:2: Date: … — …    problems.py:33"
LOG_LINE = re.compile(r"^(?:\[[\d:]+\])?\s+(ERROR|WARNING|CRITICAL)\s+(.*?)\s+[\w.]+\.py:\d+\s*$")
# Messages that need the whole site, so the one-file entry point cannot give them.
SITE_WIDE = (
    "gives the same address",
    "would replace the site's own",
    "gives the address /",
    "is used by no other post",
    "leads to no file in the site",
    "is in the future",
    "is a second copy of",
    "is not a template of the theme",
)


@dataclass(frozen=True)
class Expected:
    by_file: dict[str, list[tuple[str, str]]]  # corpus file -> (level, full message)

    @classmethod
    def read(cls) -> Expected:
        by_file: dict[str, list[tuple[str, str]]] = defaultdict(list)
        for line in EXPECTED_FILE.read_text(encoding="utf-8").splitlines():
            if not line or line.startswith("#"):
                continue
            level, rest = line.split(" ", 1)
            if level == "OK":
                by_file[rest] = []
                continue
            path = re.match(r"^(.*?):\d+: ", rest)
            assert path, f"no file:line in {line!r}"
            by_file[path[1]].append((level, rest))
        return cls(dict(by_file))


EXPECTED = Expected.read()


def corpus_files() -> list[str]:
    return sorted(str(p.relative_to(CORPUS)) for p in CORPUS.rglob("*") if p.is_file())


def site_with(tmp: Path, files: list[str], events: bool = False) -> Path:
    """The demo content plus the given corpus files (and the faulty event files)."""
    content = tmp / "content"
    shutil.copytree(CONTENT, content)
    for rel in files:
        (content / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(CORPUS / rel, content / rel)
    if events:
        for event in BROKEN_EVENTS.iterdir():
            shutil.copy2(event, content / "events" / event.name)
    return content


@dataclass(frozen=True)
class Publish:
    returncode: int
    output: str
    messages: list[tuple[str, str]]  # (level, message) of every ERROR/WARNING/CRITICAL line


def publish(content: Path, output: Path) -> Publish:
    """`make publish`: the pelican command with publishconf.py, in a new process."""
    pelican = Path(sys.executable).parent / "pelican"
    command = [str(pelican), str(content), "-o", str(output), "-s", str(ROOT / "publishconf.py")]
    done = subprocess.run(
        command,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        env={"COLUMNS": "4000", "PATH": "/usr/bin:/bin"},
    )
    text = done.stdout + done.stderr
    messages = [m.groups() for m in map(LOG_LINE.match, text.splitlines()) if m]
    return Publish(done.returncode, text, messages)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def corpus_publish(tmp_path_factory: pytest.TempPathFactory) -> Publish:
    tmp = tmp_path_factory.mktemp("corpus-publish")
    return publish(site_with(tmp, corpus_files(), events=True), tmp / "output")


@pytest.fixture(scope="module")
def corpus_preview(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("corpus-preview")
    content = site_with(tmp, corpus_files(), events=True)
    return build_site(tmp / "output", PATH=str(content))


def test_every_corpus_file_has_its_expected_messages_listed() -> None:
    assert sorted(EXPECTED.by_file) == corpus_files()
    assert len(corpus_files()) >= 60


def test_the_publish_fails_without_a_traceback(corpus_publish: Publish) -> None:
    assert corpus_publish.returncode == 1, corpus_publish.output[-3000:]
    assert "Traceback" not in corpus_publish.output
    assert ("CRITICAL", "The site was not published: fix the") in [
        (level, text[:35]) for level, text in corpus_publish.messages
    ]


@pytest.mark.parametrize("rel", sorted(EXPECTED.by_file))
def test_each_file_gives_exactly_its_messages(corpus_publish: Publish, rel: str) -> None:
    logged = [
        (level, text) for level, text in corpus_publish.messages if text.startswith(rel + ":")
    ]
    assert sorted(logged) == sorted(EXPECTED.by_file[rel])


def read_as_markdown(rel: str) -> bool:
    """Posts and pages Handbill's reader reads: .md in any usual spelling, and .md.txt."""
    ext = Path(rel).suffix[1:]
    read = ext in READ_EXTENSIONS or (ext in TEXT_EXTENSIONS and is_markdown_text(rel))
    return rel.startswith(("posts/", "pages/")) and read


@pytest.mark.parametrize("rel", [r for r in EXPECTED.by_file if read_as_markdown(r)])
def test_one_file_entry_point_gives_the_file_s_own_messages(rel: str, tmp_path: Path) -> None:
    # The same messages without a build, except those that need the other files.
    content = tmp_path / "content"
    (content / rel).parent.mkdir(parents=True)
    shutil.copy2(CORPUS / rel, content / rel)
    settings = read_settings(str(ROOT / "pelicanconf.py"), override={"PATH": str(content)})
    found = sorted(str(p) for p in check_file(content / rel, settings))
    own = [text for _level, text in EXPECTED.by_file[rel] if not any(s in text for s in SITE_WIDE)]
    assert found == sorted(own)


def test_nothing_else_is_reported(corpus_publish: Publish) -> None:
    # Every message is one the table expects, or one of the faulty event files' own.
    expected = {m for messages in EXPECTED.by_file.values() for m in messages}
    events = {f"events/{p.name}:" for p in BROKEN_EVENTS.iterdir()}
    unexpected = [
        m
        for m in corpus_publish.messages
        if m[0] != "CRITICAL" and m not in expected and not m[1].startswith(tuple(events))
    ]
    assert not unexpected


@pytest.mark.parametrize("event", sorted(p.name for p in BROKEN_EVENTS.iterdir()))
def test_each_faulty_event_file_is_named_with_its_line(corpus_publish: Publish, event: str) -> None:
    pattern = re.compile(rf"^events/{re.escape(event)}:\d+: \S.* — \S")
    assert any(level == "ERROR" and pattern.match(text) for level, text in corpus_publish.messages)


def test_the_preview_still_writes_everything_else(corpus_preview: Path, dev_site: Path) -> None:
    # Every page of the demo's own preview is still written: posts, pages, events, lists.
    demo = {str(p.relative_to(dev_site)) for p in dev_site.rglob("*") if p.is_file()}
    written = {str(p.relative_to(corpus_preview)) for p in corpus_preview.rglob("*") if p.is_file()}
    assert demo - written == set()
    assert sum(1 for p in demo if p.startswith("events/")) > 10


@pytest.mark.parametrize(
    ("page", "shown"),
    [
        ("news/2025/corpus-upper-case/index.html", True),  # post.MD is read
        ("news/2025/corpus-long-name/index.html", True),  # post.Markdown is read
        ("news/2025/corpus-hidden-extension/index.html", True),  # post.md.txt is read
        ("news/2025/corpus-category-list/index.html", True),  # shown, filed under News
        ("news/2025/corpus-category-plural/index.html", True),  # Categories: read as Category:
        ("news/category/news-campaigns/index.html", False),  # no category "News, Campaigns"
        ("news/2062/corpus-future/index.html", False),  # held back until its date
        ("news/2025/corpus-status-typo/index.html", False),  # a status typo is a draft
        ("news/2026/scrutiny-committee/index.html", True),  # the original of two copies
        ("about/index.html", True),
        ("events/index.html", True),  # the events list, not the page that took its address
    ],
)
def test_what_the_preview_shows(corpus_preview: Path, page: str, shown: bool) -> None:
    assert (corpus_preview / page).is_file() == shown


def test_the_original_keeps_its_address(corpus_preview: Path) -> None:
    html = (corpus_preview / "news/2026/scrutiny-committee/index.html").read_text()
    assert "Councillors question the A&amp;E plan</" in html
    assert "plan again" not in html
    assert "About us (copy)" not in (corpus_preview / "about/index.html").read_text()


@pytest.mark.parametrize(
    "rel",
    [
        "posts/bad-date-month.md",
        "posts/bad-utf8.md",
        "posts/copy-of-scrutiny.md",
        "posts/link-missing-post.md",
        "posts/odd-case.mD",
        "pages/events.md",
        "images/phone-photo.HEIC",
        "posts/image-no-alt.md",  # a picture without a description
        "posts/old-post.html",  # Pelican would have published its <script> as it is
    ],
)
def test_alone_an_error_fails_the_publish(rel: str, tmp_path: Path) -> None:
    done = publish(site_with(tmp_path, [rel]), tmp_path / "output")
    assert done.returncode == 1
    assert "Traceback" not in done.output
    assert EXPECTED.by_file[rel][0] in done.messages


def test_alone_warnings_and_notices_publish(tmp_path: Path) -> None:
    # Removed HTML, a held-back post, a .md.txt name: said, and the site is published.
    quiet = [
        rel
        for rel, messages in EXPECTED.by_file.items()
        if messages and all(level == "WARNING" for level, _ in messages)
    ]
    assert len(quiet) >= 12
    done = publish(site_with(tmp_path, quiet), tmp_path / "output")
    assert done.returncode == 0, done.output[-3000:]
    for rel in quiet:
        for message in EXPECTED.by_file[rel]:
            assert message in done.messages
    script = (tmp_path / "output/news/2025/corpus-html-script/index.html").read_text()
    assert "<script>alert" not in script and "After it." in script


# --- The figures of issue 11, each pinned by name ------------------------------------------
def test_bad_date_and_invalid_utf8_no_longer_say_only_could_not_process(
    corpus_publish: Publish,
) -> None:
    assert "Could not process" not in corpus_publish.output
    for rel in ("posts/bad-date-month.md", "posts/bad-utf8.md"):
        assert [level for level, _ in EXPECTED.by_file[rel]] == ["ERROR"]


def test_duplicate_slug_is_no_longer_a_traceback(corpus_publish: Publish) -> None:
    assert "FileOverwriteFailedError" not in corpus_publish.output
    assert "Traceback" not in corpus_publish.output


def test_future_dated_post_no_longer_heads_the_home_page(corpus_preview: Path) -> None:
    home = (corpus_preview / "index.html").read_text(encoding="utf-8")
    assert "Corpus future" not in home
    assert not (corpus_preview / "news/2062").exists()


def test_a_list_of_categories_no_longer_makes_a_category(corpus_preview: Path) -> None:
    categories = {p.name for p in (corpus_preview / "news/category").iterdir()}
    assert "news-campaigns" not in categories and "news" in categories
