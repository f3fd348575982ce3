"""Stock counts at the till: scan what is on a shelf (or in the whole store), then post the
differences, in one transaction with their ``stock_count`` event.

Each line keeps what was counted and what the till expected at that moment (its stock: the
central's level plus its own movements not yet counted there). The movement is the difference,
so sales made elsewhere while the count was on its way are not undone: the central applies the
same difference to its own level. A whole-store count also sets to zero every product the till
expected some of and nobody scanned. Posting a count needs a supervisor.

Receiving (:class:`Receiving`): a delivery or transfer the central announced (entity
``delivery``, held in ``deliveries``) is scanned as it is unpacked; its lines show expected
against received, and posting it adds what arrived, with its ``stock_receive`` event, in one
transaction (a supervisor). The central files the differences for the manager.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from posclient.domain.cart import Measure
from posclient.domain.clock import Clock, iso
from posclient.domain.errors import InvalidInput, NotFound
from posclient.domain.policy import Action
from posclient.domain.settings import StoreSettings
from posclient.store import audit, outbox, stock_ops
from posclient.store.catalog import Catalog, Product
from posclient.store.db import Store
from posclient.store.settings import load_settings
from sync.protocol.clock import new_event_id

from .lookup import Lookup
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
            raise InvalidInput.of("count_scope_invalid", scope=scope)
        self.store, self.staff, self.session, self.clock = store, staff, session, clock
        self.scope, self.label = scope, label.strip()
        self.settings = settings or load_settings(store.conn)
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
            raise InvalidInput.of("count_qty_invalid", qty=qty)
        self.products[p.id] = p
        self.counted[p.id] = self.counted.get(p.id, 0) + qty
        return p, self.counted[p.id]

    def set(self, product_id: int, qty: int) -> None:
        """Correct a line (0 keeps it, counted as none)."""
        if product_id not in self.counted:
            raise NotFound.of("count_line_unknown", product_id=product_id)
        if qty < 0:
            raise InvalidInput.of("count_qty_invalid", qty=qty)
        self.counted[product_id] = qty

    def lines(self) -> list[CountLine]:
        """What would be posted now, each line with the till's stock as expected."""
        out = []
        ids = set(self.counted)
        if self.scope == "store":
            ids |= stock_ops.products_in_stock(self.store.conn)
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
            raise InvalidInput.of("count_empty")
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
            stock_ops.add_movements(  # after the event: a movement names its terminal_seq
                conn, "count", [(ln.product_id, ln.difference) for ln in lines if ln.difference],
                event_id=event_id, at=at, terminal_seq=seq)
            audit.append(conn, at=at, action="stock_count", staff_id=self.session.staff.id,
                         approved_by=approved_by,
                         detail={"scope": self.scope, "label": self.label, "lines": len(lines),
                                 "differences": sum(1 for ln in lines if ln.difference)})
        self.counted.clear()
        return PostedCount(event_id, tuple(lines))


# -- receiving a delivery or a transfer -----------------------------------------------------------

@dataclass(frozen=True, slots=True)
class ExpectedDelivery:
    """A delivery or transfer on its way to this store (the central's copy, sync/apply.py)."""

    id: str
    kind: str  # delivery | transfer
    from_store: str | None
    reference: str
    expected_at: str | None
    lines: tuple[tuple[int, str, int], ...]  # (product_id, sku, qty expected)

    @property
    def units(self) -> int:
        return sum(q for _, _, q in self.lines)


@dataclass(frozen=True, slots=True)
class ReceiveLine:
    product_id: int
    sku: str
    name_zh: str
    name_en: str
    expected: int
    received: int

    @property
    def difference(self) -> int:
        return self.received - self.expected


@dataclass(frozen=True, slots=True)
class PostedReceipt:
    event_id: str
    delivery_id: str
    lines: tuple[ReceiveLine, ...]

    @property
    def differences(self) -> int:
        return sum(1 for ln in self.lines if ln.difference)


def open_deliveries(store: Store) -> list[ExpectedDelivery]:
    """The deliveries and transfers this store still expects (not received here, not received
    or cancelled at the central), oldest expected first."""
    return [_delivery(d) for d in stock_ops.open_deliveries(store.conn)]


def _delivery(d: dict[str, Any]) -> ExpectedDelivery:
    return ExpectedDelivery(
        str(d["id"]), str(d.get("kind") or "delivery"), d.get("from_store"),
        str(d.get("reference") or ""), d.get("expected_at"),
        tuple((int(ln["product_id"]), str(ln.get("sku") or ""), int(ln["qty"]))
              for ln in d.get("lines", ())))


