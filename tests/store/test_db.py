"""Opening the till database: pragmas, migrations with backups, and clear start-up errors."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

import pytest

from posclient.store.db import StartupError, Store, latest_version, migration_scripts


def test_new_database_is_created_migrated_and_configured(tmp_path):
    with Store.open(tmp_path / "till.db") as store:
        c = store.conn
        assert c.execute("PRAGMA user_version").fetchone()[0] == latest_version()
        assert c.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert c.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
        assert c.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert c.execute("PRAGMA busy_timeout").fetchone()[0] == 5000
        tables = {r[0] for r in c.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    for needed in ("products", "barcodes", "prices", "tax_rates", "members", "stock_levels",
                   "stock_movements", "staff", "sales", "sale_lines", "sale_tenders", "outbox",
                   "sync_state", "settings", "audit_log"):
        assert needed in tables


def test_reopening_an_up_to_date_database_changes_nothing_and_takes_no_backup(tmp_path):
    Store.open(tmp_path / "till.db").close()
    Store.open(tmp_path / "till.db").close()
    assert not list(tmp_path.glob("*.bak"))


def test_missing_database_is_not_created_when_told_not_to(tmp_path):
    with pytest.raises(StartupError, match="no till database"):
        Store.open(tmp_path / "none.db", create=False)
    assert not (tmp_path / "none.db").exists()


def _chain_with(extra_sql: str) -> list[tuple[int, str, str]]:
    shipped = migration_scripts()
    n = len(shipped) + 1
    return [*shipped, (n, f"{n:04d}_test.sql", extra_sql)]


def test_upgrade_from_an_older_schema_keeps_data_and_copies_the_file_first(tmp_path):
    path = tmp_path / "till.db"
    with Store.open(path) as store, store.write() as c:
        c.execute("INSERT INTO tax_rates (code, rate_ppm) VALUES ('VAT13', 130000)")
    chain = _chain_with("ALTER TABLE tax_rates ADD COLUMN note TEXT NOT NULL DEFAULT '';")
    with Store.open(path, scripts=chain) as store:
        assert store.conn.execute("PRAGMA user_version").fetchone()[0] == len(chain)
        assert store.conn.execute("SELECT code, note FROM tax_rates").fetchall() == \
            [("VAT13", "")]
    backups = list(tmp_path.glob("till.db.pre-v*.bak"))
    assert len(backups) == 1
    old = sqlite3.connect(backups[0])
    assert old.execute("PRAGMA user_version").fetchone()[0] == len(chain) - 1
    assert old.execute("SELECT code FROM tax_rates").fetchall() == [("VAT13",)]
    old.close()


def test_suspended_sales_of_an_older_till_get_a_shareable_id_when_it_upgrades(tmp_path):
    path = tmp_path / "till.db"
    before = [m for m in migration_scripts() if m[1] < "0003"]
    with Store.open(path, scripts=before) as store, store.write() as c:
        c.executemany("INSERT INTO suspended_sales (staff_id, suspended_at, total, cart) "
                      "VALUES (1, '2026-11-27T10:00:00Z', 100, '{}')", [(), ()])
    with Store.open(path) as store:
        rows = store.conn.execute(
            "SELECT park_id, published, resumed_at FROM suspended_sales").fetchall()
    ids = [uuid.UUID(r[0]) for r in rows]  # a valid UUID each (the central's key)
    assert len(set(ids)) == 2 and all(i.version == 4 for i in ids)
    assert [r[1:] for r in rows] == [(0, None), (0, None)]


def test_a_failing_migration_leaves_the_database_as_it_was(tmp_path):
    path = tmp_path / "till.db"
    with Store.open(path) as store, store.write() as c:
        c.execute("INSERT INTO tax_rates (code, rate_ppm) VALUES ('VAT13', 130000)")
    chain = _chain_with("CREATE TABLE extra (x); INSERT INTO no_such_table VALUES (1);")
    latest = len(chain) - 1
    with pytest.raises(StartupError, match=f"unchanged at schema {latest}"):
        Store.open(path, scripts=chain)
    with Store.open(path) as store:
        assert store.conn.execute("PRAGMA user_version").fetchone()[0] == latest
        names = {r[0] for r in store.conn.execute("SELECT name FROM sqlite_master")}
        assert "extra" not in names


def test_database_from_a_newer_version_is_refused_and_left_untouched(tmp_path):
    path = tmp_path / "till.db"
    Store.open(path).close()
    c = sqlite3.connect(path)
    c.execute("PRAGMA user_version = 99")
    c.close()
    before = path.read_bytes()
    with pytest.raises(StartupError, match="newer version of posclient"):
        Store.open(path)
    assert path.read_bytes() == before


def test_corrupt_file_is_refused_with_a_clear_message_and_never_reset(tmp_path):
    path = tmp_path / "till.db"
    path.write_bytes(b"this is not a database, it is a shopping list" * 100)
    before = path.read_bytes()
    with pytest.raises(StartupError, match="damaged or is not a posclient database"):
        Store.open(path)
    assert path.read_bytes() == before


def test_damaged_pages_are_refused(tmp_path):
    path = tmp_path / "till.db"
    with Store.open(path) as store:
        store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    data = bytearray(path.read_bytes())
    data[100:4096] = b"\xff" * (4096 - 100)  # wipe the schema page after the header
    path.write_bytes(bytes(data))
    with pytest.raises(StartupError, match="damaged"):
        Store.open(path)


def test_another_programs_sqlite_file_is_refused(tmp_path):
    path = tmp_path / "other.db"
    c = sqlite3.connect(path)
    c.execute("CREATE TABLE photos (id INTEGER PRIMARY KEY)")
    c.commit()
    c.close()
    with pytest.raises(StartupError, match="not a posclient till database"):
        Store.open(path)


def test_locked_database_gives_a_clear_message(tmp_path):
    path = tmp_path / "till.db"
    Store.open(path).close()
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("PRAGMA locking_mode = EXCLUSIVE")
    holder.execute("BEGIN EXCLUSIVE")
    holder.execute("INSERT INTO settings VALUES ('x', '1')")
    try:
        with pytest.raises(StartupError, match="locked by another program"):
            Store.open(path, busy_timeout_ms=200)
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def _open_as_unprivileged_user(path: Path) -> str:
    """Open ``path`` as the user ``nobody`` (root writes anything) and return the message."""
    code = ("from posclient.store.db import Store, StartupError\n"
            f"try:\n    Store.open({str(path)!r})\nexcept StartupError as e:\n    print(e)\n")
    out = subprocess.run(
        ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups",
         sys.executable, "-c", code],
        capture_output=True, text=True, timeout=60, cwd="/")
    assert not out.stderr, out.stderr
    return out.stdout


def _nobody_can_run_posclient() -> bool:
    if shutil.which("setpriv") is None:
        return False
    out = subprocess.run(["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups",
                          sys.executable, "-c", "import posclient"],
                         capture_output=True, timeout=60, cwd="/")
    return out.returncode == 0


@pytest.fixture
def shared_dir():
    """A folder another user can reach (pytest's tmp_path is private to root)."""
    d = Path(tempfile.mkdtemp(prefix="posclient-ro-"))
    d.chmod(0o755)
    yield d
    d.chmod(0o755)
    shutil.rmtree(d, ignore_errors=True)


def _make_immutable(path: Path, on: bool) -> bool:
    """chattr +i: even root cannot write the file (ext4, xfs, ...). False if unsupported."""
    out = subprocess.run(["chattr", "+i" if on else "-i", str(path)], capture_output=True)
    return out.returncode == 0


def test_read_only_database_gives_a_clear_message(shared_dir):
    path = shared_dir / "till.db"
    Store.open(path).close()
    before = path.read_bytes()
    path.chmod(0o444)
    try:
        # root writes anything unless the file is immutable, or it acts as another user
        if os.geteuid() != 0 or (shutil.which("chattr") and _make_immutable(path, True)):
            with pytest.raises(StartupError, match="cannot be written"):
                Store.open(path)
        elif _nobody_can_run_posclient():
            assert "cannot be written" in _open_as_unprivileged_user(path)
        else:
            pytest.skip("as root, with neither chattr nor an unprivileged user to test with")
    finally:
        if os.geteuid() == 0 and shutil.which("chattr"):
            _make_immutable(path, False)
        path.chmod(0o644)
    assert path.read_bytes() == before


def test_database_in_a_folder_the_user_cannot_reach_gives_a_clear_message(shared_dir):
    folder = shared_dir / "till"
    folder.mkdir()
    path = folder / "till.db"
    Store.open(path).close()
    folder.chmod(0o700)
    try:
        if os.geteuid() != 0:
            pytest.skip("needs another user to be kept out of the folder")
        if not _nobody_can_run_posclient():
            pytest.skip("the user nobody cannot run this checkout's Python here")
        assert "cannot be written" in _open_as_unprivileged_user(path)
    finally:
        folder.chmod(0o755)


def test_write_transaction_rolls_back_on_error(tmp_path):
    with Store.open(tmp_path / "till.db") as store:
        with pytest.raises(RuntimeError), store.write() as c:
            c.execute("INSERT INTO settings VALUES ('a', '1')")
            raise RuntimeError("boom")
        assert store.conn.execute("SELECT count(*) FROM settings").fetchone()[0] == 0


def test_migrations_are_numbered_without_gaps():
    versions = [v for v, _, _ in migration_scripts()]
    assert versions == list(range(1, len(versions) + 1))


def test_package_lists_every_python_package_in_the_tree():
    """pyproject lists packages by hand (resources/ maps to posclient.resources)."""
    import tomllib

    root = Path(__file__).resolve().parents[2]
    listed = set(tomllib.loads((root / "pyproject.toml").read_text())["tool"]["setuptools"][
        "packages"])
    found = set()
    for top in ("posclient", "sync"):
        for init in (root / top).rglob("__init__.py"):
            found.add(".".join(init.parent.relative_to(root).parts))
    assert found <= listed, f"add to pyproject [tool.setuptools] packages: {found - listed}"
