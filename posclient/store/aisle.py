"""Orders placed at this till for another store (migration 0024): written with the sale that took
their money, read back for its receipt (posclient/app/receipts.py). Inside the caller's
transaction; nothing here commits."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import astuple, dataclass, fields


@dataclass(frozen=True, slots=True)
class AisleOrderRow:
    """One ``aisle_orders`` row (money in minor units), in the table's column order after
    ``sale_id`` (migrations 0024, 0025)."""

    order_no: str
    position: int
    reservation_id: str
    store_id: str
    store_name_zh: str
    store_name_en: str
    product_id: int
    sku: str
    name_zh: str
    name_en: str
    qty: int
    unit_price: int
    total: int
    paid_now: int
    pickup_code: str  # until the receipt printed (forget_codes), then ""
    customer_name: str  # masked
    phone_last4: str | None
    fulfilment: str = "pickup"  # or "delivery" (migration 0025): store_id ships it
    address_masked: str = ""  # a delivery's: its first 6 characters and "…" (no more kept)

    @property
    def due_at_pickup(self) -> int:
        return self.total - self.paid_now


_NAMES = [f.name for f in fields(AisleOrderRow)]


def insert(conn: sqlite3.Connection, sale_id: int, rows: Sequence[AisleOrderRow]) -> None:
    conn.executemany(
        f"INSERT INTO aisle_orders (sale_id, {', '.join(_NAMES)}) "
        f"VALUES (?, {', '.join('?' for _ in _NAMES)})",
        [(sale_id, *astuple(r)) for r in rows])


def of_sale(conn: sqlite3.Connection, sale_id: int) -> list[AisleOrderRow]:
    """The orders a sale placed, in their order."""
    return [AisleOrderRow(*r) for r in conn.execute(
        f"SELECT {', '.join(_NAMES)} FROM aisle_orders WHERE sale_id = ? ORDER BY position",
        (sale_id,))]


def by_order_no(conn: sqlite3.Connection, order_no: str) -> AisleOrderRow | None:
    """The order this till placed under that number, or None."""
    row = conn.execute(f"SELECT {', '.join(_NAMES)} FROM aisle_orders WHERE order_no = ?",
                       (order_no,)).fetchone()
    return None if row is None else AisleOrderRow(*row)


def forget_codes(conn: sqlite3.Connection, sale_id: int) -> None:
    """The sale's receipt has printed: its orders' pick-up codes are on the customer's paper
    only from now on. The till keeps no code a copied database file would give away (issue 17:
    the central and the fulfilling store's tills hold only its hash); a reprint says where the
    code is."""
    conn.execute("UPDATE aisle_orders SET pickup_code = '' WHERE sale_id = ? AND pickup_code <> ''",
                 (sale_id,))
