"""This terminal's own configuration: its printer, its language. Kept in the till database
(``terminal_config``), never synced; changing it is a manager's action, audited in the same
transaction."""

from __future__ import annotations

import json
from typing import Any

from posclient.domain.clock import iso
from posclient.domain.policy import Action
from posclient.store import audit
from posclient.store.db import Store
from posclient.store.terminal_config import config_json, put_config

from .staff import Approval, StaffService, StaffSession

KEYS = frozenset({"printer", "language", "customer_display"})


class TerminalConfig:
    def __init__(self, store: Store) -> None:
        self.store = store

    def get(self, key: str, default: Any = None) -> Any:
        text = config_json(self.store.conn, key)
        return default if text is None else json.loads(text)

    def provision(self, key: str, value: Any) -> None:
        """Set a key while nobody is logged in: demo data, provisioning by IT."""
        with self.store.write() as conn:
            self._put(conn, key, value)

    def set(self, session: StaffSession, staff: StaffService, key: str, value: Any,
            approval: Approval | None = None) -> None:
        """A manager changes one key (or approves the change); audited."""
        approver = staff.authorize(session, Action.CONFIGURE_TERMINAL, approval)
        with self.store.write() as conn:
            self._put(conn, key, value)
            audit.append(conn, at=iso(staff.clock.now()), action=Action.CONFIGURE_TERMINAL.value,
                         staff_id=session.staff.id, approved_by=approver,
                         detail={"key": key, "value": value})

    @staticmethod
    def _put(conn: Any, key: str, value: Any) -> None:
        if key not in KEYS:
            raise KeyError(key)
        put_config(conn, key, value)
