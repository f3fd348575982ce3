"""What a card payment terminal answers, as the till's services and the terminal drivers share
it (posclient/app/ports.py ``PaymentTerminal``; posclient/devices/payment.py implements it): the
outcome of an authorisation, a refund or a reversal, and what became of an attempt asked by its
reference.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from posclient.domain.money import Money


class PaymentStatus(StrEnum):
    APPROVED = "approved"
    DECLINED = "declined"
    TIMEOUT = "timeout"


class AttemptState(StrEnum):
    """What the terminal knows of an attempt, asked by its reference."""

    UNKNOWN = "unknown"  # never reached the terminal: nobody was charged
    DECLINED = "declined"
    APPROVED = "approved"  # charged, still reversible
    REVERSED = "reversed"  # charged and voided: nothing charged in the end
    SETTLED = "settled"  # charged and in a settled batch: a reversal is no longer possible
    UNREACHABLE = "unreachable"  # the terminal did not answer the question


class Refusal(StrEnum):
    """Why a terminal refused a reversal."""

    NONE = ""
    UNKNOWN = "unknown_reference"
    ALREADY_REVERSED = "already_reversed"
    SETTLED = "settled"
    AMOUNT = "amount_mismatch"
    NO_ANSWER = "no_answer"


@dataclass(frozen=True, slots=True)
class PaymentResult:
    status: PaymentStatus
    auth_code: str = ""
    detail: str = ""  # e.g. "UnionPay ****1234"
    message: str = ""  # the terminal's own words on a decline
    refusal: Refusal = Refusal.NONE  # why a reversal was refused


@dataclass(frozen=True, slots=True)
class AttemptStatus:
    """The terminal's answer to ``PaymentTerminal.query`` (posclient/app/ports.py)."""

    state: AttemptState
    amount: Money | None = None
    auth_code: str = ""
    detail: str = ""
