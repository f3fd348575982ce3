"""Shifts, the cash drawer's life, and the X and Z reports of one till. All of it offline too.

- **Open** a shift with its float counted by denomination (one open shift per till).
- **Cash in / paid out / safe drop**: money into or out of the drawer without a sale, with a
  reason (a paid-out needs a supervisor).
- **Close** with a blind count: the cashier counts cash by denomination and the other tenders'
  slips; only then does the till work out what was expected, and the over or short per tender.
  A difference above ``cash_variance_threshold`` needs a manager's PIN and comment.
- **X report**: the figures since the last Z, any time, resetting nothing.
- **Z report**: once per business day (the store's local date), by a manager, numbered without
  gaps; the next X and Z start after it. Refused while events wait to upload, unless the manager
  confirms: the report then lists them.

Each of these is one local transaction with its outbox event (``shift_open``, ``cash_movement``,
``shift_close``, ``z_report``), so the central reconciles when they arrive. Report figures are
sums over the till's own records of the same events (sales, returns, their tenders and taxes,
cash movements), so a Z's figures always equal the sum of its events.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from posclient.domain.cash import count_total
from posclient.domain.clock import Clock, iso
from posclient.domain.errors import InvalidInput, NotFound
from posclient.domain.money import Money
from posclient.domain.policy import Action
from posclient.domain.settings import StoreSettings
from posclient.store import audit, outbox, reports
from posclient.store import shifts as repo
from posclient.store.db import Store
from posclient.store.settings import load_settings
from sync.protocol.clock import new_event_id

from .reasons import reason_counts
from .staff import Approval, StaffService, StaffSession

MOVEMENTS = {"cash_in": 1, "paid_out": -1, "safe_drop": -1}  # kind -> sign in the drawer
# Tenders a close counts: notes and coins, and the card terminal's slips. Web money, exchange
# credit, store credit and points never pass through the drawer.
COUNTED = ("card", "cash")


@dataclass(frozen=True, slots=True)
class Shift:
    id: int
    shift_no: int
    staff_id: int
    opened_at: str
    float_total: Money


@dataclass(frozen=True, slots=True)
class ShiftClose:
    shift_no: int
    counted: dict[str, int]
    expected: dict[str, int]
    over_short: dict[str, int]  # counted - expected: > 0 over, < 0 short

    @property
    def balanced(self) -> bool:
        return not any(self.over_short.values())


@dataclass
class Report:
    """An X or Z report: what a manager reads and prints; every amount in minor units."""

    kind: str  # "X" or "Z"
    store_id: str
    terminal_id: str
    currency: str
    from_at: str | None
    to_at: str
    business_day: str
    z_no: int | None = None
    sales_count: int = 0
    sales_total: int = 0
    discounts: int = 0
    pickups_count: int = 0
    pickups_total: int = 0
    returns_count: int = 0
    returns_total: int = 0
    taxes: list[dict[str, Any]] = field(default_factory=list)  # code, rate_ppm, net, tax
    tenders: dict[str, dict[str, int]] = field(default_factory=dict)  # kind -> sales/refunds
    movements: dict[str, int] = field(default_factory=dict)  # cash_in, paid_out, safe_drop
    floats: int = 0
    expected_cash: int = 0
    shifts: list[dict[str, Any]] = field(default_factory=list)
    pending_events: list[dict[str, Any]] = field(default_factory=list)
    # Card approvals whose sale never committed (posclient/app/card_recovery.py), resolved in
    # the period or still open: reference, amount, outcome (reversed | refunded | completed |
    # open), receipt_no. Reversed or refunded: no sales money; completed: also in the sales.
    card_orphans: list[dict[str, Any]] = field(default_factory=list)
    # Discounts, price overrides, voids, no-sales and returns per reason (posclient/app/
    # reasons.py reason_counts): kind, reason_code (None: typed), count, amount.
    reasons: list[dict[str, Any]] = field(default_factory=list)

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, sort_keys=True)


class Shifts:
    """The shift and report use cases of one till for one logged-in staff member."""

    def __init__(self, store: Store, staff: StaffService, session: StaffSession, *,
                 clock: Clock, settings: StoreSettings | None = None) -> None:
        self.store, self.staff, self.session, self.clock = store, staff, session, clock
        self.settings = settings or load_settings(store.conn)

    def _money(self, minor: int) -> Money:
        return Money(minor, self.settings.currency)

    # -- the shift -------------------------------------------------------------------------------
    def current(self) -> Shift | None:
        row = repo.open_shift(self.store.conn)
        return None if row is None else Shift(row.id, row.shift_no, row.staff_id, row.opened_at,
                                              self._money(row.float_total))

    def _open_shift(self) -> Shift:
        shift = self.current()
        if shift is None:
            raise InvalidInput.of("shift_not_open")
        return shift

    def open(self, float_counts: dict[int, int]) -> Shift:
        """Open a shift with its float, counted by denomination."""
        self.staff.ensure_active(self.session)
        if self.current() is not None:
            raise InvalidInput.of("shift_already_open")
        total = count_total(float_counts, self.settings.currency)
        at, event_id = iso(self.clock.now()), new_event_id(self.clock)
        with self.store.write() as conn:
            no = outbox.next_counter(conn, "shift")
            repo.add_shift(conn, shift_no=no, staff_id=self.session.staff.id, opened_at=at,
                           float_counts=_counts_json(float_counts), float_total=total.minor)
            outbox.append(conn, event_id=event_id, type="shift_open", occurred_at=at, payload={
                **self._where(), "shift_no": no, "staff_id": self.session.staff.id,
                "opened_at": at, "float": total.minor, "float_counts": _counts(float_counts)})
            audit.append(conn, at=at, action="shift_open", staff_id=self.session.staff.id,
                         detail={"shift_no": no, "float": total.minor})
        shift = self.current()
        assert shift is not None
        return shift

    def move_cash(self, kind: str, amount: Money, reason: str,
                  approval: Approval | None = None) -> int:
        """Cash into the drawer (``cash_in``) or out of it (``paid_out``: a supervisor;
        ``safe_drop``: to the safe). Returns the movement's id; the drawer opens after."""
        self.staff.ensure_active(self.session)
        if kind not in MOVEMENTS:
            raise InvalidInput.of("movement_unknown", kind=kind)
        if not reason.strip():
            raise InvalidInput.of("reason_required.cash_movement")
        if amount.currency != self.settings.currency or amount.minor <= 0:
            raise InvalidInput.of("cash_amount_invalid.positive")
        shift = self._open_shift()
        approved_by = (self.staff.authorize(self.session, Action.PAID_OUT, approval)
                       if kind == "paid_out" else None)
        if MOVEMENTS[kind] < 0:
            in_drawer = self._expected(shift)["cash"]
            if amount.minor > in_drawer:
                raise InvalidInput.of("drawer_short", left=self._money(in_drawer))
        at, event_id = iso(self.clock.now()), new_event_id(self.clock)
        with self.store.write() as conn:
            movement_id = repo.add_cash_movement(
                conn, shift_id=shift.id, kind=kind, amount=amount.minor, reason=reason.strip(),
                staff_id=self.session.staff.id, approved_by=approved_by, at=at,
                event_id=event_id)
            outbox.append(conn, event_id=event_id, type="cash_movement", occurred_at=at,
                          payload={**self._where(), "shift_no": shift.shift_no, "kind": kind,
                                   "amount": amount.minor, "reason": reason.strip(),
                                   "staff_id": self.session.staff.id,
                                   "approved_by": approved_by})
            audit.append(conn, at=at, action=kind, staff_id=self.session.staff.id,
                         approved_by=approved_by,
                         detail={"shift_no": shift.shift_no, "amount": amount.minor,
                                 "reason": reason.strip()})
        return movement_id

    def close(self, cash_counts: dict[int, int], other: dict[str, Money] | None = None, *,
              comment: str = "", approval: Approval | None = None) -> ShiftClose:
        """Close the shift with a blind count: cash by denomination, the other tenders' totals
        (card slips, ...). Expected and over/short are worked out only now. A difference above
        the store's threshold needs a manager's approval and a comment; refused, nothing
        changes."""
        self.staff.ensure_active(self.session)
        shift = self._open_shift()
        counted = {"cash": count_total(cash_counts, self.settings.currency).minor}
        for kind, amount in (other or {}).items():
            if amount.minor < 0 or amount.currency != self.settings.currency:
                raise InvalidInput.of("cash_amount_invalid.negative")
            counted[kind] = amount.minor
        expected = self._expected(shift)
        counted = {k: counted.get(k, 0) for k in sorted(set(counted) | set(expected))}
        diff = {k: counted[k] - expected.get(k, 0) for k in counted}
        approved_by = None
        if any(abs(v) > self.settings.cash_variance_threshold for v in diff.values()):
            approved_by = self.staff.authorize(self.session, Action.CASH_VARIANCE, approval)
            if not comment.strip():
                raise InvalidInput.of("variance_comment_required")
        at, event_id = iso(self.clock.now()), new_event_id(self.clock)
        with self.store.write() as conn:
            repo.close_shift(
                conn, shift.id, closed_at=at, closed_by=self.session.staff.id,
                counted=json.dumps({**counted, "cash_counts": _counts(cash_counts)}),
                expected=json.dumps(expected), comment=comment.strip(), approved_by=approved_by)
            outbox.append(conn, event_id=event_id, type="shift_close", occurred_at=at, payload={
                **self._where(), "shift_no": shift.shift_no, "opened_at": shift.opened_at,
                "closed_at": at, "closed_by": self.session.staff.id,
                "float": shift.float_total.minor, "counted": counted, "expected": expected,
                "over_short": diff, "comment": comment.strip(), "approved_by": approved_by})
            audit.append(conn, at=at, action="shift_close", staff_id=self.session.staff.id,
                         approved_by=approved_by,
                         detail={"shift_no": shift.shift_no, "over_short": diff})
        return ShiftClose(shift.shift_no, counted, expected, diff)

    def _expected(self, shift: Shift) -> dict[str, int]:
        """What the till should hold per counted tender since the shift opened: the float and
        cash movements, sales' tenders less refunds."""
        conn, since = self.store.conn, shift.opened_at
        out: dict[str, int] = {"cash": shift.float_total.minor}
        for kind, amount in repo.sale_tenders_since(conn, since).items():
            out[kind] = out.get(kind, 0) + amount
        for kind, amount in repo.refund_tenders_since(conn, since).items():
            out[kind] = out.get(kind, 0) - amount
        for kind, amount in repo.shift_movements(conn, shift.id).items():
            out["cash"] += MOVEMENTS[kind] * amount
        return {k: v for k, v in sorted(out.items()) if k in COUNTED}

    # -- reports ---------------------------------------------------------------------------------
    def x_report(self) -> Report:
        """The figures since the last Z; resets nothing (audited)."""
        self.staff.ensure_active(self.session)
        report = self._report("X")
        self.staff.record(self.session, "x_report", to_at=report.to_at)
        return report

    def z_report(self, *, approval: Approval | None = None,
                 confirm_pending: bool = False) -> Report:
        """Close the business day: a manager; once per day; numbered without gaps. With
        events waiting to upload, refused unless ``confirm_pending``: then listed in it."""
        self.staff.ensure_active(self.session)
        approved_by = self.staff.authorize(self.session, Action.Z_REPORT, approval)
        report = self._report("Z")
        if repo.z_done(self.store.conn, report.business_day):
            raise InvalidInput.of("z_already_done", day=report.business_day)
        if report.pending_events and not confirm_pending:
            raise InvalidInput.of("z_pending_events", count=len(report.pending_events))
        event_id = new_event_id(self.clock)
        with self.store.write() as conn:
            report.z_no = outbox.next_counter(conn, "z_report")
            repo.add_z(conn, z_no=report.z_no, business_day=report.business_day,
                       from_at=report.from_at, to_at=report.to_at, staff_id=self.session.staff.id,
                       approved_by=approved_by, figures=report.to_json(), event_id=event_id)
            outbox.append(conn, event_id=event_id, type="z_report", occurred_at=report.to_at,
                          payload={**json.loads(report.to_json()),
                                   "staff_id": self.session.staff.id,
                                   "approved_by": approved_by})
            audit.append(conn, at=report.to_at, action="z_report",
                         staff_id=self.session.staff.id, approved_by=approved_by,
                         detail={"z_no": report.z_no, "business_day": report.business_day,
                                 "pending": len(report.pending_events)})
        return report

    def _report(self, kind: str) -> Report:
        s, conn = self.settings, self.store.conn
        now = self.clock.now()
        to_at = iso(now)
        last = repo.last_z_at(conn)
        since = last or ""
        day = now.astimezone(ZoneInfo(s.timezone)).date().isoformat()
        r = Report(kind, s.store_id, s.terminal_id, s.currency, last, to_at, day)
        for of_kind in reports.sales_by_kind(conn, since, to_at):
            if of_kind.kind == "pickup":
                r.pickups_count, r.pickups_total = of_kind.count, of_kind.total
            r.sales_count += of_kind.count
            r.sales_total += of_kind.total
            r.discounts += of_kind.discounts
        r.taxes = [{"code": t.code, "rate_ppm": t.rate_ppm, "net": t.net, "tax": t.tax}
                   for t in reports.taxes(conn, since, to_at)]
        for k, amount in reports.sale_tenders(conn, since, to_at).items():
            r.tenders.setdefault(k, {"sales": 0, "refunds": 0})["sales"] = amount
        returned = reports.returns_total(conn, since, to_at)
        r.returns_count, r.returns_total = returned.count, returned.total
        for k, amount in reports.refund_tenders(conn, since, to_at).items():
            r.tenders.setdefault(k, {"sales": 0, "refunds": 0})["refunds"] = amount
        r.tenders = dict(sorted(r.tenders.items()))
        r.movements = reports.cash_movements(conn, since, to_at)
        r.floats = reports.floats(conn, since, to_at)
        cash = r.tenders.get("cash", {"sales": 0, "refunds": 0})
        r.expected_cash = (r.floats + cash["sales"] - cash["refunds"]
                           + sum(MOVEMENTS[k] * v for k, v in r.movements.items()))
        r.shifts = [
            {"shift_no": sh.shift_no, "staff_id": sh.staff_id, "opened_at": sh.opened_at,
             "closed_at": sh.closed_at,
             "over_short": ({k: json.loads(sh.counted)[k] - v
                             for k, v in json.loads(sh.expected or "{}").items()}
                            if sh.counted else None)}
            for sh in reports.shifts(conn, since, to_at)]
        r.card_orphans = [
            {"reference": o.reference, "amount": o.amount, "outcome": o.resolution or "open",
             "receipt_no": o.receipt_no}
            for o in reports.card_orphans(conn, since, to_at)]
        r.reasons = reason_counts(conn, since, to_at)
        r.pending_events = [{"terminal_seq": e.terminal_seq, "type": e.type,
                             "occurred_at": e.occurred_at} for e in outbox.pending_events(conn)]
        return r

    def _where(self) -> dict[str, str]:
        return {"store_id": self.settings.store_id, "terminal_id": self.settings.terminal_id}

    def report(self, z_no: int) -> Report:
        """A Z report as it was made (for a copy)."""
        figures = repo.z_figures(self.store.conn, z_no)
        if figures is None:
            raise NotFound.of("z_unknown", z_no=z_no)
        return Report(**json.loads(figures))


def shift_is_open(conn: Any) -> bool:
    """Whether this till has an open shift (the one place that asks)."""
    return repo.shift_is_open(conn)


def _counts(counts: dict[int, int]) -> dict[str, int]:
    return {str(k): v for k, v in sorted(counts.items(), reverse=True) if v}


def _counts_json(counts: dict[int, int]) -> str:
    return json.dumps(_counts(counts))

