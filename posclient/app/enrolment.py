"""Enrolling this till again from its window (a new token, the same till): a manager's action.

The permission is checked on the GUI thread (:meth:`EnrolAgain.authorize`, where the PIN dialog
is); the network call runs on a worker (:meth:`EnrolAgain.run`), which only a permission can
start, so the role is enforced here, in the service layer, not by the Settings screen.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from posclient.domain.clock import Clock, iso
from posclient.domain.policy import Action
from posclient.store import audit
from posclient.store.db import Store

from .staff import Approval, StaffService, StaffSession

if TYPE_CHECKING:
    from sync.protocol import EnrolResponse, WhoAmI


@dataclass(frozen=True, slots=True)
class EnrolAgain:
    """A manager's permission to enrol this till again; :meth:`run` uses it once."""

    db_path: Path
    staff_id: int
    approved_by: int | None
    clock: Clock

    @classmethod
    def authorize(cls, store: Store, session: StaffSession, staff: StaffService,
                  approval: Approval | None = None) -> EnrolAgain:
        """Raises ApprovalRequired (a manager's PIN is needed) or PermissionDenied."""
        approver = staff.authorize(session, Action.CONFIGURE_TERMINAL, approval)
        if not isinstance(store.path, Path):
            raise ValueError("an in-memory till database cannot be enrolled")
        return cls(store.path, session.staff.id, approver, staff.clock)

    def run(self, server_url: str, code: str, terminal_name: str, *, tokens: Any,
            **kw: Any) -> EnrolResponse:
        """Any thread: the central's answer (raises sync.engine.SyncError). Audited."""
        from sync.enrol import enrol

        answer = enrol(self.db_path, server_url, code, terminal_name, tokens=tokens,
                       again=True, **kw)
        with Store.open(self.db_path, create=False) as store, store.write() as conn:
            audit.append(conn, at=iso(self.clock.now()), action="enrol_again",
                         staff_id=self.staff_id, approved_by=self.approved_by,
                         detail={"server_url": server_url, "terminal_id": answer.terminal_id})
        return answer

    def move_to(self, server_url: str, *, tokens: Any, **kw: Any) -> WhoAmI:
        """Any thread: point this till at a new address of the same central, checked by its
        token (raises sync.engine.SyncError, nothing changed). Audited."""
        from sync.enrol import move_central

        who = move_central(self.db_path, server_url, tokens=tokens, **kw)
        with Store.open(self.db_path, create=False) as store, store.write() as conn:
            audit.append(conn, at=iso(self.clock.now()), action="central_moved",
                         staff_id=self.staff_id, approved_by=self.approved_by,
                         detail={"server_url": server_url.strip().rstrip("/")})
        return who
