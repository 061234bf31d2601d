"""Markdown's main inline pass, passing over text that no inline pattern can match.

Markdown tries each of its inline patterns (15 with `extra`: code, escapes, links, images,
raw HTML, entities, emphasis...) on every piece of text in a post, one Python call per
pattern, although most paragraphs of a campaign's news are plain words. Every one of those
patterns matches only text that holds a certain character (a backtick, a backslash, `[`,
`<`, `&`, `*`, `_`) or a line break's two spaces: text with none of them comes out of the
pass exactly as it went in, so it is passed over. Text with any of them goes through
Markdown's own pass, untouched.

Which character each pattern needs is known only for the regular expressions listed in
REQUIRED, copied from Markdown as it is installed (`tests/markdown/test_inline.py` checks
them): a pattern this table does not know (another extension's, or one a Markdown release
changed) turns the speed-up off for that Markdown instance, and every text goes through
the stock pass (same HTML, slower). Like handbill_markdown.smarty, this overrides
InlineProcessor's private `__handleInline` (docs/architecture.md, "Private names we rely
on"); if Markdown changes it, the stock pass stays.
"""

from __future__ import annotations

import logging

from markdown import Markdown
from markdown.treeprocessors import InlineProcessor

from .smarty import markdown_mismatch

log = logging.getLogger(__name__)

# Markdown's inline patterns (3.11, core and `extra`), each with the texts one of which every
# match contains. Keyed by the pattern's regular expression, which alone decides whether a
# text matches (InlineProcessor calls handleMatch only on a match of it).
REQUIRED: dict[str, tuple[str, ...]] = {
    r"(?:(?<!\\)((?:\\{2})+)(?=`+)|(?<!\\)`)": ("`",),  # backtick (code)
    r"\\(.)": ("\\",),  # escape
    r"\[\^([^\]]*)\]": ("[",),  # footnote reference (extra)
    r"(?<!\!)\[": ("[",),  # reference, link, short_reference
    r"\!\[": ("[",),  # image_link, image_reference, short_image_ref
    r"<([A-Za-z][A-Za-z0-9+.-]*://[^<>]*)>": ("<",),  # autolink
    r"<([^<> !]+@[^@<> ]+)>": ("<",),  # automail
    r"  \n": ("  \n",),  # linebreak
    (  # html
        r"""(<(\/?+[a-zA-Z][^\s"'<>@]*+(?:\s+[^\s"'=<>]++(?:\s*+=\s*+(?:"[^"]*+"|'[^']*+'"""
        r"""|[^\s"'=<>]++))?+)*+\s*+/?|!--(?:(?!<!--|-->).)*--|[?](?:(?!<[?]|[?]>).)*[?]"""
        r"""|!\[CDATA\[(?:(?!<!\[CDATA\[|\]\]>).)*\]\])>)"""
    ): ("<",),
    r"(&(?:\#[0-9]+|\#x[0-9a-fA-F]+|[a-zA-Z0-9]+);)": ("&",),  # entity
    r"\*|_": ("*", "_"),  # em_strong (emphasis, strong)
}


def triggers(md: Markdown) -> tuple[str, ...] | None:
    """What, in any text an inline pattern of `md` can match, that pattern needs (one of
    these texts is in it); None if a pattern is not in REQUIRED."""
    needed: set[str] = set()
    for pattern in md.inlinePatterns:
        found = REQUIRED.get(pattern.getCompiledRegExp().pattern)
        if found is None:
            return None
        needed.update(found)
    return tuple(sorted(needed))


class SkipUntriggered(InlineProcessor):
    """Markdown's inline pass, which leaves text no pattern can match as it is."""

    def __init__(self, md: Markdown, needed: tuple[str, ...]) -> None:
        super().__init__(md)
        self.needed = needed

    # Overrides InlineProcessor.__handleInline (a private name, hence the mangled spelling),
    # which InlineProcessor.run calls for each text and tail, and for the text of what a
    # pattern made. Returning the text unchanged is what the stock method does when no
    # pattern matches.
    # Eight `in` tests are several times quicker than one regular expression of them.
    def _InlineProcessor__handleInline(self, data: str, patternIndex: int = 0) -> str:
        for text in self.needed:
            if text in data:
                return super()._InlineProcessor__handleInline(data, patternIndex)
        return data


def skip_untriggered(md: Markdown) -> bool:
    """Put SkipUntriggered in place of `md`'s stock inline pass, where that is safe: the pass
    is Markdown's own, every pattern is in REQUIRED and the private method is as expected.
    Says whether it did; otherwise `md` is left as it was."""
    if "inline" not in md.treeprocessors or markdown_mismatch() is not None:
        return False
    stock = md.treeprocessors["inline"]
    needed = triggers(md)
    if type(stock) is not InlineProcessor or needed is None:
        log.debug("handbill_markdown.inline: an inline pattern it does not know; stock pass")
        return False
    # Markdown registers its own pass (this exact class) as "inline" at priority 20
    # (markdown.treeprocessors.build_treeprocessors): the same place, between the
    # footnotes' first pass and the others.
    md.treeprocessors.register(SkipUntriggered(md, needed), "inline", 20)
    return True
