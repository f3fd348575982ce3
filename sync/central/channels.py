"""Channels' API keys (issue 18): a web shop, a mini-program or an app calls the central with a
key of its own and its scopes, never with the admin token.

A key is ``ck_<id>_<secret>``. ``id`` (10 hex digits) is public: it names the key in lists,
logs and the orders the channel owns. ``secret`` is 32 random bytes, url-safe base64 (256
bits), so a plain SHA-256 of it is the right hash: there is nothing a slow hash would protect.
The key is shown once, when IT creates it (``posclient-central channel create``); the central
keeps only the secret's hash and compares it in constant time. Every call reads the key's row,
so a revocation works at once. ``last_used_at`` is written at most once a minute per key, in a
short transaction of its own after the check (never in the caller's write transaction, which
it would serialize), and a busy database only skips it.

What a channel owns: the orders its key created (``channel_orders``; :func:`own_order`), which
only it reads and changes (another channel's order reads as unknown).
"""

from __future__ import annotations

import hmac
import logging
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, or_, select, update
from sqlalchemy.exc import OperationalError

from sync.central.db import upsert, write_tx
from sync.central.errors import Conflict, Forbidden, InvalidRequest, NotFound, Unauthorized
from sync.central.feed import Tx
from sync.central.identity import hash_secret
from sync.central.schema import channel_keys, channel_orders, entities

if TYPE_CHECKING:
    from sync.central.channel_auth import Caller

# The scopes a channel key may hold (sync/central/channel_auth.py names them to the routes).
PRICE = "price"  # POST /v1/price-basket
AVAILABILITY = "availability"  # POST /v1/availability
RESERVE = "reserve"  # reservations: hold, confirm, release, read
ORDERS = "orders"  # create and read its own orders
COUPONS = "coupons"  # check and redeem coupons
POINTS = "points"  # members' points: read and redeem
MEMBERS = "members"  # member QR tokens and consents
SCOPES = (PRICE, AVAILABILITY, RESERVE, ORDERS, COUPONS, POINTS, MEMBERS)

_KEY = re.compile(r"^ck_([0-9a-f]{10})_([A-Za-z0-9_-]{43})$")
NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,31}$")
RESERVED_NAMES = frozenset({"admin"})  # Caller.name of the admin token
USED_EVERY = timedelta(minutes=1)  # last_used_at is at most this old
_NO_HASH = "0" * 64  # compared against when no key has the id: the same work either way

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class ChannelKey:
    """A channel's key as the central keeps it (never the key itself)."""

    id: str
    name: str
    scopes: tuple[str, ...]
    created_at: datetime
    revoked_at: datetime | None
    last_used_at: datetime | None


def is_key_form(token: str) -> bool:
    """Whether ``token`` has the form of a channel key (a till's token never has it)."""
    return _KEY.match(token) is not None


def parse_scopes(given: str | Iterable[str]) -> tuple[str, ...]:
    """Scopes from ``price,orders`` (or a list), in :data:`SCOPES` order, each once. Raises
    :class:`InvalidRequest` (``scope_unknown``, ``scope_missing``)."""
    words = given.split(",") if isinstance(given, str) else list(given)
    wanted = {w.strip().lower() for w in words if w.strip()}
    unknown = sorted(wanted - set(SCOPES))
    if unknown:
        raise InvalidRequest(f"Unknown scope {', '.join(repr(u) for u in unknown)}: the scopes "
                             f"are {', '.join(SCOPES)}.", code="scope_unknown")
    if not wanted:
        raise InvalidRequest(f"A channel key needs at least one scope (of {', '.join(SCOPES)}).",
                             code="scope_missing")
    return tuple(s for s in SCOPES if s in wanted)


def _key(row: Any) -> ChannelKey:
    """A row of ``channel_keys`` as a :class:`ChannelKey`."""
    return ChannelKey(id=row.id, name=row.name,
                      scopes=tuple(s for s in row.scopes.split(",") if s),
                      created_at=row.created_at, revoked_at=row.revoked_at,
                      last_used_at=row.last_used_at)


