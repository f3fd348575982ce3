"""Stores, staff, terminals and their credentials: enrolment codes, bearer tokens, the admin token.

Secrets are shown once and stored only as SHA-256 hashes: terminal tokens (32 random bytes),
enrolment codes (16 Crockford base-32 characters, 80 bits, typed at the till as
``XXXX-XXXX-XXXX-XXXX``; case, dashes, O/0 and I/L/1 do not matter) and the admin token. A
plain hash is enough because every secret is long and random: there is nothing to brute-force
that a slow hash would protect. Staff PINs are short, so they get argon2id
(posclient.domain.pins.hash_pin).

Bad enrolment codes are counted per client address; after ``max_failures`` within ``window``
the address gets 429 until the oldest failure leaves the window. The count lives in the
database, so it holds across restarts and across several workers. The address is the
connection's peer, or the client a trusted proxy reports (uvicorn's ``--forwarded-allow-ips``:
an ``X-Forwarded-For`` from anyone else is ignored), keyed by :func:`rate_key`.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
import logging
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Engine, delete, func, insert, or_, select, update

from sync.central import entities
from sync.central.db import is_postgres, serialize, write_tx
from sync.central.errors import (
    CentralError,
    ConfigError,
    Conflict,
    InvalidRequest,
    NotFound,
    TooManyAttempts,
    Unauthorized,
)
from sync.central.feed import Tx
from sync.central.schema import (
    CENTRAL_ID_KEY,
    enrol_failures,
    enrolment_codes,
    meta,
    stores,
    terminals,
)
from sync.central.schema import entities as entity_table
from sync.central.store_places import Place
from sync.protocol import EnrolRequest, EnrolResponse

CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford: no I, L, O, U
_CODE_FIX = str.maketrans({"O": "0", "I": "1", "L": "1"})
STORE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$")
PIN = re.compile(r"^\d{4,6}$")
_ADMIN_KEY = "admin_token_hash"
MIN_ADMIN_TOKEN = 24

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class TerminalIdentity:
    store_id: str
    terminal_id: str


@dataclass(frozen=True, slots=True)
class EnrolLimits:
    max_failures: int = 5
    window: timedelta = timedelta(minutes=15)


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def new_token() -> str:
    return secrets.token_urlsafe(32)


def new_enrolment_code() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(16))
    return "-".join(raw[i:i + 4] for i in range(0, 16, 4))


def normalize_code(code: str) -> str:
    return "".join(code.split()).replace("-", "").upper().translate(_CODE_FIX)


# -- stores and staff ---------------------------------------------------------------------------

def create_store(tx: Tx, store_id: str, name_zh: str, name_en: str,
                 settings: dict[str, Any] | None = None, place: Place | None = None) -> None:
    """A new store and its ``store_settings`` record (names, plus any ``settings`` given), in
    its group at its position (``place``: sync/central/store_places.py)."""
    if not STORE_ID.match(store_id):
        raise InvalidRequest(f"Store id {store_id!r}: use 1-32 letters, digits, '-' or '_', "
                             "starting with a letter or digit.")
    if not name_zh.strip() and not name_en.strip():
        raise InvalidRequest("A store needs a name (Chinese, English or both).")
    exists = tx.conn.execute(select(stores.c.store_id).where(stores.c.store_id == store_id))
    if exists.first() is not None:
        raise Conflict(f"Store {store_id} already exists.", code="store_exists")
    tx.conn.execute(insert(stores).values(store_id=store_id, name_zh=name_zh, name_en=name_en,
                                          created_at=tx.now, **(place or Place()).columns()))
    record = {**(settings or {}), "store_id": store_id, "store_name_zh": name_zh,
              "store_name_en": name_en}
    report = entities.upsert_records(tx, "store_settings", [(1, record)])
    if report.rejected:
        raise InvalidRequest(f"Store settings: {report.rejected[0].reason}")


def create_staff(tx: Tx, *, staff_id: int, name: str, role: str, pin: str,
                 store_id: str | None = None, active: bool = True) -> bool:
    """Add or replace a staff member (PIN hashed with argon2id). True if new."""
    from posclient.domain.pins import hash_pin, verify_pin  # argon2: only where PINs are set

    if not PIN.match(pin):
        raise InvalidRequest("A PIN is 4 to 6 digits.")
    if store_id is not None:
        _require_store(tx, store_id)
    serialize(tx.conn, "entities", "staff")  # a repeat sent at once sees the first one
    old = tx.conn.execute(select(entity_table.c.data).where(
        entity_table.c.entity == "staff", entity_table.c.key == str(staff_id))).first()
    old_hash = json.loads(old.data).get("pin_hash") if old is not None else None
    # The same PIN keeps its hash (argon2 salts each one): a repeat changes nothing.
    pin_hash = old_hash if old_hash and verify_pin(old_hash, pin) else hash_pin(pin)
    record = {"id": staff_id, "name": name, "role": role, "pin_hash": pin_hash,
              "active": active}
    report = entities.upsert_records(tx, "staff", [(1, record)], store_id=store_id)
    if report.rejected:
        raise InvalidRequest(f"Staff {staff_id}: {report.rejected[0].reason}")
    return old is None


def _require_store(tx: Tx, store_id: str) -> None:
    row = tx.conn.execute(select(stores.c.store_id).where(stores.c.store_id == store_id)).first()
    if row is None:
        raise NotFound(f"No store {store_id!r}.", code="store_not_found")


# -- enrolment ---------------------------------------------------------------------------------

def make_enrolment_code(tx: Tx, store_id: str, ttl: timedelta,
                        terminal_id: str | None = None) -> tuple[str, datetime]:
    """A one-time code for enrolling a terminal in ``store_id``: ``(code, expires_at)``.

    With ``terminal_id``, the code enrols that existing till again (its token was revoked or
    lost, its keyring was wiped): it keeps its id, its terminal_seq and its place in the feed;
    the old token stops working when the code is used.
    """
    if ttl <= timedelta(0) or ttl > timedelta(days=30):
        raise InvalidRequest("An enrolment code lives between a minute and 30 days.")
    _require_store(tx, store_id)
    if terminal_id is not None and tx.conn.execute(select(terminals.c.terminal_id).where(
            terminals.c.store_id == store_id,
            terminals.c.terminal_id == terminal_id)).first() is None:
        raise NotFound(f"No terminal {terminal_id} in store {store_id}.",
                       code="terminal_not_found")
    code = new_enrolment_code()
    expires = tx.now + ttl
    tx.conn.execute(insert(enrolment_codes).values(
        code_hash=hash_secret(normalize_code(code)), store_id=store_id, created_at=tx.now,
        expires_at=expires, terminal_id=terminal_id))
    return code, expires


class _EnrolRefused(CentralError):
    status = 400


def enrol(engine: Engine, req: EnrolRequest, address: str, now: datetime,
          limits: EnrolLimits = EnrolLimits()) -> EnrolResponse:
    """Spend a one-time code: a new terminal in the code's store, with a new bearer token; or,
    with a code made for one till (and that till's ``terminal_id`` in the request), a new token
    for that till.

    Safe to retry: the request that spent a code (its ``request_id``, written to the till's
    database before sending) gets the same terminal and a fresh token again, as long as the
    token the code issued was never used (its answer was lost). A new token works beside the
    till's old one until it is first used (:func:`authenticate`), so a lost answer to an
    enrolment again never leaves a till unable to sync.
    """
    _check_rate(engine, address, now, limits)
    code_hash = hash_secret(normalize_code(req.code))
    request_id = str(req.request_id) if req.request_id is not None else None
    try:
        with write_tx(engine) as conn:
            row = conn.execute(select(enrolment_codes).where(
                enrolment_codes.c.code_hash == code_hash)).first()
            if row is None:
                raise _EnrolRefused("This enrolment code is not valid. Check it was typed "
                                    "correctly, or ask for a new one.",
                                    code="enrolment_code_invalid")
            if row.used_at is not None and request_id is not None \
                    and row.request_id == request_id:
                terminal_id, token = _reissue(conn, row, req)
            else:
                terminal_id, token = _spend(conn, row, req, request_id, now)
            store_id = row.store_id
            central = central_id(conn)
    except _EnrolRefused as exc:
        with write_tx(engine) as conn:
            conn.execute(insert(enrol_failures).values(address=address, at=now))
        log.warning("enrolment refused for %s: %s", address, exc.code)
        raise
    log.info("terminal %s/%s (%r) enrolled from %s", store_id, terminal_id, req.terminal_name,
             address)
    return EnrolResponse(store_id=store_id, terminal_id=terminal_id, token=token,
                         server_time=now, central_id=central)


def _spend(conn: Any, row: Any, req: EnrolRequest, request_id: str | None,
           now: datetime) -> tuple[str, str]:
    """The first use of a code: the terminal it makes (or enrols again) and its new token."""
    if row.used_at is not None:
        raise _EnrolRefused("This enrolment code was already used. Ask for a new one.",
                            code="enrolment_code_used")
    if row.expires_at <= now:
        raise _EnrolRefused("This enrolment code has expired. Ask for a new one.",
                            code="enrolment_code_expired")
    again = row.terminal_id  # a code made for one till that enrols again
    if again is not None and (req.terminal_id, req.store_id) != (again, row.store_id):
        raise _EnrolRefused(f"This code is for till {again} of store {row.store_id}; "
                            "use it on that till.", code="enrolment_code_other_till")
    if again is None and req.terminal_id is not None:
        raise _EnrolRefused(
            f"This till is already enrolled as {req.terminal_id}: it needs a code made "
            f"for it (posclient-central enrol-code --store {row.store_id} --terminal "
            f"{req.terminal_id}).", code="enrolment_code_not_for_this_till")
    q = select(stores.c.store_id).where(stores.c.store_id == row.store_id)
    conn.execute(q.with_for_update() if is_postgres(conn) else q)  # one enrol per store
    terminal_id = again or _next_terminal_id(conn, row.store_id)
    token = new_token()
    spent = conn.execute(update(enrolment_codes).where(
        enrolment_codes.c.code_hash == row.code_hash, enrolment_codes.c.used_at.is_(None))
        .values(used_at=now, terminal_id=terminal_id, request_id=request_id,
                token_hash=hash_secret(token)))
    if spent.rowcount != 1:  # another request spent it a moment ago: this one's twin?
        now_row = conn.execute(select(enrolment_codes).where(
            enrolment_codes.c.code_hash == row.code_hash)).first()
        if request_id is not None and now_row is not None and now_row.request_id == request_id:
            return _reissue(conn, now_row, req)
        raise _EnrolRefused("This enrolment code was already used. Ask for a new one.",
                            code="enrolment_code_used")
    if again is not None:  # the same till, a new token beside its old one until first used
        revoked = conn.scalar(select(terminals.c.revoked_at).where(
            terminals.c.store_id == row.store_id, terminals.c.terminal_id == again))
        values: dict[str, Any] = {"new_token_hash": hash_secret(token), "revoked_at": None,
                                  "name": req.terminal_name}
        if revoked is not None:  # a revoked token stays dead
            values["token_hash"] = hash_secret(new_token())
        conn.execute(update(terminals).where(
            terminals.c.store_id == row.store_id, terminals.c.terminal_id == again)
            .values(**values))
    else:  # nobody knows token_hash's token: the new one becomes it when first used
        conn.execute(insert(terminals).values(
            store_id=row.store_id, terminal_id=terminal_id, name=req.terminal_name,
            token_hash=hash_secret(new_token()), new_token_hash=hash_secret(token),
            created_at=now, high_seq=0))
    return terminal_id, token


def _reissue(conn: Any, row: Any, req: EnrolRequest) -> tuple[str, str]:
    """The request that spent this code again (its answer was lost): a fresh token for the
    same terminal, if the token the code issued was never used."""
    if row.terminal_id is None or (req.terminal_id is not None and (
            req.terminal_id, req.store_id) != (row.terminal_id, row.store_id)):
        raise _EnrolRefused("This enrolment code was already used. Ask for a new one.",
                            code="enrolment_code_used")
    token = new_token()
    renewed = conn.execute(update(terminals).where(
        terminals.c.store_id == row.store_id, terminals.c.terminal_id == row.terminal_id,
        terminals.c.revoked_at.is_(None), terminals.c.new_token_hash == row.token_hash)
        .values(new_token_hash=hash_secret(token), name=req.terminal_name))
    if row.token_hash is None or renewed.rowcount != 1:
        raise _EnrolRefused("This enrolment code was already used, and the till it enrolled "
                            "has used its token since: ask for a new code.",
                            code="enrolment_code_used")
    conn.execute(update(enrolment_codes).where(enrolment_codes.c.code_hash == row.code_hash)
                 .values(token_hash=hash_secret(token)))
    return row.terminal_id, token


def central_id(conn: Any) -> str:
    """This central's own id (made when its database was created or upgraded to v8)."""
    return conn.scalar(select(meta.c.value).where(meta.c.key == CENTRAL_ID_KEY))


def rate_key(host: str | None) -> str:
    """The key an enrolment failure is counted under for a client at ``host``: an IPv4
    address, or the /64 network of an IPv6 one (a single host there holds a whole /64 to take
    new addresses from). Anything that is not an address (no peer, a proxy reporting junk)
    shares the one key ``unknown``: never a value that grows the table's key or escapes the
    count by changing."""
    try:
        ip = ipaddress.ip_address((host or "").strip())
    except ValueError:
        return "unknown"
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network((ip, 64), strict=False))
    return str(ip)


