"""The member QR token: a short-lived statement by the central about a member, signed with
Ed25519, that any till verifies offline with the central's public key (issue 17, "any member,
offline"). One home for the format: the central signs with :func:`sign_token`
(sync/central/member_tokens.py), a till verifies with :func:`verify_token`.

The format (docs/loyalty.md, "The member QR token")::

    MT1.<payload>.<signature>

- ``MT1.``: the format and its version;
- ``payload``: base64url (no padding) of canonical JSON (sorted keys, no spaces, UTF-8):
  ``k`` the key id, ``n`` the member number, ``t`` the tier, ``m`` the masked name
  (:func:`posclient.domain.privacy.mask_name`, at most :data:`MAX_MASKED_NAME` characters),
  ``p`` the points available when issued, ``i`` issued at and ``e`` expires at (unix seconds);
- ``signature``: base64url of the Ed25519 signature of the ASCII text ``MT1.<payload>``, so
  the version is signed too.

A token is at most :data:`MAX_TOKEN_CHARS` characters (a QR code a phone shows and a scanner
reads at a glance). Verification refuses, each with its own message: more than that, another
prefix, anything that is not exactly three canonical base64url parts with a payload of the
expected fields and bounds, a key id the till does not know (or a key no longer accepted), a
signature that does not verify, a token issued more than :data:`CLOCK_SKEW_S` in the future or
expired more than :data:`CLOCK_SKEW_S` ago. Nothing of the payload is trusted before its
signature verified, except the key id that picks the key. A token kept with a suspended sale
is verified again when the sale is resumed (:func:`verify_kept_token`): the same checks, but
its key must have been in force when it was issued instead of now, and it may have expired.

Pure: the time is passed in, and signing is deterministic (Ed25519); making a key is the
central's (it needs chance). The ``cryptography`` package loads on the first token, not at the
till's start (``startup_rss_mb``, docs/performance.md).
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from .errors import InvalidInput

PREFIX = "MT1."
MAX_TOKEN_CHARS = 400
MAX_KID = 16
MAX_MEMBER_NO = 64
MAX_TIER = 32
MAX_MASKED_NAME = 16
MAX_POINTS = 10**12  # as sync.protocol's MAX_POINTS
CLOCK_SKEW_S = 120  # a till's clock may be this far from the central's, either way
DEFAULT_TTL_S = 600  # ten minutes: the app shows a fresh code each visit
MIN_TTL_S = 60  # the shortest a token may be asked for
MAX_TTL_S = 86_400  # the longest a chain may let a token live
_LATEST = int(datetime(2200, 1, 1, tzinfo=UTC).timestamp())
_KID = re.compile(rf"^[A-Za-z0-9_-]{{1,{MAX_KID}}}$")
_B64 = re.compile(r"^[A-Za-z0-9_-]+$")
_LOOKS = re.compile(r"^MT\d+\.", re.IGNORECASE)
_FIELDS = frozenset("kntmpie")
_SIGNATURE_BYTES = 64
PUBLIC_KEY_BYTES = 32  # a raw Ed25519 public key


@dataclass(frozen=True, slots=True)
class MemberClaims:
    """What a token says about a member (verified, or about to be signed)."""

    kid: str
    member_no: str
    tier: str
    masked_name: str
    points: int  # available when issued
    issued_at: int  # unix seconds
    expires_at: int  # unix seconds


@dataclass(frozen=True, slots=True)
class TokenKey:
    """A public key the central signs tokens with (the entity ``member_token_key``).

    Tokens signed with it are accepted from ``valid_from`` until ``valid_to`` (None: the
    central's current key, no end yet), unix seconds."""

    kid: str
    public_key: bytes  # raw Ed25519, 32 bytes
    valid_from: int
    valid_to: int | None = None


def looks_like_token(text: str) -> bool:
    """Scanned text meant as a member token (any version): ``MT<digits>.``, any case."""
    return bool(_LOOKS.match(text.strip()))


def b64url(data: bytes) -> str:
    """base64url without padding."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def from_b64url(text: str) -> bytes:
    """The bytes of canonical base64url without padding; ValueError for anything else (another
    alphabet, padding, a length no encoding has, unused bits set: a changed character must
    never decode to the same bytes)."""
    if not _B64.match(text) or len(text) % 4 == 1:
        raise ValueError("not base64url")
    try:
        data = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        raise ValueError("not base64url") from None
    if b64url(data) != text:
        raise ValueError("not canonical base64url")
    return data


def check_claims(c: MemberClaims) -> None:
    """ValueError unless every field is within the format's bounds."""
    if not _KID.match(c.kid):
        raise ValueError(f"kid: 1-{MAX_KID} of A-Z a-z 0-9 _ -")
    if not 1 <= len(c.member_no) <= MAX_MEMBER_NO or not c.member_no.isprintable():
        raise ValueError(f"member_no: 1-{MAX_MEMBER_NO} printable characters")
    if not 1 <= len(c.tier) <= MAX_TIER or not c.tier.isprintable():
        raise ValueError(f"tier: 1-{MAX_TIER} printable characters")
    if len(c.masked_name) > MAX_MASKED_NAME or not c.masked_name.isprintable():
        raise ValueError(f"masked_name: at most {MAX_MASKED_NAME} printable characters")
    if not 0 <= c.points <= MAX_POINTS:
        raise ValueError(f"points: 0-{MAX_POINTS}")
    if not 0 <= c.issued_at < c.expires_at <= _LATEST:
        raise ValueError("issued_at before expires_at, both between 1970 and 2200")
    if c.expires_at - c.issued_at > MAX_TTL_S:
        raise ValueError(f"a token lives at most {MAX_TTL_S} s")


def _payload_json(c: MemberClaims) -> bytes:
    doc = {"k": c.kid, "n": c.member_no, "t": c.tier, "m": c.masked_name, "p": c.points,
           "i": c.issued_at, "e": c.expires_at}
    return json.dumps(doc, ensure_ascii=False, sort_keys=True,
                      separators=(",", ":")).encode("utf-8")


def sign_token(claims: MemberClaims, private_key: bytes) -> str:
    """The token for ``claims``, signed with the raw Ed25519 private key (32 bytes).
    ValueError: a field out of bounds, or a token longer than :data:`MAX_TOKEN_CHARS`."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    check_claims(claims)
    signed = PREFIX + b64url(_payload_json(claims))
    signature = Ed25519PrivateKey.from_private_bytes(private_key).sign(signed.encode("ascii"))
    token = f"{signed}.{b64url(signature)}"
    if len(token) > MAX_TOKEN_CHARS:
        raise ValueError(f"the token would be {len(token)} characters (at most "
                         f"{MAX_TOKEN_CHARS}): the member number or tier is too long")
    return token


def public_key_of(private_key: bytes) -> bytes:
    """The raw public key (32 bytes) of a raw Ed25519 private key."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    return Ed25519PrivateKey.from_private_bytes(private_key).public_key().public_bytes(
        Encoding.Raw, PublicFormat.Raw)


