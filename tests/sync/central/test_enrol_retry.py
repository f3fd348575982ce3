"""Enrolment safe to retry, and a till moved to a new address (issue 14, item 3).

The real central over HTTP on SQLite and PostgreSQL; lost answers come from the fault
middleware (tests/sync/faults.py) in front of the same central, which is then also "another
address" of it; a crash is a transport that gets the answer and dies before the till saves it.
"""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from central_kit import MemoryKeyring, token_of
from faults import FaultInjector
from sqlalchemy import func, select

from posclient.cli import main
from posclient.domain.clock import ManualClock
from posclient.store.db import Store
from sync.central import schema
from sync.central.api import create_app
from sync.central.db import make_engine
from sync.central.schema import terminals
from sync.credentials import TokenStore
from sync.engine import SyncEngine, SyncError, state_get
from sync.enrol import enrol, move_central


@contextmanager
def lossy_address(central, serve) -> Iterator[str]:
    """Another address of the same central whose answers to /v1/enrol are lost (the central
    handles and commits the request; the connection breaks before its answer)."""
    faulty = FaultInjector(create_app(central.engine, clock=central.clock))
    faulty.only_paths = ("/v1/enrol",)
    faulty.configure(1.0, ("drop_response",))
    with serve(faulty) as url:
        yield url


class TillDied(Exception):
    """The till's process ended with the central's answer in hand, before saving it."""


class CrashAfterSend(httpx.HTTPTransport):
    def __init__(self) -> None:
        super().__init__()
        self.sent: dict | None = None

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.sent = json.loads(request.read())
        super().handle_request(request).read()
        raise TillDied


def _terminal_count(central) -> int:
    with central.engine.connect() as conn:
        return conn.scalar(select(func.count()).select_from(terminals))


def _state(path: Path, key: str) -> str | None:
    with Store.open(path) as store:
        return state_get(store.conn, key)


def _whoami(central, token: str | None) -> int:
    return central.http.get("/v1/whoami",
                            headers={"Authorization": f"Bearer {token}"}).status_code


def test_an_enrolment_whose_answer_was_lost_retried_gives_the_same_terminal(
        shop, serve, tmp_path):
    db, tokens = tmp_path / "till.db", TokenStore(MemoryKeyring())
    Store.open(db).close()
    code = shop.enrolment_code("S1")
    with lossy_address(shop, serve) as lossy, \
            pytest.raises(SyncError, match="can be run again") as lost:
        enrol(db, lossy, code, "front", tokens=tokens, timeout=5)
    assert lost.value.transient and _terminal_count(shop) == 1  # the central made T01
    answer = enrol(db, shop.url, code, "front", tokens=tokens)  # retried, another address
    assert (answer.store_id, answer.terminal_id) == ("S1", "T01")
    assert _terminal_count(shop) == 1  # nobody's terminal left behind
    assert SyncEngine(db, tokens=tokens, timeout=5).run_once().bootstrapped
    assert _state(db, "enrol_request_id") is None  # done: a later code starts afresh


def test_a_till_that_died_between_sending_and_saving_gets_its_terminal_on_retry(
        shop, tmp_path):
    db, tokens = tmp_path / "till.db", TokenStore(MemoryKeyring())
    Store.open(db).close()
    code = shop.enrolment_code("S1")
    crash = CrashAfterSend()
    with pytest.raises(TillDied):
        enrol(db, shop.url, code, "front", tokens=tokens, transport=crash)
    assert crash.sent is not None  # the id was in the database before the request left
    assert _state(db, "enrol_request_id") == crash.sent["request_id"]
    assert _state(db, "server_url") is None and not tokens.backend.items
    answer = enrol(db, shop.url, code.lower(), "front", tokens=tokens)  # typed again
    assert answer.terminal_id == "T01" and _terminal_count(shop) == 1
    SyncEngine(db, tokens=tokens, timeout=5).run_once()