def _check_rate(engine: Engine, address: str, now: datetime, limits: EnrolLimits) -> None:
    since = now - limits.window
    with write_tx(engine) as conn:
        conn.execute(delete(enrol_failures).where(enrol_failures.c.at <= since))
        count, oldest = conn.execute(
            select(func.count(), func.min(enrol_failures.c.at))
            .where(enrol_failures.c.address == address, enrol_failures.c.at > since)).one()
    if count >= limits.max_failures:
        wait = max(1, int((oldest + limits.window - now).total_seconds()) + 1)
        raise TooManyAttempts(f"Too many wrong enrolment codes from this address. Try again in "
                              f"{wait} seconds.", retry_after=wait)


def _next_terminal_id(conn: Any, store_id: str) -> str:
    taken = set(conn.scalars(select(terminals.c.terminal_id)
                             .where(terminals.c.store_id == store_id)))
    n = len(taken) + 1
    while f"T{n:02d}" in taken:
        n += 1
    return f"T{n:02d}"


# -- tokens -------------------------------------------------------------------------------------

def authenticate(engine: Engine, token: str) -> TerminalIdentity:
    """The terminal a bearer token belongs to. Raises :class:`Unauthorized`.

    A terminal's new token (from an enrolment) is accepted beside its current one; its first
    use makes it the current one and the old one stops working."""
    given = hash_secret(token)
    with engine.connect() as conn:
        row = conn.execute(select(terminals.c.store_id, terminals.c.terminal_id,
                                  terminals.c.revoked_at, terminals.c.new_token_hash)
                           .where(or_(terminals.c.token_hash == given,
                                      terminals.c.new_token_hash == given))).first()
    if row is None:
        raise Unauthorized("Unknown token: enrol this terminal with a code from the central.",
                           code="token_unknown")
    if row.revoked_at is not None:
        raise Unauthorized("This terminal's token was revoked: enrol it again with a new code.",
                           code="token_revoked")
    if row.new_token_hash == given:
        with write_tx(engine) as conn:
            conn.execute(update(terminals).where(terminals.c.new_token_hash == given)
                         .values(token_hash=given, new_token_hash=None))
        log.info("terminal %s/%s uses its new token; the old one stops working", row.store_id,
                 row.terminal_id)
    return TerminalIdentity(row.store_id, row.terminal_id)


