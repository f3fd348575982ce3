"""Shift and reports (Ctrl+S): open a shift with its float counted by denomination, cash in,
paid out, safe drop, close with a blind count, X and Z reports (printed on the receipt printer,
saved as PDF or CSV). Every rule is the service's (posclient/app/shifts.py); this screen asks
and shows."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QMarginsF, QSizeF
from PySide6.QtGui import (
    QFont,
    QFontDatabase,
    QKeyEvent,
    QPageLayout,
    QPageSize,
    QPdfWriter,
    QTextDocument,
)
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from posclient.app.reports import report_csv, report_lines
from posclient.app.shifts import Report, Shifts
from posclient.domain.cash import denominations
from posclient.domain.catalogue import message_for
from posclient.domain.errors import InvalidInput, PosError
from posclient.domain.money import Money

from . import a11y, fmt, widgets
from .workers import Background


class CountDialog(QDialog):
    """Notes and coins counted one denomination per row; for a close, the other tenders' totals
    and a comment. It never shows what is expected: the count is blind."""

    def __init__(self, title: str, currency: str, lang: str, *, closing: bool = False,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("count")
        self.setWindowTitle(title)
        self.currency, self.lang = currency, lang
        layout = QVBoxLayout(self)
        grid = QGridLayout()
        self.spins: dict[int, QSpinBox] = {}
        for i, value in enumerate(denominations(currency)):
            spin = QSpinBox()
            spin.setObjectName(f"pieces{value}")
            spin.setRange(0, 100_000)
            a11y.name(spin, self.tr("Pieces of %1").replace(
                "%1", fmt.money(Money(value, currency), lang)))
            spin.valueChanged.connect(self._total)
            grid.addWidget(QLabel(fmt.money(Money(value, currency), lang)), i // 2, (i % 2) * 2)
            grid.addWidget(spin, i // 2, (i % 2) * 2 + 1)
            self.spins[value] = spin
        layout.addLayout(grid)
        self.total = a11y.LiveLabel(self.tr("Counted"))
        self.total.setObjectName("countTotal")
        layout.addWidget(self.total)
        form = QFormLayout()
        self.card = QLineEdit()
        self.card.setObjectName("cardTotal")
        self.comment = QLineEdit()
        self.comment.setObjectName("countComment")
        if closing:
            form.addRow(self.tr("Card slips total"), self.card)
            form.addRow(self.tr("Comment (a large difference: the manager's words)"),
                        self.comment)
        layout.addLayout(form)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        a11y.complete(self)
        self._total()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Enter after a count moves to the next one; OK is pressed on purpose."""
        if not widgets.enter_moves_on(self, event):
            super().keyPressEvent(event)

    def counts(self) -> dict[int, int]:
        return {v: s.value() for v, s in self.spins.items() if s.value()}

    def other(self) -> dict[str, Money]:
        text = self.card.text().strip()
        return {"card": Money.parse(text, self.currency)} if text else {}

    def _total(self) -> None:
        total = sum(v * n for v, n in self.counts().items())
        self.total.setText(self.tr("Counted: %1").replace(
            "%1", fmt.money(Money(total, self.currency), self.lang)))


class MoveDialog(QDialog):
    """An amount and a reason for cash into or out of the drawer."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("cashMove")
        self.setWindowTitle(title)
        form = QFormLayout(self)
        self.amount = QLineEdit()
        self.amount.setObjectName("moveAmount")
        self.reason = QLineEdit()
        self.reason.setObjectName("moveReason")
        form.addRow(self.tr("Amount"), self.amount)
        form.addRow(self.tr("Reason"), self.reason)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        a11y.complete(self)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Enter after the amount moves to the reason; OK is pressed on purpose."""
        if not widgets.enter_moves_on(self, event):
            super().keyPressEvent(event)


