"""The Pelican side: forms in pages and templates, result pages, the mailto fallback.

Each test builds the real demo site with the real Pelican into a temporary folder.
"""

from __future__ import annotations

import hashlib
import json
import logging
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from bs4 import BeautifulSoup

from signup_server.config import load_config
from signup_support import env
from sitebuild import ROOT, build_site

RESULTS = {
    "join/check-your-email": "Check your email",
    "join/welcome": "You're on the list",
    "join/expired": "That link has expired",
    "join/try-later": "Please try again later",
    "contact/sent": "Message sent",
    "actions/check-your-email": "Check your email",
}


def page(site: Path, path: str) -> BeautifulSoup:
    return BeautifulSoup((site / path / "index.html").read_bytes(), "html5lib")


@pytest.fixture(scope="module")
def with_server(tmp_path_factory) -> Path:
    return build_site(tmp_path_factory.mktemp("with-server") / "output")


@pytest.fixture(scope="module")
def no_server(tmp_path_factory) -> Path:
    return build_site(
        tmp_path_factory.mktemp("no-server") / "output",
        HANDBILL_SIGNUP={"config": "signup.example.toml", "server_url": None},
    )


def test_join_form_from_marker(with_server):
    doc = page(with_server, "join")
    assert "[[join-form]]" not in str(doc)
    form = doc.select_one("main form#join")
    assert form["method"] == "post" and form["action"] == "/signup/subscribe"
    assert form.parent.name != "p"
    email = form.select_one("input[name=email]")
    assert email["type"] == "email" and email.has_attr("required")
    assert form.select_one(f"label[for={email['id']}]").get_text(strip=True) == "Email address"
    assert doc.find(id=email["aria-describedby"]) is not None
    assert not form.select("input[name=name]"), "no name field unless the group asks for one"


def test_consent_box_unticked_with_wording_version_and_privacy_link(with_server):
    form = page(with_server, "join").select_one("main form#join")
    box = form.select_one("input[name=consent]")
    assert box["type"] == "checkbox" and not box.has_attr("checked") and box.has_attr("required")
    label = form.select_one(f"label[for={box['id']}]").get_text(" ", strip=True)
    server_cfg = load_config(ROOT / "signup.example.toml", env())
    assert label == server_cfg.consent.current.text, "one wording for site and server"
    version = form.select_one("input[name=consent_version]")
    assert version["type"] == "hidden" and version["value"] == server_cfg.consent.current.version
    described = form.find(id=box["aria-describedby"])
    assert described.select_one("a")["href"] == "/privacy/"


def test_honeypot_done_right(with_server):
    form = page(with_server, "join").select_one("main form#join")
    trap = form.select_one("input[name=website]")
    wrapper = trap.find_parent("div")
    assert "hb-hp" in wrapper["class"] and wrapper["aria-hidden"] == "true"
    assert trap["tabindex"] == "-1" and trap["autocomplete"] == "off" and trap["value"] == ""
    assert not trap.has_attr("hidden") and not trap.has_attr("style")
    css = (with_server / "theme" / "css" / "handbill_signup.css").read_text()
    assert ".hb-hp" in css and "left: -10000px" in css


def test_only_allowed_fields_in_forms(with_server):
    from signup_server.service import HONEYPOT

    join = page(with_server, "join").select_one("main form#join")
    names = {i["name"] for i in join.select("input, textarea, select")}
    assert names == {"email", "consent", "consent_version", HONEYPOT}
    contact = page(with_server, "contact").select_one("main form#contact")
    assert contact["action"] == "/signup/contact"
    names = {i["name"] for i in contact.select("input, textarea, select")}
    assert names == {"email", "name", "message", HONEYPOT}


def test_forms_need_no_script_style_or_other_hosts(with_server):
    for path in ("join", "contact", *RESULTS):
        doc = page(with_server, path)
        # External same-origin scripts are fine under a strict CSP; inline ones are not.
        assert all(urlsplit(s["src"]).netloc == "" for s in doc.select("script[src]")), path
        assert not doc.select("script:not([src]):not([type='application/ld+json'])"), path
        assert not doc.select("[style]") and not doc.select("style"), path
        for form in doc.select("form"):
            assert urlsplit(form["action"]).netloc == ""


def test_sidebar_cta_has_the_form_but_not_twice_on_the_join_page(with_server):
    about = page(with_server, "about")
    assert about.select_one("aside form#join-cta")["action"] == "/signup/subscribe"
    join = page(with_server, "join")
    assert len(join.select("form")) == 1
    ids = [t["id"] for t in join.select("[id]")]
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize("path,title", RESULTS.items())
def test_result_pages_are_built(with_server, path, title):
    doc = page(with_server, path)
    assert doc.select_one("main h1").get_text(strip=True) == title
    assert doc.select_one("meta[name=robots]")["content"] == "noindex"
    assert not doc.select("form"), "no join form beside the result"


