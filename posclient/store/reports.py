"""The figures of a report period, read from the till's own records: sales, returns, their
tenders and taxes, cash movements, shifts, card approvals whose sale never committed. A period
is ``(since, to_at]`` (ISO times; ``since`` "" for the till's whole life). The X and Z reports
(posclient/app/shifts.py) and the reconciliation's local view read them.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

_PERIOD = "completed_at > ? AND completed_at <= ?"


@dataclass(frozen=True, slots=True)
class SalesOfKind:
    """Sales of one kind (``sale`` or ``pickup``) in the period (minor units)."""

    kind: str
    count: int
    total: int
    discounts: int


@dataclass(frozen=True, slots=True)
class TaxTotal:
    code: str
    rate_ppm: int
    net: int
    tax: int


@dataclass(frozen=True, slots=True)
class ReturnsTotal:
    count: int
    total: int


@dataclass(frozen=True, slots=True)
class ShiftRecord:
    """A shift of the period as its report lists it; ``counted`` and ``expected``: per
    tender (JSON), None while it is open."""

    shift_no: int
    staff_id: int
    opened_at: str
    closed_at: str | None
    counted: str | None
    expected: str | None


@dataclass(frozen=True, slots=True)
class CardOrphanRecord:
    """A card approval whose sale never committed (posclient/app/card_recovery.py)."""

    reference: str
    amount: int
    resolution: str | None  # reversed | refunded | completed; None: still open
    receipt_no: str | None  # the sale that completed it


@dataclass(frozen=True, slots=True)
class SaleTotal:
    completed_at: str
    total: int


def sales_by_kind(conn: sqlite3.Connection, since: str, to_at: str) -> list[SalesOfKind]:
    return [SalesOfKind(*r) for r in conn.execute(
        f"SELECT kind, count(*), coalesce(sum(total), 0), "
        f"coalesce(sum(discount_total), 0) FROM sales WHERE {_PERIOD} GROUP BY kind",
        (since, to_at))]


def taxes(conn: sqlite3.Connection, since: str, to_at: str) -> list[TaxTotal]:
    """The sales' tax summary per tax code and rate, by code."""
    return [TaxTotal(*r) for r in conn.execute(
        f"SELECT t.tax_code, t.rate_ppm, sum(t.net), sum(t.tax) FROM sale_taxes t "
        f"JOIN sales s ON s.id = t.sale_id WHERE s.{_PERIOD} "
        "GROUP BY t.tax_code, t.rate_ppm ORDER BY t.tax_code", (since, to_at))]


def sale_tenders(conn: sqlite3.Connection, since: str, to_at: str) -> dict[str, int]:
    """Per tender kind, what the sales took."""
    return dict(conn.execute(
        f"SELECT t.kind, sum(t.amount) FROM sale_tenders t JOIN sales s ON "
        f"s.id = t.sale_id WHERE s.{_PERIOD} GROUP BY t.kind", (since, to_at)).fetchall())


def returns_total(conn: sqlite3.Connection, since: str, to_at: str) -> ReturnsTotal:
    return ReturnsTotal(*conn.execute(
        f"SELECT count(*), coalesce(sum(total), 0) FROM returns WHERE {_PERIOD}",
        (since, to_at)).fetchone())


def refund_tenders(conn: sqlite3.Connection, since: str, to_at: str) -> dict[str, int]:
    """Per tender kind, what the returns paid back."""
    return dict(conn.execute(
        f"SELECT t.kind, sum(t.amount) FROM return_tenders t JOIN returns x ON "
        f"x.id = t.return_id WHERE x.{_PERIOD} GROUP BY t.kind", (since, to_at)).fetchall())


def cash_movements(conn: sqlite3.Connection, since: str, to_at: str) -> dict[str, int]:
    """Per kind (cash_in, paid_out, safe_drop), by kind: the movements' amounts (> 0)."""
    return dict(conn.execute(
        "SELECT kind, sum(amount) FROM cash_movements WHERE at > ? AND at <= ? "
        "GROUP BY kind ORDER BY kind", (since, to_at)).fetchall())


def floats(conn: sqlite3.Connection, since: str, to_at: str) -> int:
    """The floats of the shifts opened in the period."""
    return int(conn.execute(
        "SELECT coalesce(sum(float_total), 0) FROM shifts WHERE opened_at > ? AND "
        "opened_at <= ?", (since, to_at)).fetchone()[0])


def shifts(conn: sqlite3.Connection, since: str, to_at: str) -> list[ShiftRecord]:
    """The shifts opened in the period, and the one still open, by number."""
    return [ShiftRecord(*r) for r in conn.execute(
        "SELECT shift_no, staff_id, opened_at, closed_at, counted, expected FROM shifts "
        "WHERE opened_at > ? AND opened_at <= ? OR closed_at IS NULL ORDER BY shift_no",
        (since, to_at))]


def card_orphans(conn: sqlite3.Connection, since: str, to_at: str) -> list[CardOrphanRecord]:
    """Card approvals whose sale never committed: resolved (reversed, refunded, completed) in
    the period, or found and still open; in the journal's order."""
    return [CardOrphanRecord(*r) for r in conn.execute(
        "SELECT j.reference, j.amount, j.resolution, s.receipt_no FROM payment_journal j "
        "LEFT JOIN sales s ON s.id = j.sale_id WHERE j.amount > 0 AND ("
        "j.resolution IN ('reversed', 'refunded', 'completed') AND j.resolved_at > ? AND "
        "j.resolved_at <= ? OR j.resolution IS NULL AND j.found_event IS NOT NULL) "
        "ORDER BY j.id", (since, to_at))]


def sale_totals(conn: sqlite3.Connection, since: str, to_at: str) -> list[SaleTotal]:
    """Each sale's completion time and total."""
    return [SaleTotal(*r) for r in conn.execute(
        "SELECT completed_at, total FROM sales WHERE completed_at > ? AND completed_at <= ?",
        (since, to_at))]


def category_totals(conn: sqlite3.Connection, since: str, to_at: str) -> dict[str, int]:
    """The sales' line totals per product category ("" for none), by category."""
    return {str(cat or ""): int(total) for cat, total in conn.execute(
        "SELECT p.category, sum(l.total) FROM sale_lines l JOIN sales s ON s.id = l.sale_id "
        "LEFT JOIN products p ON p.id = l.product_id WHERE s.completed_at > ? AND "
        "s.completed_at <= ? GROUP BY p.category ORDER BY p.category", (since, to_at))}
