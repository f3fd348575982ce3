"""A sale suspended at one till is resumed at another till of the same store, exactly once.

Real tills (posclient's checkout on real SQLite files, their sync engines) and the real central
over HTTP, on SQLite and PostgreSQL.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

import pytest
from central_kit import MemoryKeyring, token_of
from sqlalchemy import select

from posclient.app.checkout import Checkout
from posclient.app.staff import StaffService
from posclient.devices.payment import SimulatedPaymentTerminal
from posclient.domain.cart import Discount, DiscountKind
from posclient.domain.clock import ManualClock
from posclient.domain.errors import InvalidInput, NotFound, PosError, Unavailable
from posclient.domain.money import Money
from posclient.store.db import Store
from sync.central.schema import parked_sales
from sync.credentials import TokenStore
from sync.engine import SyncEngine, state_set
from sync.enrol import enrol
from sync.protocol import ParkedSale

MILK_EAN, BREAD_UPC = "6901234567892", "036000291452"
STAFF = {"S1": 1001, "S2": 2001}  # a cashier in each store


@dataclass
class Till:
    db: Path
    engine: SyncEngine
    tokens: TokenStore
    clock: ManualClock
    staff_id: int

    def checkout(self, store: Store) -> Checkout:
        staff = StaffService(store, self.clock)
        return Checkout(store, staff, staff.login(self.staff_id, "1111"), clock=self.clock,
                        payments=SimulatedPaymentTerminal(()))


def make_till(shop, tmp_path: Path, name: str, store_id: str = "S1") -> Till:
    db = tmp_path / f"{name}.db"
    Store.open(db).close()
    tokens, clock = TokenStore(MemoryKeyring()), ManualClock()
    enrol(db, shop.url, shop.enrolment_code(store_id), name, tokens=tokens, clock=clock)
    till = Till(db, SyncEngine(db, tokens=tokens, clock=clock), tokens, clock,
                STAFF[store_id])
    till.engine.run_once()
    return till


@pytest.fixture
def staffed(shop):
    for store_id, staff_id in STAFF.items():
        shop.admin_post("/staff", {"id": staff_id, "name": "李娜", "role": "cashier",
                                   "pin": "1111", "store_id": store_id})
    return shop


def suspend_two_lines(till: Till, label: str = "红衣服 lady in red",
                      seen: list[object] | None = None) -> int:
    """Milk x 3 and bread with 10% off, suspended; ``seen`` gets the cart's total and lines."""
    with Store.open(till.db) as store:
        co = till.checkout(store)
        co.scan(MILK_EAN, 3)
        line = co.scan(BREAD_UPC)
        co.discount_line(line.line_id, Discount(DiscountKind.PERCENT, 1000, "damaged box"))
        if seen is not None:
            seen.extend((co.cart.totals().total, [(ln.item.sku, ln.qty) for ln in co.cart.lines]))
        return co.suspend(label)


def test_a_sale_suspended_at_one_till_is_resumed_and_sold_at_another(staffed, tmp_path):
    front, back = make_till(staffed, tmp_path, "front"), make_till(staffed, tmp_path, "back")
    expected: list = []
    suspend_two_lines(front, seen=expected)
    assert back.engine.shared_suspended() == []  # not shared until the front till syncs

    assert front.engine.run_once().parked == 1
    listed = back.engine.shared_suspended()
    assert [(p.label, p.terminal_name, p.lines) for p in listed] == [
        ("红衣服 lady in red", "front", 2)]
    assert listed[0].total == expected[0].minor and listed[0].cart is None

    claimed = back.engine.claim_suspended(str(listed[0].park_id))
    with Store.open(back.db) as store:
        co = back.checkout(store)
        co.resume_shared(claimed)
        assert co.cart.totals().total == expected[0]
        assert [(ln.item.sku, ln.qty) for ln in co.cart.lines] == expected[1]
        co.pay_cash(Money(10_000, "CNY"))
        co.complete()
    assert back.engine.run_once().pushed == 1

    # The front till stops offering it at its next cycle, and cannot resume it any more.
    with pytest.raises(InvalidInput) as taken:
        front.engine.claim_suspended(str(listed[0].park_id))
    assert taken.value.code == "parked_taken"
    front.engine.run_once()
    with Store.open(front.db) as store:
        assert front.checkout(store).suspended() == []
        actions = [r[0] for r in store.conn.execute("SELECT action FROM audit_log")]
    assert "suspended_taken_elsewhere" in actions
    assert back.engine.shared_suspended() == [] and front.engine.shared_suspended() == []


