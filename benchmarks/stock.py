"""One stock across channels (issue 18): availability, reservations and a till's sale seen
from the web, on a PostgreSQL central with 1,000,000 products and 100 stores.

    python -m benchmarks stock --json out.json
    python -m benchmarks stock --products 20000 --stores 5 --json out.json   # smaller

The central is the real service (``python -m sync.central serve --workers N``, N the
machine's cores unless ``--workers`` says otherwise) in its own processes on 127.0.0.1; the
clients are this process. The catalogue is loaded in bulk: one product written through the
central's services is the template of the others (``INSERT ... SELECT`` over
``generate_series``), and every store gets a level for every product (``--stocked`` per
store), so ``stock_levels`` holds ``stores x stocked`` rows. Keys:

- availability_p50_ms / availability_p99_ms: ``POST /v1/availability`` for a basket of
  ``--lines`` random SKUs at one random store, over HTTP, one request at a time
  (availability_concurrency 1: one client in a loop);
  raw_availability_p99_ms: the same basket as one bare SQL query (the SKUs' products joined
  to their levels at the store), on one psycopg connection, in the same run;
- reserve_per_s: ``--clients`` concurrent clients (threads, one HTTP connection each), each
  holding ``--reserve-lines`` random products at a random store (``POST /v1/reservations``),
  ``--reservations`` in all, kept: holds made per second (a checkout's reservation is then
  confirmed, released or left to expire: those are other calls); reserve_p99_ms: one hold's
  time; release_per_s: the same holds released afterwards, the same clients at once;
  central_cpu_ms_per_reservation / _per_release: the CPU time the central's processes spent
  per hold / per release (and central_cpu_ms_per_availability per answer);
  postgres_cpu_ms_per_*: the same for the PostgreSQL backends serving the central (0 when
  PostgreSQL is on another machine); client_cpu_ms_per_*: this process's (the clients').
  On one machine the ceiling is about cores x 1000 / (their sum);
- oversold: ``--clients`` clients released at once, each holding one unit of the same product
  at one store, which has ``--race-units`` left: units promised beyond them (must be 0);
  race_reserved: units held (must be ``--race-units``);
- till_to_web_p50_s / till_to_web_p95_s: a real till database enrolled at the central (its
  snapshot of the whole catalogue taken first: till_bootstrap_s), its sync engine started as
  the window starts it; a cashier completes ``--sales`` sales through posclient's checkout and
  the after-sale steps (which nudge the engine); the time from the sale's commit until the
  central's availability shows the lower level (polled every 20 ms).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import subprocess
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import Engine, text

from benchmarks.sync import (
    ADMIN_TOKEN,
    PG_URL,
    central_server,
    enrolment_code,
    init_central,
    log,
    median_ms,
    p99,
    pg_problem,
    pg_schema,
)
from sync.central import entities, feed, identity

STORE_ID = "S{:03d}"
FIRST_ID = 10_000_000  # product ids FIRST_ID + 1 .. FIRST_ID + products; SKU "K" + the id
TEMPLATE_ID = 19_999_999  # the template product: its digits are replaced in bulk
TILL_STORE = "S001"
TILL_PRODUCTS = 20  # the products the till sells (priced)
CASHIER, CASHIER_PIN = 1001, "1111"
ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}


def percentile(samples: list[float], q: float) -> float:
    s = sorted(samples)
    return s[min(len(s) - 1, int(len(s) * q))] if s else 0.0


# -- loading -----------------------------------------------------------------------------------

def load_chain(engine: Engine, *, products: int, stores: int, stocked: int,
               base_qty: int) -> dict[str, float]:
    """The stores, the catalogue and every store's levels, in bulk (module docstring)."""
    t0 = time.perf_counter()
    now = datetime.now(UTC)
    with feed.transaction(engine, now) as tx:
        for n in range(1, stores + 1):
            identity.create_store(tx, STORE_ID.format(n), f"门店{n}", f"Store {n}",
                                  {"require_shift": False})
        identity.create_staff(tx, staff_id=CASHIER, name="李娜", role="cashier",
                              pin=CASHIER_PIN, store_id=TILL_STORE)
        tx.conn.execute(text("UPDATE stores SET group_id = 'chain'"))
        report = entities.upsert_records(tx, "tax_rate", enumerate([{
            "code": "VAT13", "rate_ppm": 130_000, "name_zh": "增值税13%",
            "name_en": "VAT 13%"}]))
        report.add(entities.upsert_records(tx, "product", enumerate([{
            "id": TEMPLATE_ID, "sku": f"K{TEMPLATE_ID}", "name_zh": f"商品{TEMPLATE_ID}",
            "name_en": f"Item {TEMPLATE_ID}", "measure": "each", "tax_code": "VAT13",
            "category": "grocery"}])))
    if report.rejected:
        raise RuntimeError(f"the central refused the template: {report.rejected}")
    with engine.begin() as conn:
        token, pid = str(TEMPLATE_ID), f"({FIRST_ID} + g)::text"
        conn.execute(text(
            "INSERT INTO entities (entity, key, scope, parent, data, updated_at) "
            f"SELECT e.entity, {pid}, e.scope, e.parent, replace(e.data, :t, {pid}), "
            "e.updated_at FROM entities e, generate_series(1, :n) g "
            "WHERE e.entity = 'product' AND e.key = :t"), {"t": token, "n": products})
        conn.execute(text(
            "INSERT INTO entity_uniques (entity, value, key) "
            f"SELECT u.entity, replace(u.value, :t, {pid}), {pid} "
            "FROM entity_uniques u, generate_series(1, :n) g "
            "WHERE u.entity = 'product' AND u.key = :t"), {"t": token, "n": products})
        for table in ("entity_uniques", "entities"):
            conn.execute(text(f"DELETE FROM {table} WHERE entity = 'product' AND key = :t"),
                         {"t": token})
    catalogue_s = time.perf_counter() - t0
    log(f"{products:,} products in {catalogue_s:.1f} s")
    t1 = time.perf_counter()
    with engine.begin() as conn:  # the levels' indexes rebuilt once, after the rows
        conn.execute(text("ALTER TABLE stock_levels DROP CONSTRAINT stock_levels_pkey"))
        conn.execute(text("DROP INDEX stock_levels_product"))
    for n in range(1, stores + 1):
        with engine.begin() as conn:
            conn.execute(text("SET LOCAL session_replication_role = replica"))  # no FK checks
            conn.execute(text(
                "INSERT INTO stock_levels (store_id, product_id, qty, updated_at, held) "
                f"SELECT :s, {FIRST_ID} + g, :q + g % 50, now(), 0 "
                "FROM generate_series(1, :n) g"),
                {"s": STORE_ID.format(n), "n": stocked, "q": base_qty})
        if n % 10 == 0 or n == stores:
            log(f"levels: {n}/{stores} stores ({time.perf_counter() - t1:.0f} s)")
    with engine.begin() as conn:
        conn.execute(text("SET LOCAL maintenance_work_mem = '512MB'"))
        conn.execute(text("ALTER TABLE stock_levels ADD PRIMARY KEY (store_id, product_id)"))
        conn.execute(text("CREATE INDEX stock_levels_product ON stock_levels (product_id)"))
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE stock_levels"))
        conn.execute(text("ANALYZE entities"))
        conn.execute(text("ANALYZE entity_uniques"))
    levels_s = time.perf_counter() - t1
    log(f"{stores * stocked:,} levels in {levels_s:.1f} s")
    return {"load_catalogue_s": round(catalogue_s, 1), "load_levels_s": round(levels_s, 1),
            "stock_level_rows": stores * stocked}


