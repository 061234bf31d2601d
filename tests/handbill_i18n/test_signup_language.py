"""The join form and its consent wording in the site's language, and a warning when the
sign-up server (signup.toml) would speak another."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from pelican.settings import read_settings

from handbill_signup.settings import read
from sitebuild import ROOT


def settings_for(lang: str, toml: Path | None = None) -> dict:
    override = {"DEFAULT_LANG": lang}
    if toml is not None:
        override["HANDBILL_SIGNUP"] = {"config": str(toml), "server_url": "/signup"}
    return read_settings(str(ROOT / "pelicanconf.py"), override=override)


def welsh_toml(tmp_path: Path) -> Path:
    toml = tmp_path / "signup.toml"
    text = (ROOT / "signup.example.toml").read_text(encoding="utf-8")
    toml.write_text(text.replace("[site]\n", '[site]\nlanguage = "cy"\n', 1), encoding="utf-8")
    return toml


def test_a_welsh_server_gets_the_welsh_consent_wording(tmp_path, caplog) -> None:
    with caplog.at_level(logging.WARNING):
        signup = read(settings_for("cy", welsh_toml(tmp_path)))
    assert signup.consent_text.startswith("Ydw, anfonwch newyddion")
    assert "Anytown Save Our NHS" in signup.consent_text
    assert "Ychwanegwch" in signup.join_mailto  # the mail a visitor sends without a server
    assert not [r for r in caplog.records if "site.language" in r.getMessage()]


def test_english_stays_as_it_was(caplog) -> None:
    with caplog.at_level(logging.WARNING):
        signup = read(settings_for("en-GB"))
    assert signup.consent_text.startswith("Yes, please email me news and calls to action")
    assert not [r for r in caplog.records if "site.language" in r.getMessage()]


@pytest.mark.parametrize("lang", ["cy", "cy-GB"])
def test_a_welsh_site_with_an_english_server_is_warned(lang, caplog) -> None:
    with caplog.at_level(logging.WARNING):
        read(settings_for(lang))
    [warning] = [r.getMessage() for r in caplog.records if "site.language" in r.getMessage()]
    assert warning.startswith('signup.example.toml: site.language: "en-GB", but the site is in')
    assert f'set language = "{lang}"' in warning
