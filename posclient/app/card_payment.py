"""A card payment taken in three steps, for a front end that asks the card terminal off its own
thread (the window): each thread on its own database connection.

1. :meth:`CardPayment.prepare`, on the checkout's thread: the same checks as
   ``Checkout.pay_card`` (an active session, a basket, an open shift, an exact amount), and the
   attempt named (reference, basket, the lease of the checkout's connection).
2. :meth:`CardPayment.charge`, on a worker thread: the attempt journalled before the terminal is
   asked (an approval is never lost, even when the till dies before the sale commits), the
   terminal asked, its answer journalled; all on a connection of the worker's own.
3. :meth:`CardPayment.settle`, on the checkout's thread again: a decline or a time-out raises,
   an approval becomes the payment's card tender.

The journal row names the lease of the checkout's connection, not the worker's: the attempt
belongs to the sale being rung up, and is only taken for abandoned when that connection is gone
(posclient/store/leases.py, posclient/app/card_recovery.py).
"""

from __future__ import annotations

from dataclasses import dataclass

from posclient.domain.money import Money
from posclient.domain.payment_terminal import PaymentResult
from posclient.domain.tender import Tender
from posclient.store.db import Store

from .checkout import Checkout
from .tenders import CardAttempt, charge_card


@dataclass(frozen=True, slots=True)
class CardAnswer:
    """The card terminal's answer to an attempt, journalled."""

    attempt: CardAttempt
    result: PaymentResult


class CardPayment:
    """Card payments of one checkout, asked on any thread (see the module's note)."""

    def __init__(self, checkout: Checkout) -> None:
        self.co = checkout

    def prepare(self, amount: Money | None = None) -> CardAttempt:
        """On the checkout's thread: check the payment may be taken (``amount`` defaults to
        all that is due) and name the attempt."""
        return self.co.card_attempt(amount)

    def charge(self, attempt: CardAttempt) -> CardAnswer:
        """On a worker thread: journal the attempt, ask the card terminal, journal its answer,
        on a connection of this thread's own (closed again after)."""
        co = self.co
        path = co.store.path
        if path is None:  # an in-memory database has no second connection (store tests)
            return CardAnswer(attempt, charge_card(co.store, co.payments, co.clock, attempt))
        with Store.open(path, create=False) as store:
            return CardAnswer(attempt, charge_card(store, co.payments, co.clock, attempt))

    def settle(self, answer: CardAnswer) -> Tender:
        """On the checkout's thread: the terminal's answer becomes the card tender, or raises
        :class:`~posclient.domain.errors.PaymentError` (declined, no answer in time)."""
        return self.co.settle_card(answer.attempt, answer.result)
