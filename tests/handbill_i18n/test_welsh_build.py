"""A Welsh build of the demo (DEFAULT_LANG = "cy"), checked on the real built pages: Welsh
dates and interface, and no English interface words left in what the theme writes."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from handbill_i18n import translations
from handbill_i18n.catalogue import extract
from sitebuild import CONTENT, ROOT, build_site

APOS = "\u2019"  # Welsh elisions (i'r, â'r) take the typographic apostrophe
# The build clock, so the upcoming dates are known (the demo has meetings on 1 December).
NOW = "2026-11-24T12:00:00+00:00"
# What volunteers wrote (posts, pages, events): it stays
# in the language it was written in, so the scan for English interface words skips it.
WRITTEN = (
    ".prose, .summary-text, .summary-title, .event__description, .event__summary, "
    ".event-item__title, .event-item__note, .event-item__where, .event__place, "
    ".event__access-notes, "
    ".upcoming-events__item a, .nav, .footer-links, .site-name, .lede, .meta a, "
    ".term-list, .dated-list a, .month-grid a, .event__category, .events-nav li, "
    ".tags a, .hb-letter-form label, "  # tags; a letter's blanks, named in its file
    "h1, title, script, style, noscript"
)
# Attributes a visitor hears or sees (and the data-* texts scripts show, like "Link copied").
LABELS = ("aria-label", "title", "alt", "placeholder")
# A date the theme writes with strftime instead of |day_text comes out in English.
ENGLISH_MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


@pytest.fixture(scope="module")
def welsh_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("welsh")
    # The demo's Welsh post is a translation of an English one; on a Welsh site the English
    # posts would say `Lang: en`, so here it stays out (two Welsh posts, one address).
    content = work / "content"
    shutil.copytree(CONTENT, content, ignore=lambda folder, names: ["cy"] * ("cy" in names))
    # The sign-up settings of a Welsh site: the server's language, and so the consent wording.
    toml = work / "signup.toml"
    example = (ROOT / "signup.example.toml").read_text(encoding="utf-8")
    toml.write_text(example.replace("[site]\n", '[site]\nlanguage = "cy"\n', 1), encoding="utf-8")
    return build_site(
        work / "output",
        "publishconf.py",
        PATH=str(content),
        DEFAULT_LANG="cy",
        HANDBILL_SIGNUP={"config": str(toml), "server_url": "/signup"},
        HANDBILL_EVENTS={"now": NOW, "uid_domain": "x"},
    )


def page(site: Path, path: str) -> BeautifulSoup:
    return BeautifulSoup((site / path).read_text(encoding="utf-8"), "html.parser")


def interface_text(soup: BeautifulSoup) -> str:
    for part in soup.select(WRITTEN):
        part.decompose()
    return " ".join(soup.get_text(" ").split())


def english_interface_phrases() -> list[str]:
    """Every English message of the catalogue long enough to be unmistakable, cut at its
    placeholders and markup: 'Upcoming as of %(date)s.' gives 'Upcoming as of'. Names the
    Welsh keeps (Google Calendar, its menus) are not English left behind."""
    welsh = translations("cy")
    phrases = set()
    for message in extract():
        if not message.id or message.context:
            continue
        if isinstance(message.id, tuple):  # singular and plural
            english = message.id
            said = " ".join(welsh.ngettext(*message.id, n) for n in (1, 2))
        else:
            english, said = (message.id,), welsh.gettext(message.id)
        for text in english:
            for piece in re.split(r"%\(\w+\)s|<[^>]+>", text):
                piece = piece.strip(" .,:;()")
                if len(piece) >= 12 and " " in piece and piece not in said:
                    phrases.add(piece)
    return sorted(phrases)


def english_interface_labels() -> set[str]:
    """The short messages ('Email', 'Share this') the phrase scan skips as too short to be
    unmistakable in running text: found when they are an element's whole text, or a
    label's or script text's whole value. Those the Welsh keeps as they are are left out."""
    welsh = translations("cy")
    return {
        message.id
        for message in extract()
        if isinstance(message.id, str)
        and message.id
        and not message.context
        and "%(" not in message.id
        and "<" not in message.id
        and welsh.gettext(message.id) != message.id
    }


def english_labels_in(soup: BeautifulSoup, labels: set[str]) -> set[str]:
    """Call after interface_text(soup): what volunteers wrote is already gone."""
    found = {text.strip() for text in soup.find_all(string=True)} & labels
    for tag in soup.find_all(True):
        for name, value in tag.attrs.items():
            if isinstance(value, str) and (name in LABELS or name.startswith("data-")):
                found |= {value.strip()} & labels
    return found


def test_welsh_pages_say_so(welsh_site: Path) -> None:
    for path in ("index.html", "events/index.html", "news/archives/index.html"):
        assert page(welsh_site, path).html["lang"] == "cy"


def test_welsh_dates_and_times_on_the_home_page(welsh_site: Path) -> None:
    home = page(welsh_site, "index.html")
    first = home.select_one(".upcoming-events li:not([hidden]) time")
    assert first.get_text() == "Dydd Mawrth 1 Rhagfyr 2026, 19:15 tan 21:00"
    assert home.select_one(".summary time").get_text() == "17 Tachwedd 2026"


def test_welsh_interface_words(welsh_site: Path) -> None:
    home = page(welsh_site, "index.html")
    assert [a.get_text() for a in home.select(".nav a")][:3] == [
        "Hafan",
        "Newyddion",
        "Digwyddiadau",
    ]
    assert home.select_one(".skip-link").get_text() == f"Neidio i{APOS}r prif gynnwys"
    assert f"Ymuno â{APOS}r rhestr bostio" in home.select_one(".join-cta h2").get_text()
    consent = home.select_one(".join-cta .hb-consent label").get_text()
    assert consent.startswith("Ydw, anfonwch newyddion a galwadau i weithredu gan Anytown")
    event = page(welsh_site, "events/members-meeting/index.html")
    assert event.select_one("#event-when").get_text() == "Pryd"
    assert event.select_one(".event__rule").get_text().startswith("Y Dydd Mawrth cyntaf")
    assert "19:15 tan 21:00" in event.select_one(".event__rule").get_text()
    month = page(welsh_site, "events/2026/12/index.html")
    assert month.select_one("h1").get_text() == "Digwyddiadau ym mis Rhagfyr 2026"
    assert [abbr["title"] for abbr in month.select("thead abbr")][:2] == [
        "Dydd Llun",
        "Dydd Mawrth",
    ]
    assert "19:15 Members' meeting" in month.select_one(".month-grid").get_text(" ")
    pledge = page(welsh_site, "actions/opt-out-pledge/index.html")
    assert pledge.select_one(".hb-dates").get_text() == "Dyddiad cau: 31 Mawrth 2027"
    planning = page(welsh_site, "events/planning-meeting/index.html").get_text(" ")
    assert "gŵyl banc (Calan Mai)" in planning


def test_no_english_interface_words_left(welsh_site: Path) -> None:
    phrases = english_interface_phrases()
    labels = english_interface_labels()
    assert len(phrases) > 100 and len(labels) > 100  # the scan has something to look for
    found = []
    for path in sorted(welsh_site.rglob("*.html")):
        if path.name == "index.html" or path.name == "404.html":
            soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
            text = interface_text(soup)
            left = [p for p in phrases if p in text] + sorted(english_labels_in(soup, labels))
            left += [m for m in ENGLISH_MONTHS if re.search(rf"\b{m}\b", text)]
            found += [f"{path.relative_to(welsh_site)}: {p}" for p in left]
    assert not found, "English left in the Welsh interface:\n" + "\n".join(found[:40])


def test_the_scan_finds_english_when_there_is_some(tmp_path: Path) -> None:
    english = tmp_path / "index.html"
    english.write_text(
        "<html lang=en><body><p>Or copy this address into your calendar app:</p></body>",
        encoding="utf-8",
    )
    text = interface_text(BeautifulSoup(english.read_text(), "html.parser"))
    assert [p for p in english_interface_phrases() if p in text]
    # The share block's words, left English when its macro was imported without the page's
    # context (so without its language).
    share = BeautifulSoup(
        '<h2>Share this</h2><a href="mailto:">Email</a><button data-done="Link copied">'
        "Rhannu…</button>",
        "html.parser",
    )
    interface_text(share)
    assert english_labels_in(share, english_interface_labels()) == {
        "Share this",
        "Email",
        "Link copied",
    }


def test_feeds_and_calendars_carry_welsh(welsh_site: Path) -> None:
    assert '<feed xml:lang="cy"' in (welsh_site / "feeds/all.atom.xml").read_text()
    assert "<language>cy</language>" in (welsh_site / "feeds/events.rss.xml").read_text()
    calendar = (welsh_site / "calendar.ics").read_text()
    assert "SUMMARY;LANGUAGE=cy:Members' meeting" in calendar
