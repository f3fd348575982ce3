"""Staff sessions: login by staff number and PIN, lockout, idle lock, and approvals.

- A wrong PIN is counted; after ``max_failed_pins`` the staff number is locked for
  ``lockout_minutes`` or until a manager unlocks it. Counting and locking are committed even
  though the login fails. A manager sees who is locked or being counted (:meth:`lockouts`).
- Every refusal reads and costs the same, whether the number is a staff member's or not, and
  whether it is locked or not: one message (the lockout rule, not the number's state), one
  argon2 check, one write (its audit record). Who types numbers learns nothing about them.
- A session locks after ``idle_lock_seconds`` without activity; the same staff member unlocks it
  with the PIN.
- An action needing a higher role is allowed with an :class:`Approval` (another staff member's
  number and PIN); the audit log records who did it and who approved it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, NoReturn

from posclient.domain.clock import Clock, iso, parse_iso
from posclient.domain.errors import ApprovalRequired, AuthError, NotFound, PermissionDenied
from posclient.domain.pins import verify_nobody, verify_pin
from posclient.domain.policy import DEFAULT_LIMITS, Action, Limits, Role, required_role
from posclient.store import audit
from posclient.store import staff as repo
from posclient.store.db import Store

MAX_STAFF_ID = 2**63 - 1  # sync.protocol's BIGINT_MAX: no staff number is larger


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


@dataclass(frozen=True, slots=True)
class Lockout:
    """A staff number a manager should know about: locked now, or with wrong PINs counted."""

    staff: Staff
    failed_pins: int  # wrong PINs in a row so far (0 once locked: the count starts again)
    locked_until: datetime | None  # None: not locked


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
        """The staff member whose number and PIN these are, or :class:`AuthError`.

        A number that is no active staff member's is checked against nobody's hash, a locked
        one against its own (a right PIN is refused too while locked): the refusal takes the
        same argon2 time and the same words either way (:meth:`_refuse`).
        """
        now = self.clock.now()
        row = repo.staff_row(self.store.conn, staff_id) if 0 < staff_id <= MAX_STAFF_ID \
            else None
        if row is None or not row.active:
            verify_nobody(pin)
            self._refuse(now, purpose, staff_id, None)
        locked = row.locked_until is not None and parse_iso(row.locked_until) > now
        if verify_pin(row.pin_hash, pin) and not locked:
            if row.failed_pins or row.locked_until:
                with self.store.write() as conn:
                    repo.clear_lockout(conn, row.id)
            return Staff(row.id, row.name, Role(row.role))
        self._refuse(now, purpose, staff_id, row, locked=locked)

    def _refuse(self, now: datetime, purpose: str, staff_id: int, row: repo.StaffRow | None,
                *, locked: bool = False) -> NoReturn:
        """Count a wrong PIN for a real staff number (locking it at ``max_failed_pins``),
        audit every refusal (``known``: False for a number no active staff member has), and
        refuse with the one message."""
        detail: dict[str, Any] = {"purpose": purpose}
        with self.store.write() as conn:
            if row is None:
                detail["known"] = False
            elif locked:
                detail["locked"] = True  # tried while locked: not counted again
            else:
                failed = row.failed_pins + 1
                lock = failed >= self.limits.max_failed_pins
                repo.set_failed(
                    conn, row.id, 0 if lock else failed,
                    iso(now + timedelta(minutes=self.limits.lockout_minutes)) if lock else None)
                detail.update(attempt=failed, locked=lock)
            audit.append(conn, at=iso(now), action="pin_failed",
                         staff_id=staff_id if 0 < staff_id <= MAX_STAFF_ID else None,
                         detail=detail)
        raise AuthError.of("auth_failed", max_tries=self.limits.max_failed_pins,
                           minutes=self.limits.lockout_minutes)

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

    def lockouts(self, session: StaffSession,
                 approval: Approval | None = None) -> list[Lockout]:
        """For a manager: the active staff numbers locked now or with wrong PINs counted (the
        refusal at login says neither, to anyone)."""
        self.authorize(session, Action.UNLOCK_STAFF, approval)
        now = self.clock.now()
        out = []
        for row in repo.lockouts(self.store.conn):
            until = parse_iso(row.locked_until) if row.locked_until else None
            if until is not None and until <= now:
                until = None
            if row.active and (until is not None or row.failed_pins):
                out.append(Lockout(Staff(row.id, row.name, Role(row.role)), row.failed_pins,
                                   until))
        return out

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
