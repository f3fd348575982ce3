"""Web orders: the web shop hands them to the central (``POST /v1/admin/orders``, or an import);
the tills read them (``GET /v1/orders/{order_no}``) to hand them over and to take them back.

The web shop sends an :class:`OrderIn`: lines by SKU, payments, the fulfilment (pick-up at a
store with a pick-up code, or delivery). The central checks it and keeps an
:class:`sync.protocol.OrderData`: every line resolved to its product, totals computed, the
pick-up code kept only as a salted argon2id hash per order (sync/central/pickup_codes.py: a
batch's hashes are made before its transaction). Re-sending an order changes it, with these
rules:

- an order the tills have started on (anything collected or returned) keeps its lines and
  payments: only its status may change (a cancellation, which the tills meet as an exception);
- a cancelled order stays cancelled;
- ``collected``/``returned`` counts and the statuses they imply (``partly_collected``,
  ``collected``) belong to the tills' events, never to the web shop.

Orders are stored as ``entities`` rows (entity ``order``, key the order number, scope the
store that hands it over: the pick-up store, or the store a delivery placed at a till ships
from; ``DELIVERY`` for the web shop's deliveries, which no store hands over). Every write of an
order a store hands over (the web shop's changes and cancellations, the tills' pick-ups) also
goes into its store's change feed, in the same transaction, so the store's tills hold it before
the customer arrives.

**The customer's data (issue 17).** The record the tills get holds the customer as the hand-over
needs it: the masked name, the phone's keyed hash (HMAC-SHA256 with the chain's phone key,
sync/central/keys.py: a cashier finds the orders by typing the phone, offline) and its last four
digits. The name and the number as the web shop sent them are kept in ``order_personal`` only,
for the web shop (``GET /v1/admin/orders/{order_no}``). A till reads an order
(``GET /v1/orders/{order_no}``) only when its store hands it over (:func:`till_order`); a return
of another store's order or of a delivery reads it as a purchase (sync/central/returns.py),
which the central answers only when something of it can come back.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from sqlalchemy import Connection, Engine, select

from posclient.domain.privacy import normalise_phone, phone_digest, phone_last4
from sync.central import held, keys, members
from sync.central.db import among, bulk_insert, chunks, is_postgres
from sync.central.entities import RowError, WriteReport, validation_error
from sync.central.errors import Conflict, Forbidden, NotFound
from sync.central.feed import PendingChange, Tx
from sync.central.pickup_codes import CODE_PATTERN, CodeHashes, code_changed
from sync.central.schema import dump_json, entities, entity_uniques, order_personal, stores
from sync.protocol import (
    Minor,
    Moment,
    OrderData,
    OrderLineData,
    OrderPaymentData,
    PickupPayload,
    StoreId,
)
from sync.protocol.records import OrderStatus

DELIVERY = "@delivery"  # the scope of orders no store hands over (no store has this id)
TILL_STATUSES = ("partly_collected", "collected")  # set by the tills' pick-up events


class OrderLineIn(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    sku: str = Field(min_length=1, max_length=64)
    qty: int = Field(ge=1, le=100_000)
    unit_price: Minor
    discount: Minor = 0


class OrderIn(BaseModel):
    """An order as the web shop sends it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    order_no: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
    channel: Literal["web", "app", "marketplace"] = "web"
    status: Literal["open", "ready", "cancelled", "delivered"] = "open"
    fulfilment: Literal["pickup", "delivery"]
    store_id: StoreId | None = None
    pickup_code: str | None = Field(default=None, pattern=CODE_PATTERN)
    customer_name: str = Field(default="", max_length=100)
    customer_phone: str | None = Field(default=None, max_length=32)
    currency: str = Field(min_length=3, max_length=3)
    lines: list[OrderLineIn] = Field(min_length=1, max_length=500)
    payments: list[OrderPaymentData] = Field(default=[], max_length=100)
    created_at: Moment | None = None
    # The member who ordered: the order earns points on their account (sync/central/loyalty.py)
    member_no: str | None = Field(default=None, min_length=1, max_length=64)

    @field_validator("payments")
    @classmethod
    def _not_store(cls, v: list[OrderPaymentData]) -> list[OrderPaymentData]:
        """A ``store`` payment is made by the central, from a till's sale (aisle.py)."""
        if any(p.kind == "store" for p in v):
            raise ValueError("a payment of kind 'store' is taken at a till, not sent here "
                             "(online or at_pickup)")
        return v

    @field_validator("customer_phone")
    @classmethod
    def _mobile(cls, v: str | None) -> str | None:
        """The 11 digits of a mainland mobile number (the till finds orders by its keyed hash
        and shows its last four digits); none: no phone."""
        if v is None or not v.strip():
            return None
        number = normalise_phone(v)
        if number is None:
            raise ValueError("not a mainland mobile number (11 digits from 1; +86 and "
                             "separators allowed)")
        return number


