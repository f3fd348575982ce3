"""Checkout at scale: a 1,000,000-product store, against bare SQLite figures from the same run.

    python -m benchmarks checkout --products 1000000 --json out.json

Keys (each measured in this run, so the ratios hold on a noisy machine):
- generate_s / raw_insert_s: building the demo store vs a bare executemany of the same rows
- db_mb: the database with its search index, after a checkpoint
- startup_rss_mb: resident memory of a new process that opened the database ready to sell
- scan_p99_ms / raw_scan_p99_ms: barcode to a priced cart line vs a bare indexed look-up
- search_p99_ms / raw_search_p99_ms: name search (LIMIT 50, ranked) vs a bare unranked MATCH
- commit_p99_ms / raw_commit_p99_ms: completing a 5-line cash sale vs a bare transaction
  inserting the same rows with the same pragmas
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from posclient.app.demo_data import build_demo_store, demo_rows
from posclient.app.terminal import Terminal
from posclient.assets import demo_document
from posclient.devices.payment import SimulatedPaymentTerminal, simulator_state
from posclient.domain.barcode import gtin_display
from posclient.domain.money import Money
from posclient.store.db import Store, configure
from posclient.store.search import fts_query
from sync.protocol.clock import SystemClock

PINS = {1001: "1111", 1002: "1212", 2001: "2222", 3001: "3333"}


def p99(samples: list[float]) -> float:
    s = sorted(samples)
    return round(s[min(len(s) - 1, int(len(s) * 0.99))] * 1000, 4)


def median_ms(samples: list[float]) -> float:
    s = sorted(samples)
    return round(s[len(s) // 2] * 1000, 4)


def log(msg: str) -> None:
    print(f"[bench] {msg}", file=sys.stderr, flush=True)


# -- generation ------------------------------------------------------------------------------

def measure_raw_insert(path: Path, products: int, members: int, seed: int,
                       now: datetime) -> float:
    """Bare executemany of exactly the rows the generator makes, into the same schema."""
    Store.open(path).close()
    chunks = list(demo_rows(demo_document, products=products, members=members, seed=seed,
                             now=now))
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = OFF")
    t0 = time.perf_counter()
    conn.execute("BEGIN")
    for table, columns, rows in chunks:
        marks = ", ".join("?" * len(columns))
        conn.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows)
    conn.execute("COMMIT")
    elapsed = time.perf_counter() - t0
    conn.close()
    del chunks
    return elapsed


def measure_generate(path: Path, products: int, members: int, seed: int,
                     now: datetime) -> float:
    store = Store.open(path)
    t0 = time.perf_counter()
    build_demo_store(store, demo_document, products=products, members=members, seed=seed, now=now,
                     pins=PINS)
    elapsed = time.perf_counter() - t0
    store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()
    return elapsed


# -- start-up memory -------------------------------------------------------------------------

STARTUP = """
import sys
from posclient.app.terminal import Terminal
from posclient.devices.payment import SimulatedPaymentTerminal, simulator_state
from posclient.store.db import Store
store = Store.open(sys.argv[1])
term = Terminal(store, payments=SimulatedPaymentTerminal(state=simulator_state(store.path)))
co = term.checkout(term.staff.login(1001, "1111"))
co.scan(sys.argv[2])
for line in open("/proc/self/status"):
    if line.startswith("VmRSS:"):
        print(int(line.split()[1]) / 1024)
