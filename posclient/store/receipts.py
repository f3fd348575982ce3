"""What a receipt or a return slip is built from: the committed sale (or return) as its rows
have it, with the cashier's name; and which receipts never printed. Money in minor units; the
receipt itself is laid out by posclient/domain/receipt.py from these (posclient/app/receipts.py).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class SaleHead:
    """A ``sales`` row as its receipt shows it."""

    receipt_no: str
    event_id: str
    completed_at: str
    staff_id: int
    staff_name: str | None  # None: the staff member is no longer in the database
    terminal_id: str
    currency: str
    subtotal: int
    discount_total: int
    total: int
    tax_inclusive: bool
    rounding: int
    change_given: int
    order_no: str | None
    member_no: str | None
    member_label: str | None
    points_earned: int
    points_redeemed: int
    points_balance: int | None
    promotions: str | None  # JSON [{id, name_zh, name_en, saved}]


@dataclass(frozen=True, slots=True)
class SaleLine:
    name_zh: str
    name_en: str
    measure: str  # 'each' or 'g'
    qty: int
    unit_price: int
    label_price: int | None  # a scale label's price
    gross: int
    line_discount: int
    total: int
    override_reason: str | None  # set when the price was changed by hand
    promo_discount: int


@dataclass(frozen=True, slots=True)
class SaleTax:
    tax_code: str
    rate_ppm: int
    net: int
    tax: int


@dataclass(frozen=True, slots=True)
class SaleTender:
    kind: str
    amount: int
    tendered: int
    change: int
    detail: str


@dataclass(frozen=True, slots=True)
class SaleRecord:
    """A committed sale: its row, lines (by line number), taxes (by code), tenders (in order)."""

    head: SaleHead
    lines: tuple[SaleLine, ...]
    taxes: tuple[SaleTax, ...]
    tenders: tuple[SaleTender, ...]


@dataclass(frozen=True, slots=True)
class ReturnHead:
    """A ``returns`` row as its slip shows it."""

    return_no: str
    event_id: str
    completed_at: str
    staff_id: int
    staff_name: str | None
    terminal_id: str
    currency: str
    total: int
    source_ref: str | None  # the receipt (or order) it returns from
    source_kind: str = "receipt"  # receipt, order, none


@dataclass(frozen=True, slots=True)
class ReturnLine:
    name_zh: str
    name_en: str
    measure: str
    qty: int
    amount: int
    condition: str  # restock | damaged
    tax_code: str
    tax_rate_ppm: int


@dataclass(frozen=True, slots=True)
class ReturnTender:
    kind: str
    amount: int
    detail: str


@dataclass(frozen=True, slots=True)
class ReturnRecord:
    """A committed return: its row, lines (by line number), refunds (in order)."""

    head: ReturnHead
    lines: tuple[ReturnLine, ...]
    tenders: tuple[ReturnTender, ...]


@dataclass(frozen=True, slots=True)
class Unprinted:
    """A committed sale whose receipt never printed."""

    sale_id: int
    receipt_no: str
    completed_at: str
    total: int
    currency: str


def sale_id(conn: sqlite3.Connection, receipt_no: str) -> int | None:
    """The sale with this receipt number, or None."""
    row = conn.execute("SELECT id FROM sales WHERE receipt_no = ?", (receipt_no,)).fetchone()
    return None if row is None else int(row[0])


def receipt_no(conn: sqlite3.Connection, sale_id: int) -> str:
    """The receipt number of a sale that exists."""
    return str(conn.execute("SELECT receipt_no FROM sales WHERE id = ?",
                            (sale_id,)).fetchone()[0])


def sale(conn: sqlite3.Connection, sale_id: int) -> SaleRecord | None:
    """The sale with its lines, taxes and tenders, or None."""
    row = conn.execute(
        "SELECT s.receipt_no, s.event_id, s.completed_at, s.staff_id, st.name, "
        "s.terminal_id, s.currency, s.subtotal, s.discount_total, s.total, "
        "s.tax_inclusive, s.rounding, s.change_given, s.order_no, s.member_no, "
        "s.member_label, s.points_earned, s.points_redeemed, s.points_balance, "
        "s.promotions FROM sales s LEFT JOIN staff st ON st.id = s.staff_id WHERE s.id = ?",
        (sale_id,)).fetchone()
    if row is None:
        return None
    values = list(row)
    values[10] = bool(values[10])  # tax_inclusive: 0 or 1 in the row
    head = SaleHead(*values)
    lines = tuple(SaleLine(*r) for r in conn.execute(
        "SELECT name_zh, name_en, measure, qty, unit_price, label_price, gross, "
        "line_discount, total, override_reason, promo_discount FROM sale_lines "
        "WHERE sale_id = ? ORDER BY line_no", (sale_id,)))
    taxes = tuple(SaleTax(*r) for r in conn.execute(
        "SELECT tax_code, rate_ppm, net, tax FROM sale_taxes WHERE sale_id = ? "
        "ORDER BY tax_code", (sale_id,)))
    tenders = tuple(SaleTender(*r) for r in conn.execute(
        "SELECT kind, amount, tendered, change, detail FROM sale_tenders "
        "WHERE sale_id = ? ORDER BY seq", (sale_id,)))
    return SaleRecord(head, lines, taxes, tenders)


def return_id(conn: sqlite3.Connection, return_no: str) -> int | None:
    """The return with this number (a return slip's code), or None."""
    row = conn.execute("SELECT id FROM returns WHERE return_no = ?", (return_no,)).fetchone()
    return None if row is None else int(row[0])


def return_record(conn: sqlite3.Connection, return_id: int) -> ReturnRecord | None:
    """The return with its lines and refunds, or None."""
    row = conn.execute(
        "SELECT r.return_no, r.event_id, r.completed_at, r.staff_id, st.name, "
        "r.terminal_id, r.currency, r.total, r.source_ref, r.source_kind FROM returns r "
        "LEFT JOIN staff st ON st.id = r.staff_id WHERE r.id = ?", (return_id,)).fetchone()
    if row is None:
        return None
    lines = tuple(ReturnLine(*r) for r in conn.execute(
        "SELECT name_zh, name_en, measure, qty, amount, condition, tax_code, "
        "tax_rate_ppm FROM return_lines WHERE return_id = ? ORDER BY line_no", (return_id,)))
    tenders = tuple(ReturnTender(*r) for r in conn.execute(
        "SELECT kind, amount, detail FROM return_tenders WHERE return_id = ? "
        "ORDER BY seq", (return_id,)))
    return ReturnRecord(ReturnHead(*row), lines, tenders)


def unprinted(conn: sqlite3.Connection) -> list[Unprinted]:
    """Committed sales whose receipt never printed, oldest first."""
    return [Unprinted(*r) for r in conn.execute(
        "SELECT id, receipt_no, completed_at, total, currency FROM sales "
        "WHERE printed_at IS NULL ORDER BY id")]


def mark_printed(conn: sqlite3.Connection, sale_id: int, at: str) -> None:
    """The sale's receipt printed at ``at`` (the first print counts); in the caller's write
    transaction."""
    conn.execute("UPDATE sales SET printed_at = ? WHERE id = ? AND printed_at IS NULL",
                 (at, sale_id))
