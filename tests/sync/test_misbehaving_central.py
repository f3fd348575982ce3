"""A misbehaving central or proxy: the till ends every request by its deadline, bounds what it
decodes, writes a snapshot only whole and verified, never moves its cursor back, and says each
refusal in ``posclient status`` and the status bar.

The real central runs under uvicorn on 127.0.0.1 behind :class:`misbehaving.Misbehaving`; the
tills are real databases with posclient's own sync engine (in this process, or as
``posclient sync --once`` in a child process where time or memory is measured).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from central_kit import ADMIN_TOKEN, PRODUCTS, MemoryKeyring, seed_shop
from misbehaving import Misbehaving

from posclient.cli import main
from posclient.domain.clock import ManualClock
from posclient.store.db import Store
from sync.central import feed, identity
from sync.central.api import create_app
from sync.central.identity import EnrolLimits
from sync.credentials import TokenStore
from sync.engine import SyncEngine, SyncError, read_status, state_get
from sync.enrol import enrol

SQLITE_ONLY = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
ROGUE_STAFF = {"entity": "staff", "key": "9999",
               "data": {"id": 9999, "name": "rogue", "role": "manager",
                        "pin_hash": "$argon2id$v=19$m=65536,t=3,p=4$" + "A" * 40}}
CLI = "from posclient.cli import main; raise SystemExit(main())"
# The child runs the till and reports its own children's peak resident memory (KB on Linux):
# RUSAGE_CHILDREN of this test process would include every child any other test started.
PEAK_RSS = ("import resource, subprocess, sys; "
            "r = subprocess.run(sys.argv[1:], capture_output=True, text=True); "
            "sys.stderr.write(r.stderr); "
            "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, r.returncode)")


@pytest.fixture
def proxy(central_engine, serve):
    """The central app behind a misbehaving proxy (passing everything through until a test
    sets its ``mode``), served on 127.0.0.1, with the shop seeded."""
    clock = ManualClock()
    app = Misbehaving(create_app(central_engine, clock=clock,
                                 enrol_limits=EnrolLimits(max_failures=100)))
    with feed.transaction(central_engine, clock.now()) as tx:
        seed_shop(tx)
        identity.create_staff(tx, staff_id=1001, name="李娜", role="cashier", pin="1111",
                              store_id="S1")
    with serve(app) as url:
        yield url, app


def code_for(url: str) -> str:
    import httpx

    with httpx.Client(base_url=url) as http:
        r = http.post("/v1/admin/enrolment-codes", json={"store_id": "S1"},
                      headers={"Authorization": f"Bearer {ADMIN_TOKEN}"})
        assert r.status_code == 201, r.text
        return r.json()["code"]


def new_till(tmp_path: Path, url: str, **kw) -> tuple[Path, SyncEngine]:
    db = tmp_path / "till.db"
    tokens = TokenStore(MemoryKeyring())
    Store.open(db).close()
    enrol(db, url, code_for(url), "front", tokens=tokens, clock=ManualClock())
    return db, SyncEngine(db, tokens=tokens, clock=ManualClock(), **kw)


def table(db: Path, sql: str) -> list[tuple]:
    with Store.open(db) as store:
        return store.conn.execute(sql).fetchall()


def cursor(db: Path) -> str | None:
    with Store.open(db) as store:
        return state_get(store.conn, "cursor")


@pytest.fixture
def cli_env(tmp_path, monkeypatch):
    """A file keyring under tmp_path, for the CLI here and in child processes."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyrings.alt.file.PlaintextKeyring")
    return dict(os.environ)


def cli_till(tmp_path: Path, url: str, capsys) -> str:
    db = str(tmp_path / "till.db")
    assert main(["--db", db, "enrol", "--server", url, "--code", code_for(url),
                 "--name", "front"]) == 0
    assert main(["--db", db, "sync", "--once"]) == 0
    capsys.readouterr()
    return db


def status_text(db: str, lang: str, capsys) -> str:
    capsys.readouterr()
    assert main(["--db", db, "--lang", lang, "status"]) == 0
    return capsys.readouterr().out


# -- a deadline per request and per cycle --------------------------------------------------------

@pytest.mark.slow
@SQLITE_ONLY
def test_a_trickling_answer_ends_sync_once_at_its_deadline_and_status_says_so(
        proxy, tmp_path, cli_env, capsys):
    url, app = proxy
    db = cli_till(tmp_path, url, capsys)
    app.mode, app.trickle_s = "trickle", 0.5  # a page of ~150 bytes: over a minute
    t0 = time.monotonic()
    done = subprocess.run([sys.executable, "-c", CLI, "--db", db, "sync", "--once",
                           "--deadline", "3"], env=cli_env, capture_output=True, text=True,
                          timeout=120)
    took = time.monotonic() - t0
    assert done.returncode == 4, done.stderr  # transient: the background thread retries
    assert "within 3 s (deadline)" in done.stderr
    assert took < 3 + 15, took  # the deadline, and the child's start on a busy machine
    assert app.served["trickle"] >= 1
    assert "within 3 s (deadline)" in status_text(db, "en", capsys)
    assert "中心在 3 秒内没有答完" in status_text(db, "zh", capsys)
    app.mode = None
    assert main(["--db", db, "sync", "--once"]) == 0
    assert "last error" not in status_text(db, "en", capsys)


