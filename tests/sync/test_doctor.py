"""``posclient doctor`` against a real central on 127.0.0.1: all well, and each thing that
goes wrong (central down, untrusted TLS, revoked token, clock skew, printer off, rejected
events, no keyring, a damaged database)."""

from __future__ import annotations

import datetime as dt
import ipaddress
import json
import socket
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import uvicorn
from central_kit import MemoryKeyring, token_of

from posclient.app.terminal_config import TerminalConfig
from posclient.cli import main
from posclient.doctor import EXIT_FAIL, EXIT_OK, EXIT_WARN, Level, Report, run_doctor
from posclient.store import audit
from posclient.store.db import Store
from sync.central.api import create_app
from sync.credentials import TokenStore, key_audit
from sync.engine import SyncEngine
from sync.enrol import enrol

# The doctor is about the till: one central database is enough.
sqlite_central = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Till:
    """An enrolled, synced till whose receipts go to a file."""

    def __init__(self, central, tmp_path: Path) -> None:
        self.central = central
        self.path = tmp_path / "till.db"
        self.tokens = TokenStore(MemoryKeyring())
        with Store.open(self.path) as store:
            key_audit(store, self.tokens)  # its first start: its audit key made
        enrol(self.path, central.url, central.enrolment_code("S1"), "front",
              tokens=self.tokens, clock=central.clock)
        SyncEngine(self.path, tokens=self.tokens, clock=central.clock, timeout=5).run_once()
        self.printer({"kind": "file", "path": str(tmp_path / "receipts.escpos")})

    def printer(self, config: dict) -> None:
        with Store.open(self.path) as store:
            TerminalConfig(store).provision("printer", config)

    def sql(self, statement: str, *params: object) -> None:
        with Store.open(self.path) as store, store.write() as c:
            c.execute(statement, params)

    def doctor(self, **kwargs) -> Report:
        kwargs.setdefault("now", self.central.clock.now)
        return run_doctor(self.path, tokens=self.tokens, timeout=3, **kwargs)


def _levels(report: Report) -> dict[str, Level]:
    return {c.name: c.level for c in report.checks}


def _detail(report: Report, name: str) -> str:
    return next(c.detail for c in report.checks if c.name == name)


@sqlite_central
def test_an_enrolled_synced_till_is_all_ok(shop, tmp_path):
    till = Till(shop, tmp_path)
    report = till.doctor()
    assert set(_levels(report).values()) == {Level.OK}, report.text()
    assert report.exit_code == EXIT_OK
    assert [c.name for c in report.checks] == ["database", "disk", "printer", "keyring",
                                               "server", "clock", "events", "last sync",
                                               "audit"]
    text = report.text()
    assert "OK   database: " in text and "integrity_check ok" in text
    assert f"OK   server: {shop.url} answers" in text and "plain HTTP" in text
    assert "holds this till's token" in _detail(report, "keyring")
    assert _detail(report, "clock") == "agrees with the central"
    assert _detail(report, "events") == "0 waiting to upload, none rejected"
    assert text.endswith("all checks OK\n")
    as_json = json.loads(report.as_json())
    assert as_json["exit_code"] == 0
    assert as_json["checks"][0]["data"]["check"] == "integrity_check"
    assert as_json["checks"][0]["data"]["schema"] > 0


@sqlite_central
def test_central_down_printer_off_and_rejected_events_fail(shop, tmp_path):
    till = Till(shop, tmp_path)
    port = _free_port()  # nothing listens there
    till.sql("UPDATE sync_state SET value = ? WHERE key = 'server_url'",
             f"http://127.0.0.1:{port}")
    till.printer({"kind": "network", "host": "127.0.0.1", "port": _free_port(),
                  "timeout": 1})
    till.sql("INSERT INTO outbox (terminal_seq, event_id, type, occurred_at, payload, status, "
             "last_error) VALUES (900, 'e-900', 'sale', '2026-11-23T08:00:00.000Z', '{}', "
             "'rejected', 'unknown product')")
    report = till.doctor()
    levels = _levels(report)
    assert levels["server"] is Level.FAIL and "cannot be reached" in _detail(report, "server")
    assert levels["printer"] is Level.FAIL and "does not answer" in _detail(report, "printer")
    assert levels["events"] is Level.FAIL and "1 REJECTED" in _detail(report, "events")
    assert levels["clock"] is Level.WARN and "not reached" in _detail(report, "clock")
    assert levels["database"] is levels["keyring"] is Level.OK
    assert report.exit_code == EXIT_FAIL
    assert "3 failed" in report.text()


@sqlite_central
def test_clock_skew_and_a_revoked_token_fail(shop, tmp_path):
    till = Till(shop, tmp_path)
    shop.clock.advance(minutes=10)  # the central's clock; the till's stays behind
    report = till.doctor(now=lambda: shop.clock.now() - dt.timedelta(minutes=10))
    assert _levels(report)["clock"] is Level.FAIL
    assert _detail(report, "clock").startswith("600.0 s behind the central")
    shop.admin_post("/terminals/S1/T01/revoke", {})
    report = till.doctor()
    assert _levels(report)["server"] is Level.FAIL
    assert "refuses this till's token" in _detail(report, "server")


@sqlite_central
def test_a_till_without_its_token_in_the_keyring_fails(shop, tmp_path):
    till = Till(shop, tmp_path)
    till.tokens = TokenStore(MemoryKeyring())  # another machine's keyring: empty
    report = till.doctor()
    assert _levels(report)["keyring"] is Level.FAIL
    assert "token for" in _detail(report, "keyring")


