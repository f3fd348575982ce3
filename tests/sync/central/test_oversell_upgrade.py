"""Schema v17 (issue 18) queues the levels a v16 central already holds more of than it has, so
the settler settles them as it does a new shortfall. SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime

from central_kit import run_frozen_ddl
from sqlalchemy import MetaData, select

from sync.central.db import make_engine
from sync.central.schema import init_schema, oversell_actions, oversell_queue

T0 = datetime(2026, 11, 20, 8, 30, tzinfo=UTC)


def test_v17_queues_the_levels_already_below_what_they_hold(database_url):
    engine = make_engine(database_url)
    with engine.begin() as conn:
        run_frozen_ddl(conn, 16)
        conn.exec_driver_sql("INSERT INTO feed_head (id, last_seq, low_water) VALUES (1, 0, 0)")
        t = MetaData()
        t.reflect(conn)
        conn.execute(t.tables["schema_version"].insert().values(version=16, applied_at=T0))
        for store in ("S1", "S2"):
            conn.execute(t.tables["stores"].insert().values(
                store_id=store, name_zh=store, name_en=store, created_at=T0))
        conn.execute(t.tables["stock_levels"].insert(), [
            {"store_id": s, "product_id": p, "qty": q, "held": h, "updated_at": T0}
            for s, p, q, h in (("S1", 1, 5, 2),  # enough
                               ("S1", 2, 1, 3),  # 2 promised beyond what is there
                               ("S2", 1, -2, 0),  # sold below zero, nothing promised
                               ("S2", 3, 0, 1))])
    assert init_schema(engine, T0) == "upgraded"
    with engine.connect() as conn:
        assert sorted(tuple(r) for r in conn.execute(
            select(oversell_queue.c.store_id, oversell_queue.c.product_id))) == [
            ("S1", 2), ("S2", 3)]
        assert conn.execute(select(oversell_actions)).all() == []
    engine.dispose()
