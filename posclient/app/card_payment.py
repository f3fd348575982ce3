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

import json
import uuid
from dataclasses import dataclass

from posclient.domain.clock import iso
from posclient.domain.errors import InvalidInput, PaymentError
from posclient.domain.money import Money
from posclient.domain.payment_terminal import PaymentResult, PaymentStatus
from posclient.domain.tender import Tender, TenderKind
from posclient.store.db import Store

from .checkout import Checkout
from .shifts import shift_is_open


@dataclass(frozen=True, slots=True)
class CardAttempt:
    """One card payment, named before the terminal is asked."""

    amount: Money
    reference: str  # unique per attempt: the terminal's merchant reference
    basket_id: str
    basket: str  # the basket it pays for, as JSON (card recovery rebuilds the sale from it)
    holder: str | None  # the lease of the checkout's connection


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
        co = self.co
        co.staff.ensure_active(co.session)
        if co.cart.is_empty:
            raise InvalidInput.of("cart_empty.scan_first")
        if co.settings.require_shift and not co.paid_before and \
                not shift_is_open(co.store.conn):
            raise InvalidInput.of("shift_not_open")
        amount = amount if amount is not None else co.payment.due
        co.payment.check_exact(amount, TenderKind.CARD)
        return CardAttempt(amount, str(uuid.uuid4()), co.basket_id,
                           json.dumps(co.basket_document(), ensure_ascii=False),
                           co.store.lease())

    def charge(self, attempt: CardAttempt) -> CardAnswer:
        """On a worker thread: journal the attempt, ask the card terminal, journal its answer,
        on a connection of this thread's own (closed again after)."""
        path = self.co.store.path
        if path is None:  # an in-memory database has no second connection (store tests)
            return CardAnswer(attempt, self._charge(self.co.store, attempt))
        with Store.open(path, create=False) as store:
            return CardAnswer(attempt, self._charge(store, attempt))

    def _charge(self, store: Store, attempt: CardAttempt) -> PaymentResult:
        clock, amount = self.co.clock, attempt.amount
        now = iso(clock.now())
        with store.write() as conn:
            conn.execute(
                "INSERT INTO payment_journal (reference, amount, currency, status, created_at, "
                "updated_at, holder, basket_id, basket) VALUES (?, ?, ?, 'pending', ?, ?, ?, ?, "
                "?)", (attempt.reference, amount.minor, amount.currency, now, now,
                       attempt.holder, attempt.basket_id, attempt.basket))
        result = self.co.payments.authorize(amount, attempt.reference)
        with store.write() as conn:
            conn.execute(
                "UPDATE payment_journal SET status = ?, auth_code = ?, detail = ?, "
                "updated_at = ? WHERE reference = ?",
                (result.status.value, result.auth_code, result.detail or result.message,
                 iso(clock.now()), attempt.reference))
        return result

    def settle(self, answer: CardAnswer) -> Tender:
        """On the checkout's thread: the terminal's answer becomes the card tender, or raises
        :class:`~posclient.domain.errors.PaymentError` (declined, no answer in time)."""
        attempt, result = answer.attempt, answer.result
        if result.status is PaymentStatus.DECLINED:
            raise PaymentError.of("card_declined", reason=result.message)
        if result.status is PaymentStatus.TIMEOUT:
            raise PaymentError.of("card_timeout")
        return self.co.payment.add_exact(
            TenderKind.CARD, attempt.amount, reference=attempt.reference,
            detail=f"{result.detail} {result.auth_code}".strip())
