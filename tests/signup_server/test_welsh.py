"""A Welsh site's sign-up server (`language = "cy"` in signup.toml): its pages, its field
errors and the mail a supporter gets are Welsh; real gunicorn, real SMTP on loopback."""

from __future__ import annotations

import pytest

from handbill_config import ConfigError, load_signup_config
from signup_support import Site, confirm_link, free_port, start_server, stop_server, write_config

APOS = "\u2019"


def welsh_config(tmp, smtp_port: int, port: int):
    path = write_config(tmp, smtp_port, port)
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("[site]\n", '[site]\nlanguage = "cy"\n', 1), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def server(tmp_path_factory, module_smtp):
    """The app under gunicorn for a Welsh site (named `server`: the e2e tier)."""
    tmp = tmp_path_factory.mktemp("signup-cy")
    port = free_port()
    site = Site(port, welsh_config(tmp, module_smtp.port, port))
    site.proc = start_server(site.config_path, port)
    yield site
    stop_server(site.proc)


def test_welsh_confirmation_mail(server, module_smtp):
    r = server.join("dewi@example.org", ip="127.0.3.1")
    assert r.status == 303
    server.drain()
    [mail] = module_smtp.sink.to("dewi@example.org")
    assert mail.msg["Subject"] == f"Cadarnhewch eich bod am ymuno â{APOS}n rhestr bostio"
    body = mail.msg.get_content().replace("\r\n", "\n")  # SMTP's line ends
    assert body.startswith("Helo,\n\n")
    assert "Gofynnodd rhywun, chi gobeithio, am ymuno â Anytown news gan Anytown Save" in body
    assert f"Mae{APOS}r ddolen yn gweithio am 48 awr." in body
    assert "Someone, hopefully you" not in body and "The link works" not in body
    link = confirm_link(mail)

    page = server.request("GET", link)
    assert page.status == 200
    assert '<html lang="cy">' in page.text
    assert "Ie, ychwanegwch fi at y rhestr" in page.text
    assert "Yes, add me to the list" not in page.text


def test_welsh_leave_mail(server, module_smtp):
    r = server.post(
        "/signup/leave-request", {"email": "siân@example.org", "website": ""}, ip="127.0.3.2"
    )
    assert r.status == 303
    server.drain()
    [mail] = module_smtp.sink.to("siân@example.org")
    assert mail.msg["Subject"] == "Gadael Anytown news"
    assert "I adael, agorwch y ddolen hon" in mail.msg.get_content()


def test_welsh_field_errors(server):
    r = server.join("not-an-address", ip="127.0.3.3", fields={"consent": ""})
    assert r.status == 400
    assert "Gwiriwch y ffurflen" in r.text
    assert "Rhowch gyfeiriad e-bost dilys, fel enw@example.org." in r.text
    assert "Ticiwch y blwch" in r.text
    assert "Enter a valid email address" not in r.text
    as_json = server.join("not-an-address", ip="127.0.3.3", headers={"Accept": "application/json"})
    assert as_json.json["errors"]["email"].startswith("Rhowch gyfeiriad e-bost dilys")


def test_language_is_checked_and_defaults_to_english(tmp_path):
    path = write_config(tmp_path, 25, 8000)
    assert load_signup_config(path).site.language == "en-GB"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("[site]\n", '[site]\nlanguage = "Welsh"\n', 1), encoding="utf-8")
    with pytest.raises(ConfigError, match=r"site\.language"):
        load_signup_config(path)
