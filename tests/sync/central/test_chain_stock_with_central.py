"""F12's view of the chain at a till (issue 18), against the real central over HTTP on SQLite and
PostgreSQL: live from the central's availability for the till's own group, nearest first (its
own store and the stores of another group left out), every answer kept in the till's database;
with the network gone, the levels kept with their age and the reason; nothing kept: nothing
shown. The network goes for real (tests/sync/faults.py: the connection breaks)."""

from __future__ import annotations

import httpx
import pytest
from central_kit import ADMIN_TOKEN, BREAD, MILK, MemoryKeyring, seed_shop
from faults import FaultInjector

from posclient.app.chain_stock import ChainStock
from posclient.domain.clock import ManualClock
from posclient.store import chain_stock
from posclient.store.db import Store
from sync.central import feed, identity
from sync.central.api import EnrolLimits, create_app
from sync.central.store_places import Place, set_place
from sync.credentials import TokenStore
from sync.engine import SyncEngine
from sync.enrol import enrol


@pytest.fixture
def live(central_engine, serve):
    """The central behind a fault injector, stores S1 and S2 in group ``east`` (about 8 km
    apart) and S3 in group ``west``."""
    clock = ManualClock()
    injector = FaultInjector(create_app(central_engine, clock=clock,
                                        enrol_limits=EnrolLimits(max_failures=100)), seed=3)
    with feed.transaction(central_engine, clock.now()) as tx:
        seed_shop(tx, {"S1": {MILK: 100}, "S2": {MILK: 7, BREAD: 3}, "S3": {MILK: 50}})
        set_place(tx, "S1", Place.of("east", 31.2304, 121.4737))
        set_place(tx, "S2", Place.of("east", 31.2989, 121.5015))
        set_place(tx, "S3", Place.of("west", 30.5728, 104.0668))
        identity.create_staff(tx, staff_id=1001, name="李娜", role="cashier", pin="1111",
                              store_id="S1")
    with serve(injector) as url:
        yield url, injector


def till(url, tmp_path, clock):
    """Store S1's till, enrolled and synced once."""
    r = httpx.post(f"{url}/v1/admin/enrolment-codes", json={"store_id": "S1"},
                   headers={"Authorization": f"Bearer {ADMIN_TOKEN}"})
    assert r.status_code == 201, r.text
    db, tokens = tmp_path / "s1.db", TokenStore(MemoryKeyring())
    Store.open(db).close()
    enrol(db, url, r.json()["code"], "front", tokens=tokens, clock=clock)
    engine = SyncEngine(db, tokens=tokens, clock=clock)
    engine.run_once()
    return db, engine


def test_f12_shows_the_other_stores_of_the_group_live_and_keeps_them(live, tmp_path):
    url, _ = live
    clock = ManualClock()
    db, engine = till(url, tmp_path, clock)
    with Store.open(db) as store:
        view = ChainStock(store, clock, "S1", engine).look_up(MILK)
        assert view.live and view.problem is None
        assert [s.store_id for s in view.stores] == ["S2"]  # not S1 itself, not S3 (west)
        (s2,) = view.stores
        assert (s2.name_zh, s2.name_en, s2.available, s2.on_hand) == ("S2店", "Store S2", 7, 7)
        assert s2.distance_km is not None and 7 < s2.distance_km < 9
        kept = chain_stock.cached(store.conn, MILK)
        assert {k.level.store_id for k in kept} == {"S1", "S2"}  # the whole answer is kept
        assert ChainStock(store, clock, "S1", engine).look_up(BREAD).stores[0].available == 3
        assert chain_stock.count(store.conn) == 4


def test_offline_f12_shows_the_levels_kept_with_their_age_and_why(live, tmp_path):
    url, injector = live
    clock = ManualClock()
    db, engine = till(url, tmp_path, clock)
    with Store.open(db) as store:
        chain = ChainStock(store, clock, "S1", engine)
        live_view = chain.look_up(MILK)
        clock.advance(hours=3)
        injector.configure(1.0, ("drop_request",))  # the network goes
        view = chain.look_up(MILK)
        assert not view.live and view.problem is not None
        assert view.problem.code == "central_unreachable"
        assert [(s.store_id, s.available) for s in view.stores] == [("S2", 7)]
        assert view.received_age_s(clock.now()) == 3 * 3600
        before = live_view.stores[0].age_s
        assert view.stores[0].age_s == (None if before is None else before + 3 * 3600)
        nothing = chain.look_up(BREAD)  # never asked while online
        assert nothing.stores == () and nothing.received_at is None and not nothing.live
        injector.heal()
        assert chain.look_up(MILK).live


def test_the_cache_keeps_the_last_answer_and_stays_bounded(tmp_path):
    s2 = chain_stock.StoreLevel("S2", "二店", "Store Two", 1, 1, None, None)
    s3 = chain_stock.StoreLevel("S3", "", "", 2, 2, 1.0, 5)
    with Store.open(tmp_path / "till.db") as store:
        with store.write() as conn:
            for product in range(1, 31):  # 60 rows, answered a second apart
                when = f"2026-12-01T00:00:{product:02d}.000Z"
                chain_stock.keep(conn, product, [s2, s3], answered_at=when, received_at=when,
                                 max_rows=40)
            kept = {p for (p,) in conn.execute("SELECT DISTINCT product_id FROM chain_stock")}
            assert kept == set(range(11, 31))  # the 20 answers received last
            chain_stock.keep(conn, 30, [s2], answered_at="2026-12-01T00:01:00.000Z",
                             received_at="2026-12-01T00:01:00.000Z")
        assert [k.level.store_id for k in chain_stock.cached(store.conn, 30)] == ["S2"]
