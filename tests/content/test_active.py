"""Active HTML in posts: what nh3 keeps (links, emphasis, lists, Markdown's ids) and removes."""

from __future__ import annotations

import pytest

from handbill_content.active import (
    find_active_content,
    may_have_active_content,
    remove_active_content,
)

KEPT = (
    '<h2 id="what-next">What next</h2>\n<p><a href="{filename}/posts/x.md#top">a link</a>, '
    '<em>emphasis</em>, <strong>bold</strong>, <img alt="A rally" src="{static}/images/r.jpg">'
    '<sup id="fnref:1"><a class="footnote-ref" href="#fn:1">1</a></sup> '
    '<a href="mailto:hello@example.org">mail</a> <a href="webcal://example.org/c.ics">cal</a></p>'
    "\n<ul>\n<li>one</li>\n</ul>\n<blockquote><p>quoted</p></blockquote>"
)


def test_ordinary_markdown_html_is_kept_as_it_is() -> None:
    assert find_active_content(KEPT) == []
    assert remove_active_content(KEPT, "", "posts/x.md") == (KEPT, [])


@pytest.mark.parametrize(
    ("html", "what"),
    [
        ("<script>alert(1)</script>", "a <script> element"),
        ('<a href="/" onclick="steal()">x</a>', "an event handler (onclick=) on <a>"),
        ('<a href="javascript:alert(1)">x</a>', "a javascript: link on <a>"),
        ('<a href="JaVa\tScRiPt:alert(1)">x</a>', "a javascript: link on <a>"),
        ('<iframe src="https://www.youtube.com/embed/x"></iframe>', "an <iframe> element"),
        ('<p style="color: red">x</p>', "an inline style on <p>"),
        ('<object data="x.swf"></object>', "an <object> element"),
        ('<embed src="x.swf">', "an <embed> element"),
        ('<svg onload="alert(1)"></svg>', "a <svg> element"),
    ],
)
def test_active_content_is_found_and_removed(html: str, what: str) -> None:
    source = f"Title: x\n\nText.\n\n{html}\n"
    cleaned, problems = remove_active_content(f"<p>Text.</p>\n{html}", source, "posts/x.md", 3)
    assert what in [p.message for p in problems]
    assert {p.line for p in problems} == {5}
    assert all(p.level == "warning" for p in problems)
    assert not find_active_content(cleaned)
    assert "<p>Text.</p>" in cleaned
    assert "alert" not in cleaned and "style=" not in cleaned


def test_the_quick_look_passes_over_plain_posts() -> None:
    assert not may_have_active_content("Personal data: we keep none. See the <em>report</em>.")
    assert may_have_active_content("<IFRAME src=x>")
    assert may_have_active_content("[x](javascript:alert(1))")
