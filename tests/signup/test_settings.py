"""handbill_signup/settings.py: the site reads signup.toml with the server's own parser."""

from __future__ import annotations

import logging

from sitebuild import ROOT, build_site


def test_faulty_signup_toml_is_reported_by_the_site_build(tmp_path, caplog):
    """The site and the server see the same mistake, in the same words."""
    faulty = tmp_path / "signup.toml"
    text = (ROOT / "signup.example.toml").read_text(encoding="utf-8")
    faulty.write_text(text.replace("per_ip = 5 ", 'per_ip = "5" ', 1), encoding="utf-8")
    with caplog.at_level(logging.ERROR):
        build_site(tmp_path / "output", HANDBILL_SIGNUP={"config": str(faulty)})
    assert f'{faulty}: limits.per_ip: "5" is text — write a number such as 5' in [
        r.getMessage() for r in caplog.records
    ]
