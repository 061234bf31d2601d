"""Event descriptions: Markdown to HTML that is safe to publish, and plain text for calendars.

A description is Markdown, and Markdown lets raw HTML through. YAML is data, not a web
page, so whatever would run or embed (scripts, event handlers, `javascript:` links,
iframes, forms, inline styles the site's Content-Security-Policy blocks) is removed with
nh3 (the Rust sanitiser ammonia), and the volunteer is told what was removed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser

import markdown
import nh3

from handbill_markdown.inline import skip_untriggered

# What a description may keep: text structure, links, emphasis, lists, tables, images.
TAGS = frozenset(
    {
        "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "dd", "del", "div",
        "dl", "dt", "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i",
        "img", "ins", "kbd", "li", "mark", "ol", "p", "pre", "q", "s", "small", "span",
        "strong", "sub", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul",
    }
)  # fmt: skip
ATTRIBUTES = {
    "*": {"class", "id", "title", "lang", "dir"},
    "a": {"href", "rel"},
    "abbr": {"title"},
    "img": {"src", "alt", "width", "height"},
    "ol": {"start", "type"},
    "td": {"align", "colspan", "rowspan"},
    "th": {"align", "colspan", "rowspan", "scope"},
    "sup": {"id"},
    "li": {"id"},
}
URL_SCHEMES = frozenset({"http", "https", "mailto", "tel"})
TAG_RX = re.compile(r"<\s*/?\s*([A-Za-z][\w:-]*)")
ATTRIBUTE_RX = re.compile(r"""[\s"'/]([^\s"'<>/=]+)\s*=""")
URL_SCHEME_RX = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):")
SCHEME_RX = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*)\s*:")


MARKDOWN_PICTURE_RX = re.compile(r"!\[([^\]\n]*)\]\(\s*<?([^)\s>]*)")
HTML_PICTURE_RX = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
HTML_ALT_RX = re.compile(r"""\balt\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.IGNORECASE)
HTML_SRC_RX = re.compile(r"""\bsrc\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.IGNORECASE)


def pictures_in(text: str) -> list[tuple[str, str]]:
    """(address, alt text) of each picture in a description: people who cannot see a
    picture hear its alt text instead, so validation names a missing or one-word one."""
    if "![" not in text and "<" not in text:
        return []
    found = [(m[2], m[1]) for m in MARKDOWN_PICTURE_RX.finditer(text)]
    for tag in HTML_PICTURE_RX.findall(text):
        alt, src = HTML_ALT_RX.search(tag), HTML_SRC_RX.search(tag)
        words = next((g for g in alt.groups() if g is not None), "") if alt else ""
        found.append((next((g for g in src.groups() if g), "") if src else "", words))
    return found


def clean(html: str) -> tuple[str, tuple[str, ...]]:
    """The HTML to publish and what was removed from it (nothing: the HTML as given).

    nh3 also rewrites harmless markup (`<br />` → `<br>`, `&rsquo;` to the character), so the result
    is compared with nh3's rewriting under an allow-list of everything the HTML holds: when
    the two agree and Python's HTML parser finds nothing outside the allow-list either,
    nothing was removed and the Markdown's own HTML is published byte for byte.
    """
    if "<" not in html:
        return html, ()
    strict = nh3.clean(
        html, tags=set(TAGS), attributes=ATTRIBUTES, url_schemes=set(URL_SCHEMES), link_rel=None
    )
    if strict == html:  # the common case: Markdown's plain output comes back unchanged
        return html, ()
    everything = nh3.clean(
        html,
        tags={t.lower() for t in TAG_RX.findall(html)},
        clean_content_tags=set(),
        attributes={"*": {a.lower() for a in ATTRIBUTE_RX.findall(html)}},
        url_schemes={s.lower() for s in SCHEME_RX.findall(html)},
        link_rel=None,
    )
    found = _unsafe(html)
    if strict == everything and not found:
        return html, ()
    return strict, tuple(found) or ("markup that is not allowed",)


