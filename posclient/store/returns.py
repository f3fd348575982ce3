"""Returns in the till's SQLite: the receipts a return is found by, this till's own returns of a
purchase, and the rows one return writes (``returns``, ``return_lines``, ``return_tenders``,
store credit, the card refund journal, points, stock movements, the outbox ``return`` event).

The rules are in posclient/app/returns.py; this module only reads and writes. Every write
function runs inside the caller's write transaction (``Store.write``), so one return is one
transaction.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from posclient.domain.money import Money

from . import outbox


@dataclass(frozen=True, slots=True)
class SaleRef:
    """A sale of this till found by its receipt number."""

    sale_id: int
    kind: str  # sale, pickup, ...
    order_no: str | None  # a pick-up's web order


@dataclass(frozen=True, slots=True)
class ReceiptLine:
    line_id: int
    product_id: int
    sku: str
    name_zh: str
    name_en: str
    measure: str
    qty: int
    total: int
    tax_code: str
    tax_rate_ppm: int


@dataclass(frozen=True, slots=True)
class ReceiptTender:
    kind: str
    amount: int
    reference: str
    detail: str


@dataclass(frozen=True, slots=True)
class Receipt:
    """One of this till's own sales, as a return reads it."""

    store_id: str
    currency: str
    completed_at: str  # ISO
    member_id: int | None
    lines: list[ReceiptLine]
    tenders: list[ReceiptTender]  # the ones that paid something


@dataclass(frozen=True, slots=True)
class TillReturn:
    """One of this till's returns of a purchase: what it took back and gave back."""

    event_id: str
    lines: list[tuple[int, int]]  # (source_line, qty)
    tenders: list[tuple[str, str, int]]  # (kind, reference, amount)


@dataclass(frozen=True, slots=True)
class ReturnRow:
    """The ``returns`` row of one return."""

    event_id: str
    return_no: str
    store_id: str
    terminal_id: str
    source_kind: str  # receipt, order, none
    source_ref: str | None
    reservation_id: str | None  # None: refunded offline
    staff_id: int
    approved_by: int | None
    reason: str
    reason_code: str | None
    completed_at: str  # ISO
    currency: str
    total: int


class ReturnLineRow(Protocol):
    """What ``return_lines`` keeps of a returned line (posclient.app.returns ``ReturnLine``)."""

    @property
    def source_line(self) -> int | None: ...
    @property
    def product_id(self) -> int: ...
    @property
    def sku(self) -> str: ...
    @property
    def name_zh(self) -> str: ...
    @property
    def name_en(self) -> str: ...
    @property
    def measure(self) -> str: ...
    @property
    def qty(self) -> int: ...
    @property
    def amount(self) -> int: ...
    @property
    def condition(self) -> str: ...
    @property
    def tax_code(self) -> str: ...
    @property
    def tax_rate_ppm(self) -> int: ...


class RefundTenderRow(Protocol):
    """What ``return_tenders`` keeps of a refund tender (posclient.app.returns
    ``RefundTender``)."""

    @property
    def kind(self) -> str: ...
    @property
    def amount(self) -> Money: ...
    @property
    def reference(self) -> str: ...
    @property
    def detail(self) -> str: ...
    @property
    def journal(self) -> str: ...


# -- reading ---------------------------------------------------------------------------------

def find_sale(conn: sqlite3.Connection, receipt_no: str) -> SaleRef | None:
    """This till's sale with that receipt number, if any."""
    row = conn.execute("SELECT id, kind, order_no FROM sales WHERE receipt_no = ?",
                       (receipt_no,)).fetchone()
    return None if row is None else SaleRef(row[0], row[1], row[2])


def read_receipt(conn: sqlite3.Connection, sale_id: int) -> Receipt:
    """The sale's header, lines (by line number) and the tenders that paid something."""
    store_id, currency, at, member = conn.execute(
        "SELECT store_id, currency, completed_at, member_id FROM sales WHERE id = ?",
        (sale_id,)).fetchone()
    lines = [ReceiptLine(*r) for r in conn.execute(
        "SELECT line_no, product_id, sku, name_zh, name_en, measure, qty, total, "
        "tax_code, tax_rate_ppm FROM sale_lines WHERE sale_id = ? ORDER BY line_no",
        (sale_id,))]
    tenders = [ReceiptTender(r[0], r[1], r[2] or "", r[3] or "") for r in conn.execute(
        "SELECT kind, amount, reference, detail FROM sale_tenders "
        "WHERE sale_id = ? AND amount > 0 ORDER BY seq", (sale_id,))]
    return Receipt(store_id, currency, at, member, lines, tenders)


def till_returns(conn: sqlite3.Connection, source_kind: str, source_ref: str) -> list[TillReturn]:
    """This till's returns of one purchase (a receipt or a web order)."""
    out = []
    for rid, event_id in conn.execute(
            "SELECT id, event_id FROM returns WHERE source_kind = ? AND source_ref = ?",
            (source_kind, source_ref)).fetchall():
        lines = conn.execute("SELECT source_line, qty FROM return_lines WHERE return_id = ?",
                             (rid,)).fetchall()
        tenders = conn.execute(
            "SELECT kind, reference, amount FROM return_tenders WHERE return_id = ?",
            (rid,)).fetchall()
        out.append(TillReturn(event_id, [(r[0], r[1]) for r in lines],
                              [(r[0], r[1], r[2]) for r in tenders]))
    return out


def credit_account_exists(conn: sqlite3.Connection, account: str) -> bool:
    return conn.execute("SELECT 1 FROM store_credit WHERE account = ?",
                        (account,)).fetchone() is not None


