"""Whose token a till holds (issue 14, item 2): two tills of different stores on one machine,
each its store's T01, keep syncing as themselves; a token of another store is refused before
anything is uploaded or taken in; a keyring entry of an older till is moved on first use.

The real central over HTTP, on SQLite and PostgreSQL; the keyring is the tests' seam
(``TokenStore(MemoryKeyring())``), shared by the tills of one machine."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from central_kit import MemoryKeyring, token_of
from sqlalchemy import select

from posclient.app.checkout import Checkout
from posclient.app.staff import StaffService
from posclient.cli import main
from posclient.devices.payment import SimulatedPaymentTerminal
from posclient.domain.clock import ManualClock
from posclient.domain.money import Money
from posclient.store.db import Store
from posclient.ui.widgets import SyncStatusBar
from sync.central.schema import events
from sync.credentials import TokenStore
from sync.engine import SyncEngine, SyncError, read_status, state_get
from sync.enrol import enrol

MILK = "6901234567892"


@pytest.fixture
def staffed(shop):
    for staff_id, store_id in ((1001, "S1"), (2001, "S2")):
        shop.admin_post("/staff", {"id": staff_id, "name": f"cashier {store_id}",
                                   "role": "cashier", "pin": "1111", "store_id": store_id})
    return shop


class Till:
    """A till database of ``store_id`` on a machine whose keyring is ``tokens``."""

    def __init__(self, central, tmp_path: Path, store_id: str, tokens: TokenStore) -> None:
        self.path = tmp_path / f"till-{store_id}.db"
        self.store_id = store_id
        self.clock = ManualClock()
        self.tokens = tokens
        Store.open(self.path).close()
        self.answer = enrol(self.path, central.url, central.enrolment_code(store_id),
                            f"front {store_id}", tokens=tokens, clock=self.clock)
        self.engine = SyncEngine(self.path, tokens=tokens, clock=self.clock, timeout=5)

    def sell(self) -> str:
        """One milk, paid cash; returns the sale's event id."""
        with Store.open(self.path) as store:
            staff = StaffService(store, self.clock)
            staff_id = 1001 if self.store_id == "S1" else 2001
            co = Checkout(store, staff, staff.login(staff_id, "1111"), clock=self.clock,
                          payments=SimulatedPaymentTerminal(()))
            co.scan(MILK, 1)
            co.pay_cash(Money(co.payment.due.minor, "CNY"))
            co.complete()
            return store.conn.execute(
                "SELECT event_id FROM outbox ORDER BY terminal_seq DESC LIMIT 1").fetchone()[0]

    def pending(self) -> int:
        with Store.open(self.path) as store:
            return store.conn.execute(
                "SELECT count(*) FROM outbox WHERE status = 'pending'").fetchone()[0]

    def state(self, key: str) -> str | None:
        with Store.open(self.path) as store:
            return state_get(store.conn, key)


def _filed_under(central, event_id: str) -> tuple[str, str] | None:
    with central.engine.connect() as conn:
        row = conn.execute(select(events.c.store_id, events.c.terminal_id)
                           .where(events.c.event_id == uuid.UUID(event_id))).first()
    return None if row is None else (row.store_id, row.terminal_id)


def test_two_stores_first_tills_on_one_keyring_each_keep_syncing_as_themselves(
        staffed, tmp_path):
    machine = TokenStore(MemoryKeyring())  # one machine: a training PC with both stores' tills
    s1 = Till(staffed, tmp_path, "S1", machine)
    s1.engine.run_once()
    s2 = Till(staffed, tmp_path, "S2", machine)  # its enrolment must not replace S1's token
    assert (s1.answer.terminal_id, s2.answer.terminal_id) == ("T01", "T01")
    s2.engine.run_once()
    sold_s1, sold_s2 = s1.sell(), s2.sell()
    s1.engine.run_once()
    s2.engine.run_once()
    assert _filed_under(staffed, sold_s1) == ("S1", "T01")
    assert _filed_under(staffed, sold_s2) == ("S2", "T01")
    assert (s1.pending(), s2.pending()) == (0, 0)
    accounts = sorted(account for _, account in machine.backend.items)
    tokens = [a for a in accounts if not a.endswith("/member-keys")]
    assert len(tokens) == 2  # one token per till database, each with its member keys
    assert [a for a in accounts if a.endswith("/member-keys")] == [f"{a}/member-keys"
                                                                  for a in tokens]
    assert token_of(s1.path, machine) != token_of(s2.path, machine)