def price_till_products(engine: Engine) -> list[str]:
    """Prices for the products the till sells: their SKUs."""
    ids = [FIRST_ID + n for n in range(1, TILL_PRODUCTS + 1)]
    with feed.transaction(engine, datetime.now(UTC)) as tx:
        report = entities.upsert_records(tx, "price", enumerate([
            {"id": n, "product_id": pid, "price_list": "retail", "amount": 350 + n,
             "valid_from": 0} for n, pid in enumerate(ids, start=1)]))
    if report.rejected:
        raise RuntimeError(f"the central refused the prices: {report.rejected[:3]}")
    return [f"K{pid}" for pid in ids]


# -- availability ------------------------------------------------------------------------------

def basket(rng: random.Random, stocked: int, lines: int) -> list[str]:
    return [f"K{FIRST_ID + p}" for p in rng.sample(range(1, stocked + 1), lines)]


RAW_AVAILABILITY = (
    "SELECT u.value, l.qty, l.held FROM entity_uniques u "
    "LEFT JOIN stock_levels l ON l.store_id = %s AND l.product_id = u.key::bigint "
    "WHERE u.entity = 'product' AND u.value = ANY(%s)")


def measure_availability(base: str, url: str, *, stores: int, stocked: int, lines: int,
                         runs: int, rng: random.Random) -> dict[str, float]:
    import psycopg

    asks = [(STORE_ID.format(rng.randint(1, stores)), basket(rng, stocked, lines))
            for _ in range(runs)]
    http_s: list[float] = []
    cpu0 = time.process_time()
    with httpx.Client(base_url=base, headers=ADMIN, timeout=30) as http:
        for warm in (True, False):
            for store, skus in asks[:50] if warm else asks:
                body = {"store_id": store, "lines": [{"sku": s, "qty": 1} for s in skus]}
                t0 = time.perf_counter()
                r = http.post("/v1/availability", json=body)
                took = time.perf_counter() - t0
                if r.status_code != 200 or len(r.json()["stores"][0]["lines"]) != lines:
                    raise RuntimeError(f"availability: {r.status_code} {r.text[:300]}")
                if not warm:
                    http_s.append(took)
    client_cpu = time.process_time() - cpu0
    raw_s: list[float] = []
    with psycopg.connect(_plain(url), autocommit=True) as conn:
        for warm in (True, False):
            for store, skus in asks[:50] if warm else asks:
                values = [f"sku:{s}" for s in skus]
                t0 = time.perf_counter()
                rows = conn.execute(RAW_AVAILABILITY, (store, values)).fetchall()
                took = time.perf_counter() - t0
                if len(rows) != lines:
                    raise RuntimeError(f"raw availability found {len(rows)} of {lines}")
                if not warm:
                    raw_s.append(took)
    return {"availability_p50_ms": median_ms(http_s), "availability_p99_ms": p99(http_s),
            "raw_availability_p50_ms": median_ms(raw_s), "raw_availability_p99_ms": p99(raw_s),
            "availability_runs": runs, "availability_lines": lines,
            "availability_concurrency": 1,  # one client, one request at a time
            "client_cpu_ms_per_availability": round(client_cpu * 1000 / (runs + 50), 2)}


