"""Test data for the central's tests: a small known catalogue and till-shaped sale events.

A plain module (not conftest) so test files can import it by its unique name.
"""

from __future__ import annotations

import os
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from sqlalchemy import Connection, Engine, func, select

from sync.central.db import make_engine
from sync.central.schema import stock_levels, stock_movements
from sync.credentials import MemoryKeyring

ADMIN_TOKEN = "test-admin-token-0123456789abcdef"  # the central fixtures' admin token

MILK, BREAD, APPLE, RICE, GUM = 1, 2, 3, 4, 5

PRODUCTS = [
    {"id": MILK, "sku": "100001", "name_zh": "伊利 纯牛奶 250ml", "name_en": "Yili Milk 250ml",
     "measure": "each", "tax_code": "VAT9", "barcodes": ["6901234567892"]},
    {"id": BREAD, "sku": "100002", "name_zh": "全麦面包", "name_en": "Wholemeal Bread",
     "measure": "each", "tax_code": "VAT13", "barcodes": ["036000291452"]},
    {"id": APPLE, "sku": "100003", "name_zh": "红富士 苹果", "name_en": "Fuji Apple",
     "measure": "g", "tax_code": "VAT9", "plu": "00001"},
    {"id": RICE, "sku": "100004", "name_zh": "五常 大米 5kg", "name_en": "Wuchang Rice 5kg",
     "measure": "each", "tax_code": "VAT9", "barcodes": ["6901234567014"]},
    {"id": GUM, "sku": "100005", "name_zh": "绿箭 口香糖", "name_en": "Doublemint Gum",
     "measure": "each", "tax_code": "VAT13", "barcodes": ["96385074"]},
]
STOCK = {"S1": {MILK: 100, BREAD: 20, APPLE: 30_000, RICE: 10, GUM: 50},
         "S2": {MILK: 7, BREAD: 3}}


def sale_event(store_id: str, seq: int, lines: list[tuple[int, int]], *,
               event_id: str | None = None, label_price: int | None = None,
               **payload: Any) -> dict[str, Any]:
    """A ``sale`` event like posclient's checkout makes; ``lines``: (product_id, qty)."""
    measures = {p["id"]: p["measure"] for p in PRODUCTS}
    body = {
        "receipt_no": f"{store_id}-T01-{seq:06d}", "store_id": store_id, "terminal_id": "T01",
        "staff_id": 1001, "member_id": None, "started_at": "2026-11-23T09:00:00.000Z",
        "completed_at": "2026-11-23T09:01:00.000Z", "currency": "CNY", "tax_inclusive": True,
        "subtotal": 0, "discount_total": 0, "tax_total": 0, "rounding": 0, "total": 0,
        "change": 0, "tenders": [], "taxes": [],
        "lines": [{"line_no": i, "product_id": pid, "sku": str(100000 + pid), "barcode": "",
                   "measure": measures.get(pid, "each"), "qty": qty, "list_price": 100,
                   "unit_price": 100, "label_price": label_price, "gross": 100 * qty,
                   "line_discount": 0, "basket_discount": 0, "total": 100 * qty,
                   "tax_code": "VAT13", "tax_rate_ppm": 130_000}
                  for i, (pid, qty) in enumerate(lines, start=1)],
    }
    body["total"] = sum(ln["total"] for ln in body["lines"])
    body.update(payload)
    return {"event_id": event_id or str(uuid.uuid4()), "terminal_seq": seq, "type": "sale",
            "occurred_at": "2026-11-23T09:01:00Z", "payload": body}


def token_of(db_path: Any, tokens: Any) -> str | None:
    """The token a till database's keyring entry holds (sync/till_identity.py)."""
    from posclient.store.db import Store
    from sync import till_identity

    with Store.open(db_path, create=False) as store:
        me = till_identity.enrolled(store.conn)
    held = till_identity.held_token(me, tokens) if me is not None else None
    return held.token if held is not None else None


def level(central: Any, store_id: str, product_id: int) -> int | None:
    with central.engine.connect() as conn:
        return conn.scalar(select(stock_levels.c.qty).where(
            stock_levels.c.store_id == store_id, stock_levels.c.product_id == product_id))


def movements_sum(central: Any, store_id: str, product_id: int) -> int:
    with central.engine.connect() as conn:
        return int(conn.scalar(select(func.coalesce(func.sum(stock_movements.c.qty_delta), 0))
                               .where(stock_movements.c.store_id == store_id,
                                      stock_movements.c.product_id == product_id)))




