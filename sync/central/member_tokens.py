"""Member QR tokens at the central (issue 17, "any member, offline"): the signing key and the
tokens it signs (the format: posclient/domain/member_token.py, docs/loyalty.md).

- **The signing key**: Ed25519, made on first need and kept in ``meta``
  (``member_token_signing``: its key id and the raw private key in base64url). Its public key
  is the global entity ``member_token_key`` (sync.protocol ``MemberTokenKeyData``), which
  reaches every till through the feed and the snapshot: the tills verify tokens offline with it.
  It is never written through the admin API or an import (entities.py ``CENTRAL_ENTITIES``).
- **Rotation** (:func:`rotate`, ``posclient-central member rotate-key``): a new key id signs
  from then on and the old private key is forgotten at once. The old public key stays, with
  ``valid_to`` = the rotation + ``MAX_TTL_S`` (the longest a token it signed can live), so
  tokens already shown keep working until they expire; keys whose ``valid_to`` has passed are
  deleted at the next rotation (and the tills' copies with them). A till that has not synced
  since a rotation refuses the new key's tokens (``member_token_invalid.unknown_key``) until it
  does; the member card and the phone number work meanwhile.
- **A token** (:func:`issue`, ``POST /v1/member-tokens``, ``posclient-central member token
  NO``): for an active member, their number, tier, masked name and points (the central's
  balance, never below zero), for ``ttl_s`` seconds (default ``DEFAULT_TTL_S``, ten minutes).

Issuing reads in one snapshot and writes only when the first key is made (serialised, so two
workers never make two first keys).
"""

from __future__ import annotations

import base64
import json
import secrets
from dataclasses import dataclass
from datetime import datetime

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat
from sqlalchemy import Connection, Engine, delete, insert, select, update

from posclient.domain.member_token import (
    DEFAULT_TTL_S,
    MAX_MASKED_NAME,
    MAX_POINTS,
    MAX_TTL_S,
    MIN_TTL_S,
    MemberClaims,
    b64url,
    from_b64url,
    public_key_of,
    sign_token,
)
from posclient.domain.privacy import mask_name
from sync.central import feed, loyalty
from sync.central.db import reader, serialize
from sync.central.errors import Conflict, InvalidRequest, NotFound
from sync.central.feed import PendingChange, Tx
from sync.central.schema import GLOBAL, dump_json, entities, meta
from sync.protocol import MemberTokenKeyData

SIGNING_KEY = "member_token_signing"  # meta: the current signing key (kid, private key)
ENTITY = "member_token_key"


@dataclass(frozen=True, slots=True)
class SigningKey:
    kid: str
    private_key: bytes  # raw Ed25519, 32 bytes


@dataclass(frozen=True, slots=True)
class IssuedToken:
    token: str
    claims: MemberClaims


def issue(engine: Engine, member_no: str, now: datetime,
          ttl_s: int = DEFAULT_TTL_S) -> IssuedToken:
    """A token for member ``member_no``. Raises NotFound (``member_unknown``), Conflict
    (``member_inactive``), InvalidRequest (a ttl out of bounds, a member number or tier too
    long for a token)."""
    if not MIN_TTL_S <= ttl_s <= MAX_TTL_S:
        raise InvalidRequest(f"ttl_seconds: from {MIN_TTL_S} to {MAX_TTL_S}",
                             code="invalid_request")
    with reader(engine) as conn:
        member = loyalty.read_member(conn, loyalty.member_key(conn, member_no=member_no))
        key = _read_signing(conn)
    if member is None:
        raise NotFound(f"No member {member_no!r}.", code="member_unknown")
    if not member.active:
        raise Conflict(f"Member {member_no} is no longer active: no token.",
                       code="member_inactive")
    if key is None:
        key = signing_key(engine, now)
    issued_at = int(now.timestamp())
    claims = MemberClaims(kid=key.kid, member_no=member.member_no,
                          tier=member.tier or "standard",
                          masked_name=mask_name(member.name)[:MAX_MASKED_NAME],
                          points=min(max(0, member.points), MAX_POINTS),
                          issued_at=issued_at, expires_at=issued_at + ttl_s)
    try:
        return IssuedToken(sign_token(claims, key.private_key), claims)
    except ValueError as exc:
        raise InvalidRequest(f"Member {member_no}: {exc}", code="member_token_unsuitable") \
            from None


