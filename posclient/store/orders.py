"""The till's copy of web orders (``web_orders``): writing it, and the stock its pick-up orders
hold back.

Orders reach the copy by three paths, all through :func:`keep_orders`: the store's change feed
(sync/apply.py ``Applier``), a snapshot (``SnapshotWriter``) and a fresh fetch at the pick-up
screen (posclient/app/orders.py ``OrderBook.keep``). Each writes the central's copy as it came;
this till's own pick-ups that the central has not counted yet stay in ``sales`` and are added
when the order is read (their event ids are not in the copy's ``applied_events``), so a newer
copy from the central never loses nor doubles one.

The copy holds the customer as the hand-over needs it (issue 17): the masked name, the phone's
last four digits and its keyed hash, indexed (``web_orders.phone_hash``) so that the orders of
a phone the cashier types are one index probe away; never the number itself.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol


class OrderCopy(Protocol):
    """An order as the central sends it (``sync.protocol.OrderData`` is one): the store keeps
    its JSON whole and indexes these fields."""

    @property
    def order_no(self) -> str: ...
    @property
    def store_id(self) -> str | None: ...  # none: a delivery
    @property
    def status(self) -> str: ...
    @property
    def customer_phone_hash(self) -> str | None: ...
    def model_dump_json(self) -> str: ...


# An order the store still owes the customer: its open units are reserved stock.
OPEN_STATUSES = ("open", "ready", "partly_collected")

_KEEP = (
    "INSERT INTO web_orders (order_no, store_id, status, phone_hash, data, fetched_at) "
    "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (order_no) DO UPDATE SET "
    "store_id = excluded.store_id, status = excluded.status, "
    "phone_hash = excluded.phone_hash, "
    "data = excluded.data, fetched_at = excluded.fetched_at")

# Orders with a pick-up of this till the central has not acknowledged yet (pending or
# rejected): their copy is kept whatever the central says, so the till still finds them.
_HAS_OWN_PENDING = (
    "EXISTS (SELECT 1 FROM sales s JOIN outbox e ON e.event_id = s.event_id "
    "WHERE s.kind = 'pickup' AND s.order_no = web_orders.order_no AND e.status != 'sent')")


def keep_orders(conn: sqlite3.Connection, orders: Iterable[OrderCopy], received_at: str) -> int:
    """Store the central's copies of ``orders`` (inside the caller's write transaction);
    ``received_at``: when the till got them (ISO, posclient.domain.clock ``iso``)."""
    rows = [(o.order_no, o.store_id, o.status, o.customer_phone_hash, o.model_dump_json(),
             received_at) for o in orders]
    conn.executemany(_KEEP, rows)
    return len(rows)


def forget_order(conn: sqlite3.Connection, order_no: str) -> bool:
    """Drop the copy of an order the central took out of this store's feed (moved to another
    store, or turned into a delivery). Returns whether there was one."""
    return conn.execute("DELETE FROM web_orders WHERE order_no = ?", (order_no,)).rowcount > 0


def forget_orders_except(conn: sqlite3.Connection, kept: Sequence[str]) -> int:
    """After a complete snapshot: drop the copies of orders it does not hold (finished long
    ago, gone to another store, or another store's that a look-up fetched before issue 17),
    but never one with a pick-up of this till the central has not acknowledged."""
    return conn.execute(
        "DELETE FROM web_orders WHERE order_no NOT IN "
        f"(SELECT value FROM json_each(?)) AND NOT {_HAS_OWN_PENDING}",
        (json.dumps(list(kept)),)).rowcount


def reserved_stock(conn: sqlite3.Connection, store_id: str,
                   product_ids: Sequence[int] | None = None) -> dict[int, int]:
    """Units held back for orders at ``store_id``, per product (only products with some), from
    the till's copies: pick-ups, and deliveries the store ships (placed at a till, issue 18;
    a web delivery has no store).

    Per line of each open pick-up order (``open``, ``ready``, ``partly_collected``): the units
    ordered less those collected, where collected = the central's count + this till's own
    pick-ups the central has not counted yet (not in ``applied_events``), never below zero. A
    cancelled or fully collected order holds nothing back.
    """
    only = ""
    params: list[object] = [store_id]
    if product_ids is not None:
        only = "WHERE product_id IN (SELECT value FROM json_each(?))"
        params.append(json.dumps(list(product_ids)))
    sql = f"""
        WITH open_orders AS (
            SELECT order_no, data FROM web_orders
            WHERE store_id = ? AND status IN {OPEN_STATUSES!r}
        ), lines AS (
            SELECT o.order_no, l.value ->> '$.line_no' AS line_no,
                   l.value ->> '$.product_id' AS product_id,
                   (l.value ->> '$.qty') - coalesce(l.value ->> '$.collected', 0) AS open_qty
            FROM open_orders o, json_each(o.data, '$.lines') l
        ), mine AS (
            SELECT s.order_no, sl.order_line_no AS line_no, sum(sl.qty) AS qty
            FROM open_orders o JOIN sales s ON s.kind = 'pickup' AND s.order_no = o.order_no
            JOIN sale_lines sl ON sl.sale_id = s.id
            WHERE s.event_id NOT IN (SELECT value FROM json_each(o.data, '$.applied_events'))
            GROUP BY s.order_no, sl.order_line_no
        )
        SELECT product_id, sum(max(0, open_qty - coalesce(mine.qty, 0))) AS held
        FROM lines LEFT JOIN mine USING (order_no, line_no)
        {only}
        GROUP BY product_id HAVING held > 0"""
    return {int(pid): int(held) for pid, held in conn.execute(sql, params)}


# -- reading an order for a pick-up ---------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class OwnPickupLine:
    """Units of an order line this till handed over at a pick-up (event ``event_id``)."""

    event_id: str
    line_no: int
    qty: int


@dataclass(frozen=True, slots=True)
class OwnPickupPayment:
    """Money this till took at a pick-up (event ``event_id``): paid less the ``web`` tender."""

    event_id: str
    taken: int


def find_orders(conn: sqlite3.Connection, order_no: str, phone_hash: str | None) -> list[str]:
    """Order numbers of the copies numbered ``order_no`` or whose customer's phone has the
    keyed hash ``phone_hash``: orders still to hand over first, then the newest (at most
    20)."""
    rows = conn.execute(
        "SELECT order_no FROM web_orders WHERE order_no = ? OR phone_hash = ? "
        "ORDER BY status NOT IN (SELECT value FROM json_each(?)), "
        "data ->> '$.created_at' DESC, fetched_at DESC LIMIT 20",
        (order_no, phone_hash, json.dumps(OPEN_STATUSES))).fetchall()
    return [r[0] for r in rows]


def order_json(conn: sqlite3.Connection, order_no: str) -> str | None:
    """The central's copy of the order as it came (JSON), or None."""
    row = conn.execute("SELECT data FROM web_orders WHERE order_no = ?",
                       (order_no,)).fetchone()
    return None if row is None else str(row[0])


def own_pickup_lines(conn: sqlite3.Connection, order_no: str) -> list[OwnPickupLine]:
    """Every line of this till's pick-ups of the order."""
    return [OwnPickupLine(*r) for r in conn.execute(
        "SELECT s.event_id, l.order_line_no, l.qty FROM sales s "
        "JOIN sale_lines l ON l.sale_id = s.id "
        "WHERE s.kind = 'pickup' AND s.order_no = ?", (order_no,))]


def own_pickup_payments(conn: sqlite3.Connection, order_no: str) -> list[OwnPickupPayment]:
    """What each of this till's pick-ups of the order took at the till."""
    return [OwnPickupPayment(*r) for r in conn.execute(
        "SELECT s.event_id, s.paid - coalesce((SELECT sum(t.amount) FROM sale_tenders t "
        "WHERE t.sale_id = s.id AND t.kind = 'web'), 0) "
        "FROM sales s WHERE s.kind = 'pickup' AND s.order_no = ?", (order_no,))]
