"""Encrypted, expiring, purpose-bound tokens for the links in mail: the server keeps no list.

A link lands in proxies' access logs, browser histories and mail scanners, so its token must
show nothing: it is a Fernet token (AES-128-CBC + HMAC-SHA256, `cryptography`) whose key is
derived with HKDF from the signing secret and the token's purpose, so a join link can never
stand in for a leave link. Fernet keeps the time it was made, for expiry; rotation works as
before: the newest secret makes tokens, every listed secret reads them.

Links made before this change (itsdangerous: signed, address readable) are still read until
they expire, so nobody's mail in their inbox stops working on the day of the upgrade.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import time
from collections.abc import Callable
from dataclasses import dataclass

from cryptography.fernet import Fernet, InvalidToken as FernetInvalid, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from itsdangerous import BadSignature, URLSafeTimedSerializer

CONFIRM = "handbill.signup.confirm.v2"
LEAVE = "handbill.signup.leave.v1"
ACTION_CONFIRM = "handbill.actions.confirm.v1"
ACTION_WITHDRAW = "handbill.actions.withdraw.v1"
LEGACY_SALT = "handbill.signup.confirm.v1"  # itsdangerous links, readable until they expire
MAX_TOKEN = 1024


@dataclass(frozen=True)
class Pending:
    email: str
    name: str
    consent_version: str
    requested_at: str
    # Set when read: the same for every copy of one link whichever key reads it, so a
    # replay is recognised even after a key was added; a hash, so it shows no address.
    link_id: str = ""


@dataclass(frozen=True)
class Signing:
    """A signature waiting for its confirmation: what the action's confirmation link holds."""

    slug: str
    email: str
    name: str
    district: str
    option: int  # a poll's choice, 1-based; 0 for other kinds
    keep_informed: bool  # the separate "also keep me informed" box was ticked
    version: int  # the action's wording version the signer saw
    requested_at: str
    link_id: str = ""


class InvalidToken(Exception):
    """Expired, tampered with, made with an unknown key, or for another purpose."""


def fernet_key(secret: str, purpose: str) -> bytes:
    """A 32-byte Fernet key for one purpose, derived from one signing secret."""
    raw = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose.encode()).derive(
        secret.encode("utf-8")
    )
    return base64.urlsafe_b64encode(raw)


