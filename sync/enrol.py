"""Enrolling a terminal with the central: a one-time code in, a token (to the keyring) out;
and moving an enrolled till to a new address of the same central (:func:`move_central`).

Safe to retry (issue 14): the request carries an id the till writes to its database before it
sends, so the same code retried after a lost answer or a crash, through any address of the
central, gives the same terminal; enrolling again keeps the old token working until the new one
has been used once."""

from __future__ import annotations

import hashlib
import json
import logging
import uuid
from pathlib import Path

import httpx

from posclient.domain.clock import Clock, iso
from posclient.store.db import Store
from posclient.store.sync_state import state_get, state_set
from sync.protocol.clock import SystemClock

from . import till_identity
from .credentials import TillKey, TokenStore
from .errors import SyncError
from .faults import raise_for
from .http import BoundedTransport
from .protocol import EnrolRequest, EnrolResponse, WhoAmI

log = logging.getLogger(__name__)


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
        before = till_identity.enrolled(store.conn)
        request = EnrolRequest(code=code.strip(), terminal_name=terminal_name,
                               store_id=own_store, terminal_id=own_id,
                               request_id=_request_id(store, code))
        try:
            with _client(server_url, transport, verify, timeout) as http:
                resp = http.post(f"{server_url}/v1/enrol", json=request.model_dump(mode="json"))
        except httpx.HTTPError as exc:
            raise SyncError(f"the central at {server_url} cannot be reached ({exc}); the same "
                            "command with the same code can be run again",
                            transient=True) from None
        if resp.status_code in (400, 401, 403, 404, 409, 410, 422):
            detail = _detail(resp)
            raise SyncError(f"the central refused the enrolment code: {detail}",
                            transient=False)
        raise_for(resp)
        answer = EnrolResponse.model_validate(resp.json())
        if own_id is not None and (answer.terminal_id, answer.store_id) != (own_id, own_store):
            raise SyncError(f"the central enrolled this till as {answer.store_id}/"
                            f"{answer.terminal_id}, not as itself ({own_id}): nothing was "
                            "changed here", transient=False)
        if answer.central_id is None:
            raise SyncError("the central did not say its id: it is older than this till "
                            "(upgrade posclient-central first)", transient=False)
        key = TillKey(answer.central_id, answer.store_id, answer.terminal_id,
                      state_get(store.conn, "database_id") or "")
        tokens.save(key, answer.token)
        with store.write() as conn:
            state_set(conn, server_url=server_url, store_id=answer.store_id,
                      terminal_id=answer.terminal_id, central_id=answer.central_id,
                      terminal_name=terminal_name, enrolled_at=iso(clock.now()),
                      last_error=None, error_transient=None, error_code=None,
                      enrol_code_hash=None,
                      enrol_request_id=None)
            conn.executemany(
                "INSERT INTO settings (key, value) VALUES (?, ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                [("store_id", json.dumps(answer.store_id)),
                 ("terminal_id", json.dumps(answer.terminal_id))])
    if before is not None:  # enrolled again: the entries of the old token go
        if before.key is not None and before.key != key:
            tokens.delete(before.key)
        tokens.delete_legacy(before.server_url, before.terminal_id)
    _confirm(server_url, answer.token, transport=transport, verify=verify, timeout=timeout)
    return answer


def _request_id(store: Store, code: str) -> uuid.UUID:
    """The id of this till's enrolment with ``code``, written before the request is sent: a
    retry of the same code (its answer was lost, the till crashed, another address) sends the
    same id, and the central answers it with the same terminal."""
    code_hash = hashlib.sha256(_normalize_code(code).encode()).hexdigest()
    with store.write() as conn:
        if state_get(conn, "enrol_code_hash") == code_hash:
            kept = state_get(conn, "enrol_request_id")
            if kept:
                return uuid.UUID(kept)
        request_id = uuid.uuid4()
        state_set(conn, enrol_code_hash=code_hash, enrol_request_id=str(request_id))
    return request_id