# -- IT's side: create, list, rotate, revoke ----------------------------------------------

def create(tx: Tx, name: str, scopes: str | Iterable[str]) -> tuple[ChannelKey, str]:
    """A new channel key: ``(its record, the key)``. The key is not kept: show it once.
    Raises :class:`InvalidRequest` (a bad name or scope), :class:`Conflict`
    (``channel_exists``)."""
    if not NAME.match(name) or name in RESERVED_NAMES:
        raise InvalidRequest(f"Channel name {name!r}: use 1-32 lower-case letters, digits, '-' "
                             "or '_', starting with a letter or digit (not 'admin').",
                             code="channel_name_invalid")
    chosen = parse_scopes(scopes)
    key_id, secret = secrets.token_hex(5), secrets.token_urlsafe(32)
    conn = tx.conn
    conn.execute(upsert(conn, channel_keys).values(
        id=key_id, name=name, key_hash=hash_secret(secret), scopes=",".join(chosen),
        created_at=tx.now).on_conflict_do_nothing(index_elements=["name"]))
    if conn.scalar(select(channel_keys.c.id).where(channel_keys.c.name == name)) != key_id:
        raise Conflict(f"A channel named {name!r} already exists (see `posclient-central "
                       "channel list`); give the new one another name.", code="channel_exists")
    log.info("channel key %s (%s) created with scopes %s", key_id, name, ",".join(chosen))
    record = ChannelKey(key_id, name, chosen, tx.now, None, None)
    return record, f"ck_{key_id}_{secret}"


def list_keys(conn: Connection) -> list[ChannelKey]:
    """Every channel key, revoked ones too, by name."""
    return [_key(r) for r in conn.execute(select(channel_keys).order_by(channel_keys.c.name))]


def revoke(tx: Tx, id_or_name: str) -> tuple[ChannelKey, bool]:
    """Revoke a key (by its id or its channel's name) at once: ``(the key, True)``, or
    ``False`` when it was revoked already. Raises :class:`NotFound` (``channel_unknown``)."""
    key = _named(tx.conn, id_or_name)
    done = tx.conn.execute(update(channel_keys).where(  # the condition decides a repeat at once
        channel_keys.c.id == key.id, channel_keys.c.revoked_at.is_(None))
        .values(revoked_at=tx.now))
    if done.rowcount != 1:
        return key, False
    log.info("channel key %s (%s) revoked", key.id, key.name)
    return ChannelKey(key.id, key.name, key.scopes, key.created_at, tx.now,
                      key.last_used_at), True


def rotate(tx: Tx, id_or_name: str) -> tuple[ChannelKey, str]:
    """A new secret for a channel's key (by its id or name): ``(the key, the new key)``. The
    old secret stops at once; the id, the name, the scopes and the orders the channel owns
    stay; a revoked key is in force again. Raises :class:`NotFound` (``channel_unknown``)."""
    key = _named(tx.conn, id_or_name)
    secret = secrets.token_urlsafe(32)
    tx.conn.execute(update(channel_keys).where(channel_keys.c.id == key.id).values(
        key_hash=hash_secret(secret), revoked_at=None))
    log.info("channel key %s (%s) given a new secret", key.id, key.name)
    return (ChannelKey(key.id, key.name, key.scopes, key.created_at, None, key.last_used_at),
            f"ck_{key.id}_{secret}")


def _named(conn: Connection, id_or_name: str) -> ChannelKey:
    row = conn.execute(select(channel_keys).where(or_(
        channel_keys.c.id == id_or_name, channel_keys.c.name == id_or_name))).first()
    if row is None:
        raise NotFound(f"No channel key {id_or_name!r} (see `posclient-central channel list`).",
                       code="channel_unknown")
    return _key(row)


# -- a call: which channel is it -----------------------------------------------------------------