def offline_refunded_since(conn: sqlite3.Connection, since: str) -> int:
    """What this till refunded without a reservation at the central after ``since`` (ISO)."""
    return int(conn.execute(
        "SELECT coalesce(sum(total), 0) FROM returns WHERE reservation_id IS NULL AND "
        "completed_at > ?", (since,)).fetchone()[0])


def receipt_points(conn: sqlite3.Connection, receipt_no: str) -> tuple[str, int, int] | None:
    """``(member_no, points_earned, total)`` of this till's receipt, if a member earned on it."""
    row = conn.execute("SELECT member_no, points_earned, total FROM sales WHERE receipt_no = ?",
                       (receipt_no,)).fetchone()
    if row is None or not row[0] or not row[1]:
        return None
    return row[0], row[1], row[2]


def returned_before(conn: sqlite3.Connection, receipt_no: str, event_id: str) -> int:
    """What this till's returns of the receipt other than ``event_id`` refunded."""
    return int(conn.execute(
        "SELECT coalesce(sum(total), 0) FROM returns WHERE source_kind = 'receipt' AND "
        "source_ref = ? AND event_id != ?", (receipt_no, event_id)).fetchone()[0])


# -- card refunds (each in its own short transaction, before and after the terminal) ---------

def journal_card_refund(conn: sqlite3.Connection, reference: str, amount: Money, at: str,
                        detail: str) -> None:
    """Journal a card refund as pending before the terminal is asked (a negative amount)."""
    conn.execute(
        "INSERT INTO payment_journal (reference, amount, currency, status, "
        "created_at, updated_at, detail) VALUES (?, ?, ?, 'pending', ?, ?, ?)",
        (reference, -amount.minor, amount.currency, at, at, detail))


def settle_card_refund(conn: sqlite3.Connection, reference: str, status: str, auth_code: str,
                       at: str) -> None:
    """The terminal's answer to a journalled card refund."""
    conn.execute("UPDATE payment_journal SET status = ?, auth_code = ?, updated_at = ? "
                 "WHERE reference = ?", (status, auth_code, at, reference))


# -- writing one return (inside the caller's write transaction) ------------------------------

def next_return_no(conn: sqlite3.Connection) -> int:
    """The till's next return number (gap-free)."""
    return outbox.next_counter(conn, "return")


def insert_return(conn: sqlite3.Connection, row: ReturnRow, lines: Sequence[ReturnLineRow],
                  tenders: Sequence[RefundTenderRow]) -> int:
    """Write the return, its lines and its tenders; returns its id."""
    cur = conn.execute(
        "INSERT INTO returns (event_id, return_no, store_id, terminal_id, source_kind, "
        "source_ref, reservation_id, staff_id, approved_by, reason, reason_code, "
        "completed_at, currency, total) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (row.event_id, row.return_no, row.store_id, row.terminal_id, row.source_kind,
         row.source_ref, row.reservation_id, row.staff_id, row.approved_by, row.reason,
         row.reason_code, row.completed_at, row.currency, row.total))
    rid = int(cur.lastrowid or 0)
    conn.executemany(
        "INSERT INTO return_lines (return_id, line_no, source_line, product_id, sku, "
        "name_zh, name_en, measure, qty, amount, condition, tax_code, tax_rate_ppm) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [(rid, i, ln.source_line, ln.product_id, ln.sku, ln.name_zh, ln.name_en,
          ln.measure, ln.qty, ln.amount, ln.condition, ln.tax_code, ln.tax_rate_ppm)
         for i, ln in enumerate(lines, start=1)])
    conn.executemany(
        "INSERT INTO return_tenders (return_id, seq, kind, amount, reference, detail) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        [(rid, i, t.kind, t.amount.minor, t.reference, t.detail)
         for i, t in enumerate(tenders, start=1)])
    return rid


def apply_tenders(conn: sqlite3.Connection, tenders: Iterable[RefundTenderRow],
                  at: str) -> None:
    """Store credit is credited; a card refund's journal entry is captured."""
    for t in tenders:
        if t.kind == "store_credit":
            conn.execute("UPDATE store_credit SET balance = balance + ? WHERE account = ?",
                         (t.amount.minor, t.reference))
        elif t.kind == "card":
            conn.execute("UPDATE payment_journal SET status = 'captured', updated_at = ? "
                         "WHERE reference = ?", (at, t.journal))


def add_points_pending(conn: sqlite3.Connection,
                       rows: Iterable[tuple[str, str, int]]) -> None:
    """Points to move on members' accounts: ``(event_id, member_no, points)``."""
    conn.executemany("INSERT INTO points_pending (event_id, member_no, points) "
                     "VALUES (?, ?, ?)", rows)


def queue_return_event(conn: sqlite3.Connection, event_id: str, at: str,
                       payload: dict[str, Any]) -> int:
    """The outbox ``return`` event; returns its terminal_seq."""
    return outbox.append(conn, event_id=event_id, type="return", occurred_at=at,
                         payload=payload)


def add_stock_movements(conn: sqlite3.Connection, moves: Iterable[tuple[int, int, str]],
                        event_id: str, at: str, terminal_seq: int) -> None:
    """``(product_id, qty_delta, reason)`` per movement, named by the return's event."""
    conn.executemany(
        "INSERT INTO stock_movements (product_id, qty_delta, reason, event_id, "
        "occurred_at, terminal_seq) VALUES (?, ?, ?, ?, ?, ?)",
        [(pid, qty, why, event_id, at, terminal_seq) for pid, qty, why in moves])
