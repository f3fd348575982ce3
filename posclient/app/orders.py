"""Web orders at the till: the copy the till keeps, and where an order stands for a pick-up.

The till keeps orders in ``web_orders``: as the central last sent them (the store's change feed
and snapshot, or ``GET /v1/orders/{order_no}`` through the sync engine at the pick-up screen;
posclient/store/orders.py writes them all). They are its own store's orders only, and their
customer is masked (issue 17): the masked name, the phone's last four digits and keyed hash.
A phone the cashier types is hashed with the chain's phone key (the keyring's,
posclient/app/members.py ``chain_keys``) and found with one index probe, offline.
Where an order stands = the central's copy + this till's pick-ups the central has not counted
yet (their event ids are not in the copy's ``applied_events``), so a second visit at this till
never hands over what was already collected here, online or not.

Money of a partial pick-up (explicit rule): the goods handed over are worth their share of the
line's total, cumulatively rounded half up (the first ``n`` units of a line are worth
``round(total * n / qty)``), so a line's visits add up to its total exactly. What the customer
pays at a visit is what the goods collected so far are worth beyond all the money received so
far (online and at earlier visits), never less than zero; the rest of the goods' value is
covered by that money (tender ``web``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from posclient.domain.clock import Clock, iso
from posclient.domain.errors import InvalidInput, NotFound, Unavailable
from posclient.domain.money import div_round
from posclient.domain.privacy import normalise_phone
from posclient.store import orders as repo

from .members import chain_keys
from .ports import MemberKeysPort

if TYPE_CHECKING:
    import sqlite3

    from sync.protocol import OrderData, OrderLineData


@dataclass(frozen=True, slots=True)
class Handover:
    """What one pick-up visit hands over and how it is paid (minor units)."""

    lines: tuple[tuple[int, int, int], ...]  # (order line_no, qty, value of the goods)
    goods: int  # value of everything handed over now
    covered: int  # of which already paid (online, or at an earlier visit): tender 'web'
    due: int  # to pay now at the till


@dataclass(frozen=True, slots=True)
class OrderView:
    """An order as it stands for this till (the central's copy + this till's own pick-ups)."""

    order: OrderData
    collected: dict[int, int]  # line_no -> units collected so far, anywhere
    paid_at_pickup: int  # money taken at pick-ups so far

    @property
    def order_no(self) -> str:
        return self.order.order_no

    def line(self, line_no: int) -> OrderLineData:
        for ln in self.order.lines:
            if ln.line_no == line_no:
                return ln
        raise NotFound.of("order_line_unknown", order_no=self.order_no, line_no=line_no)

    def open_qty(self, line_no: int) -> int:
        """Units of the line not collected yet."""
        return self.line(line_no).qty - self.collected.get(line_no, 0)

    @property
    def fully_collected(self) -> bool:
        return all(self.open_qty(ln.line_no) == 0 for ln in self.order.lines)

    def value(self, line_no: int, units: int) -> int:
        """What the first ``units`` units of the line are worth (cumulative, half up)."""
        ln = self.line(line_no)
        return div_round(ln.total * units, ln.qty)

    def handover(self, quantities: dict[int, int]) -> Handover:
        """The money of handing over ``{line_no: qty}`` now. Refuses a quantity that is not
        open (already collected, or more than ordered) and changes nothing."""
        lines = []
        for line_no, qty in sorted(quantities.items()):
            if qty == 0:
                continue
            open_qty = self.open_qty(line_no)
            if qty < 0 or qty > open_qty:
                raise InvalidInput.of("pickup_qty_invalid", order_no=self.order_no,
                                      line_no=line_no, open=open_qty, qty=qty)
            done = self.collected.get(line_no, 0)
            lines.append((line_no, qty, self.value(line_no, done + qty) -
                          self.value(line_no, done)))
        if not lines:
            raise InvalidInput.of("pickup_empty")
        goods = sum(v for _, _, v in lines)
        before = sum(self.value(ln.line_no, self.collected.get(ln.line_no, 0))
                     for ln in self.order.lines)
        received = self.order.paid + self.paid_at_pickup
        due = max(0, before + goods - received)
        return Handover(tuple(lines), goods, goods - due, due)


class OrderBook:
    """The till's copy of web orders (``web_orders``), on the caller's connection. ``keys``:
    where the chain's member keys are (None: the demo key on a till never enrolled), to find
    orders by the customer's phone."""

    def __init__(self, conn: sqlite3.Connection, clock: Clock, *,
                 keys: MemberKeysPort | None = None) -> None:
        self.conn, self.clock, self.keys = conn, clock, keys

    def keep(self, order: OrderData) -> None:
        """Store the central's copy (call inside a write transaction)."""
        repo.keep_orders(self.conn, [order], iso(self.clock.now()))

    def find(self, text: str) -> list[str]:
        """Order numbers for what the cashier typed or scanned: an order number (its QR code
        holds just that), or the customer's phone (its keyed hash: ``member_keys_missing``
        when the till has no key yet and no order has that number). Orders still to hand over
        come first, then the newest."""
        text = text.strip()[:64]
        if not text:
            return []
        number = normalise_phone(text)
        digest = None
        if number is not None:
            try:
                digest = chain_keys(self.conn, self.keys).digest(number)
            except Unavailable:
                found = repo.find_orders(self.conn, text, None)
                if found:
                    return found
                raise
        return repo.find_orders(self.conn, text, digest)

    def view(self, order_no: str) -> OrderView:
        from sync.protocol import OrderData

        data = repo.order_json(self.conn, order_no)
        if data is None:
            raise NotFound.of("order_unknown.till", order_no=order_no)
        order = OrderData.model_validate_json(data)
        applied = {str(e) for e in order.applied_events}
        collected = {ln.line_no: ln.collected for ln in order.lines}
        for ln in repo.own_pickup_lines(self.conn, order_no):
            if ln.event_id not in applied:
                collected[ln.line_no] = collected.get(ln.line_no, 0) + ln.qty
        paid_here = sum(p.taken for p in repo.own_pickup_payments(self.conn, order_no)
                        if p.event_id not in applied)
        return OrderView(order, collected, order.paid_at_pickup + paid_here)