def seed_shop(tx: Any, stores: dict[str, dict[int, int]] = STOCK) -> None:
    """Stores, tax rates, the five products with prices, and stock, in one transaction.

    Written through the services (the admin API has its own tests).
    """
    from sync.central import entities, identity

    for store in stores:
        # Selling needs no open shift in these tests (a real store's default is to need one).
        identity.create_store(tx, store, f"{store}店", f"Store {store}",
                              {"currency": "CNY", "require_shift": False})
    for entity, records in (
        ("tax_rate", [{"code": "VAT13", "rate_ppm": 130_000},
                      {"code": "VAT9", "rate_ppm": 90_000}]),
        ("product", PRODUCTS),
        ("price", [{"id": p["id"], "product_id": p["id"], "amount": 100 * p["id"]}
                   for p in PRODUCTS]),
    ):
        assert entities.upsert_records(tx, entity, enumerate(records)).rejected == []
    for store, levels in stores.items():
        done = entities.set_stock_records(
            tx, enumerate({"product_id": p, "qty": q} for p, q in levels.items()),
            store_id=store)
        assert done.rejected == []


class _Server(uvicorn.Server):
    def install_signal_handlers(self) -> None:  # older uvicorn: not from a worker thread
        pass


@contextmanager
def serve_app(app: Any, lifespan: str = "off") -> Iterator[str]:
    """``with serve_app(app) as url:``: an ASGI app under uvicorn in a background thread, on a
    free port of 127.0.0.1, stopped when the block ends (``lifespan="on"``: with the app's
    background work, as ``posclient-central serve`` runs it)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = _Server(uvicorn.Config(app, log_level="warning", lifespan=lifespan))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 15
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the server did not start")
            time.sleep(0.01)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(15)
        sock.close()


PG_URL = os.environ.get("POSCLIENT_PG_URL", "postgresql://postgres@127.0.0.1:5432/test")


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


@cache
def _pg_problem() -> str | None:
    """None if PostgreSQL answers, else why not."""
    import psycopg

    try:
        with psycopg.connect(PG_URL.replace("postgresql+psycopg://", "postgresql://"),
                             connect_timeout=3) as conn:
            conn.execute("SELECT 1")
    except Exception as exc:  # any failure to connect means: no PostgreSQL here
        return f"{type(exc).__name__}: {exc}".strip()
    return None


def _pg_admin_engine() -> Engine:
    return make_engine(PG_URL, pool_size=1, max_overflow=0)


@contextmanager
def empty_database(kind: str, tmp_path: Any) -> Iterator[str]:
    """An empty database's URL: a SQLite file in ``tmp_path``, or a fresh PostgreSQL schema
    (dropped after). Without PostgreSQL, the test is skipped (failed when ``CI`` is set)."""
    if kind == "sqlite":
        yield f"sqlite:///{tmp_path / 'central.db'}"
        return
    problem = _pg_problem()
    if problem is not None:
        message = f"PostgreSQL at {PG_URL} does not answer ({problem})"
        if _in_ci():
            pytest.fail(f"{message}; CI must run the PostgreSQL tests")
        pytest.skip(message)
    name = f"t_{uuid.uuid4().hex[:16]}"
    admin = _pg_admin_engine()
    with admin.begin() as conn:
        conn.exec_driver_sql(f'CREATE SCHEMA "{name}"')
    sep = "&" if "?" in PG_URL else "?"
    try:
        yield f"{PG_URL}{sep}options=-csearch_path%3D{name}"
    finally:
        with admin.begin() as conn:
            conn.exec_driver_sql(f'DROP SCHEMA "{name}" CASCADE')
        admin.dispose()


def enrolled_till(central: Any, path: Any, store_id: str = "S1", clock: Any = None,
                  timeout: float | None = None) -> Any:
    """A new till database at ``path`` enrolled with ``central`` for ``store_id`` (its token
    in an in-memory keyring): its sync engine, not run yet."""
    from posclient.store.db import Store
    from sync.credentials import TokenStore
    from sync.engine import SyncEngine
    from sync.enrol import enrol

    tokens = TokenStore(MemoryKeyring())
    Store.open(path).close()
    enrol(path, central.url, central.enrolment_code(store_id), path.stem, tokens=tokens,
          clock=clock)
    return SyncEngine(path, tokens=tokens, clock=clock,
                      **({"timeout": timeout} if timeout is not None else {}))


VERSIONS = Path(__file__).with_name("schema_versions")


def run_frozen_ddl(conn: Connection, version: int) -> None:
    """The tables of schema ``version`` as its program created them (schema_versions/)."""
    ddl = (VERSIONS / f"v{version}.{conn.dialect.name}.sql").read_text(encoding="utf-8")
    body = "\n".join(line for line in ddl.splitlines() if not line.startswith("--"))
    for statement in body.split(";"):
        if statement.strip():
            conn.exec_driver_sql(statement)
