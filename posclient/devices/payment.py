"""Card payment terminals: the interface the till talks to, and a simulator.

A real terminal (a bank's PIN pad) is driven through its vendor SDK behind the same interface.
The simulator approves, declines or times out, as scripted, so every path can be tested and
demonstrated without hardware.
"""

from __future__ import annotations

import hashlib
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from posclient.domain.money import Money


class PaymentStatus(StrEnum):
    APPROVED = "approved"
    DECLINED = "declined"
    TIMEOUT = "timeout"


@dataclass(frozen=True, slots=True)
class PaymentResult:
    status: PaymentStatus
    auth_code: str = ""
    detail: str = ""  # e.g. "UnionPay ****1234"
    message: str = ""  # the terminal's own words on a decline


class PaymentTerminal(Protocol):
    def authorize(self, amount: Money, reference: str) -> PaymentResult:
        """Ask the customer's card for ``amount``; ``reference`` is unique per attempt."""
        ...

    def reverse(self, reference: str, amount: Money) -> PaymentResult:
        """Undo an approved authorisation (sale voided before completion)."""
        ...

    def refund(self, amount: Money, reference: str, original: str) -> PaymentResult:
        """Give ``amount`` back to the card of an earlier payment (``original``: its
        authorisation reference, when known); ``reference`` is unique per attempt."""
        ...


class SimulatedPaymentTerminal:
    """Approves unless told otherwise: ``outcomes`` are used one per authorisation, in order."""

    def __init__(self, outcomes: Iterable[PaymentStatus | str] = ()) -> None:
        self.outcomes: deque[PaymentStatus] = deque(PaymentStatus(o) for o in outcomes)
        self.default = PaymentStatus.APPROVED
        self.authorized: dict[str, Money] = {}
        self.reversed: list[str] = []
        self.refunded: dict[str, Money] = {}

    def authorize(self, amount: Money, reference: str) -> PaymentResult:
        status = self.outcomes.popleft() if self.outcomes else self.default
        digest = hashlib.sha256(reference.encode()).hexdigest()
        if status is PaymentStatus.APPROVED:
            self.authorized[reference] = amount
            return PaymentResult(status, auth_code=digest[:6].upper(),
                                 detail=f"UnionPay ****{int(digest[6:12], 16) % 10000:04d}")
        if status is PaymentStatus.DECLINED:
            return PaymentResult(status, message="Declined by the card issuer (insufficient "
                                 "funds)")
        return PaymentResult(status, message="No answer from the card terminal")

    def reverse(self, reference: str, amount: Money) -> PaymentResult:
        if self.authorized.pop(reference, None) is None:
            return PaymentResult(PaymentStatus.DECLINED, message="Unknown authorisation")
        self.reversed.append(reference)
        return PaymentResult(PaymentStatus.APPROVED)

    def refund(self, amount: Money, reference: str, original: str) -> PaymentResult:
        status = self.outcomes.popleft() if self.outcomes else self.default
        if status is PaymentStatus.APPROVED:
            self.refunded[reference] = amount
            return PaymentResult(status, auth_code=hashlib.sha256(
                reference.encode()).hexdigest()[:6].upper(), detail="UnionPay refund")
        if status is PaymentStatus.DECLINED:
            return PaymentResult(status, message="Refund declined by the card issuer")
        return PaymentResult(status, message="No answer from the card terminal")
