"""The store's reconciliation for its manager, at a till (issue 7).

Online, the central answers for the whole store (``GET /v1/store/reconciliation``): every till's
sales, returns, pick-ups and cash movements of the day, by tender, category and hour, each till's
own Z figures beside the central's sums, what each till has not uploaded, and the store's open
exceptions, which the manager resolves with a comment. Offline, the view says the central is
away and shows this till's own X figures (posclient/app/shifts.py) and what it has still to
upload.

Roles are checked here (a manager, or a manager's PIN): :meth:`Reconciliation.open` before
anything is shown, :meth:`Reconciliation.check_resolve` before an exception is resolved. The
calls to the central are made by :attr:`central` (the sync engine: sync/engine.py), off the GUI
thread in the window; this class's own methods use the till's database and stay on the thread
that opened it.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Protocol
from zoneinfo import ZoneInfo

from posclient.domain.clock import Clock
from posclient.domain.errors import InvalidInput, PermissionDenied
from posclient.domain.policy import Action
from posclient.domain.settings import StoreSettings
from posclient.store import outbox, reports
from posclient.store.db import Store
from posclient.store.settings import load_settings

from .shifts import Report, Shifts
from .staff import Approval, StaffService, StaffSession

if TYPE_CHECKING:
    from sync.protocol import StoreException, StoreReconciliation

MAX_COMMENT = 1_000


class Central(Protocol):
    """What the reconciliation asks the central (the sync engine has these): the store's day
    and the exception resolved, as the central's own types (the window shows them)."""

    def store_reconciliation(self, day: str) -> StoreReconciliation: ...

    def resolve_exception(self, exception_id: int, comment: str, staff_id: int | None,
                          refund: str | None = None) -> StoreException: ...


class Reconciliation:
    """The reconciliation use cases of one till for the logged-in staff member."""

    def __init__(self, store: Store, staff: StaffService, session: StaffSession, *,
                 clock: Clock, central: Central | None,
                 settings: StoreSettings | None = None) -> None:
        self.store, self.staff, self.session, self.clock = store, staff, session, clock
        self.central = central
        self.settings = settings or load_settings(store.conn)
        self.opened_by: int | None = None  # who let the view open: the manager, or approver
        self._open = False

    def open(self, approval: Approval | None = None) -> None:
        """A manager (or a manager's PIN) opens the view; audited."""
        self.staff.ensure_active(self.session)
        approved_by = self.staff.authorize(self.session, Action.RECONCILE, approval)
        self.opened_by = approved_by or self.session.staff.id
        self._open = True
        self.staff.record(self.session, "reconcile", approved_by, day=self.today())

    def _ensure_open(self) -> None:
        if not self._open:
            raise PermissionDenied.of("reconcile_not_open")

    def today(self) -> str:
        """The store's business day now (its time zone)."""
        return self.clock.now().astimezone(ZoneInfo(self.settings.timezone)).date().isoformat()

    def local_figures(self) -> Report:
        """This till's own X figures (since its last Z) and its events waiting to upload."""
        self._ensure_open()
        return Shifts(self.store, self.staff, self.session, clock=self.clock,
                      settings=self.settings).x_report()

    def local_breakdown(self, report: Report) -> tuple[list[int], dict[str, int]]:
        """This till's sales in ``report``'s period by the store's local hour (24 totals) and
        by product category (the lines' totals), for the charts when the central is away."""
        zone = ZoneInfo(self.settings.timezone)
        hours = [0] * 24
        since, conn = report.from_at or "", self.store.conn
        for sale in reports.sale_totals(conn, since, report.to_at):
            hours[datetime.fromisoformat(sale.completed_at).astimezone(zone).hour] += sale.total
        categories = reports.category_totals(conn, since, report.to_at)
        return hours, categories

    def pending_events(self) -> int:
        return outbox.pending_count(self.store.conn)

    def check_resolve(self, comment: str, approval: Approval | None = None, *,
                      held_refund: int = 0, refund: str | None = None) -> int:
        """Before an exception is resolved: a manager, a comment, and for one that holds a
        web refund (a double refund's, ``held_refund`` > 0) the decision on it: ``approve``
        (the web shop pays it) or ``refuse``. Returns the manager's staff id (who resolves
        it)."""
        self._ensure_open()
        self.staff.ensure_active(self.session)
        approved_by = self.staff.authorize(self.session, Action.RESOLVE_EXCEPTION, approval)
        text = comment.strip()
        if not text:
            raise InvalidInput.of("comment_required")
        if len(text) > MAX_COMMENT:
            raise InvalidInput.of("comment_too_long", limit=MAX_COMMENT)
        if held_refund and refund not in ("approve", "refuse"):
            raise InvalidInput.of("refund_decision_required")
        return approved_by or self.session.staff.id

    def resolved(self, exception_id: int, kind: str, comment: str, staff_id: int,
                 refund: str | None = None) -> None:
        """The central resolved it: the till's audit log says who, why, and the decision on a
        held web refund."""
        extra = {"refund": refund} if refund else {}
        self.staff.record(self.session, "resolve_exception",
                          staff_id if staff_id != self.session.staff.id else None,
                          exception_id=exception_id, kind=kind, comment=comment.strip(),
                          **extra)