def test_two_tills_claiming_at_once_get_one_cart_between_them(staffed, tmp_path):
    front = make_till(staffed, tmp_path, "front")
    others = [make_till(staffed, tmp_path, f"till{i}") for i in range(2)]
    suspend_two_lines(front)
    front.engine.run_once()
    park_id = str(others[0].engine.shared_suspended()[0].park_id)
    outcomes: dict[int, object] = {}
    start = threading.Barrier(len(others))

    def grab(i: int) -> None:
        start.wait()
        try:
            outcomes[i] = others[i].engine.claim_suspended(park_id)
        except PosError as exc:
            outcomes[i] = exc.code

    threads = [threading.Thread(target=grab, args=(i,)) for i in range(len(others))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    lost = [i for i, o in outcomes.items() if o == "parked_taken"]
    won = [i for i, o in outcomes.items() if isinstance(o, ParkedSale)]
    assert len(lost) == 1 and len(won) == 1
    with staffed.engine.connect() as conn:
        row = conn.execute(select(parked_sales)).one()
    assert (row.state, row.claimed_by) == ("claimed", _terminal(others[won[0]]))
    # the winner asking again (its answer was lost on the way) gets the cart again
    assert others[won[0]].engine.claim_suspended(park_id).cart is not None


def _terminal(till: Till) -> str:
    with Store.open(till.db) as store:
        return store.conn.execute(
            "SELECT value FROM sync_state WHERE key = 'terminal_id'").fetchone()[0]


def test_the_till_that_suspended_resumes_it_offline_and_the_others_stop_offering_it(
        staffed, tmp_path):
    front, back = make_till(staffed, tmp_path, "front"), make_till(staffed, tmp_path, "back")
    sid = suspend_two_lines(front)
    front.engine.run_once()
    server = staffed.url
    dead = "http://127.0.0.1:9"  # nothing listens there: the central is unreachable
    with Store.open(front.db) as store, store.write() as conn:
        state_set(conn, server_url=dead)
    with pytest.raises(Unavailable) as offline:
        front.engine.claim_suspended("00000000-0000-4000-8000-000000000000")
    assert offline.value.code == "central_unreachable"

    with Store.open(front.db) as store:  # what the till window does when the claim fails
        co = front.checkout(store)
        with pytest.raises(InvalidInput) as shared:
            co.resume(sid)  # a shared sale is claimed first...
        assert shared.value.code == "suspended_shared"
        co.resume(sid, central_unreachable=True)  # ...unless the central is out of reach
        assert len(co.cart.lines) == 2 and co.suspended() == []
    assert len(back.engine.shared_suspended()) == 1  # the central has not heard yet

    with Store.open(front.db) as store, store.write() as conn:
        state_set(conn, server_url=server)
    assert front.engine.run_once().parked == 1  # the claim goes up; the local row goes
    assert back.engine.shared_suspended() == []
    with Store.open(front.db) as store:
        assert store.conn.execute("SELECT count(*) FROM suspended_sales").fetchone()[0] == 0


def test_a_sale_resumed_offline_here_and_at_another_till_is_recorded_for_a_manager(
        staffed, tmp_path):
    front, back = make_till(staffed, tmp_path, "front"), make_till(staffed, tmp_path, "back")
    sid = suspend_two_lines(front)
    front.engine.run_once()
    back.engine.claim_suspended(str(back.engine.shared_suspended()[0].park_id))
    with Store.open(front.db) as store:  # the front till had not heard: it resumed it offline
        front.checkout(store).resume(sid, central_unreachable=True)
    front.engine.run_once()
    with Store.open(front.db) as store:
        actions = [r[0] for r in store.conn.execute("SELECT action FROM audit_log")]
        left = store.conn.execute("SELECT count(*) FROM suspended_sales").fetchone()[0]
    assert "suspended_resumed_twice" in actions and left == 0


def test_another_stores_till_neither_sees_nor_claims_the_sale(staffed, tmp_path):
    front = make_till(staffed, tmp_path, "front")
    other = make_till(staffed, tmp_path, "elsewhere", store_id="S2")
    suspend_two_lines(front)
    front.engine.run_once()
    with staffed.engine.connect() as conn:
        park_id = str(conn.execute(select(parked_sales.c.park_id)).scalar_one())
    assert other.engine.shared_suspended() == []
    with pytest.raises(NotFound) as unknown:
        other.engine.claim_suspended(park_id)
    assert unknown.value.code == "parked_unknown"


def test_a_suspended_sale_that_cannot_be_shared_stays_local_and_blocks_nothing(staffed, tmp_path):
    front = make_till(staffed, tmp_path, "front")
    sid = suspend_two_lines(front)
    with Store.open(front.db) as store, store.write() as conn:
        conn.execute("UPDATE suspended_sales SET park_id = 'not-a-uuid' WHERE id = ?", (sid,))
    with Store.open(front.db) as store:
        co = front.checkout(store)
        co.scan(MILK_EAN)
        co.pay_cash(Money(1_000, "CNY"))
        co.complete()
    report = front.engine.run_once()  # the sale still goes up
    assert report.pushed == 1
    with Store.open(front.db) as store:
        co = front.checkout(store)
        assert [(s.id, s.shared) for s in co.suspended()] == [(sid, False)]
        co.resume(sid)  # and the cashier still resumes it here
    assert front.engine.run_once().parked == 0
    with Store.open(front.db) as store:  # resumed, and never sent: nothing left to claim
        assert store.conn.execute("SELECT count(*) FROM suspended_sales").fetchone()[0] == 0


def test_a_shared_sale_in_another_currency_is_refused_and_changes_nothing(staffed, tmp_path):
    front, back = make_till(staffed, tmp_path, "front"), make_till(staffed, tmp_path, "back")
    suspend_two_lines(front)
    front.engine.run_once()
    claimed = back.engine.claim_suspended(str(back.engine.shared_suspended()[0].park_id))
    with Store.open(back.db) as store:
        co = back.checkout(store)
        with pytest.raises(InvalidInput) as wrong:
            co.resume_shared(claimed.model_copy(update={"currency": "USD"}))
        assert wrong.value.code == "currency_mismatch" and co.cart.is_empty


def test_the_central_refuses_a_park_id_of_another_till(staffed):
    one, two = staffed.enrol("S1", "one"), staffed.enrol("S1", "two")
    park_id = str(uuid.uuid4())
    body = {"park_id": park_id, "currency": "CNY", "total": 100, "lines": 1,
            "parked_at": "2026-11-27T10:00:00Z", "cart": {"lines": []}}
    http = staffed.http
    assert http.put(f"/v1/parked/{park_id}", json=body, headers=one.auth).status_code == 200
    again = http.put(f"/v1/parked/{park_id}", json=body, headers=one.auth)
    assert again.status_code == 200 and again.json()["state"] == "parked"
    assert http.put(f"/v1/parked/{park_id}", json=body, headers=two.auth).status_code == 403
    other = dict(body, park_id=str(uuid.uuid4()))
    assert http.put(f"/v1/parked/{park_id}", json=other, headers=one.auth).status_code == 422


def test_a_claim_whose_answer_is_lost_keeps_the_cart_on_the_till_that_won(staffed, tmp_path):
    front, back = make_till(staffed, tmp_path, "front"), make_till(staffed, tmp_path, "back")
    expected: list = []
    suspend_two_lines(front, seen=expected)
    front.engine.run_once()
    park_id = str(back.engine.shared_suspended()[0].park_id)
    # The back till's claim reached the central and was granted; its answer never came back:
    # what stays is the claim the till journalled before sending it.
    with Store.open(back.db) as store, store.write() as conn:
        conn.execute("INSERT INTO parked_claims (park_id, created_at) VALUES (?, ?)",
                     (park_id, "2026-11-27T10:00:00.000Z"))
    token = token_of(back.db, back.tokens)
    granted = staffed.http.post(f"/v1/parked/{park_id}/claim",
                                headers={"Authorization": f"Bearer {token}"})
    assert granted.status_code == 200
    assert back.engine.run_once().parked >= 1  # the cycle asks again and keeps the cart
    with Store.open(back.db) as store:
        co = back.checkout(store)
        kept = co.suspended()
        assert [(k.label, k.shared) for k in kept] == [("红衣服 lady in red", False)]
        co.resume(kept[0].id)  # this till's now: it resumes without asking anyone
        assert co.cart.totals().total == expected[0]
        assert store.conn.execute("SELECT count(*) FROM parked_claims").fetchone()[0] == 0
    front.engine.run_once()  # and the till that suspended it stops offering it
    with Store.open(front.db) as store:
        assert front.checkout(store).suspended() == []


class RacingEngine(SyncEngine):
    """Runs ``between`` right after the central answered a publication (PUT), before the
    cycle records it: a cashier resuming the sale at that moment."""

    between: ClassVar[list[Callable[[], None]]] = []

    def _send(self, http, method, url, **kw):  # type: ignore[override]
        resp = SyncEngine._send(http, method, url, **kw)
        if method == "PUT" and self.between:
            self.between.pop()()
        return resp


def test_a_sale_resumed_while_it_is_being_shared_is_closed_at_the_central(staffed, tmp_path):
    front, back = make_till(staffed, tmp_path, "front"), make_till(staffed, tmp_path, "back")
    sid = suspend_two_lines(front)
    racing = RacingEngine(front.db, tokens=front.tokens, clock=front.clock)

    def resume_now() -> None:
        with Store.open(front.db) as store:
            front.checkout(store).resume(sid)  # not shared yet, as far as the cashier knows

    racing.between = [resume_now]
    racing.run_once()  # PUT -> the cashier resumes -> the cycle claims it back at once
    assert back.engine.shared_suspended() == []  # no other till is offered it
    with Store.open(front.db) as store:
        assert store.conn.execute("SELECT count(*) FROM suspended_sales").fetchone()[0] == 0


def test_a_restored_central_gets_the_tills_shared_sales_again(staffed, tmp_path):
    front, back = make_till(staffed, tmp_path, "front"), make_till(staffed, tmp_path, "back")
    suspend_two_lines(front)
    front.engine.run_once()
    with staffed.engine.begin() as conn:  # the central restored from a backup before it
        conn.execute(parked_sales.delete())
    front.engine.run_once()
    assert [p.label for p in back.engine.shared_suspended()] == ["红衣服 lady in red"]
    with Store.open(front.db) as store:
        assert [s.shared for s in front.checkout(store).suspended()] == [True]


def test_claimed_sales_are_forgotten_a_month_after_their_claim(staffed):
    one = staffed.enrol("S1", "one")

    def share() -> str:
        park_id = str(uuid.uuid4())
        body = {"park_id": park_id, "currency": "CNY", "total": 100, "lines": 1,
                "parked_at": "2026-11-27T10:00:00Z", "cart": {"lines": []}}
        assert staffed.http.put(f"/v1/parked/{park_id}", json=body,
                                headers=one.auth).status_code == 200
        return park_id

    first = share()
    assert staffed.http.post(f"/v1/parked/{first}/claim", headers=one.auth).status_code == 200
    staffed.clock.advance(days=29)
    share()
    with staffed.engine.connect() as conn:
        assert len(conn.execute(select(parked_sales)).all()) == 2
    staffed.clock.advance(days=2)
    share()
    with staffed.engine.connect() as conn:
        kept = conn.execute(select(parked_sales.c.park_id)).scalars().all()
    assert len(kept) == 2 and uuid.UUID(first) not in kept
