"""Parsing and validating what visitors send. Cheap, strict, and never trusting.

Every value that could reach a mail header is rejected if it holds CR, LF, NUL or the start
of an RFC 2047 encoded word (`=?`): Python's email package before the CVE-2024-6923 fix turns
`=?UTF-8?Q?=0A?=Bcc: x` into a real header line, so we don't rely on the stdlib alone.
"""

from __future__ import annotations

import contextlib
import json
from dataclasses import dataclass
from urllib.parse import parse_qsl

from email_validator import EmailNotValidError, validate_email

from handbill_i18n import N_

MAX_EMAIL = 254
MAX_NAME = 100
MAX_MESSAGE = 5000  # the message below says it in words
HEADER_FORBIDDEN = ("\r", "\n", "\0", "=?")
FORM_TYPE = "application/x-www-form-urlencoded"
JSON_TYPE = "application/json"
GMAIL = ("gmail.com", "googlemail.com")


class BadRequest(ValueError):
    """The request as a whole is unusable (not a field error): answered with 400."""


@dataclass
class FieldErrors(ValueError):
    errors: dict[str, str]


def _content_type(header: str | None) -> str:
    if not header:
        raise BadRequest("missing content type")
    kind, _, params = header.partition(";")
    for param in params.split(";"):
        key, _, value = param.strip().partition("=")
        if key.lower() == "charset" and value.strip('"').lower() not in ("utf-8", "utf8"):
            raise BadRequest("only UTF-8 is accepted")
    return kind.strip().lower()


def parse_body(body: bytes, content_type: str | None) -> dict[str, str]:
    """Decode a form or JSON body into a flat dict of strings; UTF-8 only, no repeats."""
    kind = _content_type(content_type)
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BadRequest("the body is not UTF-8") from exc
    if kind == FORM_TYPE:
        return _parse_form(text)
    if kind == JSON_TYPE:
        return _parse_json(text)
    raise BadRequest("unsupported content type")


def _parse_form(text: str) -> dict[str, str]:
    try:
        pairs = parse_qsl(
            text,
            keep_blank_values=True,
            strict_parsing=bool(text),
            encoding="utf-8",
            errors="strict",
            max_num_fields=20,
        )
    except (ValueError, UnicodeDecodeError) as exc:
        raise BadRequest("malformed form body") from exc
    fields: dict[str, str] = {}
    for key, value in pairs:
        if key in fields:
            raise BadRequest("a field was sent twice")
        fields[key] = value
    return fields


def _no_repeats(pairs: list[tuple[str, object]]) -> dict[str, object]:
    keys = [k for k, _ in pairs]
    if len(keys) != len(set(keys)):
        raise ValueError("a field was sent twice")
    return dict(pairs)


def _parse_json(text: str) -> dict[str, str]:
    try:
        data = json.loads(text, object_pairs_hook=_no_repeats)
    except ValueError as exc:
        raise BadRequest("malformed JSON") from exc
    except RecursionError as exc:
        # A few KB of `[[[[…` nest deeper than the parser's stack: hostile, not our fault.
        raise BadRequest("JSON nested too deeply") from exc
    if not isinstance(data, dict) or len(data) > 20:
        raise BadRequest("expected a JSON object")
    fields: dict[str, str] = {}
    for key, value in data.items():
        if value is True:  # a JSON checkbox
            value = "yes"
        if not isinstance(value, str):
            raise BadRequest("every value must be a string")
        fields[key] = value
    return fields


def check_allowed(fields: dict[str, str], allowed: set[str]) -> None:
    unknown = set(fields) - allowed
    if unknown:
        raise BadRequest("unknown fields")


def header_safe(value: str) -> bool:
    return not any(bad in value for bad in HEADER_FORBIDDEN)


def clean_email(value: str) -> str:
    """Return the normalised address, or raise FieldErrors. No DNS lookups: they would slow
    every request, and a wrong domain only costs one bounced confirmation."""
    # Check before stripping: a trailing newline is an injection attempt, not a typo.
    if not header_safe(value):
        raise FieldErrors({"email": N_("Enter a valid email address, like name@example.org.")})
    value = value.strip(" \t")
    if not value:
        raise FieldErrors({"email": N_("Enter your email address.")})
    if len(value) > MAX_EMAIL:
        raise FieldErrors({"email": N_("Enter a valid email address, like name@example.org.")})
    try:
        result = validate_email(value, check_deliverability=False)
    except EmailNotValidError as exc:
        raise FieldErrors(
            {"email": N_("Enter a valid email address, like name@example.org.")}
        ) from exc
    # An address typed in ASCII stays ASCII (`xn--` domains are not turned into Unicode):
    # a relay without SMTPUTF8 refuses Unicode addresses, and the visitor typed none.
    if value.isascii() and result.ascii_email:
        return result.ascii_email
    return result.normalized


def mailbox_key(email: str) -> str:
    """The mailbox a normalised address reaches, for the per-address limit. Most providers
    ignore case in the local part and deliver `user+tag@` to `user@` (Gmail also ignores
    dots), so a list bomber could otherwise vary those to send one victim endless mail."""
    local, _, domain = email.rpartition("@")
    local, domain = local.split("+", 1)[0].casefold(), domain.casefold()
    with contextlib.suppress(UnicodeError):  # bücher.example and xn--bcher-kva.example
        domain = domain.encode("idna").decode("ascii")
    if domain in GMAIL:
        local, domain = local.replace(".", ""), GMAIL[0]
    return f"{local}@{domain}"


def clean_name(value: str) -> str:
    if not header_safe(value) or not value.isprintable():
        raise FieldErrors({"name": N_("Enter your name without line breaks or special codes.")})
    value = value.strip()
    if len(value) > MAX_NAME:
        raise FieldErrors({"name": N_("Enter your name without line breaks or special codes.")})
    return value


def clean_message(value: str) -> str:
    # The message goes in the mail body, never a header: line breaks are fine, NUL is not.
    value = value.replace("\r\n", "\n").strip()
    if not value:
        raise FieldErrors({"message": N_("Enter your message.")})
    if len(value) > MAX_MESSAGE or "\0" in value:
        raise FieldErrors({"message": N_("Keep your message under 5,000 characters.")})
    return value