@SQLITE_ONLY
def test_each_request_has_its_own_deadline_within_the_cycle(proxy, tmp_path):
    url, app = proxy
    db, engine = new_till(tmp_path, url, request_deadline=2.0)
    engine.run_once()
    app.mode, app.trickle_s = "trickle", 0.3
    t0 = time.monotonic()
    with pytest.raises(SyncError) as err:
        engine.run_once()
    assert err.value.code == "deadline" and err.value.transient
    assert time.monotonic() - t0 < 2.0 + 6.0  # the deadline, and a busy machine
    app.mode = None
    with Store.open(db) as store:
        status = read_status(store.conn)
    assert (status.state, status.error_code) == ("offline", "deadline")


# -- decoded size and memory bounded ------------------------------------------------------------

@pytest.mark.slow
@SQLITE_ONLY
def test_a_gzip_bomb_page_is_refused_and_the_till_stays_under_200_mb(
        proxy, tmp_path, cli_env, capsys):
    url, app = proxy
    db = cli_till(tmp_path, url, capsys)
    app.arm_bomb()  # about 1 MB of gzip that expands to 1 GiB
    done = subprocess.run([sys.executable, "-c", PEAK_RSS, sys.executable, "-c", CLI,
                           "--db", db, "sync", "--once"], env=cli_env, capture_output=True,
                          text=True, timeout=300)
    peak_kb, code = map(int, done.stdout.split())
    assert code == 1, done.stderr  # refused: a person must look
    assert "over 16 MB decoded" in done.stderr
    with capsys.disabled():
        print(f"\npeak resident memory of the till: {peak_kb / 1024:.0f} MB")
    assert peak_kb < 200 * 1024, f"the till used {peak_kb / 1024:.0f} MB"
    assert app.served["gzip_bomb"] >= 1
    assert "中心的应答超过 16 MB" in status_text(db, "zh", capsys)


# -- a snapshot applied only whole and verified --------------------------------------------------

def test_a_snapshot_cut_after_its_first_record_writes_nothing_and_nothing_stays(proxy,
                                                                                 tmp_path):
    url, app = proxy
    app.mode, app.first_record = "snapshot_cut", ROGUE_STAFF
    db, engine = new_till(tmp_path, url)
    with pytest.raises(SyncError) as err:
        engine.run_once()
    assert err.value.code == "snapshot_cut" and err.value.transient
    assert table(db, "SELECT id FROM staff") == []
    assert table(db, "SELECT count(*) FROM products") == [(0,)]
    assert cursor(db) is None
    assert not list(tmp_path.glob("till.db.snapshot*"))  # the staged file went too
    app.mode = None
    assert engine.run_once().bootstrapped
    assert table(db, "SELECT id FROM staff ORDER BY id") == [(1001,)]
    assert table(db, "SELECT count(*) FROM products") == [(len(PRODUCTS),)]


@pytest.mark.parametrize(("mode", "code", "says"), [
    ("snapshot_tampered", "snapshot_digest", "does not match its digest"),
    ("no_trailer", "snapshot_unverified", "Upgrade the central"),
])
def test_a_snapshot_that_does_not_verify_writes_nothing(proxy, tmp_path, mode, code, says):
    url, app = proxy
    app.mode = mode
    db, engine = new_till(tmp_path, url)
    with pytest.raises(SyncError, match=says) as err:
        engine.run_once()
    assert err.value.code == code and not err.value.transient
    assert table(db, "SELECT count(*) FROM products") == [(0,)]
    assert table(db, "SELECT count(*) FROM staff") == [(0,)]
    assert cursor(db) is None
    with Store.open(db) as store:
        assert read_status(store.conn).state == "error"


def test_a_till_upgraded_before_its_central_keeps_following_the_feed(proxy, tmp_path):
    """An older central sends no trailer: only a snapshot needs one."""
    url, app = proxy
    db, engine = new_till(tmp_path, url)
    engine.run_once()
    app.mode = "no_trailer"
    engine.run_once()  # the change feed, as before
    assert table(db, "SELECT count(*) FROM products") == [(len(PRODUCTS),)]


# -- the cursor never moves back -----------------------------------------------------------------

def test_a_page_that_would_move_the_cursor_back_is_refused_and_shown(proxy, tmp_path, qtbot):
    from posclient.ui.widgets import SyncStatusBar

    url, app = proxy
    db, engine = new_till(tmp_path, url)
    engine.run_once()
    before = cursor(db)
    assert before is not None and int(before) > 0
    app.mode = "cursor_back"
    with pytest.raises(SyncError, match="move the till's cursor back") as err:
        engine.run_once()
    assert err.value.code == "cursor_back" and not err.value.transient
    assert cursor(db) == before
    with Store.open(db) as store:
        status = read_status(store.conn)
    assert status.state == "error" and status.error_code == "cursor_back"
    bar = SyncStatusBar("zh")
    qtbot.addWidget(bar)
    bar.show_sync(status)
    assert "同步位置倒退" in bar.state.text() and f"{before} →" in bar.state.text()
    bar = SyncStatusBar("en")
    qtbot.addWidget(bar)
    bar.show_sync(status)
    assert "would move this till back" in bar.state.text()
    app.mode = None
    engine.run_once()
    assert cursor(db) == before
    with Store.open(db) as store:
        assert read_status(store.conn).error_code is None