"""


def measure_startup_rss(path: Path, code: str) -> float:
    out = subprocess.run([sys.executable, "-c", STARTUP, str(path), code],
                         capture_output=True, text=True, check=True, timeout=120)
    return round(float(out.stdout.strip()), 1)


# -- scan, search, commit --------------------------------------------------------------------

def sample_codes(conn: sqlite3.Connection, n: int, rng: random.Random) -> list[str]:
    top = conn.execute("SELECT max(id) FROM products").fetchone()[0]
    codes: list[str] = []
    while len(codes) < n:
        pid = rng.randint(1, top)
        row = conn.execute("SELECT gtin FROM barcodes WHERE product_id = ? LIMIT 1",
                           (pid,)).fetchone()
        if row:
            codes.append(gtin_display(row[0]))
    return codes


def sample_queries(conn: sqlite3.Connection, n: int, rng: random.Random) -> list[str]:
    """Half Chinese substrings (1-3 characters), half English word prefixes (2-5 letters)."""
    top = conn.execute("SELECT max(id) FROM products").fetchone()[0]
    queries: list[str] = []
    while len(queries) < n:
        zh, en = conn.execute("SELECT name_zh, name_en FROM products WHERE id = ?",
                              (rng.randint(1, top),)).fetchone()
        if len(queries) % 2 == 0:
            hanzi = [ch for ch in zh if "\u4e00" <= ch <= "\u9fff"]
            if len(hanzi) >= 3:
                start = rng.randrange(len(hanzi) - 2)
                queries.append("".join(hanzi[start:start + rng.randint(1, 3)]))
        else:
            words = [w for w in en.split() if w.isalpha() and len(w) >= 3]
            if words:
                w = rng.choice(words)
                queries.append(w[:rng.randint(2, min(5, len(w)))].lower())
    return queries


def measure_scan(term: Terminal, codes: list[str]) -> list[float]:
    co = term.checkout(term.staff.login(1001, PINS[1001]))
    times = []
    for i, code in enumerate(codes):
        if i % 400 == 399:
            co.void_sale()
        t0 = time.perf_counter()
        co.scan(code)
        times.append(time.perf_counter() - t0)
    co.void_sale()
    return times


def measure_raw_scan(conn: sqlite3.Connection, codes: list[str]) -> list[float]:
    times = []
    for code in codes:
        t0 = time.perf_counter()
        conn.execute("SELECT p.* FROM barcodes b JOIN products p ON p.id = b.product_id "
                     "WHERE b.gtin = ?", (int(code),)).fetchone()
        times.append(time.perf_counter() - t0)
    return times


def measure_search(term: Terminal, queries: list[str]) -> list[float]:
    times = []
    for q in queries:
        t0 = time.perf_counter()
        term.catalog.search(q, 50)
        times.append(time.perf_counter() - t0)
    return times


def measure_raw_search(conn: sqlite3.Connection, queries: list[str]) -> list[float]:
    times = []
    for q in queries:
        expr = fts_query(q)
        t0 = time.perf_counter()
        conn.execute("SELECT rowid FROM product_search WHERE product_search MATCH ? LIMIT 50",
                     (expr,)).fetchall()
        times.append(time.perf_counter() - t0)
    return times


def measure_commit(term: Terminal, codes: list[str], sales: int) -> list[float]:
    session = term.staff.login(1001, PINS[1001])
    if term.shifts(session).current() is None:  # selling needs an open shift
        term.shifts(session).open({10_000: 1})
    co = term.checkout(session)
    times = []
    for i in range(sales):
        for code in codes[i * 5:(i + 1) * 5]:
            co.scan(code)
        co.pay_cash(Money(co.payment.due.minor + 10_000, co.settings.currency))
        t0 = time.perf_counter()
        co.complete()
        times.append(time.perf_counter() - t0)
    return times


def measure_raw_commit(path: Path, sales: int, payload_len: int) -> list[float]:
    """The same rows as a 5-line cash sale, inserted by a bare transaction, same pragmas.

    Runs after :func:`measure_commit`, so the counters exist; the outbox payload has the
    length of a real sale's.
    """
    payload = "x" * payload_len
    conn = sqlite3.connect(path, isolation_level=None)
    configure(conn)
    at = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    times = []
    for i in range(sales):
        t0 = time.perf_counter()
        conn.execute("BEGIN IMMEDIATE")
        no = conn.execute("UPDATE counters SET value = value + 1 WHERE name = 'receipt' "
                          "RETURNING value").fetchone()[0]
        sid = conn.execute(
            "INSERT INTO sales (event_id, receipt_no, store_id, terminal_id, terminal_sale_no, "
            "staff_id, started_at, completed_at, currency, tax_inclusive, subtotal, "
            "discount_total, tax_total, rounding, total, paid, change_given) "
            "VALUES (?, ?, 'S001', 'T99', ?, 1001, ?, ?, 'CNY', 1, 5000, 0, 575, 0, 5000, "
            "15000, 10000)", (f"raw-{i}", f"RAW-{i}", no, at, at)).lastrowid
        conn.executemany(
            "INSERT INTO sale_lines (sale_id, line_no, product_id, sku, name_zh, name_en, "
            "barcode, measure, qty, list_price, unit_price, gross, line_discount, "
            "basket_discount, total, tax_code, tax_rate_ppm) VALUES (?, ?, ?, 'SKU', '名称', "
            "'Name', '6901234567892', 'each', 1, 1000, 1000, 1000, 0, 0, 1000, 'VAT13', "
            "130000)", [(sid, n, n) for n in range(1, 6)])
        conn.execute("INSERT INTO sale_tenders (sale_id, seq, kind, amount, tendered, change) "
                     "VALUES (?, 1, 'cash', 5000, 15000, 10000)", (sid,))
        conn.execute("INSERT INTO sale_taxes VALUES (?, 'VAT13', 130000, 4425, 575, 5000)",
                     (sid,))
        seq = conn.execute("UPDATE counters SET value = value + 1 WHERE name = 'terminal_seq' "
                           "RETURNING value").fetchone()[0]
        conn.execute("INSERT INTO outbox (terminal_seq, event_id, type, occurred_at, payload) "
                     "VALUES (?, ?, 'sale', ?, ?)", (seq, f"raw-{i}", at, payload))
        conn.executemany(
            "INSERT INTO stock_movements (product_id, qty_delta, reason, sale_id, event_id, "
            "occurred_at, terminal_seq) VALUES (?, -1, 'sale', ?, ?, ?, ?)",
            [(n, sid, f"raw-{i}", at, seq) for n in range(1, 6)])
        conn.execute("COMMIT")
        times.append(time.perf_counter() - t0)
    conn.close()
    return times


# -- main ------------------------------------------------------------------------------------

def run(argv: list[str]) -> dict[str, float]:
    ap = argparse.ArgumentParser(prog="python -m benchmarks checkout")
    ap.add_argument("--products", type=int, default=1_000_000)
    ap.add_argument("--members", type=int, default=0,
                    help="members built with the store (the member benchmark is issue 6's)")
    ap.add_argument("--scans", type=int, default=10_000)
    ap.add_argument("--queries", type=int, default=1_000)
    ap.add_argument("--sales", type=int, default=300)
    ap.add_argument("--json", type=Path, help="write the results here too")
    ap.add_argument("--workdir", type=Path, help="where the databases go (default: a temp dir)")
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args(argv)

    work = args.workdir or Path(tempfile.mkdtemp(prefix="posbench-"))
    work.mkdir(parents=True, exist_ok=True)
    now = datetime.now(UTC)
    rng = random.Random(args.seed)
    results: dict[str, float] = {"products": args.products}
    try:
        log(f"raw insert of {args.products:,} products' rows")
        results["raw_insert_s"] = round(
            measure_raw_insert(work / "raw.db", args.products, args.members, args.seed, now), 2)
        (work / "raw.db").unlink()
        log("demo-data generation")
        db = work / "till.db"
        results["generate_s"] = round(
            measure_generate(db, args.products, args.members, args.seed, now), 2)
        results["generate_ratio"] = round(results["generate_s"] / results["raw_insert_s"], 2)
        results["db_mb"] = round(db.stat().st_size / 1_000_000, 1)

        store = Store.open(db)
        term = Terminal(store, clock=SystemClock(),
                        payments=SimulatedPaymentTerminal(state=simulator_state(store.path)))
        codes = sample_codes(store.conn, max(args.scans, args.sales * 5), rng)
        queries = sample_queries(store.conn, args.queries, rng)
        log("start-up memory")
        results["startup_rss_mb"] = measure_startup_rss(db, codes[0])
        log(f"{args.scans:,} scans")
        raw_scan = measure_raw_scan(store.conn, codes[:args.scans])
        scan = measure_scan(term, codes[:args.scans])
        results.update(scan_p99_ms=p99(scan), scan_median_ms=median_ms(scan),
                       raw_scan_p99_ms=p99(raw_scan))
        log(f"{args.queries:,} searches")
        raw_search = measure_raw_search(store.conn, queries)
        search = measure_search(term, queries)
        results.update(search_p99_ms=p99(search), raw_search_p99_ms=p99(raw_search),
                       search_ratio=round(p99(search) / max(p99(raw_search), 1e-6), 2))
        log(f"{args.sales:,} sales committed")
        commit = measure_commit(term, codes, args.sales)
        payload_len = int(store.conn.execute(
            "SELECT avg(length(payload)) FROM outbox WHERE type = 'sale'").fetchone()[0])
        raw_commit = measure_raw_commit(db, args.sales, payload_len)
        results.update(commit_p99_ms=p99(commit), raw_commit_p99_ms=p99(raw_commit),
                       commit_ratio=round(p99(commit) / max(p99(raw_commit), 1e-6), 2))
        store.close()
    finally:
        if args.workdir is None:
            shutil.rmtree(work, ignore_errors=True)
    text = json.dumps(results, indent=2)
    print(text)
    if args.json:
        args.json.write_text(text + "\n")
    return results
