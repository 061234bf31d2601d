"""handbill_markdown.smarty gives exactly the HTML of Markdown's stock smarty, for less work."""

import logging
from pathlib import Path

import markdown
import pytest
from markdown.treeprocessors import InlineProcessor

from handbill_markdown.smarty import PRIVATE, SkipPlainText, markdown_mismatch
from sitebuild import CONTENT

STOCK = "markdown.extensions.smarty"
FAST = "handbill_markdown.smarty"

# Each line is converted on its own and all together: quotes at the start, in sets, around
# emphasis, links, code and raw HTML, decades, dashes and ellipses next to each other.
TRICKY = """\
"Quoted" and 'single' and don't and the '80s and rock 'n' roll.
'"Nested"' and "'nested'" and "He said, 'hi.'" and '.'
"*emphasis*" and "[a link](https://example.org/ 'title')" and "**bold**".
An en--dash, an em---dash, four----dashes, dots... and more.... and .. two.
`"code" -- ... 'not educated'` and <span title="x -- 'y'">"raw" -- html</span>.
&nbsp;"after nbsp" and &ndash;"after entity" and --"after dashes" and —"after unicode".
Escaped \\"quotes\\" and \\'single\\' and <<angled>> quotes.
Sixty-three people came: "We're not here to make speeches."
1. "List" item -- one
2. 'List' item... two

> "Quote" -- someone

    "indented code" -- stays ... 'as is'

| "a" | 'b' |
|-----|-----|
| c -- d | e... |

Term "one"
: Definition 'two' -- three

Footnote "ref"[^1].

[^1]: The "note" -- with 'quotes'...

## A "heading" -- with 'quotes'

*[HTML]: Hyper "Text"
HTML <abbr>"x"</abbr>
"""


def demo_texts() -> list[str]:
    files = sorted((CONTENT / "posts").glob("*.md")) + sorted((CONTENT / "pages").glob("*.md"))
    return [path.read_text(encoding="utf-8").split("\n\n", 1)[1] for path in files]


def convert(smarty: str, text: str, **options: object) -> str:
    extensions = {"markdown.extensions.extra": {}, smarty: options, "markdown.extensions.toc": {}}
    md = markdown.Markdown(
        extensions=list(extensions), extension_configs=extensions, output_format="html"
    )
    return md.convert(text)


@pytest.mark.parametrize("options", [{}, {"smart_angled_quotes": True}])
def test_same_html_as_stock_smarty(options: dict[str, object]) -> None:
    texts = [TRICKY, *TRICKY.splitlines(), *demo_texts()]
    for text in texts:
        assert convert(FAST, text, **options) == convert(STOCK, text, **options), text


def test_educates_as_readers_expect() -> None:
    html = convert(FAST, '"Don\'t" -- wait... `\'code\'` <a title="x -- y">x</a>')
    assert html == (
        "<p>&ldquo;Don&rsquo;t&rdquo; &ndash; wait&hellip; <code>'code'</code> "
        '<a title="x -- y">x</a></p>'
    )


def test_runs_where_stock_smarty_runs() -> None:
    extensions = ["markdown.extensions.extra", "markdown.extensions.toc"]
    fast, stock = (markdown.Markdown(extensions=[*extensions, smarty]) for smarty in (FAST, STOCK))
    at = stock.treeprocessors.get_index_for_name("smarty")
    assert fast.treeprocessors.get_index_for_name("smarty") == at
    assert type(fast.treeprocessors[at]) is SkipPlainText
    patterns = [list(md.treeprocessors[at].inlinePatterns) for md in (fast, stock)]
    assert [type(p) for p in patterns[0]] == [type(p) for p in patterns[1]] != []
    kinds = [[type(p) for p in md.treeprocessors] for md in (fast, stock)]
    assert kinds[0][:at] + kinds[0][at + 1 :] == kinds[1][:at] + kinds[1][at + 1 :]


def test_text_without_quotes_dashes_or_dots_is_passed_over(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The speed-up overrides a private method of Markdown's InlineProcessor; if Markdown
    # renamed it, the output would stay right but every text would go through stock smarty.
    assert "_InlineProcessor__handleInline" in vars(InlineProcessor)
    stock = InlineProcessor._InlineProcessor__handleInline
    seen: list[str] = []

    def counting(self: InlineProcessor, data: str, patternIndex: int = 0) -> str:
        if isinstance(self, SkipPlainText):
            seen.append(str(data))
        return stock(self, data, patternIndex)

    monkeypatch.setattr(InlineProcessor, "_InlineProcessor__handleInline", counting)
    convert(FAST, 'Plain words only.\n\nSome *more* words.\n\nIt\'s "quoted".')
    assert seen == ['It\'s "quoted".']


def test_markdown_still_has_the_private_method_smarty_overrides() -> None:
    """The one reach-in of handbill_markdown (docs/architecture.md): fails loudly on the
    Markdown release that renames or changes InlineProcessor.__handleInline."""
    assert markdown_mismatch() is None, (
        f"Markdown {markdown.__version__}: {markdown_mismatch()}. handbill_markdown.smarty "
        "falls back to stock smarty (same HTML, slower): update plugins/handbill_markdown"
    )


def test_a_changed_markdown_falls_back_to_stock_smarty(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def renamed(self: InlineProcessor, data: str, pattern_index: int = 0) -> str:
        return data

    monkeypatch.setattr(InlineProcessor, PRIVATE, renamed)
    markdown_mismatch.cache_clear()
    try:
        with caplog.at_level(logging.WARNING):
            assert convert(FAST, TRICKY) == convert(STOCK, TRICKY)
    finally:
        markdown_mismatch.cache_clear()
    assert "using stock smarty" in caplog.text


def test_the_site_uses_it() -> None:
    source = Path(__file__).parents[2] / "pelicanconf.py"
    assert f'"{FAST}"' in source.read_text(encoding="utf-8")
