"""Card payment terminals: a simulator of the interface the till talks to
(posclient/app/ports.py ``PaymentTerminal``; its answers are posclient/domain/payment_terminal.py).

A real terminal (a bank's PIN pad) is driven through its vendor SDK behind the same interface.
The simulator approves, declines or times out, as scripted, so every path can be tested and
demonstrated without hardware.

Besides authorising, a terminal answers two questions a restarted till needs (as real
terminals' APIs do: a transaction status by the merchant's reference, and a void of an approved
authorisation): ``query`` says what became of an attempt, and ``reverse`` voids an approval.
A reversal is refused for a reference the terminal never approved, for one already reversed,
and after the terminal's batch was settled (``refusal`` says which); then the money can only
come back as a refund, or the sale is completed.

The simulator keeps its approvals in a JSON file when given one (``state``), so a till that
died and started again asks the same "terminal" and gets the same answers.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections import deque
from collections.abc import Iterable
from pathlib import Path

from posclient.domain.money import Money
from posclient.domain.payment_terminal import (
    AttemptState,
    AttemptStatus,
    PaymentResult,
    PaymentStatus,
    Refusal,
)


class SimulatedPaymentTerminal:
    """Approves unless told otherwise: ``outcomes`` are used one per authorisation, in order.

    ``state``: a JSON file where the simulator keeps what it approved, reversed and settled
    (read before and written atomically after each operation: one device, however many till
    processes talk to it), so it answers a restarted till as a real terminal would. Without it,
    its memory lasts as long as the object.
    """

    def __init__(self, outcomes: Iterable[PaymentStatus | str] = (),
                 state: str | os.PathLike[str] | None = None) -> None:
        self.outcomes: deque[PaymentStatus] = deque(PaymentStatus(o) for o in outcomes)
        self.default = PaymentStatus.APPROVED
        self.state_path = Path(state) if state is not None else None
        self.authorized: dict[str, Money] = {}
        self.reversed: list[str] = []
        self.refunded: dict[str, Money] = {}
        self.settled: set[str] = set()
        self.declined: set[str] = set()
        self.answers = True  # False: the terminal is off (queries and reversals unanswered)
        self._load()

    # -- memory --------------------------------------------------------------------------------
    def _load(self) -> None:
        if self.state_path is None or not self.state_path.exists():
            return
        data = json.loads(self.state_path.read_text(encoding="utf-8"))
        self.authorized = {r: Money(a, c) for r, (a, c) in data.get("authorized", {}).items()}
        self.reversed = list(data.get("reversed", ()))
        self.settled = set(data.get("settled", ()))
        self.declined = set(data.get("declined", ()))
        self.refunded = {r: Money(a, c) for r, (a, c) in data.get("refunded", {}).items()}

    def _save(self) -> None:
        if self.state_path is None:
            return
        data = {"authorized": {r: [m.minor, m.currency] for r, m in self.authorized.items()},
                "reversed": self.reversed, "settled": sorted(self.settled),
                "declined": sorted(self.declined),
                "refunded": {r: [m.minor, m.currency] for r, m in self.refunded.items()}}
        self.state_path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.state_path.parent, prefix=".cardsim-")
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(data, f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, self.state_path)

    # -- the terminal's operations -------------------------------------------------------------
    def authorize(self, amount: Money, reference: str) -> PaymentResult:
        self._load()
        status = self.outcomes.popleft() if self.outcomes else self.default
        digest = hashlib.sha256(reference.encode()).hexdigest()
        if status is PaymentStatus.APPROVED:
            self.authorized[reference] = amount
            self._save()
            return PaymentResult(status, auth_code=digest[:6].upper(),
                                 detail=f"UnionPay ****{int(digest[6:12], 16) % 10000:04d}")
        if status is PaymentStatus.DECLINED:
            self.declined.add(reference)
            self._save()
            return PaymentResult(status, message="Declined by the card issuer (insufficient "
                                 "funds)")
        return PaymentResult(status, message="No answer from the card terminal")

    def query(self, reference: str) -> AttemptStatus:
        self._load()
        if not self.answers:
            return AttemptStatus(AttemptState.UNREACHABLE)
        amount = self.authorized.get(reference)
        if amount is None:
            if reference in self.reversed:
                return AttemptStatus(AttemptState.REVERSED)
            return AttemptStatus(AttemptState.DECLINED if reference in self.declined
                                 else AttemptState.UNKNOWN)
        digest = hashlib.sha256(reference.encode()).hexdigest()
        state = AttemptState.SETTLED if reference in self.settled else AttemptState.APPROVED
        return AttemptStatus(state, amount, digest[:6].upper(),
                             f"UnionPay ****{int(digest[6:12], 16) % 10000:04d}")

    def reverse(self, reference: str, amount: Money) -> PaymentResult:
        self._load()
        if not self.answers:
            return PaymentResult(PaymentStatus.TIMEOUT, message="No answer from the card "
                                 "terminal", refusal=Refusal.NO_ANSWER)
        if reference in self.reversed:
            return PaymentResult(PaymentStatus.DECLINED, message="Already reversed",
                                 refusal=Refusal.ALREADY_REVERSED)
        held = self.authorized.get(reference)
        if held is None:
            return PaymentResult(PaymentStatus.DECLINED, message="Unknown authorisation",
                                 refusal=Refusal.UNKNOWN)
        if reference in self.settled:
            return PaymentResult(PaymentStatus.DECLINED, message="Cannot reverse: the batch "
                                 "was settled", refusal=Refusal.SETTLED)
        if held != amount:
            return PaymentResult(PaymentStatus.DECLINED, message="Amount does not match the "
                                 "authorisation", refusal=Refusal.AMOUNT)
        del self.authorized[reference]
        self.reversed.append(reference)
        self._save()
        return PaymentResult(PaymentStatus.APPROVED)

    def settle(self) -> int:
        """Close the terminal's batch (the bank's end of day): its approvals can no longer be
        reversed. Returns how many were settled."""
        self._load()
        fresh = set(self.authorized) - self.settled
        self.settled |= fresh
        self._save()
        return len(fresh)

    def refund(self, amount: Money, reference: str, original: str) -> PaymentResult:
        self._load()
        status = self.outcomes.popleft() if self.outcomes else self.default
        if status is PaymentStatus.APPROVED:
            self.refunded[reference] = amount
            self._save()
            return PaymentResult(status, auth_code=hashlib.sha256(
                reference.encode()).hexdigest()[:6].upper(), detail="UnionPay refund")
        if status is PaymentStatus.DECLINED:
            return PaymentResult(status, message="Refund declined by the card issuer")
        return PaymentResult(status, message="No answer from the card terminal")


def simulator_state(database: str | os.PathLike[str] | None) -> Path | None:
    """Where the simulated card terminal of the till database ``database`` keeps its memory."""
    return None if database is None else Path(f"{database}.card-terminal.json")
