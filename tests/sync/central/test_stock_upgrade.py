"""Schema v16 (issue 18) computes the stock held by the pick-up orders a v14 central already
has: not yet collected units of open, ready and partly collected pick-ups, per store and
product, a level created (qty 0) where the store had none. SQLite and PostgreSQL."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from central_kit import run_frozen_ddl
from sqlalchemy import MetaData, select

from sync.central import held
from sync.central.db import make_engine
from sync.central.schema import init_schema, stock_levels

T0 = datetime(2026, 11, 20, 8, 30, tzinfo=UTC)


def order(no, status, lines, store_id="S1", fulfilment="pickup"):
    return {"order_no": no, "channel": "web", "status": status, "fulfilment": fulfilment,
            "store_id": store_id if fulfilment == "pickup" else None, "currency": "CNY",
            "customer_name": "", "lines": [
                {"line_no": n, "product_id": p, "sku": str(100000 + p), "qty": q,
                 "collected": c, "unit_price": 100, "total": 100 * q}
                for n, (p, q, c) in enumerate(lines, start=1)],
            "payments": [], "total": 0, "paid": 0, "created_at": T0.isoformat(),
            "updated_at": T0.isoformat()}


def test_v16_computes_held_from_the_stored_pickup_orders(database_url):
    engine = make_engine(database_url)
    orders = [order("W1", "open", [(1, 3, 0), (2, 2, 0)]),
              order("W2", "partly_collected", [(1, 4, 3), (2, 1, 1)]),
              order("W3", "ready", [(4, 2, 0)], store_id="S2"),  # S2 has no level of 4
              order("W4", "cancelled", [(1, 9, 0)]),
              order("W5", "collected", [(1, 2, 2)]),
              order("W6", "open", [(1, 5, 0)], fulfilment="delivery"),
              order("W7", "open", [(1, 1, 0)], store_id="GONE")]  # a store that is no more
    with engine.begin() as conn:
        run_frozen_ddl(conn, 14)
        conn.exec_driver_sql("INSERT INTO feed_head (id, last_seq, low_water) VALUES (1, 0, 0)")
        t = MetaData()
        t.reflect(conn)
        conn.execute(t.tables["schema_version"].insert().values(version=14, applied_at=T0))
        for s in ("S1", "S2"):
            conn.execute(t.tables["stores"].insert().values(
                store_id=s, name_zh=s, name_en=s, created_at=T0))
        conn.execute(t.tables["stock_levels"].insert().values(
            store_id="S1", product_id=1, qty=50, updated_at=T0))
        conn.execute(t.tables["entities"].insert(), [
            {"entity": "order", "key": o["order_no"], "scope": o["store_id"] or "@delivery",
             "parent": None, "data": json.dumps(o), "updated_at": T0} for o in orders])
    assert init_schema(engine, T0) == "upgraded"
    with engine.connect() as conn:
        assert held.stored(conn) == {("S1", 1): 4, ("S1", 2): 2, ("S2", 4): 2}
        assert held.recount(conn) == {**held.stored(conn), ("GONE", 1): 1}
        levels = conn.execute(select(stock_levels.c.store_id, stock_levels.c.product_id,
                                     stock_levels.c.qty).order_by(stock_levels.c.store_id,
                                                                  stock_levels.c.product_id))
        assert [tuple(r) for r in levels] == [("S1", 1, 50), ("S1", 2, 0), ("S2", 4, 0)]
    engine.dispose()
