"""The chain's member keys at a till (sync/member_keys.py), against a central's answers: kept in
the keyring once fetched; a central before issue 17 (no keys, members without their phones'
hashes) is noted, and once it is upgraded the till takes a new snapshot to get the hashes."""

from __future__ import annotations

import httpx
import pytest

from posclient.store.db import Store
from posclient.store.sync_state import state_get, state_set
from sync import member_keys
from sync.credentials import MemoryKeyring, TokenStore
from sync.errors import SyncError
from sync.protocol import TillKeys
from sync.protocol.members import b64

KEYS = TillKeys(phone_key=b64(bytes(range(32))), seal_public_key=b64(bytes(32)), key_id="k1")


def central(keys: TillKeys | None, asked: list[str]) -> httpx.Client:
    """A central answering ``GET /v1/keys``: before issue 17 (404), or with ``keys``."""
    def handler(request: httpx.Request) -> httpx.Response:
        asked.append(request.url.path)
        if keys is None:
            return httpx.Response(404, json={"error": "not_found", "detail": "Not Found"})
        return httpx.Response(200, content=keys.model_dump_json())

    return httpx.Client(base_url="http://central.test", transport=httpx.MockTransport(handler))


def test_an_older_central_is_noted_and_its_upgrade_brings_a_new_snapshot(tmp_path):
    db = tmp_path / "till.db"
    tokens = TokenStore(MemoryKeyring())
    asked: list[str] = []
    with Store.open(db) as store:
        with store.write() as conn:
            state_set(conn, server_url="http://central.test", store_id="S1", terminal_id="T01",
                      central_id="C1", cursor=7)
        assert member_keys.take(store, central(None, asked), tokens, None) is None
        assert state_get(store.conn, member_keys.UNHASHED) == "1"
        assert state_get(store.conn, "cursor") == "7"  # nothing to gain from a snapshot yet
        got = member_keys.take(store, central(KEYS, asked), tokens, None)  # upgraded
        assert got is not None and got.phone_key == bytes(range(32)) and got.key_id == "k1"
        assert state_get(store.conn, "cursor") is None  # this cycle's pull takes a snapshot
        assert state_get(store.conn, member_keys.UNHASHED) is None
        asked.clear()
        assert member_keys.take(store, central(KEYS, asked), tokens, None) == got
        assert asked == []  # from the keyring now
    assert any(a.endswith("/member-keys") for _, a in tokens.backend.items)


def test_keys_in_the_keyring_that_cannot_be_read_are_fetched_again(tmp_path):
    db = tmp_path / "till.db"
    tokens = TokenStore(MemoryKeyring())
    with Store.open(db) as store:
        with store.write() as conn:
            state_set(conn, server_url="http://central.test", store_id="S1", terminal_id="T01",
                      central_id="C1")
        me = member_keys.enrolled(store.conn)
        assert me is not None and me.key is not None
        tokens.save_member_keys(me.key, "not keys")
        asked: list[str] = []
        assert member_keys.take(store, central(KEYS, asked), tokens, None) is not None
        assert asked == ["/v1/keys"]
        assert state_get(store.conn, "cursor") is None and member_keys.load(tokens, me)


def test_a_network_fault_fetching_the_keys_is_a_transient_sync_error(tmp_path):
    def down(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    db = tmp_path / "till.db"
    with Store.open(db) as store:
        with store.write() as conn:
            state_set(conn, server_url="http://central.test", store_id="S1", terminal_id="T01",
                      central_id="C1")
        http = httpx.Client(base_url="http://central.test", transport=httpx.MockTransport(down))
        with pytest.raises(SyncError) as exc:
            member_keys.take(store, http, TokenStore(MemoryKeyring()), None)
        assert exc.value.transient
        assert state_get(store.conn, member_keys.UNHASHED) is None  # nothing concluded