def _plain(url: str) -> str:
    """A libpq URL (psycopg) from the SQLAlchemy one; the schema's search_path stays."""
    return url.replace("postgresql+psycopg://", "postgresql://")


# -- reservations ------------------------------------------------------------------------------

def _reserve(http: httpx.Client, store: str, lines: list[dict[str, Any]]) -> httpx.Response:
    return http.post("/v1/reservations", json={
        "request_id": str(uuid.uuid4()), "store_id": store, "lines": lines,
        "hold_seconds": 900})


def _connect(http: httpx.Client, i: int) -> None:
    """Client ``i`` connects a moment after the one before it, so that the central's worker
    processes share the connections (a burst of connections goes to the first worker that
    wakes; each keeps its connection for the whole run)."""
    time.sleep(0.02 * i)
    http.get("/v1/health").raise_for_status()


def _at_once(clients: int, work: Callable[[int, httpx.Client], None], base: str
             ) -> tuple[float, float]:
    """``work(i, http)`` on ``clients`` threads (one connection each), released together:
    the wall time and this process's CPU time (the clients') of the whole."""
    start = threading.Barrier(clients + 1)

    def client(i: int) -> None:
        with httpx.Client(base_url=base, headers=ADMIN, timeout=60) as http:
            _connect(http, i)
            start.wait()
            work(i, http)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    start.wait()
    t0, cpu0 = time.perf_counter(), time.process_time()
    for t in threads:
        t.join()
    return time.perf_counter() - t0, time.process_time() - cpu0


