"""Ordering for the customer from another store (issue 18, endless aisle), at the till.

An item this store does not have is ordered from a store that has it (F12's table,
posclient/app/chain_stock.py): the customer collects it there. In this order:

The customer collects it there, or that store delivers it to them (``address``): a delivery
is paid in full at the till, has no pick-up code, and its address is sealed to the central with
the name and mobile; the till keeps only its first 6 characters and "…" for the receipt.

1. :meth:`Aisle.prepare` checks the quantity (at most what that store has free), the amount
   paid now (in full, or a deposit from 0.01 to the total), the customer's name and mobile
   (needed for the pick-up). It gives the order its number (``<store>-<terminal>-A<n>``, a
   counter of this till), a pick-up code for the receipt (the central gets its hash only), and
   seals the name and the mobile to the central (sync/protocol/sealing.py, bound to the order
   number, as sign-ups do): the till keeps the masked name, the phone's keyed hash and its last
   four digits, never the number.
2. :meth:`Aisle.reserve` holds the units at that store online (``POST /v1/reservations``, a
   request id made once and kept with the order, held 30 minutes): any thread, the window calls
   it in a worker. Offline or unreachable: ``aisle_offline`` and nothing is added: a till
   cannot promise another store's stock from what it last heard. Not enough: the store's free
   units (``aisle_stock_short``).
3. :meth:`Aisle.place` adds the held order to the basket (posclient/app/sale_state.py
   ``SaleState.aisle``), apart from the goods: it moves no stock here, takes no promotion, and
   counts toward the amount due at its paid-now amount. The sale's event carries it
   (``SalePayload.aisle_orders``: the sale's ``total`` = the goods' + the orders' ``paid_now``),
   and the central makes it an order at that store, whose tills get it in their pick-up list.

A sale voided gives its holds up (:meth:`Aisle.release`, best effort: the central's expiry
releases them otherwise). A sale with an order cannot be suspended (``aisle_suspend``).
"""

from __future__ import annotations

import json
import logging
import secrets
import uuid
from dataclasses import replace

from posclient.domain.errors import InvalidInput, PosError, Unavailable
from posclient.domain.money import Money
from posclient.domain.privacy import (
    MemberKeys,
    mask_address,
    mask_name,
    normalise_phone,
    phone_last4,
)
from posclient.store import outbox
from sync.protocol.events import MAX_ADDRESS
from sync.protocol.pickup_codes import pickup_code_phc
from sync.protocol.sealing import seal
from sync.protocol.stock import ReservationRequest, StockLineIn

from .aisle_order import AisleOrder
from .chain_stock import OtherStore
from .members import chain_keys
from .ports import AislePort, MemberKeysPort
from .sale_state import SaleState

log = logging.getLogger(__name__)

HOLD_S = 30 * 60  # the hold at the other store while the customer pays
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud at the counter
CODE_LENGTH = 6
MAX_NAME = 50


def _delivery(address: str | None, paid: int, total: int) -> str | None:
    """A delivery's address, spaces collapsed (None: a pick-up). The rule: a delivery is paid
    in full at the till (``aisle_delivery_in_full``), so nothing is left to take at the door."""
    if address is None:
        return None
    address = " ".join(address.split())
    if not address:
        raise InvalidInput.of("aisle_address_missing")
    if len(address) > MAX_ADDRESS:
        raise InvalidInput.of("aisle_address_too_long", most=MAX_ADDRESS)
    if paid != total:
        raise InvalidInput.of("aisle_delivery_in_full")
    return address


def new_pickup_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


