"""Whose token a till holds, checked against the till's own store and terminal (issue 14).

A till's token is kept in the keyring under a :class:`~sync.credentials.TillKey`: the central's
id, the store, the terminal and the till database's own id. Two till databases on one machine
(a training PC, a test rig), each its store's ``T01``, have two entries and never replace each
other's token.

Before a till uploads or takes in anything with a token it has not checked yet, it asks the
central whose token it is (``GET /v1/whoami``) and refuses, saying so, when the answer is
another store or terminal, or another central. The same check accepts a new address of the
same central (:func:`sync.enrol.move_central`). An entry written before issue 14 (named from
the terminal and the address only) is read once, checked, moved to its new name and removed.

No HTTP client and no engine here: the callers send the request (sync/engine.py,
sync/enrol.py); this module only reads the till's identity and judges the answer.
"""

from __future__ import annotations

import hashlib
import sqlite3
from dataclasses import dataclass
from typing import Any

from .credentials import TillKey, TokenStore
from .errors import SyncError
from .protocol import WhoAmI

_KEYS = ("server_url", "store_id", "terminal_id", "central_id", "database_id")


@dataclass(frozen=True, slots=True)
class Enrolled:
    """The identity an enrolled till keeps in its database (``sync_state``)."""

    server_url: str
    store_id: str
    terminal_id: str
    central_id: str | None  # None: enrolled before issue 14, not checked with the central yet
    database_id: str

    @property
    def key(self) -> TillKey | None:
        if self.central_id is None:
            return None
        return TillKey(self.central_id, self.store_id, self.terminal_id, self.database_id)


def enrolled(conn: sqlite3.Connection | Any) -> Enrolled | None:
    """This till's identity, or None if it is not enrolled."""
    return from_state(dict(conn.execute(
        f"SELECT key, value FROM sync_state WHERE key IN ({','.join('?' * len(_KEYS))})",
        _KEYS).fetchall()))


def from_state(rows: dict[str, str]) -> Enrolled | None:
    """:func:`enrolled` from ``sync_state`` rows already read (``posclient doctor``)."""
    if not rows.get("server_url") or not rows.get("terminal_id"):
        return None
    return Enrolled(rows["server_url"], rows.get("store_id") or "", rows["terminal_id"],
                    rows.get("central_id") or None, rows.get("database_id") or "")


@dataclass(frozen=True, slots=True)
class HeldToken:
    token: str
    legacy: bool  # found under the name used before issue 14 (moved once checked)


def held_token(me: Enrolled, tokens: TokenStore) -> HeldToken | None:
    """The token in the keyring for this till database, or None."""
    key = me.key
    if key is not None:
        token = tokens.load(key)
        if token:
            return HeldToken(token, legacy=False)
    token = tokens.load_legacy(me.server_url, me.terminal_id)
    return HeldToken(token, legacy=True) if token else None


@dataclass(frozen=True)
class Refusal:
    """Why a till must not use a token: ``code`` (sync/refusals.py words it in zh and en), the
    English message, and the details the words need."""

    code: str
    message: str
    details: dict[str, str]

    def error(self) -> SyncError:
        return SyncError(self.message, transient=False, retry_after=None, code=self.code,
                         **self.details)


def refusal(me: Enrolled, answer: WhoAmI, server_url: str | None = None) -> Refusal | None:
    """Why this till must not use a token the central says is ``answer``'s, or None."""
    if (answer.store_id, answer.terminal_id) != (me.store_id, me.terminal_id):
        details = {"held": f"{answer.store_id} {answer.terminal_id}",
                   "own": f"{me.store_id} {me.terminal_id}"}
        return Refusal("wrong_token", f"this till's keyring holds the token of store "
                       f"{details['held']}, not {details['own']}: enrol again (posclient enrol "
                       "--again with a code made for this till)", details)
    if me.central_id is not None and answer.central_id != me.central_id:
        where = server_url or me.server_url
        return Refusal("wrong_central", f"the central at {where} is not the central this till "
                       "is enrolled with (its id differs): nothing was sent or taken in",
                       {"where": where})
    return None


def adopt(conn: Any, tokens: TokenStore, me: Enrolled, held: HeldToken,
          answer: WhoAmI) -> Enrolled:
    """The central confirmed ``held`` is this till's: note the central's id (a till enrolled
    before issue 14) and move a legacy keyring entry to its own name. ``conn``: in a write
    transaction. Returns the identity as now stored."""
    now = Enrolled(me.server_url, me.store_id, me.terminal_id, answer.central_id,
                   me.database_id)
    if me.central_id is None:
        conn.execute("INSERT INTO sync_state (key, value) VALUES ('central_id', ?) "
                     "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                     (answer.central_id,))
    if held.legacy:
        assert now.key is not None
        tokens.save(now.key, held.token)
        tokens.delete_legacy(me.server_url, me.terminal_id)
    return now


def fingerprint(server_url: str, token: str) -> str:
    """What a process remembers of a token it checked (never the token itself)."""
    return hashlib.sha256(f"{server_url}\n{token}".encode()).hexdigest()
