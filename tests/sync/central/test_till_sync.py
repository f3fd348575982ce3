"""The till's side of sync against the real central: CLI, keyring, parked events, outages."""

from __future__ import annotations

import json
import socket
import time
from datetime import timedelta

import httpx
import keyrings.alt.file
import pytest
from central_kit import MILK, MemoryKeyring

from posclient.app.checkout import Checkout
from posclient.app.staff import StaffService
from posclient.cli import main
from posclient.devices.payment import SimulatedPaymentTerminal
from posclient.domain.clock import ManualClock
from posclient.domain.money import Money
from posclient.store.db import Store
from sync import till_identity
from sync.credentials import KeyringUnavailable, TokenStore
from sync.engine import SyncEngine, SyncError, SyncStatus, read_status
from sync.enrol import enrol
from sync.faults import raise_for as _raise_for


@pytest.fixture
def cashier(shop):
    shop.admin_post("/staff", {"id": 1001, "name": "李娜", "role": "cashier", "pin": "1111",
                               "store_id": "S1"})
    return shop


class Till:
    """An enrolled, bootstrapped till with a logged-in cashier."""

    def __init__(self, central, tmp_path, name: str = "till") -> None:
        self.path = tmp_path / f"{name}.db"
        self.clock = ManualClock()
        self.tokens = TokenStore(MemoryKeyring())
        Store.open(self.path).close()
        self.answer = enrol(self.path, central.url, central.enrolment_code("S1"), name,
                            tokens=self.tokens, clock=self.clock)
        self.engine = SyncEngine(self.path, tokens=self.tokens, clock=self.clock, timeout=2)
        self.engine.run_once()
        self.store = Store.open(self.path)
        staff = StaffService(self.store, self.clock)
        self.checkout = Checkout(self.store, staff, staff.login(1001, "1111"),
                                 clock=self.clock, payments=SimulatedPaymentTerminal(()))

    def sell(self, qty: int = 1) -> str:
        self.checkout.scan("6901234567892", qty)
        self.checkout.pay_cash(Money(self.checkout.payment.due.minor, "CNY"))
        return self.checkout.complete().receipt_no

    def status(self) -> SyncStatus:
        return read_status(self.store.conn)


