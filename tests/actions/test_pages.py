"""The action pages of the real demo site (issue 13), built with the real Pelican.

The counts file is written here in the sign-up server's format (`{slug: <count.json body>}`)
and the build clock is pinned, so each page's baked counter, open/closed state and poll
results can be checked exactly.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from bs4 import BeautifulSoup

from sitebuild import CONTENT, ROOT, build_site

BEFORE_CLOSE = "2026-11-24T16:00:00+00:00"
AFTER_CLOSE = "2027-02-01T09:00:00+00:00"  # poll and petition closed; pledge still open
COUNTS = {
    "save-our-ae": {
        "count": 1234,
        "goal": 15000,
        "last_signed": "2026-11-24T15:00Z",
        "closed": False,
        "results": None,
    },
    "opt-out-pledge": {
        "count": 87,
        "goal": 1000,
        "last_signed": "2026-07-01T09:00Z",  # summer: shown as 10:00 in London
        "closed": False,
        "results": None,
    },
    "mass-opt-out-poll": {
        "count": 10,
        "goal": None,
        "last_signed": "2026-11-20T10:00Z",
        "closed": False,
        "results": {"1": 6, "2": 3, "3": 1},
    },
}


def build(tmp: Path, now: str, counts: dict | None = COUNTS, **overrides) -> Path:
    counts_file = tmp / "action-counts.json"
    if counts is not None:
        counts_file.write_text(json.dumps(counts), encoding="utf-8")
    return build_site(
        tmp / "output",
        HANDBILL_ACTIONS={"counts_file": str(counts_file), "now": now},
        **overrides,
    )


def page(site: Path, path: str) -> BeautifulSoup:
    return BeautifulSoup((site / path / "index.html").read_bytes(), "html5lib")


def text(node) -> str:
    return " ".join(node.get_text(" ").split())


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(tmp_path_factory.mktemp("actions-open"), BEFORE_CLOSE)


@pytest.fixture(scope="module")
def closed_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(tmp_path_factory.mktemp("actions-closed"), AFTER_CLOSE)


@pytest.fixture(scope="module")
def no_server_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(
        tmp_path_factory.mktemp("actions-no-server"),
        BEFORE_CLOSE,
        counts=None,
        HANDBILL_SIGNUP={"config": "signup.example.toml", "server_url": None},
    )


def counter(doc: BeautifulSoup) -> dict[str, str]:
    box = doc.select_one("main .hb-counter")
    return {text(d.dt): text(d.dd) for d in box.select("dl > div")}


def test_petition_counter_baked_from_the_counts_file(site: Path) -> None:
    doc = page(site, "actions/save-our-ae")
    assert counter(doc) == {
        "Signatures": "1,234",
        "Goal": "15,000",
        "Last signed": "24 November 2026, 15:00",
    }
    box = doc.select_one("main .hb-counter")
    assert box["data-count-url"] == "/signup/actions/save-our-ae/count.json"
    assert box.select_one("time")["datetime"] == "2026-11-24T15:00Z"
    bar = box.select_one("progress")
    assert (bar["value"], bar["max"]) == ("1234", "15000")
    assert doc.select_one("script[src$='/js/actions.js']") is not None


def test_last_signed_is_shown_in_the_sites_time_zone(site: Path) -> None:
    doc = page(site, "actions/opt-out-pledge")
    assert counter(doc)["Last signed"] == "1 July 2026, 10:00"
    assert counter(doc)["Pledged"] == "87"


def test_a_missing_counts_file_means_nobody_yet(no_server_site: Path) -> None:
    doc = page(no_server_site, "actions/save-our-ae")
    assert counter(doc) == {"Signatures": "0", "Goal": "15,000", "Last signed": "nobody yet"}


def test_petition_form_posts_to_the_server_route(site: Path) -> None:
    doc = page(site, "actions/save-our-ae")
    form = doc.select_one("main form#sign")
    assert form["method"] == "post"
    assert form["action"] == "/signup/actions/save-our-ae/sign"
    names = [field["name"] for field in form.select("input[name]")]
    assert names == ["name", "district", "email", "keep_informed", "consent_version", "website"]
    keep = form.select_one("input[name=keep_informed]")
    assert keep["type"] == "checkbox" and not keep.has_attr("checked")
    assert not keep.has_attr("required"), "signing is not joining: the box is optional"
    assert form.select_one("input[name=consent_version]")["value"] == "1"
    assert form.select_one("input[name=website]")["value"] == ""
    for field in form.select("input:not([type=hidden])"):
        assert form.select_one(f"label[for={field['id']}]") is not None, field["name"]
    assert "Midshire Integrated Care Board" in text(doc.select_one(".hb-target"))
    assert "15 January 2027" in text(doc.select_one(".hb-dates"))


def test_pledge_page_says_the_pledge(site: Path) -> None:
    doc = page(site, "actions/opt-out-pledge")
    assert text(doc.select_one(".hb-pledge-text")) == (
        "“I will opt out of the federated data platform, but only if 1,000 people in Anytown "
        "will too.”"
    )
    assert "31 March 2027" in text(doc.select_one(".hb-dates"))
    form = doc.select_one("main form#sign")
    assert form.select_one("input[name=name]") is not None  # Ask_name: yes
    assert not form.select_one("input[name=name]").has_attr("required")
    assert form.select_one("input[name=district]") is None
    # {filename} links in the body lead to the post.
    assert doc.select_one(".prose a")["href"] == "/news/2025/how-to-opt-out/"


def test_poll_options_and_no_results_before_it_closes(site: Path) -> None:
    doc = page(site, "actions/mass-opt-out-poll")
    form = doc.select_one("main form#sign")
    radios = form.select("input[name=option]")
    assert [r["value"] for r in radios] == ["1", "2", "3"]
    assert all(r["type"] == "radio" for r in radios)
    assert text(form.select_one("legend")).startswith("Should we organise a mass opt-out")
    # Results: after_close, so the counts in the file are not shown yet.
    assert doc.select_one(".hb-results") is None
    assert "shown here when voting closes" in text(doc.select_one("main"))
    assert counter(doc)["Votes"] == "10"


def test_poll_results_after_it_closes(closed_site: Path) -> None:
    doc = page(closed_site, "actions/mass-opt-out-poll")
    rows = [
        [text(cell) for cell in row.select("th, td")] for row in doc.select(".hb-results tbody tr")
    ]
    assert rows == [
        ["Yes, let's do it together", "6", "60%"],
        ["Not yet: first press the ICB for answers", "3", "30%"],
        ["No, it's a personal choice", "1", "10%"],
    ]
    assert doc.select_one("main form#sign") is None
    assert "This poll has closed." in text(doc.select_one(".hb-closed"))
    petition = page(closed_site, "actions/save-our-ae")
    assert petition.select_one("main form#sign") is None
    listed = [a["href"] for a in page(closed_site, "take-action").select(".hb-action-list h3 a")]
    assert listed[-2:] == ["/actions/mass-opt-out-poll/", "/actions/save-our-ae/"]  # closed last
    pledge = page(closed_site, "actions/opt-out-pledge")
    assert pledge.select_one("main form#sign") is not None  # its deadline is 31 March


def test_without_a_server_the_page_says_how_to_sign(no_server_site: Path) -> None:
    doc = page(no_server_site, "actions/save-our-ae")
    assert doc.select_one("main form") is None
    assert "You can't sign online on this site" in text(doc.select_one("main"))
    link = doc.select_one("main .hb-mailto a.button")
    parts = urlsplit(link["href"])
    assert parts.scheme == "mailto" and parts.path == "hello@anytown-sos-nhs.example.org"
    assert parse_qs(parts.query)["subject"] == [
        "Please add my name: Keep a full A&E at Anytown General"
    ]
    assert doc.select_one("[data-count-url]") is None
    assert doc.select_one("script[src$='/js/actions.js']") is None


def test_take_action_lists_every_action(site: Path) -> None:
    doc = page(site, "take-action")
    assert "[[actions]]" not in str(doc)
    links = {a["href"]: text(a) for a in doc.select("main .hb-action-list h3 a")}
    assert links == {
        "/actions/gp-opt-out-letter/": "Letter to your GP: record my type 1 opt-out",
        "/actions/mass-opt-out-poll/": "Should we organise a mass opt-out?",
        "/actions/opt-out-pledge/": "Opt out together",
        "/actions/save-our-ae/": "Keep a full A&E at Anytown General",
    }
    kinds = [text(p) for p in doc.select("main .hb-action-list .hb-action-kind")]
    assert "Petition · 1,234 signatures · goal 15,000" in kinds
    assert "Letter" in kinds


def test_privacy_notice_lists_each_actions_data_and_retention(site: Path) -> None:
    doc = page(site, "privacy")
    assert "[[action-data]]" not in str(doc)
    section = doc.select_one("main .hb-action-data")
    headings = [text(h) for h in section.select("h4")]
    assert headings == [
        "Letter to your GP: record my type 1 opt-out (letter)",
        "Should we organise a mass opt-out? (poll)",
        "Opt out together (pledge)",
        "Keep a full A&E at Anytown General (petition)",
    ]
    words = text(section)
    assert "until 90 days after the petition closes (it closes at the end of 15 January 2027)" in (
        words
    )
    assert "your postcode district" in words
    assert (
        "until that email is sent (at the latest just after the deadline, 31 March 2027); "
        "then we erase your details" in words
    )
    assert "Nothing. The letter is filled in on your own device" in words
    # Made from the files: a new petition shows up with its own retention.


def test_privacy_section_follows_the_action_files(tmp_path: Path, content_copy: Path) -> None:
    petition = (content_copy / "actions" / "save-our-ae.md").read_text(encoding="utf-8")
    (content_copy / "actions" / "save-our-ae.md").write_text(
        petition.replace("Erase_after_days: 90", "Erase_after_days: 30").replace(
            "Ask_district: yes", "Ask_district: no"
        ),
        encoding="utf-8",
    )
    built = build_site(
        tmp_path / "output", PATH=str(content_copy), HANDBILL_ACTIONS={"now": BEFORE_CLOSE}
    )
    words = text(page(built, "privacy").select_one(".hb-action-data"))
    assert "until 30 days after the petition closes" in words
    assert "your postcode district" not in words
    assert page(built, "actions/save-our-ae").select_one("input[name=district]") is None


def test_letter_without_javascript_shows_blanks_to_fill_by_hand(site: Path) -> None:
    doc = page(site, "actions/gp-opt-out-letter")
    form = doc.select_one("main form#letter-form")
    assert form.has_attr("hidden") and not form.has_attr("action")
    assert doc.select_one("[data-letter-tools]").has_attr("hidden")
    fields = [f["data-fills"] for f in form.select("[data-fills]")]
    assert fields == ["your_name", "your_address", "practice", "date_of_birth", "nhs_number"]
    assert form.select_one("textarea[data-fills=your_address]") is not None
    labels = [text(label) for label in form.select("label")]
    assert labels == ["Your name", "Your address", "Practice", "Date of birth", "NHS number"]
    blanks = [b["data-blank"] for b in doc.select(".hb-letter-body .hb-blank")]
    assert blanks[:4] == ["your_name", "your_address", "date", "practice"]
    assert blanks.count("your_name") == 2
    assert "Print this page and fill in the blanks by hand" in text(doc.select_one("main"))
    assert doc.select_one("script[src$='/js/letter.js']") is not None
    assert doc.select_one("script[src$='/js/actions.js']") is None


def test_drafts_are_not_published(tmp_path: Path, content_copy: Path) -> None:
    poll = content_copy / "actions" / "mass-opt-out-poll.md"
    poll.write_text(
        poll.read_text(encoding="utf-8").replace("Kind: poll", "Kind: poll\nStatus: draft"),
        encoding="utf-8",
    )
    built = build_site(tmp_path / "output", PATH=str(content_copy))
    assert not (built / "actions" / "mass-opt-out-poll").exists()
    assert "mass-opt-out-poll" not in (built / "take-action" / "index.html").read_text()


BROKEN = {
    "save-our-ae.md": ("Goal: 15000", "Goal: lots"),
    "mass-opt-out-poll.md": ("Results: after_close", "Results: whenever"),
}


def test_mistakes_fail_the_publish_with_every_message(tmp_path: Path) -> None:
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    for name, (old, new) in BROKEN.items():
        path = content / "actions" / name
        path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    pelican = Path(sys.executable).parent / "pelican"
    command = [
        str(pelican),
        str(content),
        "-o",
        str(tmp_path / "output"),
        "-s",
        str(ROOT / "publishconf.py"),
    ]
    done = subprocess.run(
        command,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        env={"COLUMNS": "400", "PATH": "/usr/bin:/bin"},
        check=False,
    )
    log = done.stdout + done.stderr
    assert done.returncode != 0
    assert (
        'actions/mass-opt-out-poll.md:7: Results: "whenever" is not one of after_vote, '
        "after_close — write one of after_vote, after_close"
    ) in log
    assert (
        'actions/save-our-ae.md:5: Goal: "lots" is not a whole number — write one such as '
        "'Goal: 15000'"
    ) in log
    assert "Traceback" not in log


def test_a_broken_link_in_an_action_is_reported(
    tmp_path: Path, content_copy: Path, caplog: pytest.LogCaptureFixture
) -> None:
    pledge = content_copy / "actions" / "opt-out-pledge.md"
    pledge.write_text(
        pledge.read_text(encoding="utf-8").replace("2025-06-how-to-opt-out.md", "no-such.md"),
        encoding="utf-8",
    )
    with pytest.raises(SystemExit):
        build_site(tmp_path / "output", "publishconf.py", PATH=str(content_copy))
    assert (
        "actions/opt-out-pledge.md:12: link: {filename}/posts/no-such.md is not a post, page "
        "or file of the site — check the path under content/, like "
        "{filename}/posts/2025-06-how-to-opt-out.md"
    ) in caplog.text


def test_a_preview_rebuild_shows_the_new_count(tmp_path: Path) -> None:
    # The preview re-renders only what changed (handbill_rendercache): a new count must show.
    shown = []
    for count in (5, 77):
        counts = {"save-our-ae": {**COUNTS["save-our-ae"], "count": count}}
        built = build(tmp_path, BEFORE_CLOSE, counts)
        shown.append(counter(page(built, "actions/save-our-ae"))["Signatures"])
        listed = text(page(built, "take-action").select_one(".hb-action-item-petition"))
        assert f"{count} signatures" in listed
    assert shown == ["5", "77"]


def test_no_refresh_script_for_a_server_on_another_origin(tmp_path: Path) -> None:
    # The site's CSP allows fetches to its own origin only: the built numbers must do.
    built = build(
        tmp_path,
        BEFORE_CLOSE,
        HANDBILL_SIGNUP={
            "config": "signup.example.toml",
            "server_url": "https://forms.example.net",
        },
    )
    doc = page(built, "actions/save-our-ae")
    assert doc.select_one("main form#sign")["action"] == (
        "https://forms.example.net/actions/save-our-ae/sign"
    )
    assert doc.select_one("[data-count-url]") is None
    assert doc.select_one("script[src$='/js/actions.js']") is None
    assert counter(doc)["Signatures"] == "1,234"


def test_a_pledge_that_reached_its_threshold_says_it_is_on(tmp_path: Path) -> None:
    counts = {"opt-out-pledge": {**COUNTS["opt-out-pledge"], "count": 1000}}
    doc = page(build(tmp_path, BEFORE_CLOSE, counts), "actions/opt-out-pledge")
    assert text(doc.select_one(".hb-reached")).startswith(
        "1,000 people have signed: the pledge is on."
    )
    assert counter(doc)["Pledged"] == "1,000"


def test_a_pledge_below_its_threshold_is_not_on(site: Path) -> None:
    assert page(site, "actions/opt-out-pledge").select_one(".hb-reached") is None


def test_after_vote_results_are_public_while_voting_goes_on(
    tmp_path: Path, content_copy: Path
) -> None:
    poll = content_copy / "actions" / "mass-opt-out-poll.md"
    poll.write_text(
        poll.read_text(encoding="utf-8").replace("Results: after_close", "Results: after_vote"),
        encoding="utf-8",
    )
    counts_file = tmp_path / "counts.json"
    # Keyed by the answers' text, as the server writes them.
    results = {"Yes, let's do it together": 1, "Not yet: first press the ICB for answers": 3}
    counts_file.write_text(
        json.dumps({"mass-opt-out-poll": {**COUNTS["mass-opt-out-poll"], "results": results}}),
        encoding="utf-8",
    )
    built = build_site(
        tmp_path / "output",
        PATH=str(content_copy),
        HANDBILL_ACTIONS={"counts_file": str(counts_file), "now": BEFORE_CLOSE},
    )
    doc = page(built, "actions/mass-opt-out-poll")
    votes = [text(cell) for cell in doc.select(".hb-results tbody td[data-option]")]
    assert votes == ["1", "3", "0"]
    assert doc.select_one("main form#sign") is not None


def test_a_stall_page_for_each_open_signing_action(site: Path, closed_site: Path) -> None:
    doc = page(site, "actions/save-our-ae/stall")
    form = doc.select_one("main form#sign")
    assert form["action"] == "/signup/actions/save-our-ae/sign"
    stall = form.select_one("input[name=stall]")
    assert stall["type"] == "password" and not stall.has_attr("required")
    assert doc.select_one("meta[name=robots]")["content"] == "noindex"
    assert page(site, "actions/save-our-ae").select_one("input[name=stall]") is None
    assert not (site / "actions" / "gp-opt-out-letter" / "stall").exists()
    assert not (closed_site / "actions" / "save-our-ae" / "stall").exists()


def test_one_signature_is_singular(tmp_path: Path) -> None:
    counts = {"save-our-ae": {**COUNTS["save-our-ae"], "count": 1}}
    doc = page(build(tmp_path, BEFORE_CLOSE, counts), "take-action")
    assert text(doc.select_one(".hb-action-item-petition .hb-action-kind")) == (
        "Petition · 1 signature · goal 15,000"
    )