def verify_token(text: str, keys: Mapping[str, TokenKey], now: datetime) -> MemberClaims:
    """The claims of a genuine token in force at ``now``; raises :class:`InvalidInput`
    (``member_token_invalid.<why>`` or ``member_token_expired``) for anything else."""
    claims, key = _genuine(text, keys)
    # From here the payload is the central's.
    at = int(now.timestamp())
    if claims.issued_at > at + CLOCK_SKEW_S or at < key.valid_from - CLOCK_SKEW_S:
        raise InvalidInput.of("member_token_invalid.future")
    if at > claims.expires_at + CLOCK_SKEW_S or (key.valid_to is not None
                                                 and at > key.valid_to + CLOCK_SKEW_S):
        raise InvalidInput.of("member_token_expired")
    return claims


def verify_kept_token(text: str, keys: Mapping[str, TokenKey]) -> MemberClaims:
    """The claims of a genuine token whatever its age: one a till verified when it was scanned
    and kept with a suspended sale, which may be resumed after the token expired. Its signature
    is checked, and its key must have been in force when it was issued; its expiry is not.
    Raises :class:`InvalidInput` (``member_token_invalid.<why>``) for anything else."""
    claims, key = _genuine(text, keys)
    if claims.issued_at < key.valid_from - CLOCK_SKEW_S or (
            key.valid_to is not None and claims.issued_at > key.valid_to + CLOCK_SKEW_S):
        raise InvalidInput.of("member_token_invalid.forged")  # its key was not in force then
    return claims


def _genuine(text: str, keys: Mapping[str, TokenKey]) -> tuple[MemberClaims, TokenKey]:
    """The claims of a token signed by one of ``keys``, and that key (times not checked)."""
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    raw = text.strip()
    if len(raw) > MAX_TOKEN_CHARS:
        raise InvalidInput.of("member_token_invalid.oversized", max_chars=MAX_TOKEN_CHARS)
    if not raw.startswith(PREFIX):
        raise InvalidInput.of("member_token_invalid.version")
    payload_text, signature = _parts(raw)
    claims = _claims(payload_text)
    key = keys.get(claims.kid)
    if key is None:
        raise InvalidInput.of("member_token_invalid.unknown_key", kid=claims.kid)
    try:
        Ed25519PublicKey.from_public_bytes(key.public_key).verify(
            signature, (PREFIX + payload_text).encode("ascii"))
    except (InvalidSignature, ValueError):
        raise InvalidInput.of("member_token_invalid.forged") from None
    return claims, key


def _parts(raw: str) -> tuple[str, bytes]:
    """The payload's base64url text and the signature's bytes."""
    parts = raw[len(PREFIX):].split(".")
    if len(parts) != 2:
        raise InvalidInput.of("member_token_invalid.malformed")
    try:
        signature = from_b64url(parts[1])
    except ValueError:
        raise InvalidInput.of("member_token_invalid.malformed") from None
    if len(signature) != _SIGNATURE_BYTES:
        raise InvalidInput.of("member_token_invalid.malformed")
    return parts[0], signature


def _claims(payload_text: str) -> MemberClaims:
    """The payload's fields, checked for form and bounds (not trusted yet)."""
    try:
        doc = json.loads(from_b64url(payload_text).decode("utf-8"),
                         object_pairs_hook=_no_repeats)
        if not isinstance(doc, dict) or set(doc) != _FIELDS:
            raise ValueError("fields")
        claims = MemberClaims(kid=_text(doc["k"]), member_no=_text(doc["n"]),
                              tier=_text(doc["t"]), masked_name=_text(doc["m"]),
                              points=_int(doc["p"]), issued_at=_int(doc["i"]),
                              expires_at=_int(doc["e"]))
        check_claims(claims)
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise InvalidInput.of("member_token_invalid.malformed") from None
    return claims


def _no_repeats(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    keys = [k for k, _ in pairs]
    if len(set(keys)) != len(keys):
        raise ValueError("a key given twice")
    return dict(pairs)


def _text(value: object) -> str:
    if not isinstance(value, str):
        raise ValueError("a text")
    return value


def _int(value: object) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise ValueError("a whole number")
    return value