def revoke_terminal(tx: Tx, store_id: str, terminal_id: str) -> bool:
    """Revoke a terminal's token at once. False if it was already revoked."""
    row = tx.conn.execute(select(terminals.c.revoked_at).where(
        terminals.c.store_id == store_id, terminals.c.terminal_id == terminal_id)).first()
    if row is None:
        raise NotFound(f"No terminal {terminal_id} in store {store_id}.",
                       code="terminal_not_found")
    done = tx.conn.execute(update(terminals).where(  # the condition decides a concurrent repeat
        terminals.c.store_id == store_id, terminals.c.terminal_id == terminal_id,
        terminals.c.revoked_at.is_(None)).values(revoked_at=tx.now))
    if done.rowcount != 1:
        return False
    log.info("terminal %s/%s revoked", store_id, terminal_id)
    return True


def check_admin_token(token: str) -> None:
    """Refuse an admin token too short to be a random secret (one given by a person)."""
    if len(token) < MIN_ADMIN_TOKEN:
        raise ConfigError(f"The admin token must be at least {MIN_ADMIN_TOKEN} characters "
                         "(make one with: python -c 'import secrets; "
                         "print(secrets.token_urlsafe(32))').")


def set_admin_token(tx: Tx, token: str) -> None:
    """Store the admin token's hash (replacing any earlier one)."""
    check_admin_token(token)
    tx.conn.execute(delete(meta).where(meta.c.key == _ADMIN_KEY))
    tx.conn.execute(insert(meta).values(key=_ADMIN_KEY, value=hash_secret(token)))


def is_admin_token_given(token: str, given_hash: str) -> bool:
    """True for the admin token given by the environment (its hash ``given_hash``): no query."""
    return hmac.compare_digest(hash_secret(token), given_hash)


def is_admin_token(engine: Engine, token: str, extra_hash: str | None = None) -> bool:
    """True for the stored admin token, or the one given by the environment (``extra_hash``)."""
    given = hash_secret(token)
    if extra_hash is not None and hmac.compare_digest(given, extra_hash):
        return True
    with engine.connect() as conn:
        stored = conn.scalar(select(meta.c.value).where(meta.c.key == _ADMIN_KEY))
    return stored is not None and hmac.compare_digest(given, stored)
