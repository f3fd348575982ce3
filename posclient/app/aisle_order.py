"""An order placed at the till for another store, as the basket holds it (issue 18, endless
aisle; the service is posclient/app/aisle.py): collected there, or delivered from there.

It is apart from the goods of this store: it moves no stock here, takes no promotion, and counts
toward the amount due at its ``paid_now`` (in full or a deposit). The customer's name and mobile
are only here as the till may hold them: masked, the phone's keyed hash and last four digits,
and ``sealed`` to the central (bound to the order number); the plain values never reach the
database, a log or the outbox. A delivery's address likewise: sealed, and kept masked
(``address_masked``) for the receipt.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from posclient.domain.names import local_name
from posclient.store.aisle import AisleOrderRow


@dataclass(frozen=True, slots=True)
class AisleOrder:
    order_no: str
    request_id: UUID  # the reservation's, kept with the basket (a retry holds nothing more)
    reservation_id: UUID | None  # None until the store has held the units
    store_id: str  # the store that has the item: the customer collects there
    store_name_zh: str
    store_name_en: str
    product_id: int
    sku: str
    name_zh: str
    name_en: str
    qty: int
    unit_price: int  # minor units, this till's price for the customer (no promotion)
    paid_now: int  # 1 .. total
    pickup_code: str  # printed on the receipt; the central gets only its hash
    pickup_code_phc: str
    customer_name: str  # masked
    phone_hash: str
    phone_last4: str
    sealed: dict[str, Any]  # sync/protocol/sealing.py SealedBox, as JSON
    member_no: str | None = None
    # "pickup" (the customer collects at store_id) or "delivery" (store_id ships it: paid in
    # full, no pick-up code; the address went sealed, the till keeps it masked)
    fulfilment: str = "pickup"
    address_masked: str = ""

    @property
    def is_delivery(self) -> bool:
        return self.fulfilment == "delivery"

    @property
    def total(self) -> int:
        return self.qty * self.unit_price

    @property
    def due_at_pickup(self) -> int:
        return self.total - self.paid_now

    def store_name(self, lang: str) -> str:
        return local_name(self.store_name_zh, self.store_name_en, lang) or self.store_id

    def item_name(self, lang: str) -> str:
        return local_name(self.name_zh, self.name_en, lang) or self.sku

    def payload(self) -> dict[str, Any]:
        """The order in the sale's event (sync/protocol/events.py ``AisleOrderPayload``)."""
        assert self.reservation_id is not None
        return {
            "order_no": self.order_no, "reservation_id": str(self.reservation_id),
            "store_id": self.store_id, "fulfilment": self.fulfilment,
            "lines": [{"line_no": 1, "product_id": self.product_id, "sku": self.sku,
                       "qty": self.qty, "unit_price": self.unit_price, "discount": 0,
                       "total": self.total}],
            "total": self.total, "paid_now": self.paid_now,
            **({} if self.is_delivery else {"pickup_code_phc": self.pickup_code_phc}),
            "customer_name": self.customer_name,
            "customer_phone_hash": self.phone_hash, "customer_phone_last4": self.phone_last4,
            "sealed": self.sealed,
            **({"member_no": self.member_no} if self.member_no else {})}

    def row(self, position: int) -> AisleOrderRow:
        """What the till keeps of it with the sale (migration 0024)."""
        return AisleOrderRow(
            self.order_no, position, str(self.reservation_id), self.store_id,
            self.store_name_zh, self.store_name_en, self.product_id, self.sku, self.name_zh,
            self.name_en, self.qty, self.unit_price, self.total, self.paid_now,
            self.pickup_code, self.customer_name, self.phone_last4, self.fulfilment,
            self.address_masked)