def upsert_orders(tx: Tx, rows: Iterable[tuple[int, Mapping[str, Any]]], *,
                  ref_name: str = "record", seen: dict[str, int] | None = None,
                  codes: CodeHashes | None = None) -> WriteReport:
    """Validate and store ``(ref, order)`` rows; a bad one is rejected with its reason, the
    others are written (the caller decides whether to commit). The same order twice in one
    batch (or in earlier calls sharing ``seen``): the first wins, the second is rejected.
    ``codes``: the pick-up codes' hashes, prepared before the transaction
    (:meth:`CodeHashes.prepare`; without it, each is hashed here)."""
    report = WriteReport()
    seen = {} if seen is None else seen
    codes = CodeHashes() if codes is None else codes
    phone_key = keys.phone_key(tx.conn)
    for ref, raw in rows:
        try:
            order = OrderIn.model_validate(raw)
        except ValidationError as exc:
            report.rejected.append(validation_error(ref, exc))
            continue
        if order.order_no in seen:
            report.rejected.append(RowError(ref, f"order {order.order_no} is given twice "
                                                 f"(first at {ref_name} {seen[order.order_no]})"))
            continue
        seen[order.order_no] = ref
        try:
            changed = _upsert_one(tx, order, codes, phone_key)
        except _Refused as exc:
            report.rejected.append(RowError(ref, str(exc)))
            continue
        if changed:
            report.upserted += 1
        else:
            report.unchanged += 1
    return report


def get_order(engine: Engine, order_no: str) -> OrderData:
    """The order as the tills get it (the customer masked)."""
    with engine.connect() as conn:
        data = conn.scalar(select(entities.c.data).where(entities.c.entity == "order",
                                                         entities.c.key == order_no))
    if data is None:
        raise NotFound(f"No order {order_no!r}.", code="order_unknown")
    return OrderData.model_validate_json(data)


def till_order(engine: Engine, order_no: str, store_id: str) -> OrderData:
    """``GET /v1/orders/{order_no}`` for a till of ``store_id``: only an order that store
    hands over. Another store's order, or a delivery, is ``403 other_store`` (a return of it
    reads it as a purchase: sync/central/returns.py)."""
    order = get_order(engine, order_no)
    if _scope_of(order) != store_id:
        raise Forbidden(f"Order {order_no} is not collected at store {store_id}: a till reads "
                        "the orders its store hands over (a return of another store's order "
                        "or of a delivery reads it through /v1/returns/purchase).",
                        code="other_store")
    return order


def order_customer(engine: Engine, order_no: str) -> tuple[OrderData, str, str | None]:
    """The order, its customer's name and phone as the web shop sent them (the admin API)."""
    order, name, phone, _address = order_personal_data(engine, order_no)
    return order, name, phone


def order_personal_data(engine: Engine,
                        order_no: str) -> tuple[OrderData, str, str | None, str]:
    """The order, its customer's name, phone and delivery address (``""``: none) as the
    central keeps them apart from the record the tills get (the admin API)."""
    with engine.connect() as conn:
        order = read(conn, order_no, lock=False)
        if order is None:
            raise NotFound(f"No order {order_no!r}.", code="order_unknown")
        row = conn.execute(select(order_personal.c.name, order_personal.c.phone,
                                  order_personal.c.address)
                           .where(order_personal.c.order_no == order_no)).first()
    if row is None:
        return order, "", None, ""
    return order, row.name, row.phone, row.address


def _personal(conn: Connection, order_no: str) -> tuple[str, str | None] | None:
    row = conn.execute(select(order_personal.c.name, order_personal.c.phone)
                       .where(order_personal.c.order_no == order_no)).first()
    return None if row is None else (row.name, row.phone)


class _Refused(ValueError):
    """An order that breaks a rule; the message says which."""


