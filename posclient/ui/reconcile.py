"""The store's reconciliation for its manager (Ctrl+E): every till of the store from the central
(sales, returns, pick-ups, each till's own Z beside the central's sums, what it has not
uploaded), totals by tender, category and hour with two charts (sales by hour, the tender mix),
and the central's exceptions to resolve with a comment. Offline it says the central is away and
shows this till's own X figures. Rules are the service's (posclient/app/reconcile.py); calls to
the central run off the GUI thread (the sync engine)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from posclient.app.reconcile import Reconciliation
from posclient.app.reports import label as report_label
from posclient.domain.catalogue import message_for
from posclient.domain.errors import PosError
from posclient.domain.money import Money, currency_exponent

from . import a11y, fmt, widgets
from .stock import fill, make_table
from .workers import Background

if TYPE_CHECKING:
    from posclient.app.reconcile import StoreException, StoreReconciliation

pg.setConfigOptions(antialias=True, background="w", foreground="k")


class ReconcileDialog(QDialog):
    """What a store manager reads at the end of a day, and the exceptions to close."""

    def __init__(self, service: Reconciliation, central: Any, background: Background | None,
                 lang: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("reconcile")
        self.setWindowTitle(self.tr("Store reconciliation"))
        self.resize(1000, 700)
        self.service, self.central, self.background, self.lang = (service, central, background,
                                                                  lang)
        self.currency = service.settings.currency
        self.day = service.today()
        self.data: StoreReconciliation | None = None
        self.loaded = False
        self.exceptions: list[StoreException] = []
        layout = QVBoxLayout(self)
        self.heading = a11y.LiveLabel(self.tr("Reconciliation"))
        self.heading.setObjectName("reconcileHeading")
        font = self.heading.font()
        font.setPointSize(font.pointSize() + 3)
        font.setBold(True)
        self.heading.setFont(font)
        layout.addWidget(self.heading)
        self.state = a11y.LiveLabel(self.tr("State"))
        self.state.setObjectName("reconcileState")
        self.state.setWordWrap(True)
        layout.addWidget(self.state)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("reconcileTabs")
        layout.addWidget(self.tabs, 1)
        self._build_tills()
        self._build_totals()
        self._build_charts()
        self._build_exceptions()
        self._build_card_orphans()
        self.message = QLabel()
        self.message.setObjectName("reconcileMessage")
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        row = QHBoxLayout()
        for name, text, slot in (("refreshReconcile", self.tr("Refresh"), self.reload),
                                 ("closeReconcile", self.tr("Close"), self.reject)):
            b = QPushButton(text)
            b.setObjectName(name)
            b.setAutoDefault(False)
            b.clicked.connect(slot)
            row.addWidget(b)
        layout.addLayout(row)
        a11y.name(self.tabs, self.tr("Reconciliation"), self.tr("Ctrl+Tab turns the page"))
        for table, text in ((self.tills, self.tr("Tills")),
                            (self.tenders, self.tr("Tenders")),
                            (self.categories, self.tr("Categories")),
                            (self.orphan_table, self.tr("Card payments without a sale")),
                            (self.exception_table, self.tr("Exceptions"))):
            a11y.name(table, text)
        a11y.name(self.refund_decision, self.tr("Held web refund: decide"))
        a11y.name(self.hour_chart, self.tr("Sales by hour"))
        a11y.name(self.tender_chart, self.tr("Tender mix"))
        a11y.spoken(self.message, self.tr("Message"))
        a11y.complete(self)
        self.tabs.setFocus()
        self.reload()

    # -- building ----------------------------------------------------------------------------
    def _build_tills(self) -> None:
        self.tills = make_table("reconcileTills", [
            self.tr("Till"), self.tr("Sales"), self.tr("Sales total"), self.tr("Returns"),
            self.tr("Refunded"), self.tr("Pick-ups"), self.tr("Z sales total (till)"),
            self.tr("Z agrees"), self.tr("Upload")])
        self.tills.horizontalHeader().setSectionResizeMode(
            8, QHeaderView.ResizeMode.Stretch)
        self.tabs.addTab(self.tills, self.tr("Tills"))

    def _build_totals(self) -> None:
        page = QWidget()
        grid = QGridLayout(page)
        self.summary = a11y.LiveLabel(self.tr("Summary"))
        self.summary.setObjectName("reconcileSummary")
        self.summary.setWordWrap(True)
        grid.addWidget(self.summary, 0, 0, 1, 2)
        self.tenders = make_table("reconcileTenders", [
            self.tr("Tender"), self.tr("Sales"), self.tr("Refunds"), self.tr("Net")])
        self.tenders.horizontalHeader().setSectionResizeMode(
            0, QHeaderView.ResizeMode.Stretch)
        self.categories = make_table("reconcileCategories", [
            self.tr("Category"), self.tr("Sales")])
        self.categories.horizontalHeader().setSectionResizeMode(
            0, QHeaderView.ResizeMode.Stretch)
        grid.addWidget(self.tenders, 1, 0)
        grid.addWidget(self.categories, 1, 1)
        self.tabs.addTab(page, self.tr("Totals"))

    def _build_charts(self) -> None:
        page = QWidget()
        row = QHBoxLayout(page)
        self.hour_chart = pg.PlotWidget(title=self.tr("Sales by hour"))
        self.hour_chart.setObjectName("hourChart")
        self.hour_chart.setMouseEnabled(x=False, y=False)
        self.hour_chart.setLabel("bottom", self.tr("Hour"))
        self.tender_chart = pg.PlotWidget(title=self.tr("Tender mix"))
        self.tender_chart.setObjectName("tenderChart")
        self.tender_chart.setMouseEnabled(x=False, y=False)
        for chart in (self.hour_chart, self.tender_chart):
            # A picture, not a control: Tab passes it (it used to keep the focus, a trap);
            # its figures are its accessible description.
            chart.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            chart.hideButtons()
            chart.setMenuEnabled(False)
            row.addWidget(chart)
        self.tabs.addTab(page, self.tr("Charts"))

    def _build_card_orphans(self) -> None:
        """Card payments approved without a sale (posclient/app/card_recovery.py): open ones
        (the customer was charged, nothing sold yet), reversed or refunded ones (no sales money)
        and those completed as sales."""
        self.orphan_table = make_table("reconcileCardOrphans", [
            self.tr("Till"), self.tr("Card payment"), self.tr("Amount"), self.tr("State"),
            self.tr("Receipt")])
        self.tabs.addTab(self.orphan_table, self.tr("Card payments without a sale"))

    def _fill_card_orphans(self, rows: list[tuple[str, str, int, str, str | None]]) -> None:
        states = {"open": self.tr("open: charged, nothing sold"),
                  "reversed": self.tr("reversed"), "refunded": self.tr("refunded to the card"),
                  "completed": self.tr("completed as a sale")}
        fill(self.orphan_table, [(till, ref, self._m(amount), states.get(state, state),
                                  receipt or "-") for till, ref, amount, state, receipt in rows])
        self.tabs.setTabText(4, self.tr("Card payments without a sale (%1)").replace(
            "%1", str(len(rows))))

    def _build_exceptions(self) -> None:
        page = QWidget()
        v = QVBoxLayout(page)
        self.exception_table = make_table("reconcileExceptions", [
            self.tr("No."), self.tr("What"), self.tr("Till"), self.tr("Count"),
            self.tr("Detail"), self.tr("Filed")])
        self.exception_table.horizontalHeader().setSectionResizeMode(
            4, QHeaderView.ResizeMode.Stretch)
        self.exception_table.itemSelectionChanged.connect(self._show_selected)
        v.addWidget(self.exception_table, 1)
        self.exception_events = a11y.LiveLabel(self.tr("Selected exception"))
        self.exception_events.setObjectName("exceptionEvents")
        self.exception_events.setWordWrap(True)
        self.exception_events.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse)
        v.addWidget(self.exception_events)
        row = QHBoxLayout()
        self.refund_decision = QComboBox()
        self.refund_decision.setObjectName("refundDecision")
        for text, value in ((self.tr("Held web refund: decide"), None),
                            (self.tr("Pay the web refund out"), "approve"),
                            (self.tr("Refuse the web refund"), "refuse")):
            self.refund_decision.addItem(text, value)
        self.refund_decision.setEnabled(False)
        row.addWidget(self.refund_decision)
        self.comment = QLineEdit()
        self.comment.setObjectName("resolveComment")
        self.comment.setPlaceholderText(self.tr("How it was resolved (required)"))
        self.resolve_button = QPushButton(self.tr("Resolve the selected exception"))
        self.resolve_button.setObjectName("resolveException")
        self.resolve_button.setAutoDefault(False)
        self.resolve_button.clicked.connect(self.resolve)
        row.addWidget(self.comment, 1)
        row.addWidget(self.resolve_button)
        v.addLayout(row)
        self.tabs.addTab(page, self.tr("Exceptions"))

    # -- helpers -----------------------------------------------------------------------------
    def _m(self, minor: int) -> str:
        return fmt.money(Money(minor, self.currency), self.lang)

    def say(self, text: str, error: bool = False) -> None:
        widgets.show_message(self.message, text, error=error)

    def _tender(self, kind: str) -> str:
        return report_label(kind, self.lang)

    # -- loading -----------------------------------------------------------------------------
    def reload(self) -> None:
        """This till's own figures at once; the central's when it answers."""
        self.loaded = False
        s = self.service.settings
        self.heading.setText(self.tr("Store %1 · %2").replace("%1", s.store_id or "—")
                             .replace("%2", self.day))
        try:
            self.local = self.service.local_figures()
        except PosError as exc:
            self.say(message_for(exc, self.lang), error=True)
            return
        self.pending = self.service.pending_events()
        if self.central is None or self.background is None:
            self.show_offline(None)
            return
        self.state.setText(self.tr("Asking the central…"))
        central, day = self.central, self.day
        self.background.run(lambda: central.store_reconciliation(day), self.show_central,
                            self.show_offline)

    def show_offline(self, exc: object) -> None:
        """The central is away: this till's own X figures, its charts, what waits here."""
        self.data = None
        r = self.local
        why = message_for(exc, self.lang) if isinstance(exc, PosError) else ""
        self.state.setText(self.tr("The central cannot be reached: these are this till's own "
                                   "figures (X report). %1 event(s) wait here to upload.")
                           .replace("%1", str(self.pending)) + (f" ({why})" if why else ""))
        widgets.show_message(self.state, self.state.text(), error=True)
        fill(self.tills, [(r.terminal_id, r.sales_count, self._m(r.sales_total),
                           r.returns_count, self._m(r.returns_total),
                           f"{r.pickups_count} / {self._m(r.pickups_total)}", "-", "-",
                           self.tr("%1 waiting here").replace("%1", str(self.pending)))])
        hours, categories = self.service.local_breakdown(r)
        self._totals(r.sales_count, r.sales_total, r.returns_count, r.returns_total,
                     r.pickups_count, r.pickups_total, r.tenders, categories, r.movements, {})
        self._charts(hours, {k: v["sales"] - v["refunds"] for k, v in r.tenders.items()})
        self._fill_card_orphans([(r.terminal_id, o["reference"], o["amount"], o["outcome"],
                                  o.get("receipt_no")) for o in r.card_orphans])
        self.exceptions = []
        fill(self.exception_table, [])
        self.exception_table.setEnabled(False)
        self.resolve_button.setEnabled(False)
        self.loaded = True

    def show_central(self, data: StoreReconciliation) -> None:
        self.data = data
        zone = data.timezone
        self.state.setText(self.tr("From the central, as of %1; every till's events received "
                                   "so far.").replace("%1", fmt_time(data.generated_at, zone)))
        widgets.show_message(self.state, self.state.text())
        me = self.service.settings.terminal_id
        rows = []
        for t in data.terminals:
            z = t.z_reports[-1] if t.z_reports else None
            agrees = "-" if z is None else (
                self.tr("yes") if (z.sales_total, z.returns_total, z.sales_count) ==
                (t.sales_total, t.returns_total, t.sales_count) else self.tr("no"))
            upload = ", ".join(f"{g.first_seq}–{g.last_seq}" for g in t.gaps)
            upload = (self.tr("missing %1").replace("%1", upload) if upload else
                      self.tr("all received (to %1)").replace("%1", str(t.high_seq)))
            if t.last_event_at is not None:
                upload += " · " + self.tr("last %1").replace(
                    "%1", fmt_time(t.last_event_at, zone))
            if t.terminal_id == me and self.pending:
                upload += " · " + self.tr("%1 waiting here").replace("%1", str(self.pending))
            rows.append((t.terminal_id + (f" ({t.name})" if t.name else ""), t.sales_count,
                         self._m(t.sales_total), t.returns_count, self._m(t.returns_total),
                         f"{t.pickups_count} / {self._m(t.pickups_total)}",
                         self._m(z.sales_total) if z is not None else "-", agrees, upload))
        fill(self.tills, rows)
        f = data.totals
        self._totals(f.sales_count, f.sales_total, f.returns_count, f.returns_total,
                     f.pickups_count, f.pickups_total,
                     {k: v.model_dump() for k, v in f.tenders.items()}, f.categories,
                     f.movements, f.over_short)
        self._charts(f.hours, {k: v.sales - v.refunds for k, v in f.tenders.items()})
        self._fill_card_orphans([(o.terminal_id, o.reference, o.amount, o.status, o.receipt_no)
                                 for o in data.card_orphans])
        self.exceptions = list(data.exceptions)
        self._fill_exceptions()
        self.loaded = True

    def _fill_exceptions(self) -> None:
        fill(self.exception_table, [
            (e.id, e.kind, e.terminal_id or "-", e.count,
             str(e.detail.get("message") or e.detail),
             fmt_time(e.created_at, self.service.settings.timezone))
            for e in self.exceptions])
        self._show_selected()
        self.exception_table.setEnabled(bool(self.exceptions))
        self.resolve_button.setEnabled(bool(self.exceptions))
        self.tabs.setTabText(3, self.tr("Exceptions (%1)").replace(
            "%1", str(len(self.exceptions))))

    def _totals(self, sales: int, sales_total: int, returns: int, refunded: int, pickups: int,
                pickups_total: int, tenders: dict[str, dict[str, int]],
                categories: dict[str, int], movements: dict[str, int],
                over_short: dict[str, int]) -> None:
        parts = [self.tr("Sales %1 (%2)").replace("%1", self._m(sales_total))
                 .replace("%2", str(sales)),
                 self.tr("Returns %1 (%2)").replace("%1", self._m(refunded))
                 .replace("%2", str(returns)),
                 self.tr("Pick-ups %1 (%2)").replace("%1", self._m(pickups_total))
                 .replace("%2", str(pickups)),
                 self.tr("Net %1").replace("%1", self._m(sales_total - refunded))]
        parts += [f"{report_label(k, self.lang)} {self._m(v)}" for k, v in movements.items()]
        parts += [f"{report_label('over_short', self.lang)} {self._tender(k)} {self._m(v)}"
                  for k, v in over_short.items() if v]
        self.summary.setText(" · ".join(parts))
        fill(self.tenders, [(self._tender(k), self._m(v["sales"]), self._m(v["refunds"]),
                             self._m(v["sales"] - v["refunds"]))
                            for k, v in sorted(tenders.items())])
        fill(self.categories, [(k or self.tr("(none)"), self._m(v))
                               for k, v in sorted(categories.items(), key=lambda kv: -kv[1])])

    def _charts(self, hours: list[int], tenders: dict[str, int]) -> None:
        scale = 10 ** currency_exponent(self.currency)
        self.hour_chart.clear()
        self.hour_chart.addItem(pg.BarGraphItem(
            x=list(range(24)), height=[h / scale for h in hours], width=0.8, brush="#2e7d32"))
        self.hour_chart.getAxis("bottom").setTicks(
            [[(h, f"{h:02d}") for h in range(0, 24, 3)]])
        kinds = sorted(tenders)
        self.tender_chart.clear()
        if kinds:
            self.tender_chart.addItem(pg.BarGraphItem(
                x=list(range(len(kinds))), height=[tenders[k] / scale for k in kinds],
                width=0.6, brushes=[_COLOURS[i % len(_COLOURS)] for i in range(len(kinds))]))
        self.tender_chart.getAxis("bottom").setTicks(
            [[(i, self._tender(k)) for i, k in enumerate(kinds)]])
        self.chart_values = (list(hours), dict(tenders))  # what the charts show (tests read it)
        self.hour_chart.setAccessibleDescription(", ".join(
            f"{h:02d}: {self._m(v)}" for h, v in enumerate(hours) if v))
        self.tender_chart.setAccessibleDescription(", ".join(
            f"{self._tender(k)} {self._m(tenders[k])}" for k in kinds))

    def _selected(self) -> StoreException | None:
        row = self.exception_table.currentRow()
        return self.exceptions[row] if 0 <= row < len(self.exceptions) else None

    def _show_selected(self) -> None:
        """The selected exception's events (a grouped oversell: every sale behind it) and the
        web refund it holds, which is decided with its resolution."""
        exc = self._selected()
        held = exc is not None and exc.held_refund > 0
        self.refund_decision.setEnabled(held)
        if not held:
            self.refund_decision.setCurrentIndex(0)
        if exc is None:
            self.exception_events.clear()
            return
        listed = ", ".join(str(e) for e in exc.events)
        more = exc.count - len(exc.events)
        text = self.tr("%1 event(s) behind it: %2").replace("%1", str(exc.count)).replace(
            "%2", listed + (self.tr(" and %1 more").replace("%1", str(more)) if more > 0
                            else ""))
        if held:
            text += " · " + self.tr("holds a web refund of %1: pay it out or refuse it").replace(
                "%1", self._m(exc.held_refund))
        self.exception_events.setText(text)

    # -- resolving ---------------------------------------------------------------------------
    def resolve(self) -> None:
        exc = self._selected()
        if exc is None:
            self.say(self.tr("Select an exception first"), error=True)
            return
        comment = self.comment.text()
        refund = self.refund_decision.currentData() if exc.held_refund else None
        staff_id = widgets.with_approval(
            self, lambda a: self.service.check_resolve(comment, a, held_refund=exc.held_refund,
                                                       refund=refund),
            lambda e: self.say(message_for(e, self.lang), error=True), widgets.ask_approval,
            lang=self.lang)
        if staff_id is None or self.background is None or self.central is None:
            return
        central = self.central

        def done(result: StoreException) -> None:
            self.service.resolved(exc.id, exc.kind, comment, staff_id, refund)
            self.exceptions = [e for e in self.exceptions if e.id != exc.id]
            self._fill_exceptions()
            self.comment.clear()
            self.say(self.tr("Exception %1 resolved").replace("%1", str(result.id)))

        self.resolve_button.setEnabled(False)
        self.background.run(lambda: central.resolve_exception(exc.id, comment, staff_id,
                                                              refund),
                            done, self._resolve_failed)

    def _resolve_failed(self, exc: object) -> None:
        self.resolve_button.setEnabled(bool(self.exceptions))
        self.say(message_for(exc, self.lang), error=True)


_COLOURS = ("#1565c0", "#2e7d32", "#ef6c00", "#6a1b9a", "#c62828", "#00838f", "#5d4037")


def fmt_time(at: Any, zone: str = "Asia/Shanghai") -> str:
    """A central time in the store's time zone, ``HH:MM``."""
    try:
        local = at.astimezone(ZoneInfo(zone))
    except (AttributeError, ValueError, KeyError):
        return str(at)
    return str(local.strftime("%H:%M"))

