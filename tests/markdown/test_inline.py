"""handbill_markdown.inline gives exactly the HTML of Markdown's own inline pass, for less."""

import random
import re

import markdown
import pytest
from markdown.treeprocessors import InlineProcessor
from pelican.settings import read_settings

from handbill_markdown.inline import REQUIRED, SkipUntriggered, skip_untriggered, triggers
from handbill_markdown.reader import ReusingMarkdownReader
from sitebuild import ROOT

from .test_smarty import TRICKY, demo_texts

# Texts that hold a trigger in the middle of words, at the edges, and next to placeholders.
EDGES = """\
Plain words only, no triggers: (brackets) {braces} "quotes" -- dashes... 'single' #hash.
A `code` span and a back\\slash and an [open bracket and a <angle and an &amp; and a *star.
snake_case_name and 2*3 and [link](https://example.org/) and ![img](/i.png) and <b>b</b>.
Line with a break\x20\x20
next line, &copy; and &#169; and <https://example.org/> and <me@example.org>.
"""


def site_markdown(**overrides: object) -> markdown.Markdown:
    settings = read_settings(str(ROOT / "pelicanconf.py"))
    return markdown.Markdown(**{**settings["MARKDOWN"], **overrides})


def texts() -> list[str]:
    return [TRICKY, *TRICKY.splitlines(), EDGES, *EDGES.splitlines(), *demo_texts()]


def test_every_inline_pattern_of_the_sites_markdown_is_known() -> None:
    """Fails loudly on the Markdown release that changes an inline pattern: the speed-up
    then turns itself off (same HTML, slower) until REQUIRED is brought up to date."""
    md = site_markdown()
    unknown = [
        p.getCompiledRegExp().pattern
        for p in md.inlinePatterns
        if p.getCompiledRegExp().pattern not in REQUIRED
    ]
    assert unknown == [], f"Markdown {markdown.__version__}: update REQUIRED in inline.py"
    assert skip_untriggered(md)
    assert type(md.treeprocessors["inline"]) is SkipUntriggered


@pytest.mark.parametrize("regex", sorted(REQUIRED))
def test_no_pattern_matches_text_without_what_it_needs(regex: str) -> None:
    """Random text of every other character (placeholders' STX/ETX, newlines, quotes...)
    never matches; a text with what it needs can."""
    needed = REQUIRED[regex]
    compiled = re.compile(regex, re.DOTALL | re.UNICODE)
    alphabet = [chr(c) for c in range(1, 0x250)] + ["\n", "  \n", "\x02", "\x03"]
    allowed = [c for c in alphabet if not any(n in c or c in n for n in needed)]
    chooser = random.Random(regex)
    for _ in range(3000):
        text = "".join(chooser.choices(allowed, k=chooser.randint(1, 40)))
        assert not compiled.search(text), (regex, text)
    examples = {
        "`": "a `b` c",
        "\\": "a \\* b",
        "[": "[^1] [a](b) [a][b] [a] ![i](j)",
        "<": "<https://x.org/> <a@b.org> <b>x</b>",
        "&": "&amp;",
        "*": "*a*",
        "_": "_a_",
        "  \n": "a  \nb",
    }
    assert any(compiled.search(examples[n]) for n in needed), regex


def test_same_html_as_markdowns_own_inline_pass() -> None:
    stock, fast = site_markdown(), site_markdown()
    assert skip_untriggered(fast)
    for text in texts():
        stock.reset()
        fast.reset()
        assert fast.convert(text) == stock.convert(text), text


def test_text_without_triggers_is_passed_over(monkeypatch: pytest.MonkeyPatch) -> None:
    stock = InlineProcessor._InlineProcessor__handleInline
    seen: list[str] = []

    def counting(self: InlineProcessor, data: str, patternIndex: int = 0) -> str:
        if type(self) is SkipUntriggered:
            seen.append(str(data))
        return stock(self, data, patternIndex)

    monkeypatch.setattr(InlineProcessor, "_InlineProcessor__handleInline", counting)
    md = site_markdown()
    assert skip_untriggered(md)
    md.convert('Plain words only.\n\nSome *more* words.\n\nIt\'s "quoted" -- plain.')
    assert seen == ["Some *more* words."]


def test_an_unknown_pattern_keeps_the_stock_pass() -> None:
    md = site_markdown()
    md.inlinePatterns.register(
        markdown.inlinepatterns.SimpleTextInlineProcessor(r"(~~)"), "tilde", 5
    )
    assert triggers(md) is None
    assert not skip_untriggered(md)
    assert type(md.treeprocessors["inline"]) is InlineProcessor
    assert md.convert("a ~~ b") == "<p>a ~~ b</p>"


def test_the_reader_uses_it_for_documents_and_fields(tmp_path) -> None:
    post = tmp_path / "post.md"
    post.write_text("Title: T\nSummary: A *summary*.\n\nSome *text*.\n", encoding="utf-8")
    reader = ReusingMarkdownReader(read_settings(str(ROOT / "pelicanconf.py")))
    content, metadata = reader.read(str(post))
    assert content == "<p>Some <em>text</em>.</p>"
    assert metadata["summary"] == "<p>A <em>summary</em>.</p>"
    for md in (reader.documents, reader.fields):
        assert type(md.treeprocessors["inline"]) is SkipUntriggered
