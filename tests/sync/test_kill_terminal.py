"""kill -9 of a selling-and-syncing till, again and again: nothing committed is ever lost."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import keyrings.alt.file
import pytest
from central_kit import PRODUCTS, STOCK
from sqlalchemy import func, select

from sync.central.schema import sales, stock_levels
from sync.credentials import TokenStore
from sync.engine import SyncEngine, read_status
from sync.enrol import enrol

WORKER = Path(__file__).with_name("till_worker.py")
BARCODES = ",".join(p["barcodes"][0] for p in PRODUCTS if p.get("barcodes"))
KILLS = 50


@pytest.mark.slow
@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_till_killed_50_times_keeps_every_committed_sale_once(shop, tmp_path, monkeypatch):
    # A file keyring shared with the worker processes, chosen explicitly (as IT would).
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyrings.alt.file.PlaintextKeyring")
    tokens = TokenStore(keyrings.alt.file.PlaintextKeyring())
    shop.admin_post("/staff", {"id": 1001, "name": "李娜", "role": "cashier", "pin": "1111",
                               "store_id": "S1"})
    db = tmp_path / "till.db"
    enrol(db, shop.url, shop.enrolment_code("S1"), "killed till", tokens=tokens)
    SyncEngine(db, tokens=tokens).run_once()

    rng = random.Random(3)
    reported: list[str] = []
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(Path.cwd()), *sys.path])}
    for i in range(KILLS):
        proc = subprocess.Popen([sys.executable, str(WORKER), str(db), str(i), BARCODES],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                env=env)
        first = proc.stdout.readline()  # the worker is selling
        assert first, proc.stderr.read()
        time.sleep(rng.uniform(0.0, 0.3))
        proc.send_signal(signal.SIGKILL)
        out, _ = proc.communicate(timeout=30)
        assert proc.returncode == -signal.SIGKILL
        reported += [first.strip(), *out.split()]
        with sqlite3.connect(db) as c:
            assert c.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            local = {r[0] for r in c.execute("SELECT receipt_no FROM sales")}
        missing = [r for r in reported if r not in local]
        assert not missing, f"kill {i}: committed sales lost: {missing}"

    engine = SyncEngine(db, tokens=tokens)
    for _ in range(5):
        engine.run_once()
        with sqlite3.connect(db) as c:
            if read_status(c).events_waiting == 0:
                break
    with sqlite3.connect(db) as c:
        assert read_status(c).events_waiting == 0
        nos = [r[0] for r in c.execute("SELECT terminal_sale_no FROM sales ORDER BY 1")]
        assert nos == list(range(1, len(nos) + 1))  # receipt numbers without gaps
        local = sorted(r[0] for r in c.execute("SELECT receipt_no FROM sales"))
        local_total = c.execute("SELECT sum(total) FROM sales").fetchone()[0]
        sold = dict(c.execute("SELECT product_id, sum(qty) FROM sale_lines GROUP BY 1"))
    assert len(set(reported)) == len(reported) and set(reported) <= set(local)
    with shop.engine.connect() as conn:
        central = sorted(r[0] for r in conn.execute(
            select(sales.c.receipt_no).where(sales.c.store_id == "S1")))
        assert conn.scalar(select(func.sum(sales.c.total))) == local_total
        levels = dict(conn.execute(select(stock_levels.c.product_id, stock_levels.c.qty)
                                   .where(stock_levels.c.store_id == "S1")).all())
    assert central == local  # every sale at the central, once
    for pid, start in STOCK["S1"].items():
        assert levels[pid] == start - sold.get(pid, 0)
