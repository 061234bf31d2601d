"""Signed, expiring, purpose-bound confirmation tokens: the server keeps no pending list.

Signed is not encrypted: the address is readable in the link, so keep query strings out of
access logs (see docs/operators.md).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from itsdangerous.encoding import base64_decode

SALT = "handbill.signup.confirm.v1"


@dataclass(frozen=True)
class Pending:
    email: str
    name: str
    consent_version: str
    requested_at: str
    # Set when read: the same for every copy of one link whichever key verifies it, so a
    # replay is recognised even after a key was added; a hash, so it shows no address.
    link_id: str = ""


class InvalidToken(Exception):
    """Expired, tampered with, or signed with an unknown key."""


class Tokens:
    def __init__(self, secret_keys: tuple[str, ...], max_age: int) -> None:
        # itsdangerous signs with the last key and accepts all of them (rotation).
        self._s = URLSafeTimedSerializer(list(secret_keys), salt=SALT)
        self.max_age = max_age

    def make(self, pending: Pending) -> str:
        return self._s.dumps(
            {
                "e": pending.email,
                "n": pending.name,
                "cv": pending.consent_version,
                "rq": pending.requested_at,
            }
        )

    def read(self, token: str) -> Pending:
        if not token or len(token) > 1024:
            raise InvalidToken("missing or too long")
        try:
            data = self._s.loads(token, max_age=self.max_age)
        except SignatureExpired as exc:
            raise InvalidToken("expired") from exc
        except BadSignature as exc:
            raise InvalidToken("bad signature") from exc
        try:
            fields = (str(data["e"]), str(data.get("n", "")), str(data["cv"]), str(data["rq"]))
        except (KeyError, TypeError) as exc:
            raise InvalidToken("malformed") from exc
        return Pending(*fields, link_id=_link_id(token))


def _link_id(token: str) -> str:
    # The decoded signature, not its text: base64 has several spellings of the last byte.
    signature = base64_decode(token.rsplit(".", 1)[1])
    return hashlib.sha256(SALT.encode() + signature).hexdigest()[:40]
