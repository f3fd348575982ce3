"""Checkout: one terminal's selling use cases, from scan to a committed sale.

The cart lives in memory while the customer is served; nothing about it is final until
:meth:`Checkout.complete`, which writes the sale, its lines, tenders, tax summary, stock
movements, the outbox event and the next gap-free receipt number in ONE transaction. Printing
happens after the commit and can never undo it (see :mod:`posclient.app.receipts`).

Every method validates before it changes anything: a refused scan, discount or tender leaves the
cart and the payment as they were.

:class:`Checkout` is what the window, the console and the command line use; it composes the
parts, which share one basket (:class:`~.sale_state.SaleState`):

- :mod:`.basket`: items, quantities, overrides, discounts, coupons, the member, voids, no-sale;
- :mod:`.basket_start`: suspend and resume (shared too), pick-up, exchange, a card orphan's
  basket;
- :mod:`.tenders`: cash, card, store credit and gift cards, points;
- :mod:`.sale_completion`: the sale committed through the sales repository
  (posclient/store/sales.py).
"""

from __future__ import annotations

from .basket import BasketEditing
from .basket_start import BasketStarts, SuspendedSale
from .sale_completion import CompletedSale, SaleCompletion
from .tenders import Tenders

__all__ = ["Checkout", "CompletedSale", "SuspendedSale"]


class Checkout(BasketEditing, BasketStarts, Tenders, SaleCompletion):
    """The selling service of one terminal for one logged-in staff member."""
