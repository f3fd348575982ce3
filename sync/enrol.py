"""Enrolling a terminal with the central: a one-time code in, a token (to the keyring) out."""

from __future__ import annotations

import json
from pathlib import Path

import httpx

from posclient.app.clock import Clock, SystemClock, iso
from posclient.store.db import Store

from .credentials import TokenStore
from .engine import SyncError, _raise_for, state_get, state_set
from .http import BoundedTransport
from .protocol import EnrolRequest, EnrolResponse


def enrol(db_path: str | Path, server_url: str, code: str, terminal_name: str, *,
          tokens: TokenStore, clock: Clock | None = None,
          transport: httpx.BaseTransport | None = None, verify: bool | str = True,
          timeout: float = 15.0, again: bool = False) -> EnrolResponse:
    """Enrol the till database at ``db_path``; returns the central's answer.

    Refuses a database that is enrolled already or holds a catalogue of its own (demo data):
    its ids would clash with the central's. Checks the keyring before spending the code.

    ``again``: an enrolled till takes a new token (its old one was revoked or lost) with a code
    made for it (``posclient-central enrol-code --store S --terminal T``). It keeps its id,
    its outbox and its cursor: events waiting to upload carry on where they stopped. The
    central's address may change (the central moved).
    """
    clock = clock or SystemClock()
    server_url = server_url.rstrip("/")
    if not server_url.startswith(("http://", "https://")):
        raise SyncError(f"{server_url!r} is not a server address (http:// or https://)",
                        transient=False)
    with Store.open(db_path) as store:
        enrolled_with = state_get(store.conn, "server_url")
        own_id = state_get(store.conn, "terminal_id") if enrolled_with else None
        if enrolled_with and not again:
            raise SyncError(
                f"This till is already enrolled with {enrolled_with} as {own_id}. To give it a "
                "new token, enrol it again with a code made for it (posclient enrol --again).",
                transient=False)
        if again and not enrolled_with:
            raise SyncError("This till is not enrolled yet: enrol it (without --again).",
                            transient=False)
        if not enrolled_with and \
                store.conn.execute("SELECT EXISTS (SELECT 1 FROM products)").fetchone()[0]:
            raise SyncError(
                "This database already holds a catalogue (demo data?): enrol a new database "
                "file (posclient --db NEW.db enrol ...)", transient=False)
        _ = tokens.backend  # KeyringUnavailable now, before the one-time code is used
        own_store = state_get(store.conn, "store_id") if enrolled_with else None
        request = EnrolRequest(code=code.strip(), terminal_name=terminal_name,
                               store_id=own_store, terminal_id=own_id)
        try:
            bounded = BoundedTransport(transport, server=server_url, verify=verify,
                                       deadline_s=4 * timeout)  # sync/http.py
            with httpx.Client(transport=bounded, timeout=timeout, verify=verify) as http:
                resp = http.post(f"{server_url}/v1/enrol", json=request.model_dump())
        except httpx.HTTPError as exc:
            raise SyncError(f"the central at {server_url} cannot be reached ({exc})",
                            transient=True) from None
        if resp.status_code in (400, 401, 403, 404, 409, 410, 422):
            detail = _detail(resp)
            raise SyncError(f"the central refused the enrolment code: {detail}",
                            transient=False)
        _raise_for(resp)
        answer = EnrolResponse.model_validate(resp.json())
        if own_id is not None and (answer.terminal_id, answer.store_id) != (own_id, own_store):
            raise SyncError(f"the central enrolled this till as {answer.store_id}/"
                            f"{answer.terminal_id}, not as itself ({own_id}): nothing was "
                            "changed here", transient=False)
        tokens.save(server_url, answer.terminal_id, answer.token)
        with store.write() as conn:
            state_set(conn, server_url=server_url, store_id=answer.store_id,
                      terminal_id=answer.terminal_id, terminal_name=terminal_name,
                      enrolled_at=iso(clock.now()), last_error=None, error_transient=None)
            conn.executemany(
                "INSERT INTO settings (key, value) VALUES (?, ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                [("store_id", json.dumps(answer.store_id)),
                 ("terminal_id", json.dumps(answer.terminal_id))])
        return answer


def _detail(resp: httpx.Response) -> str:
    try:
        body = resp.json()
        return str(body.get("detail") or body.get("error") or body)
    except ValueError:
        return resp.text[:200] or str(resp.status_code)
