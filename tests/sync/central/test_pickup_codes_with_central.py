"""Pick-up codes at the central (issue 17): kept as a salted argon2id hash per order, checked
online for a till of the order's store with its own count of wrong codes, old SHA-256 orders
still checked; the till asks the central and checks offline when the network fails. Real
central over HTTP (behind the fault middleware where the network fails), SQLite and
PostgreSQL; real till databases."""

from __future__ import annotations

import json
import threading

import pytest
from central_kit import MemoryKeyring
from faults import FaultInjector
from sqlalchemy import select, update

from posclient.app.checkout import Checkout
from posclient.app.orders import OrderBook
from posclient.app.staff import StaffService
from posclient.devices.payment import SimulatedPaymentTerminal
from posclient.domain.clock import ManualClock
from posclient.domain.errors import InvalidInput, PosError
from posclient.store.db import Store
from sync.central.api import create_app
from sync.central.schema import entities, pickup_code_attempts
from sync.credentials import TokenStore
from sync.engine import SyncEngine
from sync.enrol import enrol
from sync.protocol import OrderData, PickupCodeAnswer, pickup_code_sha256

CODE = "K7P2Q9"
WRONG = ["AAAA11", "BBBB22", "CCCC33", "DDDD44", "EEEE55", "FFFF66", "GGGG77", "HHHH88"]


def web_order(order_no: str = "W500", **changes):
    order = {"order_no": order_no, "fulfilment": "pickup", "store_id": "S1",
             "pickup_code": CODE, "customer_name": "陈静", "currency": "CNY",
             "lines": [{"sku": "100001", "qty": 2, "unit_price": 350}],
             "payments": [{"kind": "online", "amount": 700}]}
    order.update(changes)
    return order


def stored(shop, order_no: str = "W500") -> OrderData:
    with shop.engine.connect() as conn:
        return OrderData.model_validate_json(conn.scalar(
            select(entities.c.data).where(entities.c.key == order_no)))


def check(till, code: str, order_no: str = "W500"):
    return till.central.http.post(f"/v1/orders/{order_no}/pickup-code", json={"code": code},
                                  headers=till.auth)


def answer(till, code: str, order_no: str = "W500") -> tuple[str, int]:
    r = check(till, code, order_no)
    assert r.status_code == 200, r.text
    return r.json()["result"], r.json()["attempts_left"]


def failures(shop, order_no: str = "W500") -> int | None:
    with shop.engine.connect() as conn:
        return conn.scalar(select(pickup_code_attempts.c.failures)
                           .where(pickup_code_attempts.c.order_no == order_no))


def test_the_central_keeps_a_salted_hash_per_order_and_keeps_it_when_the_code_comes_again(
        shop):
    shop.admin_post("/orders", {"orders": [web_order("W1"), web_order("W2")]})
    first, second = stored(shop, "W1"), stored(shop, "W2")
    assert first.pickup_code_phc != second.pickup_code_phc  # the same code, two salts
    assert first.pickup_code_matches(CODE) and second.pickup_code_matches(CODE)
    assert first.pickup_code_hash is None and CODE not in first.model_dump_json()
    again = shop.admin_post("/orders", {"orders": [web_order("W1", pickup_code=" k7p2q9 "),
                                                   web_order("W2", pickup_code=None)]})
    assert (again["upserted"], again["unchanged"]) == (0, 2)  # nothing for the feed
    assert stored(shop, "W1").pickup_code_phc == first.pickup_code_phc
    shop.admin_post("/orders", {"orders": [web_order("W1", pickup_code="NEW123")]})
    assert stored(shop, "W1").pickup_code_matches("NEW123")
    assert not stored(shop, "W1").pickup_code_matches(CODE)


