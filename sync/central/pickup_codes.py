"""Pick-up codes at the central (issue 17): the hashes of the codes the web shop sends, and a
till's online check of the code a customer gives, with its own count of wrong codes per order.

The rule (the argon2id hash, the old SHA-256 form, the limit) is sync/protocol/pickup_codes.py,
which the tills use too.

Hashing a code costs about 20 ms of CPU, so the codes of a batch of orders are worked out before
its write transaction opens (:meth:`CodeHashes.prepare`): the write lock (SQLite) and the
orders' serialising lock are never held while argon2 runs. The work runs on
:data:`HASH_THREADS` threads (argon2-cffi releases the GIL): 1,000 new codes are about 17 s of
CPU, so about 17 s on a two-core central (one thread) and 6 s on a four-core one. An order sent
again with the same code keeps its hash, but checking that costs as much as hashing it; an
order sent again without ``pickup_code`` keeps its hash at no cost.

The online check (``POST /v1/orders/{order_no}/pickup-code``) answers ``ok``, ``wrong`` or
``locked``. Wrong codes in a row are counted per order (``pickup_code_attempts``); at
:data:`~sync.protocol.MAX_WRONG_CODES` the order's code is locked and no code is checked any
more (a manager hands the order over without it, at the till). A right code, or a new code from
the web shop, starts the count again. The code is compared before the count's transaction
opens, so the check holds no lock while argon2 runs; the count itself is one atomic upsert, so
concurrent guesses are each counted and none is checked past the limit.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine, delete, select, update

from sync.central.db import among, bulk_insert, chunks, is_postgres, write_tx
from sync.central.errors import Forbidden
from sync.central.identity import TerminalIdentity
from sync.central.schema import entities, pickup_code_attempts
from sync.protocol import MAX_WRONG_CODES, OrderData, PickupCodeAnswer, pickup_code_phc
from sync.protocol.pickup_codes import code_matches, is_current, normalize

# A code as the web shop sends it: 4-12 letters and digits, spaces around it ignored.
CODE_PATTERN = r"^\s*[A-Za-z0-9]{4,12}\s*$"
# Threads that hash a batch's codes: all the central's cores but one, at most 4. The tills'
# requests (events, the feed) are the central's work and keep a core; a bulk write of orders
# is rare and holds no lock while it hashes, so it may take longer.
HASH_THREADS = max(1, min(4, (os.cpu_count() or 1) - 1))

_Key = tuple[str, str, str | None]  # order number, code (normalised), the stored hash


class CodeHashes:
    """The hash each order of a batch is stored with, worked out before its transaction
    (:meth:`prepare`); :meth:`phc` works out any other on the spot."""

    def __init__(self) -> None:
        self._known: dict[_Key, str] = {}

    def prepare(self, engine: Engine, orders: Iterable[Any]) -> CodeHashes:
        """Hash (or check against the stored hash) the code of every order in ``orders`` (raw
        records as the web shop sent them; those that are not a record with an order number
        and a code of the right form are left to the order's own validation)."""
        wanted: dict[str, str] = {}
        for raw in orders:
            order_no, code = _number_and_code(raw)
            if order_no is not None and code is not None:
                wanted.setdefault(order_no, code)  # the first of an order twice is written
        if not wanted:
            return self
        stored = _stored_hashes(engine, list(wanted))
        keys = [(no, normalize(code), stored.get(no)) for no, code in wanted.items()]
        if len(keys) == 1 or HASH_THREADS == 1:
            hashes = [_decide(*k) for k in keys]
        else:
            with ThreadPoolExecutor(HASH_THREADS, thread_name_prefix="pickup-hash") as pool:
                hashes = list(pool.map(lambda k: _decide(*k), keys))
        self._known.update(zip(keys, hashes, strict=True))
        return self

    def phc(self, order_no: str, code: str, stored: str | None) -> str:
        """The hash to store for ``code`` on an order whose stored hash is ``stored``: that one
        when it is this code's (and made with today's parameters), else a new one."""
        key = (order_no, normalize(code), stored)
        found = self._known.get(key)
        return found if found is not None else _decide(*key)


def _number_and_code(raw: Any) -> tuple[str | None, str | None]:
    if not isinstance(raw, Mapping):
        return None, None
    order_no, code = raw.get("order_no"), raw.get("pickup_code")
    if not isinstance(order_no, str) or not 0 < len(order_no) <= 64:
        return None, None
    if not isinstance(code, str) or re.fullmatch(CODE_PATTERN, code) is None:
        return None, None
    return order_no, code


def _decide(order_no: str, code: str, stored: str | None) -> str:
    if stored and is_current(stored) and code_matches(order_no, code, phc=stored, sha256=None):
        return stored
    return pickup_code_phc(order_no, code)


def _stored_hashes(engine: Engine, order_nos: list[str]) -> dict[str, str]:
    """The argon2id hash each of these stored orders has (read without locks: the write
    transaction reads them again)."""
    out: dict[str, str] = {}
    with engine.connect() as conn:
        for part in chunks(order_nos, 1000):
            for key, raw in conn.execute(
                    select(entities.c.key, entities.c.data).where(
                        entities.c.entity == "order", among(conn, entities.c.key, part))):
                phc = json.loads(raw).get("pickup_code_phc")
                if isinstance(phc, str):
                    out[key] = phc
    return out


def code_changed(conn: Connection, order_no: str) -> None:
    """The web shop gave the order a new code: its count of wrong codes starts again (in the
    order's write transaction)."""
    conn.execute(delete(pickup_code_attempts).where(
        pickup_code_attempts.c.order_no == order_no))


# -- a till's online check -------------------------------------------------------------------

def check(engine: Engine, who: TerminalIdentity, order: OrderData, code: str,
          now: datetime) -> PickupCodeAnswer:
    """Whether ``code`` is ``order``'s pick-up code, for a till of the order's pick-up store
    (another store's till, or a delivery order: 403 ``other_store``)."""
    if order.fulfilment != "pickup" or order.store_id != who.store_id:
        raise Forbidden(f"Order {order.order_no} is not collected at store {who.store_id}: "
                        "only its pick-up store's tills check its code.", code="other_store")
    if _failures(engine, order.order_no) >= MAX_WRONG_CODES:
        return PickupCodeAnswer(result="locked", attempts_left=0)
    right = order.pickup_code_matches(code)  # ~20 ms, before any lock
    with write_tx(engine) as conn:
        if right:
            return _right(conn, order.order_no)
        return _wrong(conn, who, order.order_no, now)


def _failures(bind: Engine | Connection, order_no: str, *, lock: bool = False) -> int:
    q = select(pickup_code_attempts.c.failures).where(
        pickup_code_attempts.c.order_no == order_no)
    if isinstance(bind, Engine):
        with bind.connect() as conn:
            return int(conn.scalar(q) or 0)
    return int(bind.scalar(q.with_for_update() if lock and is_postgres(bind) else q) or 0)


def _right(conn: Connection, order_no: str) -> PickupCodeAnswer:
    if _failures(conn, order_no, lock=True) >= MAX_WRONG_CODES:  # locked meanwhile
        return PickupCodeAnswer(result="locked", attempts_left=0)
    conn.execute(delete(pickup_code_attempts).where(
        pickup_code_attempts.c.order_no == order_no))
    return PickupCodeAnswer(result="ok", attempts_left=MAX_WRONG_CODES)


def _wrong(conn: Connection, who: TerminalIdentity, order_no: str,
           now: datetime) -> PickupCodeAnswer:
    """Count the wrong code (one atomic upsert: concurrent ones each count) and lock the
    order's code at the limit."""
    t = pickup_code_attempts
    bulk_insert(conn, t, [{"order_no": order_no, "failures": 1, "last_store_id": who.store_id,
                           "last_terminal_id": who.terminal_id, "last_failure_at": now}],
                conflict=("order_no",),
                update={"failures": f"{t.name}.failures + 1",
                        "last_store_id": "excluded.last_store_id",
                        "last_terminal_id": "excluded.last_terminal_id",
                        "last_failure_at": "excluded.last_failure_at"})
    failures = _failures(conn, order_no)
    if failures < MAX_WRONG_CODES:
        return PickupCodeAnswer(result="wrong", attempts_left=MAX_WRONG_CODES - failures)
    conn.execute(update(t).where(t.c.order_no == order_no, t.c.locked_at.is_(None))
                 .values(locked_at=now))
    return PickupCodeAnswer(result="locked", attempts_left=0)