def test_another_till_cannot_take_a_spent_code_by_retrying_it(shop, tmp_path):
    tokens = TokenStore(MemoryKeyring())
    first, second = tmp_path / "a.db", tmp_path / "b.db"
    Store.open(first).close()
    Store.open(second).close()
    code = shop.enrolment_code("S1")
    enrol(first, shop.url, code, "front", tokens=tokens)
    with pytest.raises(SyncError, match="already used"):
        enrol(second, shop.url, code, "back", tokens=tokens)


def test_enrol_again_with_a_lost_answer_leaves_the_old_token_working(shop, serve, tmp_path):
    db, tokens = tmp_path / "till.db", TokenStore(MemoryKeyring())
    Store.open(db).close()
    enrol(db, shop.url, shop.enrolment_code("S1"), "front", tokens=tokens)
    engine = SyncEngine(db, tokens=tokens, timeout=5)
    engine.run_once()
    old = token_of(db, tokens)
    code = shop.admin_post("/enrolment-codes", {"store_id": "S1", "terminal_id": "T01"},
                           expect=201)["code"]
    with lossy_address(shop, serve) as lossy, pytest.raises(SyncError):
        enrol(db, lossy, code, "front", tokens=tokens, again=True, timeout=5)
    assert token_of(db, tokens) == old
    SyncEngine(db, tokens=tokens, timeout=5).run_once()  # still syncing with the old token
    assert _state(db, "last_error") is None
    answer = enrol(db, shop.url, code, "front", tokens=tokens, again=True)  # retried
    assert answer.terminal_id == "T01" and _terminal_count(shop) == 1
    assert token_of(db, tokens) == answer.token != old
    assert len([a for _, a in tokens.backend.items if not a.endswith("/member-keys")]) == 1
    assert _whoami(shop, old) == 401  # the new token was used (confirmed): the old one stops
    SyncEngine(db, tokens=tokens, timeout=5).run_once()


@pytest.fixture
def other_central(tmp_path, serve) -> Iterator[str]:
    """A second, unrelated central (its own database)."""
    engine = make_engine(f"sqlite:///{tmp_path / 'other-central.db'}")
    clock = ManualClock()
    schema.init_schema(engine, clock.now())
    with serve(create_app(engine, clock=clock)) as url:
        yield url
    engine.dispose()


def test_a_till_moves_to_a_new_address_of_its_central_and_not_to_another_central(
        shop, serve, other_central, tmp_path):
    db, tokens = tmp_path / "till.db", TokenStore(MemoryKeyring())
    Store.open(db).close()
    enrol(db, shop.url, shop.enrolment_code("S1"), "front", tokens=tokens)
    SyncEngine(db, tokens=tokens, timeout=5).run_once()
    with pytest.raises(SyncError, match="does not know this till's token"):
        move_central(db, other_central, tokens=tokens)
    assert _state(db, "server_url") == shop.url  # nothing changed
    with serve(create_app(shop.engine, clock=shop.clock)) as proxy:  # a new proxy name
        who = move_central(db, proxy + "/", tokens=tokens)
        assert (who.store_id, who.terminal_id) == ("S1", "T01")
        assert _state(db, "server_url") == proxy
        SyncEngine(db, tokens=tokens, timeout=5).run_once()
    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{s.getsockname()[1]}"
    with pytest.raises(SyncError, match="cannot be reached"):
        move_central(db, dead, tokens=tokens, timeout=2)
    assert _state(db, "server_url") == proxy


def test_cli_moves_a_till_to_a_new_address_checked_by_its_token(
        shop, serve, other_central, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyrings.alt.file.PlaintextKeyring")
    db = str(tmp_path / "till.db")
    assert main(["--db", db, "enrol", "--server", shop.url, "--code",
                 shop.enrolment_code("S1"), "--name", "front"]) == 0
    capsys.readouterr()
    assert main(["--db", db, "central-address", other_central]) == 1
    assert "does not know this till's token" in capsys.readouterr().err
    with serve(create_app(shop.engine, clock=shop.clock)) as proxy:
        assert main(["--db", db, "central-address", proxy]) == 0
        assert f"now uses the central at {proxy}" in capsys.readouterr().out
        assert main(["--db", db, "sync", "--once"]) == 0
        assert main(["--db", db, "status"]) == 0
        assert proxy in capsys.readouterr().out
