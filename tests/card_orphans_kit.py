"""Card payments approved but never completed, made the way they happen: a till takes the card
and stops before the sale commits (killed, or its connection closed mid-sale)."""

from __future__ import annotations

import signal
import subprocess
import sys
import textwrap
from pathlib import Path

from posclient.app.terminal import Terminal
from posclient.devices.payment import SimulatedPaymentTerminal, simulator_state
from posclient.domain.clock import Clock
from posclient.domain.money import Money
from posclient.store.db import Store

APPROVE_THEN_DIE = textwrap.dedent("""
    import os, signal, sys
    from posclient.app.terminal import Terminal
    from posclient.devices.payment import SimulatedPaymentTerminal, simulator_state
    from posclient.domain.money import Money
    from posclient.store.db import Store

    store = Store.open(sys.argv[1])  # the simulator keeps its memory beside the db
    term = Terminal(store, payments=SimulatedPaymentTerminal(state=simulator_state(store.path)))
    co = term.checkout(term.staff.login(1001, "1111"))
    for code in sys.argv[3:]:
        co.scan(code)
    parts = [int(p) for p in sys.argv[2].split(",") if p]
    for part in parts or [None]:
        tender = co.pay_card(None if part is None else Money(part, "CNY"))
        print(tender.reference, flush=True)
    os.kill(os.getpid(), signal.SIGKILL)  # the power goes between the approval and the commit
""")


def kill_after_approval(db: Path, *codes: str, parts: tuple[int, ...] = ()) -> list[str]:
    """A till process takes card payments for ``codes`` (split in ``parts``, fen, when given)
    and is killed before the sale commits. Returns the card references."""
    proc = subprocess.run([sys.executable, "-c", APPROVE_THEN_DIE, str(db),
                           ",".join(map(str, parts)), *codes],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    return proc.stdout.split()


def abandon_after_approval(db: Path, clock: Clock, *codes: str) -> str:
    """The same in this process: a second connection takes the card and is closed before the
    sale commits (its lease goes with it, as with a dead process)."""
    store = Store.open(db)
    term = Terminal(store, clock=clock,
                    payments=SimulatedPaymentTerminal(state=simulator_state(db)))
    co = term.checkout(term.staff.login(1001, "1111"))
    for code in codes:
        co.scan(code)
    tender = co.pay_card()
    store.close()
    return tender.reference


def settle(db: Path) -> int:
    """The card terminal closes its batch: what it approved can no longer be reversed."""
    return SimulatedPaymentTerminal(state=simulator_state(db)).settle()


def terminal_memory(db: Path) -> SimulatedPaymentTerminal:
    return SimulatedPaymentTerminal(state=simulator_state(db))


__all__ = ["Money", "abandon_after_approval", "kill_after_approval", "settle",
           "terminal_memory"]
