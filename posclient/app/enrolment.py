"""Enrolling this till again from its window (a new token, the same till): a manager's action.

The permission is checked on the GUI thread (:meth:`EnrolAgain.authorize`, where the PIN dialog
is); the network call runs on a worker (:meth:`EnrolAgain.run`), which only a permission can
start, so the role is enforced here, in the service layer, not by the Settings screen.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from posclient.domain.clock import Clock, iso
from posclient.domain.policy import Action
from posclient.store import audit
from posclient.store.audit_head import AuditKey
from posclient.store.db import Store

from .ports import EnrolmentPort, TokenStorePort
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
    audit_key: AuditKey | None = None  # the till's (its records are keyed on any thread)

    @classmethod
    def authorize(cls, store: Store, session: StaffSession, staff: StaffService,
                  approval: Approval | None = None) -> EnrolAgain:
        """Raises ApprovalRequired (a manager's PIN is needed) or PermissionDenied."""
        approver = staff.authorize(session, Action.CONFIGURE_TERMINAL, approval)
        if not isinstance(store.path, Path):
            raise ValueError("an in-memory till database cannot be enrolled")
        return cls(store.path, session.staff.id, approver, staff.clock, store.audit_key)

    def run(self, enrolment: EnrolmentPort, server_url: str, code: str, terminal_name: str, *,
            tokens: TokenStorePort) -> EnrolResponse:
        """Any thread: the central's answer (raises sync's SyncError). Audited."""
        answer = enrolment.enrol(self.db_path, server_url, code, terminal_name, tokens=tokens,
                                 again=True)
        with Store.open(self.db_path, create=False,
                        audit_key=self.audit_key) as store, store.write() as conn:
            audit.append(conn, at=iso(self.clock.now()), action="enrol_again",
                         staff_id=self.staff_id, approved_by=self.approved_by,
                         detail={"server_url": server_url, "terminal_id": answer.terminal_id})
        return answer

    def move_to(self, enrolment: EnrolmentPort, server_url: str, *,
                tokens: TokenStorePort) -> WhoAmI:
        """Any thread: point this till at a new address of the same central, checked by its
        token (raises sync's SyncError, nothing changed). Audited."""
        who = enrolment.move_central(self.db_path, server_url, tokens=tokens)
        with Store.open(self.db_path, create=False,
                        audit_key=self.audit_key) as store, store.write() as conn:
            audit.append(conn, at=iso(self.clock.now()), action="central_moved",
                         staff_id=self.staff_id, approved_by=self.approved_by,
                         detail={"server_url": server_url.strip().rstrip("/")})
        return who
