"""A till process that sells and syncs until it is killed (tests/sync/test_kill_terminal.py).

Prints each receipt number after its sale has committed, so the test knows what the till
claimed to have sold at the moment of the kill.
"""

from __future__ import annotations

import contextlib
import random
import sys

from posclient.app.checkout import Checkout
from posclient.app.staff import StaffService
from posclient.devices.payment import SimulatedPaymentTerminal
from posclient.domain.money import Money
from posclient.store.db import Store
from sync.credentials import TokenStore
from sync.engine import SyncEngine, SyncError
from sync.protocol.clock import SystemClock


def main(db: str, seed: int, barcodes: list[str]) -> None:
    rng = random.Random(seed)
    clock = SystemClock()
    engine = SyncEngine(db, tokens=TokenStore(), clock=clock, timeout=2)
    store = Store.open(db)
    staff = StaffService(store, clock)
    co = Checkout(store, staff, staff.login(1001, "1111"), clock=clock,
                  payments=SimulatedPaymentTerminal(()))
    while True:
        for _ in range(rng.randint(1, 3)):
            co.scan(rng.choice(barcodes), rng.randint(1, 2))
        co.pay_cash(Money(co.payment.due.minor, "CNY"))
        done = co.complete()
        print(done.receipt_no, flush=True)
        if rng.random() < 0.4:
            with contextlib.suppress(SyncError):
                engine.run_once()


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), sys.argv[3].split(","))