def test_cli_enrols_syncs_and_shows_status(cashier, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyrings.alt.file.PlaintextKeyring")
    db = str(tmp_path / "till.db")
    code = cashier.enrolment_code("S1")
    assert main(["--db", db, "enrol", "--server", cashier.url, "--code", code,
                 "--name", "front"]) == 0
    assert "Enrolled as terminal" in capsys.readouterr().out
    assert main(["--db", db, "sync", "--once"]) == 0
    assert "first full load" in capsys.readouterr().out
    assert main(["--db", db, "lookup", "6901234567892"]) == 0
    assert "Yili Milk 250ml" in capsys.readouterr().out
    assert main(["--db", db, "sell", "--staff", "1001", "--pin", "1111",
                 "--scan", "6901234567892*2", "--pay", "cash:50", "--no-print"]) == 0
    capsys.readouterr()
    assert main(["--db", db, "status"]) == 0
    assert "events waiting  1" in capsys.readouterr().out
    assert main(["--db", db, "sync", "--once"]) == 0
    assert "1 event(s) uploaded" in capsys.readouterr().out
    assert main(["--db", db, "status"]) == 0
    out = capsys.readouterr().out
    assert "online" in out and "events waiting  0" in out and cashier.url in out
    # the token is in the keyring, not in the database
    with Store.open(db) as store:
        me = till_identity.enrolled(store.conn)
    assert me is not None and me.key is not None  # named for this database, not the address
    token = keyrings.alt.file.PlaintextKeyring().get_password("posclient", me.key.account) or ""
    assert len(token) > 20
    with Store.open(db) as store:
        values = [v for (v,) in store.conn.execute(
            "SELECT value FROM sync_state UNION ALL SELECT value FROM settings")]
    assert token not in json.dumps(values)


def test_enrol_without_a_safe_keyring_is_refused_before_the_code_is_spent(
        cashier, tmp_path, monkeypatch, capsys):
    monkeypatch.delenv("PYTHON_KEYRING_BACKEND", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    db = tmp_path / "till.db"
    code = cashier.enrolment_code("S1")
    # This machine only has keyrings.alt's plain file backend (or none): refused.
    with pytest.raises(KeyringUnavailable, match="No keyring is available"):
        enrol(db, cashier.url, code, "till", tokens=TokenStore())
    assert main(["--db", str(db), "enrol", "--server", cashier.url, "--code", code]) == 1
    assert "No keyring is available" in capsys.readouterr().err
    # The code was not used up: with a keyring it works.
    enrol(db, cashier.url, code, "till", tokens=TokenStore(MemoryKeyring()))


def test_enrol_refuses_a_database_with_its_own_catalogue(cashier, tmp_path):
    db = tmp_path / "demo.db"
    with Store.open(db) as store, store.write() as c:
        c.execute("INSERT INTO tax_rates (code, rate_ppm) VALUES ('V', 0)")
        c.execute("INSERT INTO products (id, sku, name_zh, name_en, measure, tax_code) "
                  "VALUES (1, 'x', 'x', 'x', 'each', 'V')")
    with pytest.raises(SyncError, match="already holds a catalogue"):
        enrol(db, cashier.url, cashier.enrolment_code("S1"), "till",
              tokens=TokenStore(MemoryKeyring()))


def test_a_rejected_event_is_parked_and_every_other_event_flows(cashier, tmp_path):
    till = Till(cashier, tmp_path)
    first, bad, last = till.sell(), till.sell(), till.sell()
    with till.store.write() as c:  # a payload the central cannot read (no lines)
        row = c.execute("SELECT terminal_seq, payload FROM outbox WHERE payload LIKE ?",
                        (f'%"{bad}"%',)).fetchone()
        payload = json.loads(row[1])
        payload["lines"] = []
        c.execute("UPDATE outbox SET payload = ? WHERE terminal_seq = ?",
                  (json.dumps(payload), row[0]))
    report = till.engine.run_once()
    assert (report.pushed, report.rejected) == (2, 1)
    status = till.status()
    assert (status.events_waiting, status.events_rejected) == (0, 1)
    assert till.store.conn.execute("SELECT status, last_error IS NOT NULL FROM outbox "
                                   "WHERE terminal_seq = ?", (row[0],)).fetchone() == \
        ("rejected", 1)
    till.sell()
    assert till.engine.run_once().pushed == 1  # the parked one is not sent again
    assert {first, last} <= {r[0] for r in till.store.conn.execute(
        "SELECT receipt_no FROM sales")}


class _SellingWhileUploading(httpx.BaseTransport):
    """The cashier rings up a sale during every upload request."""

    def __init__(self, till: Till) -> None:
        self.till, self.inner, self.sold = till, httpx.HTTPTransport(), 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.path == "/v1/events":
            assert self.sold < 10, "the engine keeps uploading what was sold after it began"
            self.till.sell()
            self.sold += 1
        return self.inner.handle_request(request)


def test_a_busy_till_uploads_what_was_waiting_and_still_pulls(cashier, tmp_path):
    till = Till(cashier, tmp_path)
    for _ in range(3):
        till.sell()
    engine = SyncEngine(till.path, tokens=till.tokens, clock=till.clock, timeout=5,
                        batch_size=1, transport=_SellingWhileUploading(till))
    report = engine.run_once()  # without a bound it would chase the cashier for ever
    assert report.pushed == 3
    assert till.status().events_waiting == 3  # sold during the uploads: the next cycle's
    assert till.status().last_sync_at is not None


def test_a_revoked_token_stops_sync_with_a_clear_message(cashier, tmp_path):
    till = Till(cashier, tmp_path)
    cashier.admin_post(f"/terminals/S1/{till.answer.terminal_id}/revoke", {})
    till.sell()
    with pytest.raises(SyncError, match="enrol this till again") as exc:
        till.engine.run_once()
    assert not exc.value.transient
    status = till.status()
    assert status.state == "error" and status.events_waiting == 1


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_with_the_central_unreachable_the_till_sells_and_shows_offline(cashier, tmp_path):
    till = Till(cashier, tmp_path)
    dead = f"http://127.0.0.1:{_closed_port()}"
    with till.store.write() as c:  # the central's machine is down
        c.execute("UPDATE sync_state SET value = ? WHERE key = 'server_url'", (dead,))
    till.sell()
    with pytest.raises(SyncError, match="cannot be reached") as exc:
        till.engine.run_once()
    assert exc.value.transient
    status = till.status()
    assert (status.state, status.online, status.events_waiting) == ("offline", False, 1)
    till.sell()  # selling goes on
    assert till.status().events_waiting == 2


def test_a_future_price_from_the_central_switches_on_time_offline(cashier, tmp_path):
    till = Till(cashier, tmp_path)
    start = int((till.clock.now() + timedelta(hours=2)).timestamp())
    cashier.put("price", [{"id": 900, "product_id": MILK, "amount": 88, "valid_from": start}])
    till.engine.run_once()
    till.checkout.scan("6901234567892")
    assert till.checkout.totals().total.minor == 100  # today's price
    till.checkout.void_sale()
    till.clock.advance(hours=2)  # no network needed any more
    till.checkout.staff.unlock_session(till.checkout.session, "1111")
    till.checkout.scan("6901234567892")
    assert till.checkout.totals().total.minor == 88


def test_the_background_engine_uploads_and_reports_status(cashier, tmp_path):
    till = Till(cashier, tmp_path)
    seen: list[SyncStatus] = []
    engine = SyncEngine(till.path, tokens=till.tokens, clock=till.clock, timeout=2,
                        on_status=seen.append)
    engine.start(interval=0.2)
    try:
        till.sell(2)
        engine.sync_now()
        deadline = time.monotonic() + 15
        while till.status().events_waiting and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        engine.stop()
    assert till.status().events_waiting == 0
    assert any(s.state == "syncing" for s in seen)
    assert seen[-1].state == "idle" and seen[-1].online is True


def test_429_is_transient_and_honours_retry_after():
    resp = httpx.Response(429, headers={"Retry-After": "7"})
    with pytest.raises(SyncError) as exc:
        _raise_for(resp)
    assert exc.value.transient and exc.value.retry_after == 7.0
    with pytest.raises(SyncError) as exc:
        _raise_for(httpx.Response(503))
    assert exc.value.transient
    with pytest.raises(SyncError) as exc:
        _raise_for(httpx.Response(403))
    assert not exc.value.transient
