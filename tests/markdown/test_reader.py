"""handbill_markdown.reader: one Markdown instance per build gives Pelican's own output."""

from pathlib import Path

from pelican.readers import MarkdownReader, Readers
from pelican.settings import read_settings

from handbill_content.reader import HandbillMarkdownReader
from handbill_markdown.reader import ReusingMarkdownReader
from sitebuild import CONTENT, ROOT

# Footnotes, abbreviations, tables, a table of contents, definition lists, attributes and
# raw HTML: every extension that keeps something from one text to the next.
STATEFUL = """\
Title: Stateful {n}
Date: 2026-01-0{n}
Tags: one, two
Summary: A *formatted* summary with a footnote-like [^x] and "quotes" -- {n}.

# Heading
## Heading

Text with a footnote[^1] and an HTML abbreviation, "quoted" -- {n}.

*[HTML]: Hyper Text {n}
[^1]: Note {n}.

| a | b |
|---|---|
| {n} | x |

Term
: Definition {n}

Para {{: #id{n} .cls }}

<div markdown="1">*inside* {n}</div>
"""


def settings() -> dict:
    return read_settings(str(ROOT / "pelicanconf.py"))


def sources(tmp_path: Path) -> list[Path]:
    files = sorted((CONTENT / "posts").glob("*.md")) + sorted((CONTENT / "pages").glob("*.md"))
    for n in range(1, 4):
        extra = tmp_path / f"stateful-{n}.md"
        extra.write_text(STATEFUL.format(n=n), encoding="utf-8")
        files.append(extra)
    return files


def test_same_content_and_metadata_as_pelicans_reader(tmp_path: Path) -> None:
    """Read one after another, so anything one text left behind would show in the next."""
    files = sources(tmp_path)
    stock, reusing = MarkdownReader(settings()), ReusingMarkdownReader(settings())
    for path in files:
        assert reusing.read(str(path)) == stock.read(str(path)), path
    assert reusing.documents is not None and reusing.fields is not None


def test_the_plugin_makes_pelican_read_markdown_with_it() -> None:
    config = settings()
    assert "handbill_markdown" in config["PLUGINS"]
    from pelican import Pelican

    Pelican(config)  # registers the plugins' signal receivers
    readers = Readers(config)
    md = readers.readers["md"]
    assert isinstance(md, ReusingMarkdownReader)
    # handbill_content's checking reader stays in charge, converting through the reuse.
    assert isinstance(md, HandbillMarkdownReader)


def test_each_date_text_is_parsed_once_per_build(tmp_path: Path) -> None:
    reader = ReusingMarkdownReader(settings())
    first = reader.process_metadata("date", "2026-03-01 18:00")
    assert first == MarkdownReader(settings()).process_metadata("date", "2026-03-01 18:00")
    assert reader.process_metadata("date", "2026-03-01 18:00") is first
    assert reader.process_metadata("title", "A title") == "A title"


def test_bytes_already_read_are_taken_as_pelican_opens_the_file(tmp_path: Path) -> None:
    """handbill_content converts the bytes it has read instead of reading the file again:
    a byte-order mark, Windows and old Mac line ends, and non-ASCII text come out the same."""
    from pelican.utils import pelican_open

    from handbill_markdown.reader import as_pelican_reads

    raw = "\ufeffTitle: Café\r\nDate: 2026-01-01\r\n\r\nLine one\rline two\r\n\ufeff end\n"
    path = tmp_path / "post.md"
    path.write_bytes(raw.encode("utf-8"))
    with pelican_open(str(path)) as text:
        assert as_pelican_reads(path.read_bytes()) == text
    reader = ReusingMarkdownReader(settings())
    assert reader.convert(as_pelican_reads(path.read_bytes()), str(path)) == reader.read(str(path))
