"""The pick-up screen's use case: a web order found in the till's copy, the central's fresher
copy kept (in its own write transaction), and the hand-over put into the checkout's basket.

A front end holds this and no connection: it never opens a transaction itself.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from posclient.store.catalog import Product

from .checkout import Checkout
from .orders import Handover, OrderBook, OrderView
from .ports import MemberKeysPort
from .staff import Approval

if TYPE_CHECKING:
    from sync.protocol import OrderData, PickupCodeAnswer


class PickupDesk:
    """Web orders at this till, for one checkout (on the checkout's thread and connection).
    ``keys``: the chain's member keys, to find orders by the customer's phone (OrderBook)."""

    def __init__(self, checkout: Checkout, keys: MemberKeysPort | None = None) -> None:
        self.checkout = checkout
        self.book = OrderBook(checkout.store.conn, checkout.clock, keys=keys)

    def find(self, text: str) -> list[str]:
        """Order numbers for an order number or a customer's phone (OrderBook.find; raises
        ``member_keys_missing`` for a phone when the till has no key)."""
        return self.book.find(text)

    def view(self, order_no: str) -> OrderView:
        """The till's copy of the order, with this till's own pick-ups counted."""
        return self.book.view(order_no)

    def keep(self, order: OrderData) -> None:
        """The central's fresh copy replaces the till's."""
        with self.checkout.store.write():
            self.book.keep(order)

    def product(self, product_id: int) -> Product | None:
        """The till's catalogue entry, for an order line that came without names."""
        return self.checkout.catalog.by_id(product_id)

    def hand_over(self, view: OrderView, quantities: dict[int, int], *, code: str | None,
                  approval: Approval | None, online: PickupCodeAnswer | None = None) -> Handover:
        """The basket becomes the hand-over (Checkout.start_pickup); ``online``: the central's
        verdict on ``code`` (the sync engine's ``check_pickup_code``), None when it did not
        answer (the till checks the code itself)."""
        return self.checkout.start_pickup(view, quantities, code=code, approval=approval,
                                          online=online)