class ReportDialog(QDialog):
    """An X or Z report on screen: print it, save it as PDF or CSV."""

    def __init__(self, report: Report, lang: str, printer: Any, background: Background | None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("report")
        self.report, self.lang, self.printer, self.background = report, lang, printer, background
        self.lines = report_lines(report, lang)
        self.setWindowTitle(self.lines[0].strip())
        layout = QVBoxLayout(self)
        text = QPlainTextEdit("\n".join(self.lines))
        text.setObjectName("reportText")
        text.setReadOnly(True)
        text.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        text.setMinimumSize(560, 480)
        a11y.name(text, self.lines[0].strip())
        layout.addWidget(text)
        self.message = QLabel()
        self.message.setObjectName("reportMessage")
        layout.addWidget(self.message)
        row = QHBoxLayout()
        for name, label, slot in (("printReport", self.tr("Print"), self.print_report),
                                  ("savePdf", self.tr("Save as PDF"), self._ask_pdf),
                                  ("saveCsv", self.tr("Save as CSV"), self._ask_csv),
                                  ("closeReport", self.tr("Close"), self.accept)):
            b = QPushButton(label)
            b.setObjectName(name)
            b.clicked.connect(slot)
            row.addWidget(b)
        layout.addLayout(row)
        a11y.spoken(self.message, self.tr("Message"))
        a11y.complete(self)

    def print_report(self) -> None:
        if self.printer is None or self.background is None:
            widgets.show_message(self.message, self.tr("No printer is set up on this till"),
                                 error=True)
            return
        printer, lines = self.printer, self.lines
        self.background.run(lambda: printer.print_lines(lines),
                            lambda _: widgets.show_message(self.message, self.tr("Printed")),
                            lambda exc: widgets.show_message(
                                self.message, message_for(exc, self.lang), error=True))

    def _ask_pdf(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Save as PDF"),
                                              f"{self._name()}.pdf", "PDF (*.pdf)")
        if path:
            self.save_pdf(Path(path))

    def _ask_csv(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Save as CSV"),
                                              f"{self._name()}.csv", "CSV (*.csv)")
        if path:
            self.save_csv(Path(path))

    def _name(self) -> str:
        r = self.report
        return f"{r.kind}-{r.store_id}-{r.terminal_id}-{r.business_day}" + (
            f"-{r.z_no}" if r.z_no else "")

    def save_pdf(self, path: Path) -> None:
        """A4, the report's lines in a fixed-width font (CJK from the system's fonts)."""
        writer = QPdfWriter(str(path))
        writer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A4),
                                         QPageLayout.Orientation.Portrait,
                                         QMarginsF(15, 15, 15, 15)))
        writer.setTitle(self.lines[0].strip())
        doc = QTextDocument()
        font = QFont("Noto Sans Mono CJK SC")
        font.setStyleHint(QFont.StyleHint.Monospace)
        font.setPointSize(10)
        doc.setDefaultFont(font)
        doc.setPlainText("\n".join(self.lines))
        doc.setPageSize(QSizeF(writer.width(), writer.height()))
        doc.print_(writer)
        widgets.show_message(self.message, self.tr("Saved %1").replace("%1", str(path)))

    def save_csv(self, path: Path) -> None:
        path.write_text(report_csv(self.report), encoding="utf-8-sig")  # Excel reads the BOM
        widgets.show_message(self.message, self.tr("Saved %1").replace("%1", str(path)))