def _upsert_one(tx: Tx, order: OrderIn, codes: CodeHashes, phone_key: bytes) -> bool:
    old = _stored(tx, order.order_no)
    scope = _scope(tx, order)
    currency = _store_currency(tx, scope)
    if currency is not None and order.currency != currency:
        raise _Refused(f"the order is in {order.currency}; store {scope} sells in {currency}")
    if old is not None:
        _check_change(old, order)
    lines = _lines(tx, order, old)
    total = sum(ln.total for ln in lines)
    paid = _paid_online(order, total)
    code = _pickup_code(order, old, codes)
    _check_member(tx, order, old)
    data = _order_data(tx, order, old, lines, code, total, paid, phone_key)
    personal = _customer(tx, order, data.member_no)
    new_personal = old is None or _personal(tx.conn, order.order_no) != personal
    if new_personal:
        bulk_insert(tx.conn, order_personal, [{
            "order_no": order.order_no, "name": personal[0], "phone": personal[1],
            "updated_at": tx.now}], conflict=("order_no",),
            update={c: f"excluded.{c}" for c in ("name", "phone", "updated_at")})
    if old is not None and data == old:
        return new_personal
    if old is not None and data.pickup_code_phc != old.pickup_code_phc:
        code_changed(tx.conn, order.order_no)
    data = data.model_copy(update={"updated_at": tx.now})
    _write(tx, data, scope, old)
    from sync.central import loyalty

    loyalty.order_written(tx, old, data)
    return True


def place(tx: Tx, data: OrderData, name: str, phone: str | None, address: str = "") -> None:
    """Store a new order made by the central itself (an order placed at a till for another
    store, sync/central/aisle.py): its customer's name, phone and delivery address in
    ``order_personal`` only (none for an erased member), the order in its store's feed, its
    member's points."""
    if data.member_no is not None and members.is_erased(tx.conn, data.member_no):
        name, phone, address = "", None, ""
    if name or phone or address:
        bulk_insert(tx.conn, order_personal, [{
            "order_no": data.order_no, "name": name, "phone": phone, "address": address,
            "updated_at": tx.now}],
            conflict=("order_no",),
            update={c: f"excluded.{c}" for c in ("name", "phone", "address", "updated_at")})
    _write(tx, data, _scope_of(data), None)
    from sync.central import loyalty

    loyalty.order_written(tx, None, data)


def cancel(tx: Tx, order_no: str) -> OrderData:
    """Cancel an order nothing of which was handed over or returned yet
    (``POST /v1/admin/orders/{order_no}/cancel``: an order placed at a till has no web shop to
    send it again cancelled). Its units are free again at its store, its tills get it
    cancelled, the points it earned go back. Cancelled already: answered as it is. Unknown:
    ``404 order_unknown``; started: ``409 order_started``."""
    old = _stored(tx, order_no)
    if old is None:
        raise NotFound(f"No order {order_no!r}.", code="order_unknown")
    if old.status == "cancelled":
        return old
    if old.status in ("collected", "delivered") or any(ln.collected or ln.returned
                                                       for ln in old.lines):
        raise Conflict(f"Order {order_no} is already (partly) handed over or returned: it is "
                       "not cancelled; what was handed over comes back as a return.",
                       code="order_started")
    new = old.model_copy(update={"status": "cancelled", "updated_at": tx.now})
    _write(tx, new, _scope_of(old), old)
    from sync.central import loyalty

    loyalty.order_written(tx, old, new)
    return new


def _paid_online(order: OrderIn, total: int) -> int:
    """What the order's online payments paid; refused unless its payments settle ``total``
    (a delivery online in full, a pick-up online and at pick-up together)."""
    paid = sum(p.amount for p in order.payments if p.kind == "online")
    at_pickup = sum(p.amount for p in order.payments if p.kind == "at_pickup")
    if paid > total:
        raise _Refused(f"paid online {paid} is more than the order's total {total}")
    if order.fulfilment == "delivery" and paid != total:
        raise _Refused(f"a delivery order is paid online in full: {total - paid} is not paid")
    if order.fulfilment == "pickup" and paid + at_pickup != total:
        raise _Refused(f"{total - paid} is not paid online: the 'at_pickup' payments must be "
                       f"exactly that (they are {at_pickup})")
    return paid