def find(conn: Connection, token: str) -> ChannelKey | None:
    """The key ``token`` is (revoked or not), or None: not of the form, no such id, or a wrong
    secret, told apart by nothing (the hash is compared in constant time either way)."""
    match = _KEY.match(token)
    if match is None:
        return None
    row = conn.execute(select(channel_keys).where(channel_keys.c.id == match[1])).first()
    stored = row.key_hash if row is not None else _NO_HASH
    if not hmac.compare_digest(hash_secret(match[2]), stored) or row is None:
        return None
    return _key(row)


def authenticate(engine: Engine, token: str, now: datetime) -> ChannelKey:
    """The channel key ``token`` is, in force. Raises :class:`Unauthorized`:
    ``channel_key_unknown`` (one message for every way of being wrong) or
    ``channel_key_revoked``."""
    with engine.connect() as conn:
        key = find(conn, token)
    if key is None:
        raise Unauthorized("Unknown channel key.", code="channel_key_unknown")
    if key.revoked_at is not None:
        raise Unauthorized(f"Channel key {key.id} was revoked; ask IT for a new one.",
                           code="channel_key_revoked")
    if key.last_used_at is None or now - key.last_used_at >= USED_EVERY:
        _used(engine, key.id, now)
    return key


def _used(engine: Engine, key_id: str, now: datetime) -> None:
    """Note the key's use (a conditional update: of callers at once, one writes)."""
    try:
        with write_tx(engine) as conn:
            conn.execute(update(channel_keys).where(
                channel_keys.c.id == key_id,
                or_(channel_keys.c.last_used_at.is_(None),
                    channel_keys.c.last_used_at <= now - USED_EVERY)).values(last_used_at=now))
    except OperationalError as exc:  # busy: the next call within the minute tries again
        log.warning("channel key %s: last use not noted (%s)", key_id, type(exc.orig).__name__)


# -- what a channel owns ---------------------------------------------------------------------------

def _owner(conn: Connection, order_no: str) -> str | None:
    return conn.scalar(select(channel_orders.c.channel_id)
                       .where(channel_orders.c.order_no == order_no))


def _order_exists(conn: Connection, order_no: str) -> bool:
    return conn.scalar(select(entities.c.key).where(entities.c.entity == "order",
                                                    entities.c.key == order_no)) is not None


_OTHER = "This order belongs to another channel."


def check_order_writable(tx: Tx, caller: Caller, order_no: str) -> None:
    """Before a channel writes ``order_no``: a new order, or one its key created. Another
    channel's, or one the admin created: ``403 other_channel`` (nothing more said). The admin
    writes any. Call with the orders serialized (db.serialize "entities", "order")."""
    if caller.kind != "channel":
        return
    owner = _owner(tx.conn, order_no)
    if owner is None and not _order_exists(tx.conn, order_no):
        return
    if owner != caller.channel_id:
        raise Forbidden(_OTHER, code="other_channel")


def own_order(tx: Tx, caller: Caller, order_no: str) -> None:
    """Record that ``caller``'s channel created ``order_no`` (nothing for the admin or a till),
    in the transaction that writes the order. ``403 other_channel`` when another channel's key
    created it. A repeat changes nothing."""
    if caller.kind != "channel" or caller.channel_id is None:
        return
    conn = tx.conn
    conn.execute(upsert(conn, channel_orders).values(
        order_no=order_no, channel_id=caller.channel_id)
        .on_conflict_do_nothing(index_elements=["order_no"]))
    if _owner(conn, order_no) != caller.channel_id:
        raise Forbidden(_OTHER, code="other_channel")


def may_read_order(conn: Connection, caller: Caller, order_no: str) -> bool:
    """Whether ``caller`` may read ``order_no``: the admin any, a channel its own."""
    if caller.kind == "admin":
        return True
    return caller.kind == "channel" and _owner(conn, order_no) == caller.channel_id