def _normalize_code(code: str) -> str:
    """As the central reads a code (case, dashes and spaces do not matter; O/0, I/L/1 alike)."""
    fix = str.maketrans({"O": "0", "I": "1", "L": "1"})
    return "".join(code.split()).replace("-", "").upper().translate(fix)


def _client(server_url: str, transport: httpx.BaseTransport | None, verify: bool | str,
            timeout: float) -> httpx.Client:
    """A client whose every request ends by its deadline and whose answers are bounded
    (sync/http.py)."""
    bounded = BoundedTransport(transport, server=server_url, verify=verify,
                               deadline_s=4 * timeout)
    return httpx.Client(transport=bounded, timeout=timeout, verify=verify)


def _confirm(server_url: str, token: str, *, transport: httpx.BaseTransport | None,
             verify: bool | str, timeout: float) -> None:
    """Use the new token once, so the central makes it this till's only one. Best effort: if
    this answer is lost, the next sync's identity check does the same."""
    try:
        with _client(server_url, transport, verify, timeout) as http:
            http.get(f"{server_url}/v1/whoami", headers={"Authorization": f"Bearer {token}"})
    except httpx.HTTPError as exc:
        log.info("the new token was not confirmed now (%s): the next sync does it", exc)


def move_central(db_path: str | Path, server_url: str, *, tokens: TokenStore,
                 transport: httpx.BaseTransport | None = None, verify: bool | str = True,
                 timeout: float = 15.0) -> WhoAmI:
    """Point an enrolled till at a new address of the same central (a new proxy name, a new
    host) without a new code. The central at ``server_url`` must know this till's token as
    this till's (store and terminal) and, once known, have the same central id: another
    central, or another till's token, is refused and nothing changes."""
    server_url = server_url.strip().rstrip("/")
    if not server_url.startswith(("http://", "https://")):
        raise SyncError(f"{server_url!r} is not a server address (http:// or https://)",
                        transient=False)
    with Store.open(db_path, create=False) as store:
        me = till_identity.enrolled(store.conn)
        if me is None:
            raise SyncError("This till is not enrolled yet: enrol it (posclient enrol --server "
                            "URL --code CODE).", transient=False)
        held = till_identity.held_token(me, tokens)
        if held is None:
            raise SyncError("This till's token is not in the keyring: it cannot be moved, "
                            "enrol it again with a code made for it (posclient enrol --again)",
                            transient=False)
        try:
            with _client(server_url, transport, verify, timeout) as http:
                resp = http.get(f"{server_url}/v1/whoami",
                                headers={"Authorization": f"Bearer {held.token}"})
        except httpx.HTTPError as exc:
            raise SyncError(f"the central at {server_url} cannot be reached ({exc}); nothing "
                            "was changed", transient=True) from None
        if resp.status_code == 401:
            raise SyncError(f"the central at {server_url} does not know this till's token: it "
                            "is not the central this till is enrolled with (or the token was "
                            "revoked); nothing was changed", transient=False)
        if resp.status_code == 404:
            raise SyncError(f"{server_url} is not a posclient central (or an older one): "
                            "nothing was changed", transient=False)
        raise_for(resp)
        try:
            answer = WhoAmI.model_validate_json(resp.content)
        except ValueError:
            raise SyncError(f"{server_url} did not answer as a posclient central: nothing was "
                            "changed", transient=False) from None
        why = till_identity.refusal(me, answer, server_url)
        if why is not None:
            raise why.error()
        with store.write() as conn:
            till_identity.adopt(conn, tokens, me, held, answer)
            state_set(conn, server_url=server_url, last_error=None, error_transient=None,
                      error_code=None)
    log.info("this till now uses the central at %s", server_url)
    return answer


def _detail(resp: httpx.Response) -> str:
    try:
        body = resp.json()
        return str(body.get("detail") or body.get("error") or body)
    except ValueError:
        return resp.text[:200] or str(resp.status_code)