def _pickup_code(order: OrderIn, old: OrderData | None,
                 codes: CodeHashes) -> tuple[str | None, str | None]:
    """The pick-up code's hash, ``(argon2id, old SHA-256)``: a code sent gets the argon2id
    form (the stored one when it is this code's); none sent keeps what the order has, of
    either form. A pick-up order needs one."""
    if order.pickup_code:
        stored = old.pickup_code_phc if old is not None else None
        return codes.phc(order.order_no, order.pickup_code, stored), None
    kept = (old.pickup_code_phc, old.pickup_code_hash) if old is not None else (None, None)
    if order.fulfilment == "pickup" and kept == (None, None):
        raise _Refused("a pick-up order needs its pick-up_code")
    return kept


def _check_member(tx: Tx, order: OrderIn, old: OrderData | None) -> None:
    """A new order's member must exist; a stored order's member never changes."""
    if not order.member_no or (old is not None and old.member_no == order.member_no):
        return
    from sync.central import loyalty

    if old is not None:
        raise _Refused("the order's member cannot change once it is stored")
    if loyalty.order_member(tx.conn, order.member_no) is None:
        raise _Refused(f"member_no {order.member_no!r}: no such member")


def _order_data(tx: Tx, order: OrderIn, old: OrderData | None, lines: list[OrderLineData],
                code: tuple[str | None, str | None], total: int, paid: int,
                phone_key: bytes) -> OrderData:
    """The order to store, ``updated_at`` still the stored one's (unchanged is not written);
    the customer masked (OrderData masks the name; the phone is its hash and last 4)."""
    status: OrderStatus = order.status
    if old is not None and old.status in TILL_STATUSES and status in ("open", "ready"):
        status = old.status  # the tills' progress stands
    member_no = order.member_no or (old.member_no if old is not None else None)
    name, phone = _customer(tx, order, member_no)
    return OrderData(
        order_no=order.order_no, channel=order.channel, status=status,
        fulfilment=order.fulfilment, store_id=order.store_id, customer_name=name,
        customer_phone_hash=None if phone is None else phone_digest(phone_key, phone),
        customer_phone_last4=None if phone is None else phone_last4(phone),
        pickup_code_phc=code[0] if order.fulfilment == "pickup" else None,
        pickup_code_hash=code[1] if order.fulfilment == "pickup" else None,
        currency=order.currency, lines=lines, payments=order.payments, total=total, paid=paid,
        created_at=order.created_at or (old.created_at if old is not None else tx.now),
        updated_at=old.updated_at if old is not None else tx.now, member_no=member_no)


def _customer(tx: Tx, order: OrderIn, member_no: str | None) -> tuple[str, str | None]:
    """The customer's name and phone to keep: none for the order of an erased member
    (sync/central/erasure.py), whatever the web shop sends again."""
    if member_no is not None and members.is_erased(tx.conn, member_no):
        return "", None
    return order.customer_name, order.customer_phone


def _stored(tx: Tx, order_no: str) -> OrderData | None:
    """The stored order, locked until the transaction ends."""
    return read(tx.conn, order_no, lock=True)


def read(conn: Connection, order_no: str, *, lock: bool) -> OrderData | None:
    """The stored order; with ``lock``, locked until the transaction ends (PostgreSQL: two
    writers of one order wait for each other; SQLite: a write transaction already holds the
    write lock)."""
    q = select(entities.c.data).where(entities.c.entity == "order",
                                      entities.c.key == order_no)
    raw = conn.scalar(q.with_for_update() if lock and is_postgres(conn) else q)
    return None if raw is None else OrderData.model_validate_json(raw)


def record_return(tx: Tx, order_no: str, event_id: UUID, returned: Mapping[int, int]) -> None:
    """A return of the order was counted (sync/central/returns.py): its lines' ``returned``
    follow, and the event joins ``applied_events`` so a till never counts it twice."""
    order = _stored(tx, order_no)
    if order is None or event_id in order.applied_events:
        return
    lines = [ln.model_copy(update={"returned": returned.get(ln.line_no, ln.returned)})
             for ln in order.lines]
    _write(tx, order.model_copy(update={
        "lines": lines, "applied_events": [*order.applied_events, event_id],
        "updated_at": tx.now}), _scope_of(order), order)


