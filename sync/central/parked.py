"""Suspended sales a store's tills share (``/v1/parked``): one till parks, any till of the same
store resumes, and exactly one claim wins.

A till publishes a suspended sale once it can reach the central (``put``: idempotent on the
till's ``park_id``). Another till lists the store's open ones (``open_for``) and claims one
(``claim``): a single conditional ``UPDATE ... WHERE state = 'parked'`` decides, so two tills
claiming at the same moment get one cart and one ``409 parked_taken``. A claim repeated by the
till that won (its answer was lost) gets the cart again. The till that parked the sale claims it
too when it resumes it itself, so the others stop offering it. Claimed sales are forgotten
30 days after their claim (when the store shares its next one).
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from sqlalchemy import Engine, and_, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from sync.central.db import write_tx
from sync.central.errors import Conflict, Forbidden, InvalidRequest, NotFound
from sync.central.identity import TerminalIdentity
from sync.central.schema import dump_json, parked_sales, terminals
from sync.protocol import ParkedClaimed, ParkedSale

KEEP_CLAIMED = timedelta(days=30)  # a claimed sale is forgotten this long after its claim


def put(engine: Engine, who: TerminalIdentity, sale: ParkedSale, now: datetime) -> ParkedClaimed:
    """Store the sale (first arrival wins; a repeat changes nothing) and say where it stands."""
    if sale.cart is None:
        raise InvalidRequest("A parked sale needs its cart.", code="invalid_parked")
    row = {"park_id": sale.park_id, "store_id": who.store_id, "terminal_id": who.terminal_id,
           "staff_id": sale.staff_id, "label": sale.label, "currency": sale.currency,
           "total": sale.total, "lines": sale.lines, "cart": dump_json(sale.cart),
           "parked_at": sale.parked_at, "received_at": now, "state": "parked"}
    with write_tx(engine) as conn:
        conn.execute(delete(parked_sales).where(  # claimed long ago: of no use to anyone
            parked_sales.c.store_id == who.store_id, parked_sales.c.state == "claimed",
            parked_sales.c.claimed_at < now - KEEP_CLAIMED))
        try:
            with conn.begin_nested():
                conn.execute(insert(parked_sales).values(**row))
        except IntegrityError:
            pass  # already stored: the till re-sent after a lost answer
        stored = _row(conn, sale.park_id)
    if stored.store_id != who.store_id or stored.terminal_id != who.terminal_id:
        raise Forbidden("This suspended sale id belongs to another till.", code="parked_foreign")
    return _claimed(stored)


def open_for(engine: Engine, who: TerminalIdentity) -> list[ParkedSale]:
    """The store's suspended sales no till has resumed, oldest first (without their carts)."""
    t = terminals
    q = (select(parked_sales, t.c.name)
         .join(t, and_(t.c.store_id == parked_sales.c.store_id,
                       t.c.terminal_id == parked_sales.c.terminal_id), isouter=True)
         .where(parked_sales.c.store_id == who.store_id, parked_sales.c.state == "parked")
         .order_by(parked_sales.c.parked_at, parked_sales.c.park_id))
    with engine.connect() as conn:
        return [_sale(r, cart=False) for r in conn.execute(q)]


def claim(engine: Engine, who: TerminalIdentity, park_id: UUID, now: datetime) -> ParkedSale:
    """Give ``who`` the sale's cart if no other till has claimed it (409 ``parked_taken``)."""
    p = parked_sales
    with write_tx(engine) as conn:
        won = conn.execute(
            update(p).where(p.c.park_id == park_id, p.c.store_id == who.store_id,
                            p.c.state == "parked")
            .values(state="claimed", claimed_by=who.terminal_id, claimed_at=now)).rowcount
        row = conn.execute(
            select(p, terminals.c.name)
            .join(terminals, and_(terminals.c.store_id == p.c.store_id,
                                  terminals.c.terminal_id == p.c.terminal_id), isouter=True)
            .where(p.c.park_id == park_id)).first()
    if row is None or row.store_id != who.store_id:
        raise NotFound("This store has no suspended sale with that id.", code="parked_unknown")
    if not won and row.claimed_by != who.terminal_id:
        at = row.claimed_at.strftime("%H:%M") if row.claimed_at else "?"
        raise Conflict(f"This sale was already resumed at till {row.claimed_by} ({at} UTC).",
                       code="parked_taken")
    return _sale(row, cart=True)


def _row(conn: Any, park_id: UUID) -> Any:
    return conn.execute(select(parked_sales).where(parked_sales.c.park_id == park_id)).first()


def _claimed(row: Any) -> ParkedClaimed:
    return ParkedClaimed(park_id=row.park_id, state=row.state, claimed_by=row.claimed_by,
                         claimed_at=row.claimed_at)


def _sale(row: Any, *, cart: bool) -> ParkedSale:
    return ParkedSale(park_id=row.park_id, terminal_id=row.terminal_id,
                      terminal_name=row.name or row.terminal_id, staff_id=row.staff_id,
                      label=row.label, currency=row.currency, total=row.total, lines=row.lines,
                      parked_at=row.parked_at, cart=json.loads(row.cart) if cart else None)
