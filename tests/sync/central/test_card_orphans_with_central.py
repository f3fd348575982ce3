"""A customer charged by card without a sale reaches the real central over HTTP (SQLite and
PostgreSQL): the orphan the till could not reverse is an open exception in the store's
reconciliation as soon as the till syncs; the manager's resolution closes it, and the store's
day lists each orphan (reversed: no sales money; completed: a sale like the others), as the
till's Z does."""

from __future__ import annotations

from datetime import UTC, datetime

from card_orphans_kit import abandon_after_approval, settle, terminal_memory
from central_kit import BREAD, MILK, PRODUCTS, MemoryKeyring

from posclient.app.shifts import Shifts
from posclient.app.terminal import Terminal
from posclient.devices.payment import SimulatedPaymentTerminal, simulator_state
from posclient.domain.clock import ManualClock
from posclient.store.db import Store
from sync.credentials import TokenStore
from sync.engine import SyncEngine
from sync.enrol import enrol
from sync.protocol import StoreException

DAY = "2026-11-23"


def sku(pid: int) -> str:
    return next(p["sku"] for p in PRODUCTS if p["id"] == pid)


def start_till(db, clock) -> Terminal:
    """The till starts: it asks the card terminal about what its last run left."""
    term = Terminal(Store.open(db), clock=clock,
                    payments=SimulatedPaymentTerminal(state=simulator_state(db)))
    term.card_recovery().check_at_start()
    return term


def test_card_orphans_reach_the_central_and_show_in_the_store_reconciliation(shop, tmp_path):
    shop.put("product", PRODUCTS)
    shop.admin_post("/staff", {"id": 1001, "name": "收银员", "role": "cashier", "pin": "1111",
                               "store_id": "S1"})
    shop.admin_post("/staff", {"id": 3001, "name": "经理", "role": "manager", "pin": "3333",
                               "store_id": "S1"})
    db = tmp_path / "a.db"
    Store.open(db).close()
    tokens = TokenStore(MemoryKeyring())
    clock = ManualClock(datetime(2026, 11, 23, 1, 0, tzinfo=UTC))
    enrol(db, shop.url, shop.enrolment_code("S1"), "a", tokens=tokens, clock=clock)
    engine = SyncEngine(db, tokens=tokens, clock=clock)
    engine.run_once()

    reversible = abandon_after_approval(db, clock, sku(MILK))
    clock.advance(minutes=5)
    start_till(db, clock).store.close()  # reversed on the terminal at start
    stuck = abandon_after_approval(db, clock, sku(MILK), sku(BREAD))
    refundable = abandon_after_approval(db, clock, sku(BREAD))
    settle(db)
    clock.advance(minutes=5)
    term = start_till(db, clock)  # cannot be reversed: the central must hear of it
    engine.run_once()

    day = engine.store_reconciliation(DAY)
    filed = {e.detail["reference"]: e for e in day.exceptions
             if e.kind == "card_charged_without_sale"}
    assert sorted(filed) == sorted([stuck, refundable])
    assert filed[stuck].detail["amount"] == day_amount(day, stuck) > 0
    assert [ln["qty"] for ln in filed[stuck].detail["lines"]] == [1, 1]
    assert {(o.reference, o.status) for o in day.card_orphans} == {
        (reversible, "reversed"), (stuck, "open"), (refundable, "open")}
    assert day.totals.sales_count == 0  # a reversed approval is no sales money

    manager = term.staff.login(3001, "3333")
    clock.advance(minutes=5)
    done = term.card_recovery().complete(manager, stuck)
    term.card_recovery().refund(manager, refundable)
    clock.advance(minutes=5)
    z = Shifts(term.store, term.staff, manager, clock=clock).z_report(confirm_pending=True)
    term.store.close()
    engine.run_once()

    day = engine.store_reconciliation(DAY)
    assert [e for e in day.exceptions if e.kind == "card_charged_without_sale"] == []
    lines = {o.reference: o for o in day.card_orphans}
    assert lines[stuck].status == "completed"
    assert lines[stuck].receipt_no == done.sale.receipt_no
    assert lines[reversible].status == "reversed" and lines[reversible].by == "terminal"
    assert lines[refundable].status == "refunded" and lines[refundable].by == "manager"
    resolved = {json_ref(e): e for e in engine_resolved(engine)}
    assert resolved[stuck].comment == f"completed as sale {done.sale.receipt_no}"
    assert resolved[refundable].comment.startswith("refunded to the card")
    assert day.totals.sales_count == 1 and day.totals.sales_total == done.sale.totals.total.minor
    assert day.totals.tenders["card"].sales == done.sale.totals.total.minor
    [till_z] = day.terminals[0].z_reports
    assert till_z.sales_total == z.sales_total == day.totals.sales_total
    assert {(o["reference"], o["outcome"]) for o in till_z.card_orphans} == {
        (reversible, "reversed"), (stuck, "completed"), (refundable, "refunded")}
    memory = terminal_memory(db)
    assert sorted(memory.authorized) == sorted([stuck, refundable])  # each charged once only
    assert list(memory.refunded.values()) == [memory.authorized[refundable]]


def day_amount(day, reference: str) -> int:
    return next(o.amount for o in day.card_orphans if o.reference == reference)


def engine_resolved(engine):
    """The store's resolved exceptions, as a manager's till reads them over HTTP."""
    with engine._cashier_client() as (http, _, _store):
        body = http.get("/v1/store/exceptions", params={"status": "resolved"}).json()
    return [StoreException.model_validate(e) for e in body["exceptions"]
            if e["kind"] == "card_charged_without_sale"]


def json_ref(exception) -> str:
    return exception.detail["reference"]
