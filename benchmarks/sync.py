"""Sync at scale: a central with a 1,000,000-product, 1,000,000-member store and real tills.

    python -m benchmarks sync --products 1000000 --members 1000000 --json out.json

The central is the real service (``python -m sync.central serve``) in its own process on
127.0.0.1, so the till and the central do not share one interpreter; the tills are real
databases with posclient's own checkout and the sync engine. Keys (all measured in this run):

- bootstrap_s / raw_bootstrap_s: a new till's first sync (snapshot over HTTP until ready to
  sell: rows, indexes and search index) vs decoding the same snapshot bytes (kept in memory)
  with ``json.loads`` and ``executemany``-inserting the same rows into a fresh till database
  in one transaction, no network; bootstrap_records: records in the snapshot;
  *_max_lock_ms: the engine's longest write transaction in that step (snapshot chunks, or a
  page with its cursor); bootstrap_index_build_ms: the one transaction at the end of a first
  start that rebuilds the indexes it dropped for the load (a till with no catalogue yet)
- delta_10k_prices_s: ``--prices`` price changes on the central, applied by an up-to-date till
  (one ``run_once``)
- drain_10k_events_s: ``--sales`` sales rung up by posclient's checkout while offline, uploaded
  by one ``run_once`` (which also reads back the stock changes they caused)
- commit_p99_during_sync_ms / scan_p99_during_sync_ms: a till that sells while it re-takes the
  snapshot after ``410 Gone`` (the engine in its own thread and connection, on the same file);
  *_idle_ms: the same till selling with no sync running
- ingest_events_per_s: the central on PostgreSQL, ``--terminals`` enrolled terminals pushing
  sale events in batches of ``--ingest-batch`` at once; events accepted per second
- members per store (issue 17): the chain's ``--members`` are spread over ``--stores`` stores,
  so a till gets its own store's only. chain_members / snapshot_member_rows: the chain's members
  and those in the store's snapshot; snapshot_mb / snapshot_raw_mb: the store's snapshot as sent
  (gzip) and decoded; snapshot_all_members_mb / snapshot_all_members_raw_mb: the same store's
  snapshot with every member of the chain on its tills (as before issue 17), measured from the
  same central; first_sync_smaller_pct: how much smaller the first sync's download is
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import random
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import uuid
import zlib
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import Engine, delete, func, insert, literal, select, update

from benchmarks.checkout import sample_codes
from posclient.app.terminal import Terminal
from posclient.devices.payment import SimulatedPaymentTerminal, simulator_state
from posclient.domain.money import Money
from posclient.store.db import Store
from sync import till_identity
from sync.catalogue_sql import product_search_text
from sync.central import entities, feed, identity, schema
from sync.central.db import make_engine
from sync.central.demo import load_demo
from sync.central.schema import entities as entity_table
from sync.central.schema import events as event_table
from sync.central.schema import member_stores
from sync.credentials import MemoryKeyring, TokenStore
from sync.engine import SyncEngine
from sync.enrol import enrol
from sync.protocol.clock import SystemClock

ADMIN_TOKEN = "bench-admin-token-0123456789abcdef"
STORE = "S001"
PG_URL = os.environ.get("POSCLIENT_PG_URL", "postgresql://postgres@127.0.0.1:5432/test")


def p99(samples: list[float]) -> float:
    s = sorted(samples)
    return round(s[min(len(s) - 1, int(len(s) * 0.99))] * 1000, 3) if s else 0.0


def median_ms(samples: list[float]) -> float:
    s = sorted(samples)
    return round(s[len(s) // 2] * 1000, 3) if s else 0.0


def log(msg: str) -> None:
    print(f"[bench] {msg}", file=sys.stderr, flush=True)




# -- the central -----------------------------------------------------------------------------

def init_central(url: str) -> Engine:
    engine = make_engine(url)
    schema.init_schema(engine, datetime.now(UTC))
    with feed.transaction(engine, datetime.now(UTC)) as tx:
        identity.set_admin_token(tx, ADMIN_TOKEN)
    return engine


@contextlib.contextmanager
def central_server(url: str, workers: int = 1, admin_token: str = ADMIN_TOKEN
                   ) -> Iterator[str]:
    """``python -m sync.central serve`` in a child process on a free port of 127.0.0.1."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    env = dict(os.environ, POSCLIENT_CENTRAL_ADMIN_TOKEN=admin_token)
    proc = subprocess.Popen(
        [sys.executable, "-m", "sync.central", "--database", url, "serve", "--host",
         "127.0.0.1", "--port", str(port), "--workers", str(workers), "--log-level", "warning"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                if httpx.get(f"{base}/v1/health", timeout=5).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the central did not start (exit {proc.poll()})")
            time.sleep(0.1)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def enrolment_code(base: str, store_id: str = STORE) -> str:
    r = httpx.post(f"{base}/v1/admin/enrolment-codes", json={"store_id": store_id},
                   headers={"Authorization": f"Bearer {ADMIN_TOKEN}"}, timeout=30)
    r.raise_for_status()
    return str(r.json()["code"])


def new_till(path: Path, base: str, tokens: TokenStore, store_id: str = STORE) -> SyncEngine:
    Store.open(path).close()
    enrol(path, base, enrolment_code(base, store_id), path.stem, tokens=tokens)
    return SyncEngine(path, tokens=tokens, timeout=300)


def till_token(engine: SyncEngine, tokens: TokenStore) -> str:
    with Store.open(engine.db_path) as s:
        me = till_identity.enrolled(s.conn)
    held = till_identity.held_token(me, tokens) if me else None
    return held.token if held else ""


def spread_members(engine: Engine, stores: int) -> int:
    """The demo store's members spread over ``stores`` stores (the demo keeps every ``stores``-th
    member, the others belong to S002...): as a chain's members sign up at its stores. Returns
    the members the demo store keeps."""
    others = [f"S{n:03d}" for n in range(2, stores + 1)]
    with feed.transaction(engine, datetime.now(UTC)) as tx:
        for store_id in others:
            identity.create_store(tx, store_id, store_id, store_id, {})
        for n, store_id in enumerate(others, start=1):
            tx.conn.execute(update(member_stores).where(
                member_stores.c.store_id == STORE,
                member_stores.c.member_id % stores == n).values(store_id=store_id))
    with engine.connect() as conn:
        return int(conn.scalar(select(func.count()).select_from(member_stores)
                               .where(member_stores.c.store_id == STORE)) or 0)


def measure_all_members_snapshot(engine: Engine, base: str, work: Path,
                                 tokens: TokenStore) -> tuple[int, int]:
    """(gzip bytes, decoded bytes) of the demo store's snapshot with every member of the chain
    on its tills, as before issue 17: a store "SALL" like it, with every member."""
    with feed.transaction(engine, datetime.now(UTC)) as tx:
        identity.create_store(tx, "SALL", "SALL", "SALL", {})
        tx.conn.execute(insert(member_stores).from_select(
            ["member_id", "store_id", "home", "reason", "last_at"],
            select(member_stores.c.member_id, literal("SALL"), literal(1), literal("import"),
                   func.max(member_stores.c.last_at)).group_by(member_stores.c.member_id)))
        levels = schema.stock_levels  # the same levels as the demo store
        tx.conn.execute(insert(levels).from_select(
            ["store_id", "product_id", "qty", "updated_at"],
            select(literal("SALL"), levels.c.product_id, levels.c.qty, levels.c.updated_at)
            .where(levels.c.store_id == STORE)))
    body = fetch_snapshot(base, till_token(new_till(work / "all.db", base, tokens, "SALL"),
                                           tokens))
    raw = len(zlib.decompress(body, 16 + zlib.MAX_WBITS))
    (work / "all.db").unlink()
    with feed.transaction(engine, datetime.now(UTC)) as tx:
        tx.conn.execute(delete(member_stores).where(member_stores.c.store_id == "SALL"))
    return len(body), raw


def central_count(engine: Engine, entity: str) -> int:
    with engine.connect() as conn:
        return int(conn.scalar(select(func.count()).select_from(entity_table)
                               .where(entity_table.c.entity == entity)) or 0)


def records_of(engine: Engine, entity: str, keys: list[int]) -> list[dict[str, Any]]:
    with engine.connect() as conn:
        rows = conn.execute(select(entity_table.c.data).where(
            entity_table.c.entity == entity, entity_table.c.key.in_([str(k) for k in keys])))
        return [json.loads(r[0]) for r in rows]


def write_records(engine: Engine, entity: str, records: list[dict[str, Any]],
                  delete: list[str] | None = None) -> entities.WriteReport:
    """Written the way the admin API and importers write them: the central's services."""
    with feed.transaction(engine, datetime.now(UTC)) as tx:
        report = entities.upsert_records(tx, entity, enumerate(records))
        if delete:
            report.add(entities.delete_records(tx, entity, list(enumerate(delete))))
    if report.rejected:
        raise RuntimeError(f"the central refused {entity} records: {report.rejected[:3]}")
    return report


def change_prices(engine: Engine, n: int, rng: random.Random) -> int:
    top = central_count(engine, "price")
    keys = rng.sample(range(1, top + 1), min(n, top))
    changed = []
    for rec in records_of(engine, "price", keys):
        rec["amount"] += rng.choice((-50, -20, -10, 10, 20, 50)) if rec["amount"] > 50 else 10
        changed.append(rec)
    return write_records(engine, "price", changed).upserted


# -- raw bootstrap -----------------------------------------------------------------------------

def fetch_snapshot(base: str, token: str) -> bytes:
    """The snapshot's bytes as sent (gzip), fetched once."""
    with httpx.Client(timeout=300) as http, http.stream(
            "GET", f"{base}/v1/snapshot", headers={"Authorization": f"Bearer {token}"}) as r:
        r.raise_for_status()
        return b"".join(r.iter_raw())


_RAW_SQL = {
    "product": "INSERT INTO products (id, sku, name_zh, name_en, category, brand, measure, "
               "tax_code, plu, active) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    "barcode": "INSERT OR REPLACE INTO barcodes (gtin, product_id) VALUES (?, ?)",
    "search": "INSERT INTO product_search (rowid, text) VALUES (?, ?)",
    "price": "INSERT INTO prices (id, product_id, price_list, amount, valid_from, valid_to) "
             "VALUES (?, ?, ?, ?, ?, ?)",
    "member": "INSERT INTO members (id, member_no, name_masked, phone_hash, phone_last4, tier, "
              "points, active) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    "stock_level": "INSERT INTO stock_levels (product_id, qty) VALUES (?, ?)",
    "tax_rate": "INSERT INTO tax_rates (code, rate_ppm, name_zh, name_en) VALUES (?, ?, ?, ?)",
    "staff": "INSERT INTO staff (id, name, role, pin_hash, active) VALUES (?, ?, ?, ?, ?)",
    "settings": "INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)",
}


def _raw_rows(entity: str, d: dict[str, Any], out: dict[str, list[Any]]) -> None:
    if entity == "product":
        out["product"].append((d["id"], d["sku"], d["name_zh"], d["name_en"],
                               d.get("category", ""), d.get("brand", ""), d["measure"],
                               d["tax_code"], d.get("plu"), int(d.get("active", True))))
        out["barcode"].extend((int(c), d["id"]) for c in d.get("barcodes", ()))
        out["search"].append((d["id"], product_search_text(d["name_zh"], d["name_en"],
                                                           d.get("brand", ""))))
    elif entity == "price":
        out["price"].append((d["id"], d["product_id"], d.get("price_list", "retail"),
                             d["amount"], d.get("valid_from", 0), d.get("valid_to")))
    elif entity == "member":
        out["member"].append((d["id"], d["member_no"], d.get("name", ""), d.get("phone_hash"),
                              d.get("phone_last4"), d.get("tier", "standard"),
                              d.get("points", 0), int(d.get("active", True))))
    elif entity == "stock_level":
        if d["store_id"] == STORE:
            out["stock_level"].append((d["product_id"], d["qty"]))
    elif entity == "tax_rate":
        out["tax_rate"].append((d["code"], d["rate_ppm"], d.get("name_zh", ""),
                                d.get("name_en", "")))
    elif entity == "staff":
        out["staff"].append((d["id"], d["name"], d["role"], d["pin_hash"],
                             int(d.get("active", True))))
    elif entity == "store_settings":
        out["settings"].extend((k, json.dumps(v, ensure_ascii=False)) for k, v in d.items()
                               if k != "store_id")


def measure_raw_bootstrap(path: Path, body: bytes) -> tuple[float, int]:
    """Decode the same snapshot bytes and insert the same rows: one transaction, no network.

    Bare: ``json.loads`` per line (no validation), tuples, ``executemany`` per table every 5,000
    lines, into the till's schema (indexes and search index in place), ``synchronous=OFF`` and
    the same 64 MiB page cache the bootstrap uses.
    """
    Store.open(path).close()
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = OFF")
    conn.execute("PRAGMA cache_size = -65536")
    t0 = time.perf_counter()
    lines = zlib.decompress(body, 16 + zlib.MAX_WBITS).split(b"\n")
    json.loads(lines[0])
    out: dict[str, list[Any]] = {k: [] for k in _RAW_SQL}
    n = 0
    conn.execute("BEGIN")

    def flush() -> None:
        for table, rows in out.items():
            if rows:
                conn.executemany(_RAW_SQL[table], rows)
                rows.clear()

    for i in range(1, len(lines)):
        line = lines[i]
        if not line:
            continue
        rec = json.loads(line)
        _raw_rows(rec["entity"], rec["data"], out)
        n += 1
        if n % 5_000 == 0:
            flush()
    flush()
    conn.execute("COMMIT")
    elapsed = time.perf_counter() - t0
    conn.close()
    return elapsed, n


# -- selling -----------------------------------------------------------------------------------

class Seller:
    """A cashier at a till: baskets of 1-6 scans, paid cash, completed (posclient's checkout).

    ``pace``: seconds between a cashier's actions (0: as fast as the till goes).
    """

    def __init__(self, db: Path, staff_id: int, pin: str, codes: list[str],
                 rng: random.Random, pace: float = 0.0) -> None:
        self.pace = pace
        self.store = Store.open(db)
        self.term = Terminal(self.store, clock=SystemClock(), payments=SimulatedPaymentTerminal(
            state=simulator_state(self.store.path)))
        session = self.term.staff.login(staff_id, pin)
        if self.term.shifts(session).current() is None:  # selling needs an open shift
            self.term.shifts(session).open({10_000: 1})
        self.checkout = self.term.checkout(session)
        self.codes = codes
        self.rng = rng
        self.scans: list[float] = []
        self.commits: list[float] = []

    def sale(self) -> None:
        co = self.checkout
        for _ in range(self.rng.randint(1, 6)):
            code = self.rng.choice(self.codes)
            if self.pace:
                time.sleep(self.pace)
            t0 = time.perf_counter()
            co.scan(code)
            self.scans.append(time.perf_counter() - t0)
        co.pay_cash(Money(co.payment.due.minor + 10_000, co.settings.currency))
        if self.pace:
            time.sleep(self.pace)
        t0 = time.perf_counter()
        co.complete()
        self.commits.append(time.perf_counter() - t0)

    def close(self) -> None:
        self.store.close()


# -- re-bootstrap while selling -------------------------------------------------------------

def offline_changes(engine: Engine, rng: random.Random, prices: int, renames: int,
                    deletes: int, keep: set[int]) -> dict[str, int]:
    """What changes on the central while a till is offline for a long time."""
    top = central_count(engine, "product")
    pool = [p for p in range(2, top + 1) if p not in keep]
    picked = rng.sample(pool, min(len(pool), renames + deletes))
    renamed = records_of(engine, "product", picked[:renames])
    for rec in renamed:
        rec["name_zh"] = "新品 " + rec["name_zh"]
        rec["name_en"] = "New " + rec["name_en"]
    renamed_n = write_records(engine, "product", renamed).upserted
    deleted = write_records(engine, "product", [],
                            delete=[str(p) for p in picked[renames:]]).deleted
    return {"prices": change_prices(engine, prices, rng), "renamed": renamed_n,
            "deleted": deleted}


def measure_sell_during_rebootstrap(db: Path, tokens: TokenStore, seller: Seller
                                    ) -> tuple[float, int]:
    """Start the engine's cycle (it gets 410 and re-takes the snapshot) in its own thread with
    its own connection, and sell on the same database file until it is done."""
    engine = SyncEngine(db, tokens=tokens, timeout=300)
    outcome: dict[str, Any] = {}

    def cycle() -> None:
        t0 = time.perf_counter()
        try:
            outcome["report"] = engine.run_once()
        except Exception as exc:  # reported below
            outcome["error"] = exc
        outcome["s"] = time.perf_counter() - t0

    thread = threading.Thread(target=cycle, name="posclient-sync")
    thread.start()
    sales = 0
    while thread.is_alive():
        seller.sale()
        sales += 1
    thread.join()
    if "error" in outcome:
        raise RuntimeError(f"the re-bootstrap failed: {outcome['error']}")
    if not outcome["report"].bootstrapped:
        raise RuntimeError("the till did not take a new snapshot (no 410?)")
    return outcome["s"], sales


# -- ingest on PostgreSQL --------------------------------------------------------------------

def pg_problem(url: str) -> str | None:
    import psycopg

    try:
        with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"),
                             connect_timeout=3) as conn:
            conn.execute("SELECT 1")
    except Exception as exc:  # any failure to connect: no PostgreSQL here
        return f"{type(exc).__name__}: {exc}".strip()
    return None


@contextlib.contextmanager
def pg_schema(url: str) -> Iterator[str]:
    """A fresh schema for the benchmark's central, dropped afterwards."""
    import psycopg

    name = f"bench_{uuid.uuid4().hex[:12]}"
    plain = url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(plain, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{name}"')
    sep = "&" if "?" in url else "?"
    try:
        yield f"{url}{sep}options=-csearch_path%3D{name}"
    finally:
        with psycopg.connect(plain, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA "{name}" CASCADE')


def sale_events(templates: list[dict[str, Any]], terminal_id: str, n: int,
                rng: random.Random) -> list[dict[str, Any]]:
    """``n`` sale events of one terminal, from payloads posclient's checkout made."""
    out = []
    at = datetime.now(UTC)
    for seq in range(1, n + 1):
        payload = dict(rng.choice(templates))
        stamp = (at + timedelta(seconds=seq)).strftime("%Y-%m-%dT%H:%M:%S.000Z")
        payload.update(receipt_no=f"{STORE}-{terminal_id}-{seq:06d}", terminal_id=terminal_id,
                       started_at=stamp, completed_at=stamp)
        out.append({"event_id": str(uuid.uuid4()), "terminal_seq": seq, "type": "sale",
                    "occurred_at": stamp, "payload": payload})
    return out


def measure_ingest(url: str, *, products: int, seed: int, terminals: int, per_terminal: int,
                   batch: int, workers: int, templates: list[dict[str, Any]],
                   rng: random.Random) -> dict[str, float]:
    engine = init_central(url)
    t0 = time.perf_counter()
    load_demo(engine, products=products, members=0, now=lambda: datetime.now(UTC),
              store_id=STORE, seed=seed)
    load_s = time.perf_counter() - t0
    engine.dispose()
    with central_server(url, workers=workers) as base:
        tills = []
        for i in range(terminals):
            r = httpx.post(f"{base}/v1/enrol", json={"code": enrolment_code(base),
                                                     "terminal_name": f"lane {i + 1}"},
                           timeout=30)
            r.raise_for_status()
            body = r.json()
            tills.append((body["token"], [
                json.dumps({"events": part}, ensure_ascii=False).encode()
                for events in [sale_events(templates, body["terminal_id"], per_terminal, rng)]
                for part in (events[j:j + batch] for j in range(0, per_terminal, batch))]))
        accepted = [0] * terminals
        problems: list[str] = []
        start = threading.Barrier(terminals + 1)

        def push(i: int, token: str, bodies: list[bytes]) -> None:
            headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
            with httpx.Client(base_url=base, timeout=300, headers=headers) as http:
                start.wait()
                for content in bodies:
                    r = http.post("/v1/events", content=content)
                    if r.status_code != 200:
                        problems.append(f"{r.status_code} {r.text[:200]}")
                        return
                    accepted[i] += sum(1 for x in r.json()["results"]
                                       if x["status"] == "accepted")

        threads = [threading.Thread(target=push, args=(i, token, bodies))
                   for i, (token, bodies) in enumerate(tills)]
        for t in threads:
            t.start()
        start.wait()
        t0 = time.perf_counter()
        for t in threads:
            t.join()
        elapsed = time.perf_counter() - t0
    engine = make_engine(url)
    with engine.connect() as conn:
        stored = int(conn.scalar(select(func.count()).select_from(event_table)) or 0)
    engine.dispose()
    if problems or sum(accepted) != terminals * per_terminal or stored != sum(accepted):
        raise RuntimeError(f"ingest lost events: {sum(accepted)} accepted, {stored} stored, "
                           f"{problems[:3]}")
    return {"ingest_events_per_s": round(sum(accepted) / elapsed, 1),
            "ingest_events": sum(accepted), "ingest_s": round(elapsed, 2),
            "ingest_terminals": terminals, "ingest_batch": batch, "ingest_workers": workers,
            "ingest_products": products, "ingest_load_s": round(load_s, 1)}


# -- main ------------------------------------------------------------------------------------

class _LockLog(logging.Handler):
    """Keeps the engine's figures: its longest write transaction of each snapshot, the
    transaction rebuilding indexes a first start dropped, and its longest page transaction
    of each pull of more than one page."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.max_lock_ms: list[float] = []
        self.index_build_ms: list[float] = []
        self.page_lock_ms: list[float] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        args = record.args or ()
        if message.startswith("snapshot applied"):
            self.max_lock_ms.append(round(float(args[-1]), 1))  # type: ignore[index]
            self.index_build_ms.append(round(float(args[-2]), 1))  # type: ignore[index]
        elif message.startswith("pulled"):
            self.page_lock_ms.append(round(float(args[-1]), 1))  # type: ignore[index]


def run(argv: list[str]) -> dict[str, Any]:
    ap = argparse.ArgumentParser(prog="python -m benchmarks sync")
    ap.add_argument("--products", type=int, default=1_000_000)
    ap.add_argument("--members", type=int, default=1_000_000)
    ap.add_argument("--stores", type=int, default=10,
                    help="stores the chain's members belong to (the till's store keeps its own)")
    ap.add_argument("--prices", type=int, default=10_000, help="price changes for the delta")
    ap.add_argument("--sales", type=int, default=10_000, help="queued sales to drain")
    ap.add_argument("--renames", type=int, default=1_000,
                    help="products renamed while the re-bootstrapping till was offline")
    ap.add_argument("--deletes", type=int, default=100,
                    help="products deleted while the re-bootstrapping till was offline")
    ap.add_argument("--idle-sales", type=int, default=300)
    ap.add_argument("--pace-ms", type=float, default=20,
                    help="a cashier's time between actions while the till re-bootstraps")
    ap.add_argument("--skip-pg", action="store_true", help="leave out the PostgreSQL ingest")
    ap.add_argument("--pg-url", default=PG_URL)
    ap.add_argument("--terminals", type=int, default=50)
    ap.add_argument("--ingest-events", type=int, default=400, help="events per terminal")
    ap.add_argument("--ingest-batch", type=int, default=50)
    ap.add_argument("--ingest-workers", type=int, default=2,
                    help="uvicorn worker processes of the PostgreSQL central")
    ap.add_argument("--ingest-products", type=int, default=None,
                    help="catalogue of the PostgreSQL central (default: --products)")
    ap.add_argument("--json", type=Path, help="write the results here too")
    ap.add_argument("--workdir", type=Path, help="where the databases go (default: a temp dir)")
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args(argv)

    if not args.skip_pg and (problem := pg_problem(args.pg_url)):
        raise SystemExit(f"PostgreSQL at {args.pg_url} does not answer ({problem}); "
                         "use --skip-pg to leave the ingest out")
    work = args.workdir or Path(tempfile.mkdtemp(prefix="posbench-sync-"))
    work.mkdir(parents=True, exist_ok=True)
    rng = random.Random(args.seed)
    results: dict[str, Any] = {"products": args.products, "members": args.members}
    locks = _LockLog()
    logging.getLogger("sync.engine").addHandler(locks)
    logging.getLogger("sync.engine").setLevel(logging.INFO)
    try:
        url = f"sqlite:///{work / 'central.db'}"
        log(f"central on SQLite: demo store of {args.products:,} products, "
            f"{args.members:,} members")
        central = init_central(url)
        t0 = time.perf_counter()
        demo = load_demo(central, products=args.products, members=args.members,
                         now=lambda: datetime.now(UTC), store_id=STORE, seed=args.seed)
        results["central_load_s"] = round(time.perf_counter() - t0, 1)
        results["chain_members"] = args.members
        results["stores"] = args.stores
        own_members = spread_members(central, args.stores)
        pins = {s.staff_id: s.pin for s in demo.staff}
        tokens = TokenStore(MemoryKeyring())
        with central_server(url) as base:
            log("the snapshot, fetched once, decoded and inserted bare")
            raw_db = work / "raw.db"
            body = fetch_snapshot(base, till_token(new_till(work / "fetch.db", base, tokens),
                                                   tokens))
            decoded = zlib.decompress(body, 16 + zlib.MAX_WBITS)
            results["snapshot_mb"] = round(len(body) / 1_000_000, 2)
            results["snapshot_raw_mb"] = round(len(decoded) / 1_000_000, 2)
            results["snapshot_member_rows"] = decoded.count(b'{"entity":"member"')
            del decoded
            if results["snapshot_member_rows"] != own_members:
                raise RuntimeError(f"the snapshot has {results['snapshot_member_rows']} "
                                   f"members, the store {own_members}")
            log(f"members per store: {own_members:,} of the chain's {args.members:,}; the "
                "same snapshot with every member, for comparison")
            all_gz, all_raw = measure_all_members_snapshot(central, base, work, tokens)
            results["snapshot_all_members_mb"] = round(all_gz / 1_000_000, 2)
            results["snapshot_all_members_raw_mb"] = round(all_raw / 1_000_000, 2)
            results["first_sync_smaller_pct"] = round(100 * (1 - len(body) / all_gz), 1)
            raw_s, raw_records = measure_raw_bootstrap(raw_db, body)
            del body
            raw_db.unlink()
            results["raw_bootstrap_s"] = round(raw_s, 2)

            log("bootstrap of a new till over HTTP")
            db = work / "till.db"
            till = new_till(db, base, tokens)
            t0 = time.perf_counter()
            report = till.run_once()
            results["bootstrap_s"] = round(time.perf_counter() - t0, 2)
            results["bootstrap_records"] = report.applied
            results["bootstrap_ratio"] = round(results["bootstrap_s"] / raw_s, 2)
            results["bootstrap_max_lock_ms"] = locks.max_lock_ms[-1] if locks.max_lock_ms else 0
            results["bootstrap_index_build_ms"] = (locks.index_build_ms[-1]
                                                   if locks.index_build_ms else 0)
            log(f"bootstrap {results['bootstrap_s']} s, raw {results['raw_bootstrap_s']} s, "
                f"{report.applied:,} records")
            if report.applied != raw_records:
                raise RuntimeError(f"bootstrap applied {report.applied} records, the snapshot "
                                   f"has {raw_records}")
            with Store.open(db) as s:
                products = s.conn.execute("SELECT count(*) FROM products").fetchone()[0]
                results["till_db_mb"] = round(s.file_size_mb(), 1)
            if products != args.products:
                raise RuntimeError(f"the till has {products} products, not {args.products}")

            log(f"{args.prices:,} price changes on the central, then one cycle")
            changed = change_prices(central, args.prices, rng)
            locks.page_lock_ms.clear()
            t0 = time.perf_counter()
            report = till.run_once()
            results["delta_10k_prices_s"] = round(time.perf_counter() - t0, 3)
            results["delta_prices"] = changed
            results["delta_max_lock_ms"] = locks.page_lock_ms[-1] if locks.page_lock_ms else 0
            log(f"delta {results['delta_10k_prices_s']} s")
            if report.applied < changed:
                raise RuntimeError(f"the delta applied {report.applied} of {changed} changes")

            log(f"{args.sales:,} sales while offline, then one cycle uploads them")
            with Store.open(db) as s:
                codes = sample_codes(s.conn, 2_000, rng)
            seller = Seller(db, 1001, pins[1001], codes, rng)
            t0 = time.perf_counter()
            for _ in range(args.sales):
                seller.sale()
            results["sales_rung_up_s"] = round(time.perf_counter() - t0, 1)
            templates = [json.loads(r[0]) for r in seller.store.conn.execute(
                "SELECT payload FROM outbox WHERE type = 'sale' LIMIT 2000")]
            results["sale_payload_bytes"] = int(seller.store.conn.execute(
                "SELECT avg(length(payload)) FROM outbox WHERE type = 'sale'").fetchone()[0])
            pending = seller.store.conn.execute(  # the sales, and the shift's opening
                "SELECT count(*) FROM outbox WHERE status != 'sent'").fetchone()[0]
            locks.page_lock_ms.clear()
            t0 = time.perf_counter()
            report = till.run_once()
            results["drain_10k_events_s"] = round(time.perf_counter() - t0, 2)
            results["drain_events"] = report.pushed
            results["drain_max_lock_ms"] = locks.page_lock_ms[-1] if locks.page_lock_ms else 0
            log(f"drain {results['drain_10k_events_s']} s")
            waiting = seller.store.conn.execute(
                "SELECT count(*) FROM outbox WHERE status != 'sent'").fetchone()[0]
            if report.pushed != pending or pending < args.sales or waiting:
                raise RuntimeError(f"the drain pushed {report.pushed}, {waiting} left")

            log(f"selling with no sync running ({args.idle_sales} sales)")
            seller.pace = args.pace_ms / 1000
            seller.scans, seller.commits = [], []
            for _ in range(args.idle_sales):
                seller.sale()
            results["commit_p99_idle_ms"] = p99(seller.commits)
            results["scan_p99_idle_ms"] = p99(seller.scans)

            log("offline changes on the central, feed pruned: the till gets 410")
            with Store.open(db) as s:  # the products the cashier scans are not deleted
                sold = {r[0] for r in s.conn.execute(
                    "SELECT product_id FROM barcodes WHERE gtin IN "
                    "(SELECT value FROM json_each(?))", (json.dumps([int(c) for c in codes]),))}
            changes = offline_changes(central, rng, args.prices, args.renames, args.deletes,
                                      keep=sold)
            with central.connect() as conn:
                head = feed.feed_state(conn).last_seq
            t0 = time.perf_counter()
            feed.prune_changes(central, head + 1)
            results["prune_s"] = round(time.perf_counter() - t0, 1)
            log("re-bootstrap in the engine's thread while the till sells")
            seller.scans, seller.commits = [], []
            took, sales = measure_sell_during_rebootstrap(db, tokens, seller)
            results["rebootstrap_s"] = round(took, 2)
            results["rebootstrap_changes"] = changes
            results["rebootstrap_max_lock_ms"] = locks.max_lock_ms[-1]
            results["sales_during_sync"] = sales
            results["commit_p99_during_sync_ms"] = p99(seller.commits)
            results["commit_median_during_sync_ms"] = median_ms(seller.commits)
            results["scan_p99_during_sync_ms"] = p99(seller.scans)
            results["scan_median_during_sync_ms"] = median_ms(seller.scans)
            results["scans_during_sync"] = len(seller.scans)
            log(f"re-bootstrap {took:.1f} s; scan p99 {results['scan_p99_during_sync_ms']} ms, "
                f"commit p99 {results['commit_p99_during_sync_ms']} ms")
            seller.close()
            _check_rebootstrap(db, central, changes)
        central.dispose()

        if args.skip_pg:
            log("PostgreSQL ingest skipped (--skip-pg)")
        else:
            n = args.ingest_products or args.products
            log(f"ingest: central on PostgreSQL ({n:,} products, {args.ingest_workers} "
                f"workers), {args.terminals} terminals")
            with pg_schema(args.pg_url) as pg:
                results.update(measure_ingest(
                    pg, products=n, seed=args.seed, terminals=args.terminals,
                    per_terminal=args.ingest_events, batch=args.ingest_batch,
                    workers=args.ingest_workers, templates=templates, rng=rng))
    finally:
        logging.getLogger("sync.engine").removeHandler(locks)
        if args.workdir is None:
            shutil.rmtree(work, ignore_errors=True)
    text = json.dumps(results, indent=2, ensure_ascii=False)
    print(text)
    if args.json:
        args.json.write_text(text + "\n")
    return results


def _check_rebootstrap(db: Path, central: Engine, changes: dict[str, int]) -> None:
    """The re-bootstrapped till holds the central's catalogue (counts and the changes)."""
    with Store.open(db) as s:
        c = s.conn
        till = {e: c.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                for e, t in (("product", "products"), ("price", "prices"),
                             ("member", "members"))}
        renamed = c.execute("SELECT count(*) FROM products WHERE name_en LIKE 'New %'"
                            ).fetchone()[0]
    with central.connect() as conn:  # the store's members only (issue 17)
        own = int(conn.scalar(select(func.count()).select_from(member_stores)
                              .where(member_stores.c.store_id == STORE)) or 0)
    for entity, n in till.items():
        expected = own if entity == "member" else central_count(central, entity)
        if n != expected:
            raise RuntimeError(f"after the re-bootstrap the till has {n} {entity} rows, the "
                               f"central {expected}")
    if renamed < changes["renamed"]:
        raise RuntimeError(f"only {renamed} of {changes['renamed']} renamed products arrived")

