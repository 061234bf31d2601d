"""The feed rules the W3C Feed Validation Service enforces, written down from its documented
behaviour and RFCs (not its code) so that tests can pin them on the built feeds without it
(the validator cannot be installed in CI; measure with it by hand, see docs/operators.md).

Each function returns a list of problems, "" when none, so one failing test lists them all.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

import feedparser
import html5lib
from html5lib.html5parser import ParseError

ATOM = "{http://www.w3.org/2005/Atom}"
FEED_ROOTS = {f"{ATOM}feed", "rss"}

# RFC 3987 absolute IRI, simplified to what a feed id may hold: a scheme, then unreserved
# characters (ASCII and Unicode), percent-escapes, sub-delims, ":", "@", "/", "?" and "#";
# no spaces, no "<>\"{}|\\^`".
IRI = re.compile(
    r"[A-Za-z][A-Za-z0-9+.-]*:"
    r"(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/?#\u00a0-\ud7ff\uf900-\ufdcf\ufdf0-\uffef]|%[0-9A-Fa-f]{2})+"
)
# RFC 4151: tag:<DNS name or email>,<YYYY[-MM[-DD]]>:<specific>[#fragment]
LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
DNS_NAME = rf"{LABEL}(?:\.{LABEL})*"
TAG = re.compile(
    rf"tag:(?:{DNS_NAME}|[A-Za-z0-9!$&'()*+,;=._~-]+@{DNS_NAME})"
    r",\d{4}(?:-(?:0[1-9]|1[0-2])(?:-(?:0[1-9]|[12]\d|3[01]))?)?"
    r":(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/?]|%[0-9A-Fa-f]{2})*"
    r"(?:#(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/?]|%[0-9A-Fa-f]{2})*)?"
)


def feed_files(site: Path) -> list[Path]:
    """Every XML file whose root element is an Atom feed or an RSS channel."""
    found = []
    for path in sorted(site.rglob("*.xml")):
        _, root = next(ET.iterparse(path, events=("start",)))
        if root.tag in FEED_ROOTS:
            found.append(path)
    return found


def iri_problem(value: str | None) -> str:
    """Why `value` is not a valid absolute IRI for an id ("" when it is)."""
    if not value:
        return "empty"
    if value != value.strip() or not IRI.fullmatch(value):
        return f"{value!r} is not an absolute IRI"
    scheme = value.split(":", 1)[0].lower()
    if scheme == "tag" and not TAG.fullmatch(value):
        return f"{value!r} is not a tag: URI (RFC 4151)"
    if scheme in ("http", "https") and not urlsplit(value).netloc:
        return f"{value!r} has no host"
    return ""


def html_problem(value: str | None) -> str:
    """Why an HTML field's text is not valid HTML, as html5lib's strict parser sees it."""
    try:
        html5lib.HTMLParser(strict=True).parseFragment(value or "")
    except ParseError as err:
        return f"invalid HTML ({err}) in {value[:80]!r}"
    return ""


def atom_problems(root: ET.Element) -> list[str]:
    problems = []
    feed_author = _author_problem(root.find(f"{ATOM}author"))
    for entry in root.findall(f"{ATOM}entry"):
        name = entry.findtext(f"{ATOM}id") or entry.findtext(f"{ATOM}title") or "entry"
        problem = iri_problem(entry.findtext(f"{ATOM}id"))
        if problem:
            problems.append(f"{name}: id: {problem}")
        author = entry.find(f"{ATOM}author")
        if author is None and feed_author:
            problems.append(f"{name}: no author, and the feed's {feed_author}")
        elif author is not None and (problem := _author_problem(author)):
            problems.append(f"{name}: {problem}")
        for field in ("summary", "content", "title"):
            element = entry.find(f"{ATOM}{field}")
            if field == "summary" and element is not None and not (element.text or "").strip():
                problems.append(f"{name}: summary is blank")
            is_html = element is not None and element.get("type") == "html"
            if is_html and (problem := html_problem(element.text)):
                problems.append(f"{name}: {field}: {problem}")
        problems += _dates_problems(entry, name)
    return problems


def _author_problem(author: ET.Element | None) -> str:
    if author is None:
        return "author is missing"
    if not (author.findtext(f"{ATOM}name") or "").strip():
        return "author has no name"
    email = author.findtext(f"{ATOM}email")
    if email is not None and not re.fullmatch(r"[^@\s<>()]+@[^@\s<>()]+\.[^@\s<>()]+", email):
        return f"author email {email!r} is not an address"
    uri = author.findtext(f"{ATOM}uri")
    if uri is not None and (problem := iri_problem(uri)):
        return f"author uri: {problem}"
    return ""


def _dates_problems(entry: ET.Element, name: str) -> list[str]:
    published = entry.findtext(f"{ATOM}published")
    updated = entry.findtext(f"{ATOM}updated")
    if not updated:
        return [f"{name}: no updated"]
    if published and datetime.fromisoformat(published) > datetime.fromisoformat(updated):
        return [f"{name}: published {published} is after updated {updated}"]
    return []


def rss_problems(root: ET.Element) -> list[str]:
    problems = []
    for item in root.iter("item"):
        guid = item.find("guid")
        name = (guid.text if guid is not None else None) or item.findtext("title") or "item"
        if guid is not None:
            permalink = guid.get("isPermaLink", "true")
            problem = iri_problem(guid.text)
            if permalink == "false" and problem:
                problems.append(f"{name}: guid: {problem}")
            elif permalink != "false" and urlsplit(guid.text or "").scheme not in ("http", "https"):
                problems.append(f'{name}: guid is not a URL, so it needs isPermaLink="false"')
        if problem := html_problem(item.findtext("description")):
            problems.append(f"{name}: description: {problem}")
    return problems


def feed_problems(data: bytes) -> list[str]:
    """Every rule above, for one feed's bytes; also: feedparser reads it without complaint."""
    parsed = feedparser.parse(data)
    if parsed.bozo:
        return [f"feedparser: {parsed.bozo_exception}"]
    root = ET.fromstring(data)
    return atom_problems(root) if root.tag == f"{ATOM}feed" else rss_problems(root)