class Aisle:
    """Orders for the customer from another store, in ``checkout``'s basket."""

    def __init__(self, checkout: SaleState, port: AislePort | None,
                 keys: MemberKeysPort | None = None) -> None:
        self.checkout = checkout
        self.port = port
        self.keys = keys

    @property
    def can_order(self) -> bool:
        """Whether this till can ask another store to hold stock at all (it syncs)."""
        return self.port is not None

    def prepare(self, product_id: int, store: OtherStore, *, qty: int, paid_now: int | None,
                name: str, phone: str, address: str | None = None) -> AisleOrder:
        """The order, checked and sealed, not yet held (``paid_now`` None: in full).
        ``address`` None: collected at ``store``; else delivered from it to that address
        (required, at most :data:`MAX_ADDRESS` characters, paid in full: :func:`_delivery`)."""
        co = self.checkout
        co._editable()
        if store.store_id == co.settings.store_id:
            raise InvalidInput.of("aisle_own_store")
        if not 1 <= qty <= store.available:
            raise InvalidInput.of("aisle_qty_invalid", most=max(store.available, 0))
        product = co.catalog.by_id(product_id)
        if product is None:
            raise InvalidInput.of("aisle_qty_invalid", most=0)
        price = co.lookup.price(product, co.member.tier if co.member else None)
        if price is None:
            raise InvalidInput.of("price_missing", product=product.name_en,
                                  product_zh=product.name_zh, sku=product.sku)
        total = qty * price.minor
        paid = total if paid_now is None else paid_now
        address = _delivery(address, paid, total)
        if not 1 <= paid <= total:
            raise InvalidInput.of("aisle_deposit_invalid", total=Money(total, price.currency))
        name = name.strip()
        number = normalise_phone(phone)
        if not name or not phone.strip():
            raise InvalidInput.of("aisle_customer_missing")
        if number is None or len(name) > MAX_NAME:
            raise InvalidInput.of("aisle_phone_invalid")
        keys = self._keys()
        with co.store.write() as conn:
            n = outbox.next_counter(conn, "aisle_order")
        s = co.settings
        order_no = f"{s.store_id}-{s.terminal_id}-A{n:06d}"
        code = "" if address is not None else new_pickup_code()
        person = {"name": name, "phone": number,
                  **({} if address is None else {"address": address})}
        sealed = seal(keys.seal_public_key, json.dumps(person, ensure_ascii=False).encode(),
                      order_no.encode())
        return AisleOrder(
            order_no=order_no, request_id=uuid.uuid4(), reservation_id=None,
            store_id=store.store_id, store_name_zh=store.name_zh, store_name_en=store.name_en,
            product_id=product.id, sku=product.sku, name_zh=product.name_zh,
            name_en=product.name_en, qty=qty, unit_price=price.minor, paid_now=paid,
            pickup_code=code, pickup_code_phc=pickup_code_phc(order_no, code) if code else "",
            customer_name=mask_name(name), phone_hash=keys.digest(number),
            phone_last4=phone_last4(number), sealed=sealed.model_dump(mode="json"),
            member_no=co.member.member_no if co.member else None,
            fulfilment="pickup" if address is None else "delivery",
            address_masked=mask_address(address))

    def _keys(self) -> MemberKeys:
        try:
            return chain_keys(self.checkout.store.conn, self.keys)
        except PosError:
            raise Unavailable.of("aisle_no_keys") from None

    def reserve(self, order: AisleOrder) -> AisleOrder:
        """Hold the order's units at its store (any thread; network). Offline or unreachable:
        ``aisle_offline``; not enough free: ``aisle_stock_short``."""
        if self.port is None:
            raise Unavailable.of("aisle_offline")
        req = ReservationRequest(request_id=order.request_id, store_id=order.store_id,
                                 lines=[StockLineIn(product_id=order.product_id,
                                                    qty=order.qty)],
                                 hold_seconds=HOLD_S, order_no=order.order_no)
        try:
            held = self.port.reserve_stock(req)
        except PosError as exc:
            if exc.code in ("central_unreachable", "token_missing", "central_identity",
                            "not_enrolled"):
                raise Unavailable.of("aisle_offline") from None
            raise
        return replace(order, reservation_id=held.reservation_id)

    def place(self, order: AisleOrder) -> None:
        """Add a held order to the basket (the window's thread)."""
        if order.reservation_id is None:
            raise Unavailable.of("aisle_offline")
        co = self.checkout
        co._editable()
        co.aisle.append(order)
        co._reprice()

    def order(self, product_id: int, store: OtherStore, *, qty: int, paid_now: int | None,
              name: str, phone: str, address: str | None = None) -> AisleOrder:
        """Prepare, hold and add, in one thread (tests, the command line)."""
        held = self.reserve(self.prepare(product_id, store, qty=qty, paid_now=paid_now,
                                         name=name, phone=phone, address=address))
        self.place(held)
        return held

    def release(self, orders: list[AisleOrder]) -> int:
        """Give the holds of ``orders`` up (a voided sale); best effort: a hold that cannot be
        released now expires at the central. Returns how many were released. Any thread."""
        done = 0
        for order in orders:
            if self.port is None or order.reservation_id is None:
                continue
            try:
                self.port.release_stock(order.reservation_id)
                done += 1
            except PosError as exc:
                log.info("hold of order %s not released now (%s): it expires at the central",
                         order.order_no, exc.code)
        return done
