"""Active content in posts and pages (scripts, event handlers, `javascript:` links, frames,
inline styles the site's Content-Security-Policy forbids), found and removed with nh3.

Most posts have none: a quick look at the source text (`may_have_active_content`) decides
whether the converted HTML is parsed at all, so a post without any `<`, `on…=` or
`javascript:` costs one regular-expression search.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from html.parser import HTMLParser

import nh3

from handbill_config.problems import WARNING, Problem

# Elements that run code, load other sites, or change the page around them.
ACTIVE_TAGS = frozenset(
    {
        *("script", "style", "iframe", "frame", "frameset", "object", "embed", "applet"),
        *("base", "meta", "link", "form", "input", "button", "textarea", "select", "svg"),
        *("math", "noscript", "template", "portal"),
    }
)
URL_ATTRIBUTES = frozenset(
    ("href", "src", "action", "formaction", "poster", "background", "cite", "data")
)
SAFE_SCHEMES = frozenset({"http", "https", "mailto", "tel", "webcal"})
SCHEME = re.compile(r"^\s*([a-zA-Z][a-zA-Z0-9+.-]*):")
# Anything that might become active content, in Markdown source or in HTML: a superset,
# looked for in the lower-cased text. Each pattern starts with a literal, so the search skips
# straight to the few `<`, `=` and `:` of a post instead of trying at every character.
SUSPECT_TAG = re.compile(r"<\s*/?\s*(?:" + "|".join(sorted(ACTIVE_TAGS)) + r")\b")
SUSPECT_ATTRIBUTE = re.compile(r"(?:\bon[a-z]{3,}|\bstyle)\s*$")
SUSPECT_SCHEME = re.compile(r"(?:script|data):\S")
HINT = (
    "it was removed: the site's security policy blocks it, and the rest of the page is "
    "published (to allow an embed, see 'allow_raw_html' in docs/volunteers.md)"
)


@dataclass(frozen=True)
class Finding:
    what: str  # for the volunteer: "a <script> element"
    needle: str  # text to look for in the source, to name its line


class ActiveContentFinder(HTMLParser):
    """Lists each active element, event handler, inline style and unsafe link of a page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[Finding] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ACTIVE_TAGS:
            article = "an" if tag[0] in "aeiou" else "a"
            self.found.append(Finding(f"{article} <{tag}> element", f"<{tag}"))
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(Finding(f"an event handler ({name}=) on <{tag}>", f"{name}="))
            elif name == "style":
                self.found.append(Finding(f"an inline style on <{tag}>", "style="))
            elif name in URL_ATTRIBUTES and value and (scheme := _unsafe_scheme(value)):
                self.found.append(Finding(f"a {scheme}: link on <{tag}>", f"{scheme}:"))

    handle_startendtag = handle_starttag


def _unsafe_scheme(value: str) -> str:
    """The link's scheme when it is not a safe one ("javascript"), else ""."""
    # Browsers ignore tabs and newlines inside a scheme: "java\tscript:" still runs.
    found = SCHEME.match(re.sub(r"[\t\n\r]", "", value))
    scheme = found[1].lower() if found else ""
    return "" if scheme in SAFE_SCHEMES else scheme


def may_have_active_content(text: str) -> bool:
    """Whether `text` (a post's source) could hold active content: cheap, and never wrong
    the other way round (what it passes over has none)."""
    lowered = text.lower()
    if "<" in lowered and SUSPECT_TAG.search(lowered):
        return True
    if ("script:" in lowered or "data:" in lowered) and SUSPECT_SCHEME.search(lowered):
        return True
    equals = lowered.find("=")
    while equals != -1:
        if SUSPECT_ATTRIBUTE.search(lowered, max(0, equals - 40), equals):
            return True
        equals = lowered.find("=", equals + 1)
    return False


@cache
def cleaner() -> nh3.Cleaner:
    """nh3's allow-list, plus the ids and classes Markdown's extensions write (headings'
    anchors, footnotes, tables of contents); links keep their own rel, nothing is added."""
    attributes = {tag: set(names) for tag, names in nh3.ALLOWED_ATTRIBUTES.items()}
    attributes["*"] = {"id", "class", "lang", "title", "dir"}
    attributes["a"] = attributes.get("a", set()) | {"rel", "title"}
    attributes["img"] = attributes.get("img", set()) | {"loading", "title"}
    return nh3.Cleaner(
        tags=nh3.ALLOWED_TAGS | {"section", "picture", "source", "video", "audio", "track"},
        clean_content_tags={"script", "style"},
        attributes=attributes,
        link_rel=None,
        url_schemes=set(SAFE_SCHEMES),
    )


def find_active_content(html: str) -> list[Finding]:
    finder = ActiveContentFinder()
    finder.feed(html)
    finder.close()
    return finder.found


def remove_active_content(
    html: str, source: str, path: str, body_line: int = 1
) -> tuple[str, list[Problem]]:
    """The page without its active content, and a warning for each thing removed.

    `source` is the file's text, to name the line each thing came from (looked for from
    `body_line`, where the text after the details starts).
    """
    found = find_active_content(html)
    if not found:
        return html, []
    # Compared without tabs: "java\tscript:" is found as "javascript:".
    lines = source.lower().replace("\t", "").split("\n")
    problems = []
    after = body_line - 1
    for finding in found:
        line = _line_of(lines, finding.needle.lower(), after)
        after = line - 1 if line else after
        problems.append(Problem(path, line or 1, "html", f"{finding.what}", HINT, WARNING))
    return cleaner().clean(html), problems


def _line_of(lines: list[str], needle: str, start: int) -> int:
    """The first line from `start` (0-based) holding `needle`, else from the top; 0 if none."""
    for number in (*range(start, len(lines)), *range(start)):
        if needle in lines[number]:
            return number + 1
    return 0