def measure_reserve(base: str, *, clients: int, total: int, stores: int, stocked: int,
                    lines: int, seed: int) -> tuple[dict[str, float], list[str]]:
    """Holds, ``clients`` at once (module docstring), kept: the figures, and the holds' ids
    (:func:`measure_release` gives them up)."""
    per = max(1, total // clients)
    holds: list[list[float]] = [[] for _ in range(clients)]
    ids: list[list[str]] = [[] for _ in range(clients)]
    problems: list[str] = []

    def work(i: int, http: httpx.Client) -> None:
        rng = random.Random(seed * 1000 + i)
        for _ in range(per):
            store = STORE_ID.format(rng.randint(1, stores))
            wanted = [{"product_id": FIRST_ID + p, "qty": 1}
                      for p in rng.sample(range(1, stocked + 1), lines)]
            t0 = time.perf_counter()
            r = _reserve(http, store, wanted)
            holds[i].append(time.perf_counter() - t0)
            if r.status_code != 201:
                problems.append(f"hold {r.status_code} {r.text[:200]}")
                return
            ids[i].append(r.json()["reservation_id"])

    elapsed, client_cpu = _at_once(clients, work, base)
    if problems:
        raise RuntimeError(f"reservations failed: {problems[:3]}")
    made = [s for h in holds for s in h]
    return ({"reserve_per_s": round(len(made) / elapsed, 1),
             "reserve_p50_ms": median_ms(made), "reserve_p99_ms": p99(made),
             "reservations": len(made), "reserve_clients": clients, "reserve_lines": lines,
             "client_cpu_ms_per_reservation": round(client_cpu * 1000 / len(made), 2)},
            [r for part in ids for r in part])


def measure_release(base: str, ids: list[str], *, clients: int) -> dict[str, float]:
    """The holds given up again, ``clients`` at once: releases per second."""
    problems: list[str] = []

    def work(i: int, http: httpx.Client) -> None:
        for rid in ids[i::clients]:
            rel = http.post(f"/v1/reservations/{rid}/release")
            if rel.status_code != 200 or rel.json()["status"] != "released":
                problems.append(f"release {rel.status_code} {rel.text[:200]}")
                return

    elapsed, client_cpu = _at_once(clients, work, base)
    if problems:
        raise RuntimeError(f"releases failed: {problems[:3]}")
    return {"release_per_s": round(len(ids) / elapsed, 1),
            "client_cpu_ms_per_release": round(client_cpu * 1000 / len(ids), 2)}


def measure_race(base: str, engine: Engine, *, clients: int, units: int) -> dict[str, int]:
    """``clients`` at once for the last ``units`` of one product at one store."""
    product, store = FIRST_ID + 1, STORE_ID.format(1)
    with engine.begin() as conn:
        conn.execute(text("UPDATE stock_levels SET qty = :u, held = 0 "
                          "WHERE store_id = :s AND product_id = :p"),
                     {"u": units, "s": store, "p": product})
    answers: list[int] = []
    start = threading.Barrier(clients)

    def client(i: int) -> None:
        with httpx.Client(base_url=base, headers=ADMIN, timeout=60) as http:
            _connect(http, i)
            start.wait()
            answers.append(_reserve(http, store, [{"product_id": product, "qty": 1}])
                           .status_code)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    held = sum(1 for a in answers if a == 201)
    refused = sum(1 for a in answers if a == 409)
    if held + refused != clients:
        raise RuntimeError(f"the race had other answers: {sorted(set(answers))}")
    with engine.connect() as conn:
        stored = int(conn.scalar(text(
            "SELECT held FROM stock_levels WHERE store_id = :s AND product_id = :p"),
            {"s": store, "p": product}) or 0)
    if stored != held:
        raise RuntimeError(f"{held} reservations made but {stored} units held")
    return {"oversold": max(0, held - units), "race_reserved": held, "race_units": units,
            "race_clients": clients}


# -- a till's sale seen from the web -----------------------------------------------------------

def measure_till_to_web(base: str, work: Path, *, sales: int, skus: list[str],
                        rng: random.Random) -> dict[str, float]:
    from posclient.app.after_sale import AfterSale
    from posclient.app.terminal import Terminal
    from posclient.devices.payment import SimulatedPaymentTerminal
    from posclient.domain.money import Money
    from posclient.store.db import Store
    from sync.credentials import MemoryKeyring, TokenStore
    from sync.engine import SyncEngine
    from sync.enrol import enrol

    path = work / "till.db"
    tokens = TokenStore(MemoryKeyring())
    Store.open(path).close()
    enrol(path, base, enrolment_code(base, TILL_STORE), "till", tokens=tokens)
    engine = SyncEngine(path, tokens=tokens, timeout=300)
    t0 = time.perf_counter()
    engine.run_once()  # the first start: the whole catalogue
    bootstrap_s = time.perf_counter() - t0
    log(f"the till took its snapshot in {bootstrap_s:.1f} s")
    store = Store.open(path)
    seen: list[float] = []
    try:
        term = Terminal(store, payments=SimulatedPaymentTerminal())
        checkout = term.checkout(term.staff.login(CASHIER, CASHIER_PIN))
        after = AfterSale(term.receipts, term.drawer, engine)
        engine.start()  # as the window starts it (its timer, nudged after each sale)
        time.sleep(1.0)
        with httpx.Client(base_url=base, headers=ADMIN, timeout=30) as http:
            for _ in range(sales):
                sku = rng.choice(skus)
                before = _on_hand(http, sku)
                checkout.scan(sku)
                checkout.pay_cash(Money(checkout.payment.due.minor, "CNY"))
                sale = checkout.complete()
                sold_at = time.perf_counter()
                after.run(sale, None, "en")
                seen.append(_until_below(http, sku, before, sold_at))
                time.sleep(rng.uniform(0.1, 0.5))  # the next customer
    finally:
        engine.stop()
        store.close()
    return {"till_to_web_p50_s": round(percentile(seen, 0.5), 3),
            "till_to_web_p95_s": round(percentile(seen, 0.95), 3),
            "till_to_web_max_s": round(max(seen), 3), "till_sales": len(seen),
            "till_bootstrap_s": round(bootstrap_s, 1)}


def _on_hand(http: httpx.Client, sku: str) -> int:
    r = http.post("/v1/availability", json={"store_id": TILL_STORE, "lines": [{"sku": sku}]})
    r.raise_for_status()
    return int(r.json()["stores"][0]["lines"][0]["on_hand"])


def _until_below(http: httpx.Client, sku: str, before: int, since: float,
                 limit_s: float = 60.0) -> float:
    while time.perf_counter() - since < limit_s:
        if _on_hand(http, sku) < before:
            return time.perf_counter() - since
        time.sleep(0.02)
    raise RuntimeError(f"the sale of {sku} did not reach the central within {limit_s} s")


# -- the central's CPU -------------------------------------------------------------------------

def central_pids(base: str) -> list[int]:
    """The central's processes serving ``base``: ``serve`` and its worker processes."""
    port = base.rsplit(":", 1)[1]
    stats: dict[int, int] = {}
    serve: list[int] = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            args = (entry / "cmdline").read_bytes().split(b"\0")
            ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        stats[int(entry.name)] = ppid
        if b"sync.central" in args and b"--port" in args and port.encode() in args:
            serve.append(int(entry.name))
    return serve + [pid for pid, ppid in stats.items() if ppid in serve]


def cpu_s(pids: list[int]) -> float:
    """User and system CPU seconds the processes used so far (Linux ``/proc``)."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime (clock ticks)
    return total / os.sysconf("SC_CLK_TCK")


class PgCpu:
    """The CPU time of the PostgreSQL backends serving the central (its connections carry
    ``application_name``), when PostgreSQL runs on this machine (else 0): read at the start of
    a phase and at its end; a backend opened meanwhile counts from zero."""

    def __init__(self, url: str, app: str) -> None:
        self.url, self.app = _plain(url), app
        self.start: dict[int, float] = {}

    def _now(self) -> dict[int, float]:
        import psycopg

        with psycopg.connect(self.url, autocommit=True) as conn:
            pids = [int(r[0]) for r in conn.execute(
                "SELECT pid FROM pg_stat_activity WHERE application_name = %s", (self.app,))]
        return {pid: cpu_s([pid]) for pid in pids}

    def begin(self) -> None:
        self.start = self._now()

    def end(self) -> float:
        return sum(t - self.start.get(pid, 0.0) for pid, t in self._now().items())


# -- main --------------------------------------------------------------------------------------

def machine() -> dict[str, Any]:
    up = subprocess.run(["uptime"], capture_output=True, text=True, check=False).stdout.strip()
    return {"cores": os.cpu_count(), "load_avg": [round(x, 2) for x in os.getloadavg()],
            "uptime": up, "python": platform.python_version(), "platform": platform.platform(),
            "at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")}


def run(argv: list[str]) -> dict[str, Any]:
    ap = argparse.ArgumentParser(prog="python -m benchmarks stock")
    ap.add_argument("--products", type=int, default=1_000_000)
    ap.add_argument("--stores", type=int, default=100)
    ap.add_argument("--stocked", type=int, default=None,
                    help="products with a level at each store (default: every product)")
    ap.add_argument("--lines", type=int, default=20, help="lines of the availability basket")
    ap.add_argument("--lookups", type=int, default=2_000, help="availability requests")
    ap.add_argument("--clients", type=int, default=50, help="concurrent reserving clients")
    ap.add_argument("--reservations", type=int, default=5_000)
    ap.add_argument("--reserve-lines", type=int, default=3)
    ap.add_argument("--race-units", type=int, default=10)
    ap.add_argument("--sales", type=int, default=50)
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 2,
                    help="the central's worker processes (default: the machine's cores)")
    ap.add_argument("--seed", type=int, default=18)
    ap.add_argument("--workdir", type=Path, default=None,
                    help="where the till's database goes (default: a temp dir, removed)")
    ap.add_argument("--json", type=Path, default=None)
    args = ap.parse_args(argv)
    stocked = min(args.stocked or args.products, args.products)
    problem = pg_problem(PG_URL)
    if problem is not None:
        raise SystemExit(f"PostgreSQL does not answer at POSCLIENT_PG_URL ({problem})")
    rng = random.Random(args.seed)
    work = args.workdir or Path(tempfile.mkdtemp(prefix="posbench-stock-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        return _run(args, stocked, rng, work)
    finally:
        if args.workdir is None:
            shutil.rmtree(work, ignore_errors=True)


def _run(args: argparse.Namespace, stocked: int, rng: random.Random,
         work: Path) -> dict[str, Any]:
    results: dict[str, Any] = {"products": args.products, "stores": args.stores,
                               "machine_before": machine()}
    with pg_schema(PG_URL) as url:
        engine = init_central(url)
        results.update(load_chain(engine, products=args.products, stores=args.stores,
                                  stocked=stocked, base_qty=1_000))
        skus = price_till_products(engine)
        app = f"posbench-central-{uuid.uuid4().hex[:8]}"  # its PostgreSQL backends' name
        pg = PgCpu(url, app)
        with central_server(f"{url}&application_name={app}", workers=args.workers) as base:
            results["central_workers"] = args.workers
            pids = central_pids(base)
            cpu0 = cpu_s(pids)
            pg.begin()
            results.update(measure_availability(base, url, stores=args.stores, stocked=stocked,
                                                lines=args.lines, runs=args.lookups, rng=rng))
            cpu1, pg_avail = cpu_s(pids), pg.end()
            log(f"availability p99 {results['availability_p99_ms']} ms")
            pg.begin()
            held, ids = measure_reserve(base, clients=args.clients, total=args.reservations,
                                        stores=args.stores, stocked=stocked,
                                        lines=args.reserve_lines, seed=args.seed)
            results.update(held)
            cpu2, pg_reserve = cpu_s(pids), pg.end()
            log(f"{results['reserve_per_s']} reservations/s")
            pg.begin()
            results.update(measure_release(base, ids, clients=args.clients))
            cpu3, pg_release = cpu_s(pids), pg.end()
            log(f"{results['release_per_s']} releases/s")
            asked = args.lookups + 50  # with the 50 to warm up
            results["central_cpu_ms_per_availability"] = round((cpu1 - cpu0) * 1000 / asked, 2)
            results["postgres_cpu_ms_per_availability"] = round(pg_avail * 1000 / asked, 2)
            made = results["reservations"]
            results["central_cpu_ms_per_reservation"] = round((cpu2 - cpu1) * 1000 / made, 2)
            results["postgres_cpu_ms_per_reservation"] = round(pg_reserve * 1000 / made, 2)
            results["central_cpu_ms_per_release"] = round((cpu3 - cpu2) * 1000 / made, 2)
            results["postgres_cpu_ms_per_release"] = round(pg_release * 1000 / made, 2)
            results.update(measure_race(base, engine, clients=args.clients,
                                        units=args.race_units))
            log(f"race: {results['race_reserved']} held of {args.race_units}")
            results.update(measure_till_to_web(base, work, sales=args.sales, skus=skus,
                                               rng=rng))
            log(f"till to web p95 {results['till_to_web_p95_s']} s")
        engine.dispose()
    results["machine_after"] = machine()
    print(json.dumps(results, indent=2))
    if args.json is not None:
        args.json.write_text(json.dumps(results, indent=2) + "\n")
    return results