class Sealer:
    """Encrypts small JSON values for one purpose; the newest secret seals, all open."""

    def __init__(
        self,
        secret_keys: tuple[str, ...],
        purpose: str,
        max_age: int,
        clock: Callable[[], float] = time.time,
    ) -> None:
        # MultiFernet encrypts with the first key and tries each in turn to decrypt.
        self._f = MultiFernet([Fernet(fernet_key(k, purpose)) for k in reversed(secret_keys)])
        self.purpose = purpose
        self.max_age = max_age
        self._clock = clock

    def seal(self, data: dict[str, str]) -> str:
        plain = json.dumps(data, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
        # Fernet pads with "=": harmless in a query string, but it needs no escaping without.
        return self._f.encrypt_at_time(plain, int(self._clock())).decode("ascii").rstrip("=")

    def open(self, token: str) -> tuple[dict, str]:
        """The sealed value and the link id; InvalidToken if it cannot be trusted."""
        if not token or len(token) > MAX_TOKEN or not token.isascii():
            raise InvalidToken("missing or too long")
        padded = token + "=" * (-len(token) % 4)
        try:
            plain = self._f.decrypt_at_time(
                padded.encode("ascii"), self.max_age, int(self._clock())
            )
            data = json.loads(plain)
        except FernetInvalid as exc:
            raise InvalidToken("expired or not ours") from exc
        except ValueError as exc:
            raise InvalidToken("malformed") from exc
        if not isinstance(data, dict):
            raise InvalidToken("malformed")
        return data, _link_id(self.purpose, padded)


class Tokens:
    """Confirmation links (join) and leave links, both sealed; old join links still read."""

    def __init__(
        self,
        secret_keys: tuple[str, ...],
        max_age: int,
        leave_max_age: int | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.max_age = max_age
        self._clock = clock
        self._confirm = Sealer(secret_keys, CONFIRM, max_age, clock)
        self._leave = Sealer(secret_keys, LEAVE, leave_max_age or max_age, clock)
        self._action = Sealer(secret_keys, ACTION_CONFIRM, max_age, clock)
        # A withdrawal link works for as long as a leave link (the data is erased sooner).
        self._withdraw = Sealer(secret_keys, ACTION_WITHDRAW, leave_max_age or max_age, clock)
        self._legacy = URLSafeTimedSerializer(list(secret_keys), salt=LEGACY_SALT)

    def make(self, pending: Pending) -> str:
        return self._confirm.seal(
            {
                "e": pending.email,
                "n": pending.name,
                "cv": pending.consent_version,
                "rq": pending.requested_at,
            }
        )

    def read(self, token: str) -> Pending:
        if "." in token:  # itsdangerous' payload.timestamp.signature; Fernet has no dots
            return self._read_legacy(token)
        data, link_id = self._confirm.open(token)
        return _pending(data, link_id)

    def _read_legacy(self, token: str) -> Pending:
        if len(token) > MAX_TOKEN:
            raise InvalidToken("missing or too long")
        try:
            data, made = self._legacy.loads(token, return_timestamp=True)
        except BadSignature as exc:
            raise InvalidToken("bad signature") from exc
        if not 0 <= self._clock() - made.timestamp() <= self.max_age:
            raise InvalidToken("expired")
        signature = token.rsplit(".", 1)[1]
        return _pending(data, _link_id(LEGACY_SALT, signature + "=" * (-len(signature) % 4)))

    def make_leave(self, email: str) -> str:
        """A leave link's token: who wants to leave, nothing else."""
        return self._leave.seal({"e": email})

    def read_leave(self, token: str) -> tuple[str, str]:
        """The address a leave link stands for, and the link id."""
        data, link_id = self._leave.open(token)
        email = data.get("e")
        if not isinstance(email, str) or not email:
            raise InvalidToken("malformed")
        return email, link_id

    def make_signing(self, s: Signing) -> str:
        """An action's confirmation link: sealed like a join link, for its own purpose."""
        return self._action.seal(
            {
                "a": s.slug,
                "e": s.email,
                "n": s.name,
                "d": s.district,
                "o": s.option,
                "k": int(s.keep_informed),
                "v": s.version,
                "rq": s.requested_at,
            }
        )

    def read_signing(self, token: str) -> Signing:
        data, link_id = self._action.open(token)
        try:
            return Signing(
                str(data["a"]),
                str(data["e"]),
                str(data.get("n", "")),
                str(data.get("d", "")),
                int(data.get("o", 0)),
                bool(data.get("k", 0)),
                int(data["v"]),
                str(data["rq"]),
                link_id,
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise InvalidToken("malformed") from exc

    def make_withdraw(self, slug: str, signer: str) -> str:
        """A withdrawal link: the action and the signer's keyed hash, never the address."""
        return self._withdraw.seal({"a": slug, "p": signer})

    def read_withdraw(self, token: str) -> tuple[str, str, str]:
        """The action, the signer's keyed hash, and the link id."""
        data, link_id = self._withdraw.open(token)
        slug, signer = data.get("a"), data.get("p")
        if not (isinstance(slug, str) and isinstance(signer, str) and slug and signer):
            raise InvalidToken("malformed")
        return slug, signer, link_id


def _pending(data: object, link_id: str) -> Pending:
    if not isinstance(data, dict):
        raise InvalidToken("malformed")
    try:
        fields = (str(data["e"]), str(data.get("n", "")), str(data["cv"]), str(data["rq"]))
    except KeyError as exc:
        raise InvalidToken("malformed") from exc
    return Pending(*fields, link_id=link_id)


def _link_id(purpose: str, b64: str) -> str:
    # The decoded bytes, not the text: base64 has several spellings of the last byte.
    try:
        raw = base64.urlsafe_b64decode(b64)
    except (binascii.Error, ValueError) as exc:
        raise InvalidToken("malformed") from exc
    return hashlib.sha256(purpose.encode() + raw).hexdigest()[:40]