def erase_customer(tx: Tx, order_no: str) -> bool:
    """The order of an erased member keeps no customer: its name and phone go from
    ``order_personal``, the masked name, the phone's hash and last four digits from the
    record, which goes to its store's tills again (sync/central/erasure.py: the feed's older
    copies of it are deleted). True when it had any of these."""
    had = bool(tx.conn.execute(order_personal.delete().where(
        order_personal.c.order_no == order_no)).rowcount)
    order = _stored(tx, order_no)
    if order is None:
        return had
    had = had or bool(order.customer_name or order.customer_phone_hash
                      or order.customer_phone_last4)
    _write(tx, order.model_copy(update={"customer_name": "", "customer_phone_hash": None,
                                        "customer_phone_last4": None,
                                        "updated_at": tx.now}), _scope_of(order), order)
    return had


def _scope_of(order: OrderData) -> str:
    """The scope a stored order has: the store that hands it over (a pick-up's store, or the
    store a delivery placed at a till ships from), or :data:`DELIVERY` for a delivery with no
    store (the web shop's, which no store's till sees)."""
    return order.store_id or DELIVERY


def _scope(tx: Tx, order: OrderIn) -> str:
    if order.fulfilment == "delivery":
        if order.store_id is not None:
            raise _Refused("a delivery order has no pick-up store_id")
        return DELIVERY
    if not order.store_id:
        raise _Refused("a pick-up order needs the store_id of its pick-up store")
    if tx.conn.scalar(select(stores.c.store_id).where(stores.c.store_id == order.store_id)) \
            is None:
        raise _Refused(f"no store {order.store_id!r}")
    return order.store_id


def _store_currency(tx: Tx, scope: str) -> str | None:
    if scope == DELIVERY:
        return None
    raw = tx.conn.scalar(select(entities.c.data).where(entities.c.entity == "store_settings",
                                                       entities.c.key == scope))
    if raw is None:
        return None
    currency = json.loads(raw).get("currency")
    return str(currency) if currency else None


def _check_change(old: OrderData, new: OrderIn) -> None:
    if old.status == "cancelled" and new.status != "cancelled":
        raise _Refused(f"order {old.order_no} was cancelled; a cancelled order is not reopened")
    started = any(ln.collected or ln.returned for ln in old.lines)
    if not started:
        return
    same_lines = [(ln.sku, ln.qty, ln.unit_price, ln.discount) for ln in old.lines] == \
        [(ln.sku, ln.qty, ln.unit_price, ln.discount) for ln in new.lines]
    if not same_lines or list(old.payments) != list(new.payments) or \
            old.fulfilment != new.fulfilment or old.store_id != new.store_id:
        raise _Refused(f"order {old.order_no} is already partly collected or returned: only "
                       "its status can change now")


def _lines(tx: Tx, order: OrderIn, old: OrderData | None) -> list[OrderLineData]:
    skus = sorted({ln.sku for ln in order.lines})
    products: dict[str, dict[str, Any]] = {}
    u, e = entity_uniques, entities
    for part in chunks([f"sku:{s}" for s in skus], 1000):
        for value, raw in tx.conn.execute(
                select(u.c.value, e.c.data)
                .join(e, (e.c.entity == u.c.entity) & (e.c.key == u.c.key))
                .where(u.c.entity == "product", among(tx.conn, u.c.value, part))):
            products[value[4:]] = json.loads(raw)
    out = []
    for n, ln in enumerate(order.lines, start=1):
        p = products.get(ln.sku)
        if p is None:
            raise _Refused(f"line {n}: no product with SKU {ln.sku!r}")
        if p.get("measure") != "each":
            raise _Refused(f"line {n}: {ln.sku} is sold by weight; web orders sell it in packs "
                           "with their own SKU")
        if ln.discount > ln.qty * ln.unit_price:
            raise _Refused(f"line {n}: the discount is more than the line's amount")
        kept = old.lines[n - 1] if old is not None and len(old.lines) >= n else None
        out.append(OrderLineData(
            line_no=n, product_id=int(p["id"]), sku=ln.sku, name_zh=p.get("name_zh", ""),
            name_en=p.get("name_en", ""), qty=ln.qty, unit_price=ln.unit_price,
            discount=ln.discount, total=ln.qty * ln.unit_price - ln.discount,
            collected=kept.collected if kept is not None else 0,
            returned=kept.returned if kept is not None else 0))
    return out


def move_pickup(tx: Tx, order: OrderData, store_id: str) -> OrderData:
    """The pick-up order (as stored, locked by the caller) collected at ``store_id`` from now
    on (the oversell rule, sync/central/oversell.py): it leaves its store's feed and joins the
    new store's. The units it holds are the caller's to move: it has already held them at the
    new store (a conditional update) and given them back at the old one."""
    moved = order.model_copy(update={"store_id": store_id, "updated_at": tx.now})
    _write(tx, moved, store_id, order, held_moved=True)
    return moved