def test_the_central_answers_ok_wrong_then_locked_and_counts_per_order(shop):
    shop.admin_post("/orders", {"orders": [web_order(), web_order("W501")]})
    till = shop.enrol("S1")
    assert answer(till, WRONG[0]) == ("wrong", 4)
    assert answer(till, " k7p2q9 ") == ("ok", 5)  # right: the count starts again
    assert failures(shop) is None
    for n, code in enumerate(WRONG[:4], start=1):
        assert answer(till, code) == ("wrong", 5 - n)
    assert answer(till, WRONG[4]) == ("locked", 0)
    assert answer(till, CODE) == ("locked", 0)  # not checked any more
    assert failures(shop) == 5
    assert answer(till, CODE, "W501") == ("ok", 5)  # another order: its own count
    shop.admin_post("/orders", {"orders": [web_order(pickup_code="NEW123")]})  # a new code
    assert failures(shop) is None and answer(till, "NEW123") == ("ok", 5)


def test_only_a_till_of_the_orders_store_asks_and_the_code_is_bounded(shop):
    shop.admin_post("/orders", {"orders": [web_order(), web_order(
        "D1", fulfilment="delivery", store_id=None, pickup_code=None)]})
    mine, other = shop.enrol("S1"), shop.enrol("S2")
    r = check(other, CODE)
    assert (r.status_code, r.json()["error"]) == (403, "other_store")
    assert check(mine, CODE, "D1").status_code == 403
    r = check(mine, CODE, "NOPE")
    assert (r.status_code, r.json()["error"]) == (404, "order_unknown")
    r = check(mine, "X" * 33)
    assert r.status_code == 422 and "X" * 33 not in r.text
    assert shop.http.post("/v1/orders/W500/pickup-code", json={"code": CODE}).status_code == 401
    assert failures(shop) is None  # none of these was a guess


def test_concurrent_guesses_are_each_counted_and_none_is_checked_past_the_limit(shop):
    shop.admin_post("/orders", {"orders": [web_order()]})
    till = shop.enrol("S1")
    results: list[str] = []
    lock = threading.Lock()

    def guess(code: str) -> None:
        got = answer(till, code)[0]
        with lock:
            results.append(got)

    threads = [threading.Thread(target=guess, args=(c,)) for c in WRONG]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["locked"] * 4 + ["wrong"] * 4
    assert failures(shop) >= 5 and answer(till, CODE) == ("locked", 0)


def test_an_order_stored_before_argon2_is_checked_and_gets_argon2_when_its_code_comes_again(
        shop):
    shop.admin_post("/orders", {"orders": [web_order()]})
    old = stored(shop).model_copy(update={"pickup_code_phc": None,
                                          "pickup_code_hash": pickup_code_sha256("W500", CODE)})
    with shop.engine.begin() as conn:  # as an earlier central stored it
        conn.execute(update(entities).where(entities.c.key == "W500")
                     .values(data=old.model_dump_json()))
    till = shop.enrol("S1")
    assert answer(till, WRONG[0]) == ("wrong", 4)
    assert answer(till, CODE) == ("ok", 5)
    kept = shop.admin_post("/orders", {"orders": [web_order(pickup_code=None, status="ready")]})
    assert kept["upserted"] == 1 and stored(shop).pickup_code_hash == old.pickup_code_hash
    shop.admin_post("/orders", {"orders": [web_order()]})  # the code again: argon2 now
    now = stored(shop)
    assert now.pickup_code_hash is None and now.pickup_code_matches(CODE)


# -- the till asks the central, and checks offline when it cannot -----------------------------

@pytest.fixture
def faulty(shop, serve):
    """The same central behind the fault middleware (faults off until a test turns them on)."""
    injector = FaultInjector(create_app(shop.engine, clock=shop.clock))
    injector.only_paths = ("/v1/orders/",)
    with serve(injector) as url:
        yield url, injector


