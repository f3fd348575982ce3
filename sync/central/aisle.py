"""Orders placed at a till for another store (issue 18, "endless aisle").

A cashier at store A orders for the customer an item store B has: the till holds the units at B
online (``POST /v1/reservations``), the customer pays at A, in full or a deposit, and the
``sale`` event carries the order (:class:`sync.protocol.AisleOrderPayload`). In that event's
transaction, for each of its orders, the central:

1. makes an order at B (channel ``store``, a payment of kind ``store`` of ``paid_now``, so
   B's till asks only for the rest), in B's feed: B's tills list it for pick-up. The
   customer's name and mobile number, opened from their sealed box, go to ``order_personal``;
   the order keeps them masked, like a web order's. A delivery (``fulfilment`` ``delivery``)
   is the same order at B, the store that ships it: it is in B's feed marked ``delivery``, B's
   till hands it to the courier on the pick-up path (which counts it collected), and its
   address, opened from the same sealed box, is kept in ``order_personal.address`` only;
2. turns B's hold into the order's (:func:`_hold`): the reservation the till made is confirmed
   into the order, so the units stay held at B without a gap; a reservation that expired, was
   released, or is not known is held again with the same conditional update; when B no longer
   has the units, the order is made all the same (the customer paid) and ``aisle_unreserved``
   is filed for B's manager, one exception per order;
3. nothing moves A's stock for it (the sale's ``lines`` are A's goods only), and the order's
   member earns on ``paid_now`` with the order (sync/central/loyalty.py ``order_written``);
   the sale earns on its lines only, so nothing earns twice.

The same event twice is a duplicate (the ingest's event id): one order. An order number that is
already taken is never overwritten: ``aisle_order_exists`` is filed for A.

**Older tills.** A till older than these orders would refuse a whole change page holding a
``channel`` or a payment ``kind`` it does not know (sync/protocol/feed.py ``validate_page``). So
the central sends ``store`` orders as they are only to a till that asks with
``store_orders=true`` (feed, snapshot, ``GET /v1/orders/{no}``); any other gets them written
as a web order paid online (:func:`for_older_tills`), which it hands over the same way: it asks
for the rest and takes the paid part as ``web`` tenders.
"""

from __future__ import annotations

import json
from typing import Annotated, Any
from uuid import UUID

from fastapi import Query
from sqlalchemy import Connection, select

from posclient.domain.privacy import normalise_phone, phone_digest, phone_last4
from sync.central import incidents, keys, orders
from sync.central.feed import Tx
from sync.central.identity import TerminalIdentity
from sync.central.incidents import Problem
from sync.central.ingest_checks import utc
from sync.central.schema import entities, stores
from sync.protocol import AisleOrderPayload, OrderData, OrderLineData, OrderPaymentData, SalePayload
from sync.protocol.events import MAX_ADDRESS

STORE_CHANNEL = '"channel":"store"'  # how a store order's record reads in canonical JSON

# The terminal routes' flags of what the till reads (sync/central/api.py).
TokenKeysQuery = Annotated[bool, Query(description="true: send member_token_key records too")]
StoreOrdersQuery = Annotated[bool, Query(
    description="true: send orders placed at a till (channel store) as they are; without it "
    "they read as web orders paid online, as a till older than them knows orders")]


def place_orders(tx: Tx, who: TerminalIdentity, event_id: UUID,
                 sale: SalePayload) -> list[Problem]:
    """The sale's orders placed at the till, each made at its fulfilling store (module
    docstring). Returns the problems for the selling store's manager; those for the
    fulfilling store's are filed here, for that store."""
    problems: list[Problem] = []
    for order in sale.aisle_orders:
        problems += _place(tx, who, event_id, sale, order)
    return problems


def _place(tx: Tx, who: TerminalIdentity, event_id: UUID, sale: SalePayload,
           order: AisleOrderPayload) -> list[Problem]:
    no = order.order_no
    if orders.read(tx.conn, no, lock=True) is not None:
        return [Problem("aisle_order_exists", no,
                        f"order {no} of receipt {sale.receipt_no} was placed at the till but "
                        "its number is already another order's: not made again",
                        {"receipt_no": sale.receipt_no})]
    if not _store_exists(tx.conn, order.store_id):  # the till reserved there: never so
        return [Problem("aisle_store_unknown", no,
                        f"order {no} of receipt {sale.receipt_no} is for store "
                        f"{order.store_id}, which the central does not know: not made; the "
                        "customer has paid", {"receipt_no": sale.receipt_no,
                                              "store_id": order.store_id})]
    problems: list[Problem] = []
    name, phone, address, unsealed = _customer(tx.conn, order)
    if not unsealed:
        problems.append(Problem("aisle_customer_unreadable", no,
                                f"order {no}: the customer's sealed name and phone do not open "
                                "with this central's key; the order keeps the masked ones"))
    elif order.fulfilment == "delivery" and not address:
        problems.append(Problem("aisle_address_missing", no,
                                f"order {no} is for delivery but carries no address: call the "
                                "customer for it"))
    data, unknown = _order_data(tx, who, sale, order, phone)
    problems += [Problem("unknown_product", str(p),
                         f"order {no}: product {p} is not in the central's catalogue")
                 for p in unknown]
    held = _hold(tx, order)
    orders.place(tx, data, name, phone, address)
    if not held:
        incidents.file(tx.conn, order.store_id, None, [(event_id, sale.completed_at, Problem(
            "aisle_unreserved", no,
            f"order {no} (placed at store {who.store_id}, receipt {sale.receipt_no}) could not "
            "be held here: its reservation had lapsed and the units are no longer free. The "
            "customer has paid: find the units (a delivery, a transfer) or call the customer",
            {"order_no": no, "placed_at": who.store_id, "receipt_no": sale.receipt_no,
             "lines": [{"product_id": ln.product_id, "sku": ln.sku, "qty": ln.qty}
                       for ln in order.lines]}))], tx.now)
    return problems


