"""The signature store on its own: one per signer, counts with erased rows kept as numbers,
erased addresses gone from the file's bytes, private modes, and `[actions]` settings."""

from __future__ import annotations

import stat

import pytest

from handbill_config import ConfigError
from handbill_config.signup import signup_config_from_dict
from signup_server.signatures import Signature, SignatureStore


def sig(signer: str, email: str | None = None, option: int = 0) -> Signature:
    return Signature("act", signer, email, "Name", "AB1", option, 1, f"2026-11-24T1{signer[-1]}:00")


def test_one_signature_per_signer_and_counts(tmp_path):
    store = SignatureStore(tmp_path / "state" / "signatures.sqlite3")
    changes = []
    assert store.add(sig("s1", option=1), lambda: changes.append(1))
    assert not store.add(sig("s1", option=2), lambda: changes.append(1)), "the first stands"
    assert store.add(sig("s2", option=2))
    tally = store.tally("act")
    assert (tally.count, tally.options, tally.last_signed) == (2, {1: 1, 2: 1}, "2026-11-24T12:00")
    assert changes == [1], "the counts are rewritten only when something changed"
    assert store.remove("act", "s1") and not store.remove("act", "s1")
    assert store.tally("act").count == 1
    assert stat.S_IMODE((tmp_path / "state").stat().st_mode) == 0o700
    assert stat.S_IMODE((tmp_path / "state" / "signatures.sqlite3").stat().st_mode) == 0o600


def test_erased_values_are_gone_from_the_file(tmp_path):
    path = tmp_path / "signatures.sqlite3"
    store = SignatureStore(path)
    for i in range(5):
        store.add(sig(f"s{i}", email=f"secret{i}@example.org"))
    assert b"secret3@example.org" in path.read_bytes()
    assert store.forget_addresses("act", [f"s{i}" for i in range(5)], "2026-12-01T00:00") == 5
    assert store.with_address("act") == []
    left = b"".join(p.read_bytes() for p in tmp_path.iterdir())
    assert b"@example.org" not in left, "secure_delete, no write-ahead log keeping old pages"
    assert store.tally("act").count == 5, "the count stays"
    assert store.erase("act", "2027-01-01T00:00") == 5
    assert b"Name" not in path.read_bytes()
    assert store.tally("act").count == 5, "the counter keeps its numbers after erasure"
    assert [(w, n) for _, w, n, _ in store.erasures()] == [
        ("addresses after the outcome mail", 5),
        ("signatures after the retention period", 5),
    ]


def test_actions_settings_are_checked():
    config = signup_config_from_dict({"actions": {"per_ip": 3}})
    assert config.actions.per_ip == 3 and config.actions.page == "/actions/{slug}/"
    with pytest.raises(ConfigError) as found:
        signup_config_from_dict({"actions": {"page": "/petitions/", "per_ip": "many"}})
    text = str(found.value)
    assert "actions.page" in text and "{slug}" in text and "actions.per_ip" in text
