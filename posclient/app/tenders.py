"""Taking the money: cash, card (journalled before the terminal is asked), store credit or a
gift card, and a member's points. Each tender is checked before it is added: a refused one
leaves the payment as it was.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass

from posclient.domain.clock import Clock, iso
from posclient.domain.errors import InvalidInput, NotFound, PaymentError
from posclient.domain.loyalty import points_value
from posclient.domain.money import Money
from posclient.domain.payment_terminal import PaymentResult, PaymentStatus
from posclient.domain.tender import Tender, TenderKind
from posclient.store import card_journal
from posclient.store.db import Store
from posclient.store.sales import store_credit_account

from .ports import PaymentTerminal
from .sale_state import SaleState


@dataclass(frozen=True, slots=True)
class CardAttempt:
    """One card payment, named before the terminal is asked."""

    amount: Money
    reference: str  # unique per attempt: the terminal's merchant reference
    basket_id: str
    basket: str  # the basket it pays for, as JSON (card recovery rebuilds the sale from it)
    holder: str | None  # the lease of the checkout's connection: the attempt belongs to it


def charge_card(store: Store, payments: PaymentTerminal, clock: Clock,
                attempt: CardAttempt) -> PaymentResult:
    """Journal the attempt, ask the card terminal, journal its answer: each write its own short
    transaction on ``store``'s connection (the caller's thread's)."""
    card_journal.attempt(store, reference=attempt.reference, amount=attempt.amount.minor,
                         currency=attempt.amount.currency, at=iso(clock.now()),
                         holder=attempt.holder, basket_id=attempt.basket_id,
                         basket=attempt.basket)
    result = payments.authorize(attempt.amount, attempt.reference)
    card_journal.answered(store, attempt.reference, status=result.status.value,
                          auth_code=result.auth_code, detail=result.detail or result.message,
                          at=iso(clock.now()))
    return result


class Tenders(SaleState):
    """The four ways a basket is paid at the till."""

    def pay_points(self, points: int) -> Tender:
        """Pay with the attached member's points at the store's rate. At most what this till
        may spend (the central's balance less this till's uncounted redemptions), at most the
        store's cap per sale for a member known only from a QR token, and at most what is
        due."""
        self._active()
        self._check_can_pay()
        member = self.member
        if member is None:
            raise InvalidInput.of("points_no_member")
        rules = self.settings.loyalty_rules
        if not rules.enabled:
            raise InvalidInput.of("points_disabled")
        value = points_value(rules, points)
        used = self.points_in_payment()
        left = member.available - used
        if points > left:
            raise InvalidInput.of("points_insufficient", available=max(0, left))
        if member.from_token and used + points > rules.token_redeem_cap:
            raise InvalidInput.of("points_token_cap", cap=rules.token_redeem_cap, used=used)
        amount = self._money(value)
        self.payment.check_exact(amount, TenderKind.POINTS)
        return self.payment.add_exact(TenderKind.POINTS, amount, reference=member.member_no,
                                      detail=str(points))

    def points_spendable(self) -> int:
        """The most points :meth:`pay_points` takes now (0 without a member)."""
        member = self.member
        if member is None:
            return 0
        used = self.points_in_payment()
        left = member.available - used
        if member.from_token:
            left = min(left, self.settings.loyalty_rules.token_redeem_cap - used)
        return max(0, left)


    def pay_cash(self, tendered: Money, *, confirmed: bool = False) -> Tender:
        """Take cash handed over; change above the largest note needs ``confirmed``
        (:class:`~posclient.domain.tender.TenderNeedsConfirmation` otherwise)."""
        self._active()
        self._check_can_pay()
        return self.payment.add_cash(tendered, confirmed=confirmed)

    def pay_card(self, amount: Money | None = None) -> Tender:
        """Take a card payment through the payment terminal (``amount`` defaults to all due).

        The attempt is journalled before the terminal is asked, so an approval is never lost
        even if the till dies before the sale commits. A front end that asks the terminal on
        another thread takes the same three steps apart (posclient/app/card_payment.py).
        """
        attempt = self.card_attempt(amount)
        return self.settle_card(attempt,
                                charge_card(self.store, self.payments, self.clock, attempt))

    def card_attempt(self, amount: Money | None = None) -> CardAttempt:
        """Check a card payment may be taken now and name the attempt (not journalled yet)."""
        self._active()
        self._check_can_pay()
        amount = amount if amount is not None else self.payment.due
        self.payment.check_exact(amount, TenderKind.CARD)
        return CardAttempt(amount, str(uuid.uuid4()), self.basket_id,
                           json.dumps(self.basket_document(), ensure_ascii=False),
                           self.store.lease())

    def settle_card(self, attempt: CardAttempt, result: PaymentResult) -> Tender:
        """The terminal's answer becomes the card tender, or raises
        :class:`~posclient.domain.errors.PaymentError` (declined, no answer in time)."""
        if result.status is PaymentStatus.DECLINED:
            raise PaymentError.of("card_declined", reason=result.message)
        if result.status is PaymentStatus.TIMEOUT:
            raise PaymentError.of("card_timeout")
        return self.payment.add_exact(TenderKind.CARD, attempt.amount,
                                      reference=attempt.reference,
                                      detail=f"{result.detail} {result.auth_code}".strip())

    def pay_store_credit(self, account: str, amount: Money | None = None) -> Tender:
        self._active()
        self._check_can_pay()
        amount = amount if amount is not None else self.payment.due
        row = store_credit_account(self.store.conn, account)
        if row is None:
            raise NotFound.of("credit_unknown", account=account)
        held = sum(t.amount.minor for t in self.payment.tenders
                   if t.kind is TenderKind.STORE_CREDIT and t.reference == account)
        if row[1] != amount.currency or amount.minor > row[0] - held:
            raise InvalidInput.of("credit_insufficient.balance",
                                  account=account, balance=self._money(row[0] - held))
        return self.payment.add_exact(TenderKind.STORE_CREDIT, amount, reference=account)

