"""Stock counts at the till: scan what is on a shelf (or in the whole store), then post the
differences, in one transaction with their ``stock_count`` event.

Each line keeps what was counted and what the till expected at that moment (its stock: the
central's level plus its own movements not yet counted there). The movement is the difference,
so sales made elsewhere while the count was on its way are not undone: the central applies the
same difference to its own level. A whole-store count also sets to zero every product the till
expected some of and nobody scanned. Posting a count needs a supervisor.
"""

from __future__ import annotations

from dataclasses import dataclass

from posclient.domain.cart import Measure
from posclient.domain.errors import InvalidInput, NotFound
from posclient.domain.policy import Action
from posclient.store import audit, outbox
from posclient.store.catalog import Catalog, Product
from posclient.store.db import Store

from .clock import Clock, iso, new_event_id
from .lookup import Lookup
from .settings import StoreSettings
from .staff import Approval, StaffService, StaffSession

SCOPES = ("shelf", "store")


@dataclass(frozen=True, slots=True)
class CountLine:
    product_id: int
    sku: str
    name_zh: str
    name_en: str
    counted: int
    expected: int

    @property
    def difference(self) -> int:
        return self.counted - self.expected


@dataclass(frozen=True, slots=True)
class PostedCount:
    event_id: str
    lines: tuple[CountLine, ...]

    @property
    def differences(self) -> int:
        return sum(1 for ln in self.lines if ln.difference)


class StockCount:
    """One count in progress: ``scan`` adds to what was counted, ``post`` books it."""

    def __init__(self, store: Store, staff: StaffService, session: StaffSession, *,
                 clock: Clock, scope: str = "shelf", label: str = "",
                 settings: StoreSettings | None = None, catalog: Catalog | None = None) -> None:
        if scope not in SCOPES:
            raise InvalidInput(f"{scope!r} is not a count scope (shelf or store)",
                               code="count_scope_invalid", scope=scope)
        self.store, self.staff, self.session, self.clock = store, staff, session, clock
        self.scope, self.label = scope, label.strip()
        self.settings = settings or StoreSettings.load(store.conn)
        self.catalog = catalog or Catalog(store.conn)
        self.lookup = Lookup(self.catalog, self.settings, clock)
        self.counted: dict[int, int] = {}
        self.products: dict[int, Product] = {}

    def scan(self, code: str, qty: int = 1) -> tuple[Product, int]:
        """Count ``qty`` more of what ``code`` names (a scale label counts its weight in
        grams); returns the product and its count so far."""
        self.staff.ensure_active(self.session)
        found = self.lookup.resolve(code)
        p = found.product
        if found.weight_g is not None:
            qty = found.weight_g
        if qty <= 0 or qty > self.settings.limits.max_qty * (1000 if p.measure is Measure.GRAM
                                                            else 1):
            raise InvalidInput(f"{qty} is not a quantity that can be counted",
                               code="count_qty_invalid", qty=qty)
        self.products[p.id] = p
        self.counted[p.id] = self.counted.get(p.id, 0) + qty
        return p, self.counted[p.id]

    def set(self, product_id: int, qty: int) -> None:
        """Correct a line (0 keeps it, counted as none)."""
        if product_id not in self.counted:
            raise NotFound(f"Product {product_id} was not counted", code="count_line_unknown",
                           product_id=product_id)
        if qty < 0:
            raise InvalidInput(f"{qty} is not a quantity that can be counted",
                               code="count_qty_invalid", qty=qty)
        self.counted[product_id] = qty

    def lines(self) -> list[CountLine]:
        """What would be posted now, each line with the till's stock as expected."""
        out = []
        ids = set(self.counted)
        if self.scope == "store":
            ids |= {pid for (pid,) in self.store.conn.execute(
                "SELECT product_id FROM stock_levels WHERE qty != 0 UNION "
                "SELECT product_id FROM stock_pending")}
        for pid in sorted(ids):
            p = self.products.get(pid) or self.catalog.by_id(pid)
            if p is None:
                continue
            expected = self.catalog.stock(pid) or 0
            counted = self.counted.get(pid, 0)
            if pid in self.counted or expected:
                out.append(CountLine(pid, p.sku, p.name_zh, p.name_en, counted, expected))
        return out

    def post(self, approval: Approval | None = None) -> PostedCount:
        """Book the differences (a supervisor): movements ``count``, the ``stock_count`` event
        and the audit record in one transaction."""
        self.staff.ensure_active(self.session)
        if not self.counted and self.scope == "shelf":
            raise InvalidInput("Scan at least one item to count", code="count_empty")
        approved_by = self.staff.authorize(self.session, Action.STOCK_ADJUST, approval)
        at, event_id = iso(self.clock.now()), new_event_id(self.clock)
        with self.store.write() as conn:
            lines = self.lines()  # expected as of this transaction
            seq = outbox.append(conn, event_id=event_id, type="stock_count", occurred_at=at,
                                payload={
                "store_id": self.settings.store_id, "terminal_id": self.settings.terminal_id,
                "staff_id": self.session.staff.id, "approved_by": approved_by,
                "scope": self.scope, "label": self.label, "counted_at": at,
                "lines": [{"product_id": ln.product_id, "sku": ln.sku, "counted": ln.counted,
                           "expected": ln.expected} for ln in lines]})
            conn.executemany(  # after the event: a movement names its terminal_seq
                "INSERT INTO stock_movements (product_id, qty_delta, reason, event_id, "
                "occurred_at, terminal_seq) VALUES (?, ?, 'count', ?, ?, ?)",
                [(ln.product_id, ln.difference, event_id, at, seq) for ln in lines
                 if ln.difference])
            audit.append(conn, at=at, action="stock_count", staff_id=self.session.staff.id,
                         approved_by=approved_by,
                         detail={"scope": self.scope, "label": self.label, "lines": len(lines),
                                 "differences": sum(1 for ln in lines if ln.difference)})
        self.counted.clear()
        return PostedCount(event_id, tuple(lines))