class Receiving:
    """Receiving one delivery: ``scan`` what arrived, ``lines`` shows expected against received
    per line, ``post`` books it (a supervisor): +received per product as stock movements
    (reason ``receive``), the ``stock_receive`` event and the audit record in one transaction.
    Works offline: the delivery is the till's copy; the central files the differences."""

    def __init__(self, store: Store, staff: StaffService, session: StaffSession, *,
                 clock: Clock, delivery_id: str, settings: StoreSettings | None = None,
                 catalog: Catalog | None = None) -> None:
        self.store, self.staff, self.session, self.clock = store, staff, session, clock
        self.settings = settings or load_settings(store.conn)
        self.catalog = catalog or Catalog(store.conn)
        self.lookup = Lookup(self.catalog, self.settings, clock)
        self.delivery = self._load(delivery_id)
        self.received: dict[int, int] = {}
        self.products: dict[int, Product] = {}

    def _load(self, delivery_id: str) -> ExpectedDelivery:
        row = stock_ops.delivery(self.store.conn, delivery_id)
        if row is None:
            raise NotFound.of("delivery_unknown", delivery_id=delivery_id)
        if row.received_event is not None or row.status == "received":
            raise InvalidInput.of("delivery_already_received", delivery_id=delivery_id)
        if row.status != "expected":
            raise InvalidInput.of("delivery_cancelled", delivery_id=delivery_id)
        return _delivery(row.data)

    def scan(self, code: str, qty: int = 1) -> tuple[Product, int]:
        """``qty`` more of what ``code`` names arrived (a scale label: its grams); returns the
        product and what arrived of it so far. An item the delivery did not list is taken too
        (it arrived): it shows as a difference."""
        self.staff.ensure_active(self.session)
        found = self.lookup.resolve(code)
        p = found.product
        if found.weight_g is not None:
            qty = found.weight_g
        limit = self.settings.limits.max_qty * (1000 if p.measure is Measure.GRAM else 1)
        if qty <= 0 or qty > limit:
            raise InvalidInput.of("receive_qty_invalid", qty=qty)
        self.products[p.id] = p
        self.received[p.id] = self.received.get(p.id, 0) + qty
        return p, self.received[p.id]

    def set(self, product_id: int, qty: int) -> None:
        """Correct what arrived of a product (0: none of it)."""
        if product_id not in self.received and product_id not in self._expected():
            raise NotFound.of("receive_line_unknown", product_id=product_id)
        if qty < 0:
            raise InvalidInput.of("receive_qty_invalid", qty=qty)
        self.received[product_id] = qty

    def _expected(self) -> dict[int, int]:
        out: dict[int, int] = {}
        for pid, _sku, qty in self.delivery.lines:
            out[pid] = out.get(pid, 0) + qty
        return out

    def lines(self) -> list[ReceiveLine]:
        """Every product expected or received: the delivery's order first, then extras."""
        expected = self._expected()
        skus = {pid: sku for pid, sku, _ in self.delivery.lines}
        order = list(expected) + [pid for pid in self.received if pid not in expected]
        out = []
        for pid in order:
            p = self.products.get(pid) or self.catalog.by_id(pid)
            out.append(ReceiveLine(pid, p.sku if p else skus.get(pid, ""),
                                   p.name_zh if p else "", p.name_en if p else "",
                                   expected.get(pid, 0), self.received.get(pid, 0)))
        return out

    def post(self, approval: Approval | None = None) -> PostedReceipt:
        """Book what arrived (module docstring); refused if nothing was scanned."""
        self.staff.ensure_active(self.session)
        if not any(self.received.values()):
            raise InvalidInput.of("receive_empty")
        approved_by = self.staff.authorize(self.session, Action.STOCK_RECEIVE, approval)
        at, event_id = iso(self.clock.now()), new_event_id(self.clock)
        d = self.delivery
        lines = self.lines()
        with self.store.write() as conn:
            if not stock_ops.mark_received(conn, d.id, event_id, at):
                raise InvalidInput.of("delivery_already_received", delivery_id=d.id)
            seq = outbox.append(conn, event_id=event_id, type="stock_receive", occurred_at=at,
                          payload={
                              "store_id": self.settings.store_id,
                              "terminal_id": self.settings.terminal_id,
                              "staff_id": self.session.staff.id, "approved_by": approved_by,
                              "delivery_id": d.id, "kind": d.kind, "reference": d.reference,
                              "received_at": at,
                              "lines": [{"product_id": ln.product_id, "sku": ln.sku,
                                         "expected": ln.expected, "received": ln.received}
                                        for ln in lines]})
            stock_ops.add_movements(  # after the event: a movement names its terminal_seq
                conn, "receive", [(ln.product_id, ln.received) for ln in lines if ln.received],
                event_id=event_id, at=at, terminal_seq=seq)
            audit.append(conn, at=at, action="stock_receive", staff_id=self.session.staff.id,
                         approved_by=approved_by,
                         detail={"delivery_id": d.id, "lines": len(lines),
                                 "differences": sum(1 for ln in lines if ln.difference)})
        self.received.clear()
        return PostedReceipt(event_id, d.id, tuple(lines))
