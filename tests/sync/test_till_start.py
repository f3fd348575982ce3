"""Starting the till window's sync engine for an enrolled till."""

from __future__ import annotations

import keyring.core

from posclient.app.terminal import Terminal
from posclient.devices.payment import SimulatedPaymentTerminal
from posclient.store.db import Store
from sync.credentials import MemoryKeyring


def test_an_enrolled_till_with_a_keyring_gets_its_sync_engine(tmp_path, monkeypatch):
    from posclient.till_wiring import sync_engine

    monkeypatch.setattr(keyring.core, "_keyring_backend", MemoryKeyring())
    store = Store.open(tmp_path / "till.db")
    with store.write() as c:
        c.execute("INSERT INTO sync_state (key, value) VALUES ('server_url', "
                  "'http://127.0.0.1:9'), ('terminal_id', 'T01')")
    with store:
        engine, problem = sync_engine(Terminal(store, payments=SimulatedPaymentTerminal()))
    assert problem == ""
    assert engine is not None and engine.db_path == tmp_path / "till.db"


def test_memory_keyring_is_never_chosen_by_keyring_itself():
    """Else keyring chains it before a headless machine's file backend, and a till's token
    would be kept in memory only."""
    assert not any(isinstance(k, MemoryKeyring) for k in keyring.backend.get_all_keyring())