def test_a_token_of_another_store_is_refused_before_anything_is_uploaded_or_taken_in(
        staffed, tmp_path, capsys, qtbot):
    machine = TokenStore(MemoryKeyring())
    s1 = Till(staffed, tmp_path, "S1", machine)
    s1.engine.run_once()
    (tmp_path / "b").mkdir()  # another machine: its own keyring
    s2 = Till(staffed, tmp_path / "b", "S2", TokenStore(MemoryKeyring()))
    s2.engine.run_once()
    # What the old naming did: S2's T01 token ends up in S1's T01 entry.
    with Store.open(s1.path) as store:
        from sync import till_identity

        me = till_identity.enrolled(store.conn)
    assert me is not None and me.key is not None
    machine.save(me.key, token_of(s2.path, s2.tokens) or "")
    sold = s1.sell()
    cursor = s1.state("cursor")
    staffed.put("product", [{"id": 9001, "sku": "NEW", "name_zh": "新", "name_en": "New",
                             "measure": "each", "tax_code": "VAT13"}])
    fresh = SyncEngine(s1.path, tokens=machine, clock=s1.clock, timeout=5)  # a new process
    with pytest.raises(SyncError, match="holds the token of store S2 T01, not S1 T01") as exc:
        fresh.run_once()
    assert not exc.value.transient
    assert _filed_under(staffed, sold) is None and s1.pending() == 1  # nothing uploaded
    assert s1.state("cursor") == cursor  # nothing taken in
    with Store.open(s1.path) as store:
        status = read_status(store.conn)
    assert status.state == "wrong_token" and "store S2 T01, not S1 T01" in (status.last_error or "")
    bar = SyncStatusBar("en")  # what the cashier sees
    qtbot.addWidget(bar)
    bar.show_sync(status)
    assert "Another till's token: enrol again" in bar.state.text()
    assert "holds the token of store S2 T01, not S1 T01" in bar.state.toolTip()
    assert main(["--db", str(s1.path), "status"]) == 0
    assert "holds the token of store S2 T01, not S1 T01: enrol again" in capsys.readouterr().out


def test_the_keyring_entry_of_a_till_from_before_the_upgrade_keeps_working(staffed, tmp_path):
    machine = TokenStore(MemoryKeyring())
    s1 = Till(staffed, tmp_path, "S1", machine)
    s1.engine.run_once()
    token = token_of(s1.path, machine) or ""
    # What an older till left: the entry named from the terminal and the address, no central id
    machine.backend.items.clear()
    machine.save_legacy(staffed.url, "T01", token)
    with Store.open(s1.path) as store, store.write() as conn:
        conn.execute("DELETE FROM sync_state WHERE key = 'central_id'")
    sold = s1.sell()
    SyncEngine(s1.path, tokens=machine, clock=s1.clock, timeout=5).run_once()
    assert _filed_under(staffed, sold) == ("S1", "T01")
    assert s1.state("central_id")  # learnt from the central
    assert machine.load_legacy(staffed.url, "T01") is None  # moved to its own name
    assert token_of(s1.path, machine) == token


def test_an_older_tills_entry_holding_another_stores_token_is_refused(staffed, tmp_path):
    machine = TokenStore(MemoryKeyring())
    s1 = Till(staffed, tmp_path, "S1", machine)
    s1.engine.run_once()
    (tmp_path / "b").mkdir()
    s2 = Till(staffed, tmp_path / "b", "S2", TokenStore(MemoryKeyring()))
    machine.backend.items.clear()  # before the upgrade S2's enrolment replaced S1's entry:
    machine.save_legacy(staffed.url, "T01", token_of(s2.path, s2.tokens) or "")
    with Store.open(s1.path) as store, store.write() as conn:
        conn.execute("DELETE FROM sync_state WHERE key = 'central_id'")
    s1.sell()
    cursor = s1.state("cursor")
    with pytest.raises(SyncError, match="token of store S2 T01, not S1 T01"):
        SyncEngine(s1.path, tokens=machine, clock=s1.clock, timeout=5).run_once()
    assert s1.pending() == 1 and s1.state("cursor") == cursor
    assert machine.load_legacy(staffed.url, "T01")  # left as it was: it is not S1's


def test_doctor_names_whose_token_the_keyring_holds(staffed, tmp_path):
    from posclient.doctor import Level, run_doctor

    machine = TokenStore(MemoryKeyring())
    s1 = Till(staffed, tmp_path, "S1", machine)
    s1.engine.run_once()
    (tmp_path / "b").mkdir()
    s2 = Till(staffed, tmp_path / "b", "S2", TokenStore(MemoryKeyring()))
    with Store.open(s1.path) as store:
        from sync import till_identity

        key = till_identity.enrolled(store.conn).key  # type: ignore[union-attr]
    machine.save(key, token_of(s2.path, s2.tokens) or "")  # type: ignore[arg-type]
    report = run_doctor(s1.path, tokens=machine, now=staffed.clock.now)
    server = next(c for c in report.checks if c.name == "server")
    assert server.level is Level.FAIL
    assert "holds the token of store S2 T01, not S1 T01: enrol again" in server.detail