@sqlite_central
def test_events_waiting_long_and_an_old_sync_warn(shop, tmp_path):
    till = Till(shop, tmp_path)
    till.sql("INSERT INTO outbox (terminal_seq, event_id, type, occurred_at, payload) "
             "VALUES (900, 'e-900', 'sale', '2026-11-20T08:00:00.000Z', '{}')")
    shop.clock.advance(days=2)
    report = till.doctor()
    levels = _levels(report)
    assert levels["events"] is Level.WARN and "the oldest since 2026-11-20" in \
        _detail(report, "events")
    assert levels["last sync"] is Level.WARN and "has not synced for a day" in \
        _detail(report, "last sync")
    assert report.exit_code == EXIT_WARN


@sqlite_central
def test_the_audit_log_is_checked_with_the_tills_key_and_a_removed_tail_fails(shop, tmp_path):
    till = Till(shop, tmp_path)
    with Store.open(till.path) as store:
        key_audit(store, till.tokens)
        for n in range(3):
            with store.write() as c:
                audit.append(c, at=f"2026-11-23T08:0{n}:00.000Z", action="no_sale",
                             staff_id=None)
    report = till.doctor()
    assert _levels(report)["audit"] is Level.OK
    assert _detail(report, "audit") == (
        "3 record(s) intact; keyed with this till's key from record 1 on; the head file "
        "remembers record 3")
    till.sql("DELETE FROM audit_log WHERE id = 3")
    report = till.doctor()
    assert _levels(report)["audit"] is Level.FAIL and report.exit_code == EXIT_FAIL
    assert _detail(report, "audit").startswith(
        "1 problem(s) in 2 record(s), first: records 3..3 were removed")
    till.tokens = TokenStore(MemoryKeyring())  # another machine's keyring: no key
    assert "audit key cannot be read from the keyring" in _detail(till.doctor(), "audit")


# -- TLS ---------------------------------------------------------------------------------------

def _self_signed(folder: Path) -> tuple[Path, Path]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "posclient test central")])
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(hours=1))
            .not_valid_after(now + dt.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName(
                [x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    cert_file, key_file = folder / "central.pem", folder / "central.key"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_file, key_file


class _Server(uvicorn.Server):
    def install_signal_handlers(self) -> None:
        pass


@contextmanager
def _serve_tls(app, cert: Path, key: Path) -> Iterator[str]:
    port = _free_port()
    server = _Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning",
                                    lifespan="off", ssl_certfile=str(cert),
                                    ssl_keyfile=str(key)))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the server did not start"
        time.sleep(0.01)
    try:
        yield f"https://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(15)


@sqlite_central
def test_the_central_s_tls_certificate_is_verified(shop, tmp_path):
    till = Till(shop, tmp_path)
    cert, key = _self_signed(tmp_path)
    app = create_app(shop.engine, clock=shop.clock)
    with _serve_tls(app, cert, key) as url:
        till.sql("UPDATE sync_state SET value = ? WHERE key = 'server_url'", url)
        assert token_of(till.path, till.tokens)  # the same entry, whatever the address
        report = till.doctor()  # the system's CAs: a self-signed certificate is not trusted
        assert _levels(report)["server"] is Level.FAIL
        assert "TLS certificate is not trusted" in _detail(report, "server")
        report = till.doctor(verify=str(cert))  # --ca-bundle
        assert _levels(report)["server"] is Level.OK, report.text()
        assert "TLS certificate verified" in _detail(report, "server")


# -- without a central -------------------------------------------------------------------------

def test_a_new_till_without_keyring_or_central_warns_and_exits_5(tmp_path, monkeypatch, capsys):
    monkeypatch.delenv("PYTHON_KEYRING_BACKEND", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    db = tmp_path / "till.db"
    Store.open(db).close()
    assert main(["--db", str(db), "doctor"]) == EXIT_WARN
    out = capsys.readouterr().out
    assert "WARN server: this till is not enrolled" in out
    assert "WARN printer: no receipt printer is set up" in out
    assert "WARN keyring: No keyring is available" in out
    assert ("WARN audit: 0 record(s) intact; the audit log is not keyed: this machine has no "
            "usable keyring") in out
    assert "FAIL" not in out
    assert main(["--db", str(db), "doctor", "--json"]) == EXIT_WARN
    report = json.loads(capsys.readouterr().out)
    assert report["exit_code"] == EXIT_WARN
    assert {c["name"]: c["level"] for c in report["checks"]}["database"] == "OK"


def test_a_missing_or_damaged_database_fails(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyrings.alt.file.PlaintextKeyring")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert main(["--db", str(tmp_path / "none.db"), "doctor"]) == EXIT_FAIL
    assert "FAIL database: no till database at" in capsys.readouterr().out
    db = tmp_path / "till.db"
    with Store.open(db) as store, store.write() as c:
        c.executemany("INSERT INTO tax_rates (code, rate_ppm) VALUES (?, 0)",
                      [(f"T{i:05d}-{'x' * 200}",) for i in range(2000)])
    with sqlite3.connect(db) as c:
        c.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        root = c.execute("SELECT rootpage FROM sqlite_master WHERE name = 'tax_rates'"
                         ).fetchone()[0]
        page = c.execute("PRAGMA page_size").fetchone()[0]
    with db.open("r+b") as f:  # scribble over the table's root page, header and all
        f.seek((root - 1) * page)
        f.write(b"\xff" * page)
    assert main(["--db", str(db), "doctor"]) == EXIT_FAIL
    out = capsys.readouterr().out
    assert "FAIL database: " in out and ("damage" in out or "cannot be read" in out)
