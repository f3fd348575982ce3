"""What the till's window reads of the till's state, and enrolling a new till: the window holds
no database connection and opens no transaction, it asks here.

Enrolling again (a manager's action) is posclient/app/enrolment.py.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from posclient.domain.reasons import ReasonCode
from posclient.domain.sync_status import SyncStatus
from posclient.store.db import Store
from posclient.store.sync_state import read_status, state_get

from .ports import EnrolmentPort, TokenStorePort
from .quick_keys import QuickKey, quick_keys
from .reasons import reasons_for
from .shifts import shift_is_open

if TYPE_CHECKING:
    from sync.protocol import EnrolResponse


def sync_status(store: Store, state: str | None = None) -> SyncStatus:
    """The sync status as the engine left it in the database (``state``: the engine's state
    just reported, e.g. ``syncing``, instead of the stored one)."""
    return read_status(store.conn, state=state)


def terminal_name(store: Store) -> str | None:
    """The name this till was enrolled under, if it was."""
    return state_get(store.conn, "terminal_name")


def shift_open(store: Store) -> bool:
    """Whether this till has an open shift."""
    return shift_is_open(store.conn)


def reasons_offered(store: Store, kind: str) -> list[ReasonCode]:
    """The reasons of ``kind`` a cashier chooses from (posclient/app/reasons.py)."""
    return reasons_for(store.conn, kind)


def quick_key_groups(store: Store) -> list[tuple[str, str, list[QuickKey]]]:
    """The till's quick keys by category (posclient/app/quick_keys.py)."""
    return quick_keys(store.conn)


def enrol_new_till(enrolment: EnrolmentPort, store: Store, server_url: str, code: str,
                   terminal_name: str, *, tokens: TokenStorePort) -> EnrolResponse:
    """Any thread: enrol this new till with the central (a one-time code from IT)."""
    if not isinstance(store.path, Path):
        raise ValueError("an in-memory till database cannot be enrolled")
    return enrolment.enrol(store.path, server_url, code, terminal_name, tokens=tokens)
