"""Staff sessions: login by staff number and PIN, lockout, idle lock, and approvals.

- A wrong PIN is counted; after ``max_failed_pins`` the staff number is locked for
  ``lockout_minutes`` or until a manager unlocks it. Counting and locking are committed even
  though the login fails.
- A session locks after ``idle_lock_seconds`` without activity; the same staff member unlocks it
  with the PIN.
- An action needing a higher role is allowed with an :class:`Approval` (another staff member's
  number and PIN); the audit log records who did it and who approved it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from posclient.domain.clock import Clock, iso, parse_iso
from posclient.domain.errors import ApprovalRequired, AuthError, NotFound, PermissionDenied
from posclient.domain.pins import verify_pin
from posclient.domain.policy import DEFAULT_LIMITS, Action, Limits, Role, required_role
from posclient.store import audit
from posclient.store import staff as repo
from posclient.store.db import Store


@dataclass(frozen=True, slots=True)
class Staff:
    id: int
    name: str
    role: Role


@dataclass(frozen=True, slots=True)
class Approval:
    """A supervisor's or manager's credentials, given at the till for one action."""

    staff_id: int
    pin: str


@dataclass
class StaffSession:
    staff: Staff
    started_at: datetime
    last_activity: datetime
    locked: bool = False
    extra: dict[str, Any] = field(default_factory=dict)


class StaffService:
    def __init__(self, store: Store, clock: Clock, limits: Limits = DEFAULT_LIMITS) -> None:
        self.store = store
        self.clock = clock
        self.limits = limits

    # -- credentials ---------------------------------------------------------------------------
    def _check_pin(self, staff_id: int, pin: str, *, purpose: str) -> Staff:
        """Verify a PIN with lockout; commit the failure count; return the staff member."""
        now = self.clock.now()
        row = repo.staff_row(self.store.conn, staff_id)
        if row is None or not row.active:
            raise AuthError.of("auth_failed.plain")
        sid, name, role, pin_hash = row.id, row.name, row.role, row.pin_hash
        failed, locked_until = row.failed_pins, row.locked_until
        if locked_until and parse_iso(locked_until) > now:
            until = parse_iso(locked_until)
            minutes = max(1, int((until - now).total_seconds() + 59) // 60)
            raise AuthError.of("staff_locked.locked", staff_id=sid, minutes=minutes)
        if verify_pin(pin_hash, pin):
            if failed or locked_until:
                with self.store.write() as conn:
                    repo.clear_lockout(conn, sid)
            return Staff(sid, name, Role(role))
        failed += 1
        lock = failed >= self.limits.max_failed_pins
        with self.store.write() as conn:
            repo.set_failed(
                conn, sid, 0 if lock else failed,
                iso(now + timedelta(minutes=self.limits.lockout_minutes)) if lock else None)
            audit.append(conn, at=iso(now), action="pin_failed", staff_id=sid,
                         detail={"purpose": purpose, "attempt": failed, "locked": lock})
        if lock:
            raise AuthError.of("staff_locked.now_locked", staff_id=sid,
                               minutes=self.limits.lockout_minutes)
        left = self.limits.max_failed_pins - failed
        raise AuthError.of("auth_failed.tries_left", tries_left=left)

    def login(self, staff_id: int, pin: str) -> StaffSession:
        staff = self._check_pin(staff_id, pin, purpose="login")
        now = self.clock.now()
        with self.store.write() as conn:
            audit.append(conn, at=iso(now), action="login", staff_id=staff.id)
        return StaffSession(staff, now, now)

    def logout(self, session: StaffSession) -> None:
        with self.store.write() as conn:
            audit.append(conn, at=iso(self.clock.now()), action="logout",
                         staff_id=session.staff.id)

    # -- idle lock -----------------------------------------------------------------------------
    def ensure_active(self, session: StaffSession) -> None:
        """Refuse to act on a locked or idle session; otherwise note the activity."""
        now = self.clock.now()
        if not session.locked and (now - session.last_activity).total_seconds() \
                > self.limits.idle_lock_seconds:
            session.locked = True
        if session.locked:
            raise AuthError.of("session_locked")
        session.last_activity = now

    def unlock_session(self, session: StaffSession, pin: str) -> None:
        self._check_pin(session.staff.id, pin, purpose="unlock")
        session.locked = False
        session.last_activity = self.clock.now()

    # -- authorisation -------------------------------------------------------------------------
    def authorize(self, session: StaffSession, action: Action,
                  approval: Approval | None = None) -> int | None:
        """Allow ``action`` for the session's staff, or with ``approval`` from a higher role.

        Returns the approver's staff id (None when the staff member's own role suffices).
        Raises :class:`ApprovalRequired` when a PIN from a higher role is needed.
        """
        need = required_role(action)
        if session.staff.role.at_least(need):
            return None
        if approval is None:
            raise ApprovalRequired.of("approval_required", action=action.value,
                                      min_role=need.value)
        approver = self._check_pin(approval.staff_id, approval.pin, purpose=action.value)
        if not approver.role.at_least(need):
            raise PermissionDenied.of("approver_role", name=approver.name, staff_id=approver.id,
                                      role=approver.role.value, min_role=need.value)
        if approver.id == session.staff.id:
            raise PermissionDenied.of("self_approval")
        return approver.id

    def record(self, session: StaffSession, action: str, approved_by: int | None = None,
               **detail: Any) -> None:
        """Write one audit record for a sensitive action, in its own transaction."""
        with self.store.write() as conn:
            audit.append(conn, at=iso(self.clock.now()), action=action,
                         staff_id=session.staff.id, approved_by=approved_by, detail=detail)

    def unlock_staff(self, session: StaffSession, staff_id: int,
                     approval: Approval | None = None) -> None:
        """A manager clears a staff number's lockout."""
        approved_by = self.authorize(session, Action.UNLOCK_STAFF, approval)
        if not repo.exists(self.store.conn, staff_id):
            raise NotFound.of("staff_unknown", staff_id=staff_id)
        with self.store.write() as conn:
            repo.clear_lockout(conn, staff_id)
            audit.append(conn, at=iso(self.clock.now()), action="unlock_staff",
                         staff_id=session.staff.id, approved_by=approved_by,
                         detail={"unlocked": staff_id})
