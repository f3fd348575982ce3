"""The sales repository: every row a completed sale writes, inside the caller's transaction.

The receipt number counter, the ``sales`` row with its lines, tenders and tax summary, the card
journal's capture, the store credit debit, the points waiting for the central, the ``sale`` (or
``pickup``) outbox event and the stock movements that name its terminal_seq. The caller
(posclient/app/sale_completion.py) opens the sale's one ``BEGIN IMMEDIATE`` transaction
(``Store.write``) and builds the event's payload; nothing here commits, so a refusal (a store
credit that no longer covers its tender) rolls the whole sale back.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from operator import attrgetter
from typing import Any

from posclient.domain.errors import InvalidInput
from posclient.domain.tax import TaxLine
from posclient.domain.tender import Tender, TenderKind
from posclient.store import outbox


@dataclass(frozen=True, slots=True)
class SaleRow:
    """The ``sales`` row, in the table's column order (money in minor units)."""

    event_id: str
    receipt_no: str
    store_id: str
    terminal_id: str
    terminal_sale_no: int
    staff_id: int
    member_id: int | None
    started_at: str
    completed_at: str
    currency: str
    tax_inclusive: bool
    subtotal: int
    discount_total: int
    tax_total: int
    rounding: int
    total: int
    paid: int
    change_given: int
    basket_discount: str | None  # JSON {kind, value, reason}
    kind: str  # 'sale' or 'pickup'
    order_no: str | None
    member_no: str | None
    member_label: str | None
    points_earned: int
    points_redeemed: int
    points_balance: int | None
    promotions: str | None  # JSON [{id, name_zh, name_en, saved}]
    coupons: str | None  # JSON [code, ...]


@dataclass(frozen=True, slots=True)
class SaleLineRow:
    """One ``sale_lines`` row (money in minor units), and what leaves the shelf."""

    line_no: int
    product_id: int
    sku: str
    name_zh: str
    name_en: str
    barcode: str | None
    measure: str  # 'each' or 'g'
    qty: int
    list_price: int
    unit_price: int
    label_price: int | None
    override_reason: str | None
    gross: int
    line_discount: int
    basket_discount: int
    total: int
    tax_code: str
    tax_rate_ppm: int
    order_line_no: int | None
    promo_discount: int
    stock_qty: int  # units (or grams) that leave the shelf: 0 for a label-priced weighed item


def store_credit_account(conn: sqlite3.Connection, account: str) -> tuple[int, str] | None:
    """A store credit (or gift card) account's balance (minor units) and currency, or None."""
    row = conn.execute("SELECT balance, currency FROM store_credit WHERE account = ?",
                       (account,)).fetchone()
    return None if row is None else (int(row[0]), str(row[1]))


_SALE_FIELDS = tuple(SaleRow.__dataclass_fields__)
_LINE_FIELDS = tuple(f for f in SaleLineRow.__dataclass_fields__ if f != "stock_qty")
_SALE_COLUMNS = ", ".join(_SALE_FIELDS)
_LINE_COLUMNS = ", ".join(_LINE_FIELDS)


# A row's fields in column order (``dataclasses.astuple`` would deep-copy every value: a third of
# a sale's commit). sqlite3 stores a bool as 0/1.
_sale_values = attrgetter(*_SALE_FIELDS)
_line_values = attrgetter(*_LINE_FIELDS)


class SaleRepository:
    """Writes one sale through ``conn``, a connection inside a write transaction."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def next_sale_no(self) -> int:
        """The terminal's next gap-free sale number (the receipt number's counter)."""
        return outbox.next_counter(self.conn, "receipt")

    def insert(self, sale: SaleRow, lines: Sequence[SaleLineRow], tenders: Sequence[Tender],
               taxes: Sequence[TaxLine]) -> int:
        """The sale with its lines, tenders and tax summary; returns the sale's id."""
        cur = self.conn.execute(
            f"INSERT INTO sales ({_SALE_COLUMNS}) "
            f"VALUES ({', '.join('?' * len(_SALE_FIELDS))})", _sale_values(sale))
        sale_id = int(cur.lastrowid or 0)
        self.conn.executemany(
            f"INSERT INTO sale_lines (sale_id, {_LINE_COLUMNS}) "
            f"VALUES (?, {', '.join('?' * len(_LINE_FIELDS))})",
            [(sale_id, *_line_values(ln)) for ln in lines])
        self.conn.executemany(
            "INSERT INTO sale_tenders (sale_id, seq, kind, amount, tendered, change, "
            "reference, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [(sale_id, i, t.kind.value, t.amount.minor, t.tendered.minor, t.change.minor,
              t.reference, t.detail) for i, t in enumerate(tenders, start=1)])
        self.conn.executemany(
            "INSERT INTO sale_taxes (sale_id, tax_code, rate_ppm, net, tax, gross) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            [(sale_id, t.code, t.rate_ppm, t.net, t.tax, t.gross) for t in taxes])
        return sale_id

    def settle(self, sale_id: int, tenders: Iterable[Tender], at: str) -> None:
        """The tenders' effects: a card's journal entry is captured by the sale, a store credit
        account is debited. Raises ``credit_insufficient`` (and the transaction rolls back)
        when an account no longer covers its tender (another till spent it meanwhile)."""
        for t in tenders:
            if t.kind is TenderKind.CARD:
                self.conn.execute(
                    "UPDATE payment_journal SET status = 'captured', sale_id = ?, "
                    "updated_at = ? WHERE reference = ?", (sale_id, at, t.reference))
            elif t.kind is TenderKind.STORE_CREDIT:
                updated = self.conn.execute(
                    "UPDATE store_credit SET balance = balance - ? WHERE account = ? "
                    "AND balance >= ?", (t.amount.minor, t.reference, t.amount.minor))
                if updated.rowcount != 1:
                    raise InvalidInput.of("credit_insufficient.amount",
                                          account=t.reference, amount=t.amount)

    def hold_points(self, event_id: str, member_no: str, points: Iterable[int]) -> None:
        """Points the sale moves (redeemed negative, earned positive; zeros skipped), pending
        until the central has counted the sale's event."""
        self.conn.executemany(
            "INSERT INTO points_pending (event_id, member_no, points) VALUES (?, ?, ?)",
            [(event_id, member_no, p) for p in points if p])

    def publish(self, *, sale_id: int, event_id: str, kind: str, at: str,
                payload: Mapping[str, Any], lines: Iterable[SaleLineRow]) -> int:
        """Queue the sale's event, then its stock movements (after the event: a movement names
        its terminal_seq, the stock's watermark rule in posclient/store/stock.py). Returns the
        event's terminal_seq."""
        seq = outbox.append(self.conn, event_id=event_id, type=kind, occurred_at=at,
                            payload=dict(payload))
        self.conn.executemany(
            "INSERT INTO stock_movements (product_id, qty_delta, reason, sale_id, event_id, "
            "occurred_at, terminal_seq) VALUES (?, ?, 'sale', ?, ?, ?, ?)",
            [(ln.product_id, -ln.stock_qty, sale_id, event_id, at, seq) for ln in lines])
        return seq