def test_result_pages_match_the_server_redirects(with_server):
    cfg = load_config(ROOT / "signup.example.toml", env())
    for name in (
        "check_email",
        "welcome",
        "expired",
        "try_later",
        "contact_sent",
        "leave_form",
        "leave_check_email",
        "left",
        "sign_check_email",
    ):
        path = getattr(cfg.pages, name).strip("/")
        assert (with_server / path / "index.html").is_file(), name


def test_a_signature_has_its_own_check_your_email_page(with_server):
    # A signer is not joining the list: their page says what the button does for them.
    joined = page(with_server, "join/check-your-email").select_one("main").get_text(" ")
    signed = page(with_server, "actions/check-your-email").select_one("main").get_text(" ")
    assert "won't be added to" in joined and "won't be added to" not in signed
    assert "your signature or vote counts only once you do" in signed
    assert "48 hours" in signed and "spam" in signed
    assert "one confirmation email to an address for each action each day" in signed


def test_leave_and_stall_pages_have_their_forms(with_server):
    leave = page(with_server, "join/leave")
    form = leave.select_one("form.hb-leave")
    assert form["method"] == "post" and form["action"].endswith("/signup/leave-request")
    assert form.select_one("input[type=email][name=email][required]")
    assert leave.select_one("meta[name=robots]")["content"] == "noindex"
    welcome = page(with_server, "join/welcome")
    assert welcome.select_one("a[href$='/join/leave/']"), "the way out is linked"
    stall = page(with_server, "join/stall")
    code = stall.select_one("form input[name=stall]")
    assert code["type"] == "password" and code["autocomplete"] == "off"
    assert stall.select_one("form")["action"].endswith("/signup/subscribe")


def test_consent_json_hashes_match(with_server):
    data = json.loads((with_server / "signup-consent.json").read_text())
    for version in data["versions"]:
        assert hashlib.sha256(version["text"].encode()).hexdigest() == version["sha256"]
    assert data["current"] == data["versions"][0]["id"]


def test_mailto_fallback_without_server(no_server):
    doc = page(no_server, "join")
    assert not doc.select("form"), "no server: no form that would post nowhere"
    link = doc.select_one("main .hb-join a[href^='mailto:']")
    url = urlsplit(link["href"])
    assert url.path == "hello@anytown-sos-nhs.example.org"
    assert "+" not in url.query, "RFC 6068: spaces are %20"
    query = parse_qs(url.query)
    assert query["subject"] == ["Please add me to the mailing list"]
    body = unquote(link["href"].split("body=", 1)[1])
    cfg = load_config(ROOT / "signup.example.toml", env())
    assert cfg.consent.current.text in body and cfg.consent.current.version in body
    assert "\r\n" in body
    contact = page(no_server, "contact").select_one("main .hb-contact a[href^='mailto:']")
    assert contact["href"].startswith("mailto:hello@anytown-sos-nhs.example.org?subject=")
    assert page(no_server, "about").select_one("aside .hb-join a[href^='mailto:']")


def test_unknown_marker_is_reported(content_copy, tmp_path, caplog):
    (content_copy / "pages" / "oops.md").write_text(
        "Title: Oops\nSlug: oops\n\n[[join-from]]\n", encoding="utf-8"
    )
    with caplog.at_level(logging.ERROR):
        build_site(tmp_path / "output", PATH=str(content_copy))
    assert any(
        "oops.md:4:" in r.getMessage() and "[[join-form]]" in r.getMessage() for r in caplog.records
    )


def test_missing_config_file_is_reported(tmp_path, caplog):
    with caplog.at_level(logging.ERROR):
        build_site(tmp_path / "output", HANDBILL_SIGNUP={"config": "no-such.toml"})
    assert any("no-such.toml" in r.getMessage() for r in caplog.records)


def test_server_forms_match_the_site_forms(with_server):
    """The server shows the forms again after a mistake: same fields, same wording."""
    from signup_server.app import create_app
    from signup_server.spool import Spool
    from signup_server.store import MemoryStore

    cfg = load_config(ROOT / "signup.example.toml", env())
    app = create_app(cfg, MemoryStore(), Spool(with_server.parent / "spool"))
    client = app.test_client()
    for form, path, action in (("join", "join", "subscribe"), ("contact", "contact", "contact")):
        r = client.post(f"/signup/{action}", data={"website": ""})
        server_form = BeautifulSoup(r.data, "html5lib").select_one(f"form#{form}")
        site_form = page(with_server, path).select_one(f"main form#{form}")

        def shape(f):
            return sorted(
                (i["name"], i.get("type", "textarea"), i.has_attr("required"))
                for i in f.select("input, textarea")
            )

        assert shape(server_form) == shape(site_form)
        assert server_form["action"] == site_form["action"]
        assert [lab.get_text(" ", strip=True) for lab in server_form.select("label")] == [
            lab.get_text(" ", strip=True) for lab in site_form.select("label")
        ]
