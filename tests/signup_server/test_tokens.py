"""Links in mail show nothing: encrypted, authenticated, expiring, purpose-bound tokens."""

from __future__ import annotations

import base64
import binascii
import contextlib
import re
import time
import zlib
from urllib.parse import parse_qsl, urlsplit

import pytest
from itsdangerous import URLSafeTimedSerializer

from signup_server.tokens import LEGACY_SALT, InvalidToken, Pending, Tokens
from signup_server.worker import Worker
from signup_support import JOIN, LOCAL, SECRET, service_for, write_config

OLD_KEY, NEW_KEY = "o" * 40, "n" * 40
ALICE = Pending("alice@example.org", "Alice", "2026-01-v2", "2026-01-01T00:00:00+00:00")


def decodings(text: str) -> list[bytes]:
    """Every way a piece of a URL could be read as base64 (padded or not, zlib or not):
    what someone reading an access log would try."""
    out = []
    for piece in re.split(r"[.?&=/]", text):
        for candidate in (piece, piece.lstrip("-_")):
            try:
                raw = base64.urlsafe_b64decode(candidate + "=" * (-len(candidate) % 4))
            except (binascii.Error, ValueError):
                continue
            out.append(raw)
            with contextlib.suppress(zlib.error):
                out.append(zlib.decompress(raw))
    return out


def assert_reveals_nothing(url: str, *secrets: str) -> None:
    texts = [url, *(v for _, v in parse_qsl(urlsplit(url).query))]
    for text in texts:
        for secret in secrets:
            assert secret not in text
            local = secret.partition("@")[0].encode()
            for raw in decodings(text):
                assert local not in raw, f"{secret} readable in {url}"


def test_the_address_is_not_recoverable_from_the_token():
    tokens = Tokens((SECRET,), 3600)
    token = tokens.make(ALICE)
    assert_reveals_nothing(f"https://x.example/signup/confirm?t={token}", "alice@example.org")
    assert "Alice" not in token and "2026-01-v2" not in token
    assert tokens.read(token).email == "alice@example.org"
    leave = tokens.make_leave("alice@example.org")
    assert_reveals_nothing(f"https://x.example/signup/leave?t={leave}", "alice@example.org")
    assert tokens.read_leave(leave)[0] == "alice@example.org"


def test_the_old_itsdangerous_token_was_readable_and_the_check_sees_it():
    """The check must fail on what the issue found, or it proves nothing."""
    legacy = URLSafeTimedSerializer([SECRET], salt=LEGACY_SALT).dumps({"e": "alice@example.org"})
    with pytest.raises(AssertionError):
        assert_reveals_nothing(f"https://x.example/c?t={legacy}", "alice@example.org")


def test_links_already_in_inboxes_keep_working_until_they_expire():
    legacy = URLSafeTimedSerializer([SECRET], salt=LEGACY_SALT)
    old = legacy.dumps({"e": "a@example.org", "n": "", "cv": "v1", "rq": "t"})
    tokens = Tokens((SECRET,), 3600)
    read = tokens.read(old)
    assert read.email == "a@example.org" and read.link_id
    assert tokens.read(old).link_id == read.link_id  # a replay is recognised
    with pytest.raises(InvalidToken):
        Tokens((SECRET,), 3600, clock=lambda: time.time() + 7200).read(old)


def test_expired_tampered_and_wrong_purpose_tokens_are_refused():
    tokens = Tokens((SECRET,), 3600)
    token = tokens.make(ALICE)
    later = Tokens((SECRET,), 3600, clock=lambda: time.time() + 3601)
    with pytest.raises(InvalidToken):
        later.read(token)
    flipped = token[:40] + ("A" if token[40] != "A" else "B") + token[41:]
    with pytest.raises(InvalidToken):
        tokens.read(flipped)
    with pytest.raises(InvalidToken):
        tokens.read_leave(token)  # a join link is not a leave link
    with pytest.raises(InvalidToken):
        tokens.read(tokens.make_leave("a@example.org"))
    for junk in ("", "x" * 2000, "gAAAA", "ünïcode"):
        with pytest.raises(InvalidToken):
            tokens.read(junk)


def test_tokens_rotate_and_each_link_has_one_id():
    old = Tokens((OLD_KEY,), 3600).make(ALICE)
    rotated = Tokens((OLD_KEY, NEW_KEY), 3600)
    assert rotated.read(old).email == "alice@example.org"  # old links keep working
    assert rotated.read(old).link_id == Tokens((OLD_KEY,), 3600).read(old).link_id
    with pytest.raises(InvalidToken):
        Tokens((NEW_KEY,), 3600).read(old)  # the old key retired
    new = rotated.make(ALICE)
    assert Tokens((NEW_KEY,), 3600).read(new).email == "alice@example.org"  # newest seals
    assert rotated.read(new).link_id != rotated.read(old).link_id


def test_no_url_the_server_emits_carries_the_address(tmp_path, smtp):
    """Every link in every mail the server sends for one join, and every answer's Location."""
    path = write_config(tmp_path, smtp.port, 9)
    service = service_for(path)
    email = "carol.secret@example.org"
    assert service.subscribe({**JOIN, "email": email}, LOCAL).status.value == "ok"
    Worker(service.cfg, service.spool).run_once()
    [mail] = smtp.sink.to(email)
    urls = re.findall(r"https?://\S+", mail.msg.get_content())
    urls += [v for k, v in mail.msg.items() if k.lower().startswith("list-")]
    assert any("/confirm?t=" in u for u in urls)
    for url in urls:
        assert_reveals_nothing(url.strip("<>"), email)