class ShiftDialog(QDialog):
    """The shift's state and what can be done with it."""

    def __init__(self, shifts: Shifts, lang: str, printer: Any = None,
                 background: Background | None = None, drawer: Callable[[], None] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("shift")
        self.setWindowTitle(self.tr("Shift and reports"))
        self.sh, self.lang, self.printer, self.background = shifts, lang, printer, background
        self.drawer = drawer or (lambda: None)
        self.currency = shifts.settings.currency
        layout = QVBoxLayout(self)
        self.state = a11y.LiveLabel(self.tr("Shift"))
        self.state.setObjectName("shiftState")
        layout.addWidget(self.state)
        grid = QGridLayout()
        self.buttons: dict[str, QPushButton] = {}
        for i, (name, label, slot) in enumerate((
                ("openShift", self.tr("Open shift"), self.open_shift),
                ("cashIn", self.tr("Cash in"), lambda: self.move_cash("cash_in")),
                ("paidOut", self.tr("Paid out"), lambda: self.move_cash("paid_out")),
                ("safeDrop", self.tr("Safe drop"), lambda: self.move_cash("safe_drop")),
                ("closeShift", self.tr("Close shift (blind count)"), self.close_shift),
                ("xReport", self.tr("X report"), self.x_report),
                ("zReport", self.tr("Z report (end of day)"), self.z_report))):
            b = QPushButton(label)
            b.setObjectName(name)
            b.setMinimumHeight(56)
            b.clicked.connect(slot)
            grid.addWidget(b, i // 2, i % 2)
            self.buttons[name] = b
        layout.addLayout(grid)
        self.message = QLabel()
        self.message.setObjectName("shiftMessage")
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout.addWidget(close)
        a11y.spoken(self.message, self.tr("Message"))
        a11y.complete(self)
        self.refresh()

    def say(self, text: str, error: bool = False) -> None:
        widgets.show_message(self.message, text, error=error)

    def _error(self, exc: PosError) -> None:
        self.say(message_for(exc, self.lang), error=True)

    def _money(self, minor: int) -> str:
        return fmt.money(Money(minor, self.currency), self.lang)

    def refresh(self) -> None:
        shift = self.sh.current()
        if shift is None:
            self.state.setText(self.tr("No shift is open"))
        else:
            self.state.setText(self.tr("Shift %1 open since %2 (staff %3) · float %4")
                               .replace("%1", str(shift.shift_no))
                               .replace("%2", shift.opened_at[11:16])
                               .replace("%3", str(shift.staff_id))
                               .replace("%4", fmt.money(shift.float_total, self.lang)))
        for name in ("cashIn", "paidOut", "safeDrop", "closeShift"):
            self.buttons[name].setEnabled(shift is not None)
        self.buttons["openShift"].setEnabled(shift is None)

    def open_shift(self) -> None:
        dialog = CountDialog(self.tr("Float of the new shift"), self.currency, self.lang,
                             parent=self)
        try:
            if not dialog.exec():
                return
            counts = dialog.counts()
        finally:
            dialog.deleteLater()
        try:
            shift = self.sh.open(counts)
        except PosError as exc:
            self._error(exc)
            return
        self.drawer()
        self.say(self.tr("Shift %1 opened with %2").replace("%1", str(shift.shift_no))
                 .replace("%2", fmt.money(shift.float_total, self.lang)))
        self.refresh()

    def move_cash(self, kind: str) -> None:
        """Cash in, paid out or a safe drop (not QWidget.move, which places the widget)."""
        titles = {"cash_in": self.tr("Cash in"), "paid_out": self.tr("Paid out"),
                  "safe_drop": self.tr("Safe drop")}
        dialog = MoveDialog(titles[kind], self)
        try:
            if not dialog.exec():
                return
            amount_text, reason = dialog.amount.text(), dialog.reason.text()
        finally:
            dialog.deleteLater()
        try:
            amount = Money.parse(amount_text, self.currency)
        except PosError as exc:  # an amount beyond the till's limit
            self._error(exc)
            return
        except ValueError:
            self.say(message_for(InvalidInput.of("cash_amount_invalid.positive"), self.lang),
                     error=True)
            return
        done = widgets.with_approval(self, lambda a: self.sh.move_cash(kind, amount, reason, a),
                                     self._error, widgets.ask_approval, lang=self.lang)
        if done is not None:
            self.drawer()
            self.say(self.tr("%1: %2 recorded").replace("%1", titles[kind])
                     .replace("%2", fmt.money(amount, self.lang)))

    def close_shift(self) -> None:
        dialog = CountDialog(self.tr("Blind count: count the drawer"), self.currency,
                             self.lang, closing=True, parent=self)
        try:
            if not dialog.exec():
                return
            counts, comment = dialog.counts(), dialog.comment.text()
            try:
                other = dialog.other()
            except PosError as exc:  # an amount beyond the till's limit
                self._error(exc)
                return
            except ValueError:
                refused = InvalidInput.of("cash_amount_invalid.negative")
                self.say(message_for(refused, self.lang), error=True)
                return
        finally:
            dialog.deleteLater()
        done = widgets.with_approval(
            self, lambda a: self.sh.close(counts, other, comment=comment, approval=a),
            self._error, widgets.ask_approval, lang=self.lang)
        if done is None:
            return
        names = {"cash": self.tr("Cash"), "card": self.tr("Card"),
                 "store_credit": self.tr("Store credit")}
        parts = [f"{names.get(kind, kind)} {self._money(v)}"
                 for kind, v in done.over_short.items()]
        self.say(self.tr("Shift %1 closed. Over (+) or short (-): %2")
                 .replace("%1", str(done.shift_no)).replace("%2", " · ".join(parts)),
                 error=not done.balanced)
        self.refresh()

    def x_report(self) -> None:
        try:
            report = self.sh.x_report()
        except PosError as exc:
            self._error(exc)
            return
        self.show_report(report)

    def z_report(self) -> None:
        approval: list[Any] = [None]

        def make(a: Any, confirm: bool = False) -> Report:
            approval[0] = a
            return self.sh.z_report(approval=a, confirm_pending=confirm)

        def refused(exc: PosError) -> None:
            if exc.code != "z_pending_events":
                self._error(exc)
                return
            answer = QMessageBox.question(
                self, self.tr("Z report"),
                message_for(exc, self.lang) + "\n\n" +
                self.tr("Make the Z report now and list them in it?"))
            if answer == QMessageBox.StandardButton.Yes:
                try:
                    self.show_report(make(approval[0], True))
                except PosError as again:
                    self._error(again)

        report = widgets.with_approval(self, make, refused, widgets.ask_approval,
                                       lang=self.lang)
        if report is not None:
            self.show_report(report)

    def show_report(self, report: Report) -> None:
        dialog = ReportDialog(report, self.lang, self.printer, self.background, self)
        self.last_report = dialog
        try:
            dialog.exec()
        finally:
            dialog.deleteLater()