def signing_key(engine: Engine, now: datetime) -> SigningKey:
    """The current signing key, made (and published to the tills) if there is none yet."""
    with reader(engine) as conn:
        key = _read_signing(conn)
    if key is not None:
        return key
    with feed.transaction(engine, now) as tx:
        serialize(tx.conn, SIGNING_KEY)
        return _read_signing(tx.conn) or _make_key(tx)


def rotate(engine: Engine, now: datetime) -> SigningKey:
    """A new signing key; the old one's tokens stay valid until they expire (module
    docstring). Keys whose tokens have all expired are deleted."""
    at = int(now.timestamp())
    with feed.transaction(engine, now) as tx:
        serialize(tx.conn, SIGNING_KEY)
        old = _read_signing(tx.conn)
        for published in published_keys(tx.conn):
            if published.valid_to is not None and published.valid_to < at:
                tx.conn.execute(delete(entities).where(entities.c.entity == ENTITY,
                                                       entities.c.key == published.kid))
                tx.emit(PendingChange.delete(ENTITY, published.kid, None))
            elif old is not None and published.kid == old.kid:
                _publish(tx, published.model_copy(update={"valid_to": at + MAX_TTL_S}))
        return _make_key(tx)


def published_keys(conn: Connection) -> list[MemberTokenKeyData]:
    """The public keys the tills hold, oldest first."""
    rows = conn.execute(select(entities.c.data).where(entities.c.entity == ENTITY))
    return sorted((MemberTokenKeyData.model_validate_json(data) for data, in rows),
                  key=lambda k: (k.valid_from, k.kid))


def _read_signing(conn: Connection) -> SigningKey | None:
    raw = conn.scalar(select(meta.c.value).where(meta.c.key == SIGNING_KEY))
    if raw is None:
        return None
    doc = json.loads(raw)
    return SigningKey(str(doc["kid"]), from_b64url(str(doc["private_key"])))


def _make_key(tx: Tx) -> SigningKey:
    """A new key: kept in ``meta``, its public half published (in the caller's transaction)."""
    private = Ed25519PrivateKey.generate().private_bytes(Encoding.Raw, PrivateFormat.Raw,
                                                         NoEncryption())
    taken = {k.kid for k in published_keys(tx.conn)}
    kid = _new_kid(taken)
    value = json.dumps({"kid": kid, "private_key": b64url(private)})
    if tx.conn.scalar(select(meta.c.key).where(meta.c.key == SIGNING_KEY)) is None:
        tx.conn.execute(insert(meta).values(key=SIGNING_KEY, value=value))
    else:
        tx.conn.execute(update(meta).where(meta.c.key == SIGNING_KEY).values(value=value))
    _publish(tx, MemberTokenKeyData(kid=kid, public_key=b64url(public_key_of(private)),
                                    valid_from=int(tx.now.timestamp())))
    return SigningKey(kid, private)


def _new_kid(taken: set[str]) -> str:
    while True:
        kid = base64.urlsafe_b64encode(secrets.token_bytes(6)).decode("ascii")  # 8 characters
        if kid not in taken:
            return kid


def _publish(tx: Tx, key: MemberTokenKeyData) -> None:
    """Write the key's entity row and its change for every till."""
    data = dump_json(key.model_dump(mode="json"))
    row = {"scope": GLOBAL, "parent": None, "data": data, "updated_at": tx.now}
    done = tx.conn.execute(update(entities).where(entities.c.entity == ENTITY,
                                                  entities.c.key == key.kid).values(**row))
    if not done.rowcount:
        tx.conn.execute(insert(entities).values(entity=ENTITY, key=key.kid, **row))
    tx.emit(PendingChange.upsert(ENTITY, key.kid, None, data))