def _hold(tx: Tx, order: AisleOrderPayload) -> bool:
    """Whether the order's units are held at its store: its reservation confirmed into the
    order, or (lapsed, unknown) held again by the same conditional update
    (sync/central/reservations.py ``confirm_for_order``). The order's own hold is added when
    it is written (sync/central/orders.py)."""
    from sync.central import reservations

    units: dict[int, int] = {}
    for ln in order.lines:
        units[ln.product_id] = units.get(ln.product_id, 0) + ln.qty
    return reservations.confirm_for_order(tx, order.reservation_id, order.store_id,
                                          order.order_no, units)


def _customer(conn: Connection,
              order: AisleOrderPayload) -> tuple[str, str | None, str, bool]:
    """The customer's name, mobile number and delivery address (a delivery's; ``""``) for
    ``order_personal``, opened from the sealed box (bound to the order number), and whether
    it opened. Without a box: none of them (the masked name only, from the till)."""
    if order.sealed is None:
        return "", None, "", True
    from sync.protocol.sealing import SealError, open_sealed

    try:
        opened = json.loads(open_sealed(keys.central_keys(conn).seal_private_key, order.sealed,
                                        order.order_no.encode()))
    except (SealError, ValueError):
        return "", None, "", False
    if not isinstance(opened, dict):
        return "", None, "", False
    address = ""
    if order.fulfilment == "delivery":
        address = " ".join(str(opened.get("address") or "").split())[:MAX_ADDRESS]
    return str(opened.get("name") or "")[:100].strip(), normalise_phone(
        str(opened.get("phone") or "")[:64]), address, True


def _order_data(tx: Tx, who: TerminalIdentity, sale: SalePayload, order: AisleOrderPayload,
                phone: str | None) -> tuple[OrderData, list[int]]:
    """The order as the fulfilling store's tills get it, and the lines' products the central
    does not know (the line is kept as the till sent it)."""
    products = _products(tx.conn, [ln.product_id for ln in order.lines])
    lines = []
    for ln in sorted(order.lines, key=lambda x: x.line_no):
        p = products.get(ln.product_id, {})
        lines.append(OrderLineData(
            line_no=ln.line_no, product_id=ln.product_id, sku=ln.sku,
            name_zh=str(p.get("name_zh", ""))[:200], name_en=str(p.get("name_en", ""))[:200],
            qty=ln.qty, unit_price=ln.unit_price, discount=ln.discount, total=ln.total))
    hashed: str | None
    last4: str | None
    if phone is not None:
        phone_key = keys.phone_key(tx.conn)
        hashed, last4 = phone_digest(phone_key, phone), phone_last4(phone)
    else:
        hashed, last4 = order.customer_phone_hash, order.customer_phone_last4
    kinds = sorted({str(t.get("kind")) for t in sale.tenders if int(t.get("amount", 0)) > 0})
    payment = OrderPaymentData(kind="store", amount=order.paid_now,
                               method="+".join(kinds)[:64], reference=sale.receipt_no)
    member_no = order.member_no
    from sync.central import loyalty

    if member_no is not None and loyalty.order_member(tx.conn, member_no) is None:
        member_no = None
    data = OrderData(
        order_no=order.order_no, channel="store", status="open", fulfilment=order.fulfilment,
        store_id=order.store_id, customer_name=order.customer_name,
        customer_phone_hash=hashed, customer_phone_last4=last4,
        pickup_code_phc=order.pickup_code_phc, currency=sale.currency, lines=lines,
        payments=[payment], total=order.total, paid=order.paid_now,
        created_at=utc(sale.completed_at), updated_at=tx.now, member_no=member_no)
    return data, sorted({ln.product_id for ln in order.lines} - products.keys())


def _products(conn: Connection, ids: list[int]) -> dict[int, dict[str, Any]]:
    rows = conn.execute(select(entities.c.key, entities.c.data).where(
        entities.c.entity == "product", entities.c.key.in_(sorted({str(i) for i in ids}))))
    return {int(k): json.loads(d) for k, d in rows}


def _store_exists(conn: Connection, store_id: str) -> bool:
    return conn.scalar(select(stores.c.store_id).where(stores.c.store_id == store_id)) \
        is not None


# -- older tills ----------------------------------------------------------------------------------

def for_older_tills(data: dict[str, Any]) -> dict[str, Any]:
    """An order's record as a till older than ``store`` orders reads it: a web order paid
    online (``store`` payments as ``online``); a delivery its store ships reads as a pick-up
    there (such a till hands over pick-ups only: without a code, a supervisor approves, as for
    the courier). Other orders are returned as they are."""
    if data.get("channel") != "store":
        return data
    return {**data, "channel": "web", "fulfilment": "pickup", "payments": [
        {**p, "kind": "online"} if p.get("kind") == "store" else p
        for p in data.get("payments", ())]}


def as_older(order: OrderData) -> OrderData:
    """:func:`for_older_tills` of an order (``GET /v1/orders/{no}``)."""
    if order.channel != "store":
        return order
    return OrderData.model_validate(for_older_tills(order.model_dump(mode="json")))


def older_text(text: str) -> str:
    """:func:`for_older_tills` of a stored order's canonical JSON text (others untouched)."""
    if STORE_CHANNEL not in text:
        return text
    from sync.central.schema import dump_json

    return dump_json(for_older_tills(json.loads(text)))