def _write(tx: Tx, data: OrderData, scope: str, old: OrderData | None, *,
           held_moved: bool = False) -> None:
    """Store the order and put it in its store's change feed, in the caller's transaction,
    and move the stock it holds (sync/central/held.py) by its change (unless ``held_moved``:
    the caller did).

    ``old``: the order as it was stored (None: a new order). An order that leaves a store
    (moved to another store, or turned into a web delivery) is deleted from that store's
    feed; a web delivery order (scope :data:`DELIVERY`) is in no store's feed.
    """
    old_scope = None if old is None else _scope_of(old)
    if not held_moved:
        held.order_changed(tx.conn, old, data, tx.now)
    text = dump_json(data.model_dump(mode="json"))
    bulk_insert(tx.conn, entities, [{
        "entity": "order", "key": data.order_no, "scope": scope, "parent": None,
        "data": text, "updated_at": tx.now}],
        conflict=("entity", "key"),
        update={c: f"excluded.{c}" for c in ("scope", "data", "updated_at")})
    if old_scope is not None and old_scope not in (scope, DELIVERY):
        tx.emit(PendingChange.delete("order", data.order_no, old_scope))
    if scope != DELIVERY:
        tx.emit(PendingChange.upsert("order", data.order_no, scope, text))


def _at_order_price(ordered: OrderLineData, qty: int, total: int, store_discounts: int) -> bool:
    """Whether ``qty`` units of the order's line were charged ``total`` at the order's price:
    no promotion or basket discount of the store, and the line's total in proportion (a
    partial hand-over's cumulative rounding, posclient/app/orders.py, is within one fen of
    ``ordered.total * qty / ordered.qty``)."""
    return store_discounts == 0 and abs(total * ordered.qty - ordered.total * qty) < ordered.qty


def record_pickup(tx: Tx, store_id: str, event_id: UUID,
                  pickup: PickupPayload) -> list[tuple[str, str, str]]:
    """A till handed over (part of) an order: count it on the order, once (``applied_events``).

    Returns the problems for a manager, ``(kind, subject, message)``: an order the central does
    not know, one cancelled meanwhile, one collected at a store it is not for, more handed
    over than ordered, or a line not charged at the order's price (``pickup_mispriced``: a
    till re-priced it). The hand-over is counted all the same: it happened.
    """
    no = pickup.order_no
    order = _stored(tx, no)
    if order is None:
        return [("order_unknown", no, f"order {no} was handed over but the central does not "
                                      "know it")]
    if event_id in order.applied_events:
        return []
    problems = []
    if order.status == "cancelled":
        problems.append(("order_cancelled", no, f"order {no} was handed over after it was "
                                                "cancelled"))
    if order.store_id != store_id:
        problems.append(("order_other_store", no, f"order {no} is for store {order.store_id} "
                                                  f"and was handed over at {store_id}"))
    collected = {ln.line_no: ln.collected for ln in order.lines}
    ordered = {ln.line_no: ln for ln in order.lines}
    for line in pickup.lines:
        if line.order_line_no not in collected:
            problems.append(("order_line_unknown", no,
                             f"order {no} has no line {line.order_line_no}"))
            continue
        collected[line.order_line_no] += line.qty
        if not _at_order_price(ordered[line.order_line_no], line.qty, line.total,
                               line.promo_discount + line.basket_discount):
            problems.append(("pickup_mispriced", no,
                             f"order {no} line {line.order_line_no}: {line.qty} handed over "
                             f"for {line.total}, not at the order's price"))
    lines = [ln.model_copy(update={"collected": collected[ln.line_no]}) for ln in order.lines]
    over = [ln.line_no for ln in lines if ln.collected > ln.qty]
    if over:
        problems.append(("order_overcollected", no, f"order {no}: more handed over than "
                                                    f"ordered on line(s) {over}"))
    status = order.status
    if status != "cancelled":
        status = ("collected" if all(ln.collected >= ln.qty for ln in lines)
                  else "partly_collected")
    updated = order.model_copy(update={
        "lines": lines, "status": status, "paid_at_pickup": order.paid_at_pickup
        + pickup.paid_here, "applied_events": [*order.applied_events, event_id],
        "updated_at": tx.now})
    _write(tx, updated, _scope_of(order), order)
    return problems
