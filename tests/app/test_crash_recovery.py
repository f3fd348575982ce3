"""A till process killed between commit and print: the sale survives and is offered again."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import textwrap

from till_kit import MILK, build_small_store

from posclient.app.terminal import Terminal
from posclient.devices.payment import SimulatedPaymentTerminal, simulator_state
from posclient.store.db import Store
from sync.protocol.clock import SystemClock

SELL_THEN_DIE = textwrap.dedent("""
    import os, signal, sys
    from posclient.app.terminal import Terminal
    from posclient.devices.payment import SimulatedPaymentTerminal, simulator_state
    from posclient.domain.money import Money
    from posclient.store.db import Store

    store = Store.open(sys.argv[1])
    term = Terminal(store, payments=SimulatedPaymentTerminal(state=simulator_state(store.path)))
    co = term.checkout(term.staff.login(1001, "1111"))
    co.scan(sys.argv[2], 2)
    co.pay_cash(Money(5000, "CNY"))
    done = co.complete()
    print(done.receipt_no, flush=True)
    os.kill(os.getpid(), signal.SIGKILL)  # the power goes before the printer starts
""")


def test_sale_committed_before_a_kill_is_kept_and_offered_for_printing(tmp_path):
    path = tmp_path / "till.db"
    build_small_store(path).close()
    proc = subprocess.run([sys.executable, "-c", SELL_THEN_DIE, str(path), MILK],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    receipt_no = proc.stdout.strip()
    assert receipt_no == "S001-T01-000001"

    with sqlite3.connect(path) as c:
        assert c.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    with Store.open(path) as store:
        term = Terminal(store, clock=SystemClock(),
                        payments=SimulatedPaymentTerminal(state=simulator_state(store.path)))
        pending = term.receipts.unprinted()
        assert [p.receipt_no for p in pending] == [receipt_no]
        printed = []
        term.receipts.print_sale(pending[0].sale_id, printed.append)
        assert printed[0].total.minor == 2500
        assert term.receipts.unprinted() == []
        assert store.conn.execute("SELECT count(*) FROM outbox").fetchone()[0] == 1