def enrolled_till(shop, url, tmp_path):
    shop.admin_post("/staff", {"id": 1001, "name": "李娜", "role": "cashier", "pin": "1111",
                               "store_id": "S1"})
    db = tmp_path / "till.db"
    Store.open(db).close()
    tokens, clock = TokenStore(MemoryKeyring()), ManualClock()
    enrol(db, url, shop.enrolment_code("S1"), "front", tokens=tokens, clock=clock)
    engine = SyncEngine(db, tokens=tokens, clock=clock, timeout=5)
    engine.run_once()  # the order comes with the store's feed
    return db, engine, clock


def start(db, clock, code: str, online: PickupCodeAnswer | None):
    """The pick-up screen's hand-over at the till with the central's verdict (None: none)."""
    with Store.open(db) as store:
        staff = StaffService(store, clock)
        co = Checkout(store, staff, staff.login(1001, "1111"), clock=clock,
                      payments=SimulatedPaymentTerminal(()))
        view = OrderBook(store.conn, clock).view("W500")
        try:
            co.start_pickup(view, {1: 2}, code=code, online=online)
        except InvalidInput as exc:
            return exc.message_id
        co.complete()
        return "handed over"


def till_failures(db) -> int:
    with Store.open(db) as store:
        row = store.conn.execute("SELECT failures FROM pickup_code_attempts").fetchone()
    return 0 if row is None else row[0]


def test_the_till_asks_the_central_and_counts_what_it_answers(shop, faulty, tmp_path):
    shop.admin_post("/orders", {"orders": [web_order()]})
    url, _ = faulty
    db, engine, clock = enrolled_till(shop, url, tmp_path)
    wrong = engine.check_pickup_code("W500", WRONG[0])
    assert (wrong.result, wrong.attempts_left) == ("wrong", 4)
    assert start(db, clock, WRONG[0], wrong) == "pickup_code_wrong.left"
    assert (till_failures(db), failures(shop)) == (1, 1)
    ok = engine.check_pickup_code("W500", CODE)
    assert ok.result == "ok" and start(db, clock, CODE, ok) == "handed over"
    assert (till_failures(db), failures(shop)) == (0, None)
    with Store.open(db) as store:
        details = [json.loads(d) for (d,) in store.conn.execute(
            "SELECT detail FROM audit_log WHERE action = 'pickup_code_wrong'")]
    assert details == [{"order_no": "W500", "failures": 1, "locked": False,
                        "checked": "central"}]


def test_a_code_the_central_locked_is_locked_at_the_till_too(shop, faulty, tmp_path):
    shop.admin_post("/orders", {"orders": [web_order()]})
    url, _ = faulty
    db, engine, clock = enrolled_till(shop, url, tmp_path)
    other_till = shop.enrol("S1")
    for code in WRONG[:5]:
        answer(other_till, code)
    locked = engine.check_pickup_code("W500", CODE)
    assert (locked.result, locked.attempts_left) == ("locked", 0)
    assert start(db, clock, CODE, locked) == "pickup_code_locked.central"
    assert start(db, clock, CODE, None) == "pickup_code_locked"  # offline: locked here too


@pytest.mark.parametrize("fault", ["drop_request", "drop_response", "error_500"])
def test_when_the_central_does_not_answer_the_till_checks_the_code_itself(
        shop, faulty, tmp_path, fault):
    shop.admin_post("/orders", {"orders": [web_order()]})
    url, injector = faulty
    db, engine, clock = enrolled_till(shop, url, tmp_path)
    injector.configure(1.0, (fault,))
    with pytest.raises(PosError) as err:
        engine.check_pickup_code("W500", WRONG[0])
    assert err.value.code in ("central_unreachable", "central_refused")
    counted = 1 if fault == "drop_response" else None  # handled there, the answer lost
    assert failures(shop) == counted
    assert start(db, clock, WRONG[0], None) == "pickup_code_wrong.left"  # checked here
    assert till_failures(db) == 1
    assert start(db, clock, CODE, None) == "handed over"
    injector.heal()
    assert engine.run_once().pushed == 1  # the pick-up reaches the central as always
