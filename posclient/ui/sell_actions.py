"""The selling screen's frequent actions (ui/sell.py): each on an F-key and a touch-size button
that call the page's method of the action's name."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QGridLayout, QPushButton, QWidget

from . import a11y
from .i18n import QT_TRANSLATE_NOOP

# (key, label, method name). Every frequent action: an F-key and a button.
ACTIONS: list[tuple[str, str, str]] = [
    ("F2", QT_TRANSLATE_NOOP("SellPage", "Quantity"), "change_qty"),
    ("F3", QT_TRANSLATE_NOOP("SellPage", "Price"), "change_price"),
    ("F4", QT_TRANSLATE_NOOP("SellPage", "Line discount"), "line_discount"),
    ("F5", QT_TRANSLATE_NOOP("SellPage", "Sale discount"), "sale_discount"),
    ("F6", QT_TRANSLATE_NOOP("SellPage", "Void line"), "void_line"),
    ("F7", QT_TRANSLATE_NOOP("SellPage", "Void sale"), "void_sale"),
    ("F8", QT_TRANSLATE_NOOP("SellPage", "Suspend"), "suspend"),
    ("F9", QT_TRANSLATE_NOOP("SellPage", "Resume"), "resume"),
    ("F10", QT_TRANSLATE_NOOP("SellPage", "No sale"), "no_sale"),
    ("F11", QT_TRANSLATE_NOOP("SellPage", "Reprint"), "reprint"),
    ("F12", QT_TRANSLATE_NOOP("SellPage", "Stock"), "stock"),
    ("Ctrl+O", QT_TRANSLATE_NOOP("SellPage", "Pick-up"), "pickup"),
    ("Ctrl+R", QT_TRANSLATE_NOOP("SellPage", "Return"), "returns"),
    ("Ctrl+S", QT_TRANSLATE_NOOP("SellPage", "Shift"), "shift"),
    ("Ctrl+M", QT_TRANSLATE_NOOP("SellPage", "Settings"), "settings"),
    ("Ctrl+K", QT_TRANSLATE_NOOP("SellPage", "Member"), "member_key"),
    ("Ctrl+T", QT_TRANSLATE_NOOP("SellPage", "Stock count"), "stock_count"),
    ("Ctrl+D", QT_TRANSLATE_NOOP("SellPage", "Receive"), "receive"),
    ("Ctrl+E", QT_TRANSLATE_NOOP("SellPage", "Reconcile"), "reconcile"),
]
COLUMNS = 4  # the action buttons' grid: five rows leave the Pay button on a 768-pixel screen


def action_buttons(page: QWidget, grid: QGridLayout) -> dict[str, QPushButton]:
    """The buttons of :data:`ACTIONS`, laid in ``grid``, by method name; a button and its key
    (a shortcut on ``page``) call ``page``'s method of that name. Labels are translated in
    ``page``'s context (SellPage)."""
    buttons: dict[str, QPushButton] = {}
    for i, (key, label, name) in enumerate(ACTIONS):
        b = QPushButton(f"{page.tr(label)}\n{key}")
        b.setObjectName(name)
        b.setProperty("action", True)
        a11y.name(b, page.tr(label), key)
        b.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        b.setMinimumHeight(64)
        b.clicked.connect(getattr(page, name))
        grid.addWidget(b, i // COLUMNS, i % COLUMNS)
        QShortcut(QKeySequence(key), page, getattr(page, name))
        buttons[name] = b
    return buttons