class _Unsafe(HTMLParser):
    """Names what the allow-list removes: tags, attributes and link schemes."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: dict[str, None] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in TAGS:
            self.found[f"<{tag}>"] = None
            return  # its attributes go with it
        allowed = ATTRIBUTES["*"] | ATTRIBUTES.get(tag, set())
        for name, value in attrs:
            if name not in allowed:
                self.found[f"{name}="] = None
            elif name in ("href", "src") and value:
                # Browsers drop tabs and newlines in a URL, and spaces before it.
                scheme = URL_SCHEME_RX.match(re.sub(r"[\t\n\r]", "", value).lstrip("\x00 "))
                if scheme and scheme[1].lower() not in URL_SCHEMES:
                    self.found[f"{scheme[1].lower()}: link"] = None


def _unsafe(html: str) -> list[str]:
    """What the allow-list would remove, found by Python's own HTML parser: a second
    opinion, so that nothing nh3 drops in both of its passes is published from the
    original."""
    parser = _Unsafe()
    parser.feed(html)
    parser.close()
    return list(parser.found)


# Markdown nests lists and quotes by recursion: hundreds of levels overflow Python's
# stack. No description needs more than a few; this many is refused before rendering.
MAX_DEPTH = 40
NESTING_RX = re.compile(r"[ \t]*(?:(?:[-*+>]|\d{1,9}[.)])(?:[ \t]+|$))+")


def nesting_depth(text: str) -> int:
    """An upper bound on how deep Markdown nests lists and quotes in `text`."""
    deepest = 0
    for line in text.splitlines():
        match = NESTING_RX.match(line)
        if match:
            marks = match.group().split()
            indent = len(line) - len(line.lstrip(" \t"))
            deepest = max(deepest, len(marks) + indent // 2)
    return deepest


def new_markdown(md_settings: dict | None) -> markdown.Markdown:
    """A converter for Pelican's MARKDOWN setting; make one per build and reuse it. Its
    inline pass passes over plain text, as the posts' does (handbill_markdown.inline)."""
    cfg = md_settings or {}
    configs = cfg.get("extension_configs", {})
    md = markdown.Markdown(
        extensions=list(configs),
        extension_configs=configs,
        output_format=cfg.get("output_format", "html"),
    )
    skip_untriggered(md)
    return md


def render_markdown(text: str, md: markdown.Markdown | dict | None) -> str:
    """Markdown to HTML; `md` is a converter from new_markdown() or its settings."""
    if not isinstance(md, markdown.Markdown):
        md = new_markdown(md)
    return md.reset().convert(text)


@dataclass(frozen=True)
class Rendered:
    """A description as published: HTML, and what sanitising removed (for the warning)."""

    html: str
    removed: tuple[str, ...] = ()


def render(text: str, md: markdown.Markdown | dict | None) -> Rendered:
    """Markdown to sanitised HTML."""
    html, removed = clean(render_markdown(text, md))
    return Rendered(html, removed)


class _TextExtractor(HTMLParser):
    """HTML to plain text for calendars: keeps paragraphs, bullets and link targets."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.href: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "li":
            self.parts.append("\n- ")
        elif tag in ("p", "br", "ul", "ol", "h1", "h2", "h3", "h4"):
            self.parts.append("\n")
        elif tag == "a":
            self.href = dict(attrs).get("href")

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self.href:
            self.parts.append(f" ({self.href})")
            self.href = None
        elif tag in ("p", "ul", "ol"):
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def plain_text(html: str) -> str:
    parser = _TextExtractor()
    parser.feed(html)
    lines = [line.strip() for line in "".join(parser.parts).splitlines()]
    text = "\n".join(lines)
    while "\n\n\n" in text:
        text = text.replace("\n\n\n", "\n\n")
    return text.strip()
