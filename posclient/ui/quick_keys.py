"""Quick keys on the sell page: the store's tiles for items without a barcode, one tab per
category (posclient/app/quick_keys.py). One tap adds the product; a weighed product first asks
for its weight in grams (typed on the keyboard or a keypad).

The panel takes the room between the totals and the action buttons (the buttons stay at the
bottom, where a finger expects them); its tiles scroll when that room is short, so none is cut.
Without quick keys it is an empty space, as the page had before. The tiles are read at log-in
and again after each sync (the window's status hook), so a change at the central shows soon.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QInputDialog,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QStackedWidget,
    QTabBar,
    QVBoxLayout,
    QWidget,
)

from posclient.app.quick_keys import QuickKey
from posclient.domain.catalogue import message_for
from posclient.domain.errors import PosError

if TYPE_CHECKING:
    from .sell import SellPage

COLUMNS = 3
TILE_HEIGHT = 44


class Tile(QPushButton):
    """A quick key: its label elided in the middle when the tile is narrow (a name keeps its
    start and its size: "Yili Pu…250ml"), never cut; the whole label is its tooltip and
    accessible name."""

    PADDING = 12  # the style's text margins, both sides

    def __init__(self, label: str) -> None:
        super().__init__(label)
        self.label = label
        self.setToolTip(label)
        self.setAccessibleName(label)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.setText(self.fontMetrics().elidedText(
            self.label, Qt.TextElideMode.ElideMiddle, max(0, self.width() - self.PADDING)))


class QuickKeysPanel(QWidget):
    chosen = Signal(object)  # a QuickKey

    def __init__(self, lang: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.lang = lang
        self.setObjectName("quickKeys")
        self.setAccessibleName(self.tr("Quick keys"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        # A tab bar over a stack of pages (not a QTabWidget, which takes keyboard focus): touch
        # only, so Tab stays with the scan field, where the scanner's keystrokes go.
        self.bar = QTabBar()
        self.bar.setObjectName("quickKeyTabs")
        self.bar.setAccessibleName(self.tr("Quick keys"))
        self.bar.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.bar.setUsesScrollButtons(True)
        self.bar.setExpanding(False)
        self.pages = QStackedWidget()
        self.bar.currentChanged.connect(self.pages.setCurrentIndex)
        layout.addWidget(self.bar)
        layout.addWidget(self.pages)
        self.tiles: list[Tile] = []
        self._loaded: list[tuple[str, str, list[QuickKey]]] | None = None
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        self.bar.hide()

    def show_groups(self, groups: list[tuple[str, str, list[QuickKey]]]) -> None:
        """(Re)build the tabs from these groups of quick keys (nothing changes when they did
        not: called after every sync, it keeps the tab a cashier is on)."""
        if groups == self._loaded:
            return
        self._loaded = groups
        while self.bar.count():
            self.bar.removeTab(0)
        while self.pages.count():
            page = self.pages.widget(0)
            if page is None:
                break
            self.pages.removeWidget(page)
            page.deleteLater()
        self.tiles = []
        for zh, en, keys in groups:
            grid_host = QWidget()
            grid = QGridLayout(grid_host)
            grid.setContentsMargins(2, 2, 2, 2)
            for i, key in enumerate(keys):
                grid.addWidget(self._tile(key), i // COLUMNS, i % COLUMNS)
            grid.setRowStretch(len(keys) // COLUMNS + 1, 1)
            scroll = QScrollArea()
            scroll.setFrameShape(QFrame.Shape.NoFrame)
            scroll.setWidgetResizable(True)
            scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
            scroll.setWidget(grid_host)
            scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            name = (zh or en) if self.lang.startswith("zh") else (en or zh)
            scroll.setAccessibleName(name)
            self.pages.addWidget(scroll)
            self.bar.addTab(name)
        self.bar.setVisible(bool(groups))

    def _tile(self, key: QuickKey) -> Tile:
        b = Tile(key.label(self.lang))
        b.setObjectName("quickKey")
        b.setProperty("quickKeyId", key.id)
        b.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        b.setMinimumHeight(TILE_HEIGHT)
        b.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        b.clicked.connect(lambda _=False, k=key: self.chosen.emit(k))
        self.tiles.append(b)
        return b


def ask_weight(parent: QWidget, key: QuickKey, lang: str, max_grams: int) -> int | None:
    """The weight of a weighed tile's product in grams, typed; None when cancelled."""
    dialog = QInputDialog(parent)
    dialog.setObjectName("weightDialog")
    dialog.setWindowTitle(key.label(lang))
    dialog.setLabelText(QCoreApplication.translate("QuickKeysPanel", "Weight in grams"))
    dialog.setInputMode(QInputDialog.InputMode.IntInput)
    dialog.setIntRange(1, min(max_grams, 2**31 - 1))
    dialog.setIntValue(1)
    try:
        return dialog.intValue() if dialog.exec() == QInputDialog.DialogCode.Accepted else None
    finally:
        dialog.deleteLater()


def add_tile(page: SellPage, key: QuickKey) -> None:
    """A tap on ``key`` at the sell page: its product added (a weighed one by its weight)."""
    co = page.checkout
    if co is None:
        return
    grams = (ask_weight(page, key, page.lang, co.settings.limits.max_weight_g) if key.weighed
             else 1)
    if grams is not None:
        try:
            page._added(co, co.add_product(key.product_id, grams))
        except PosError as exc:
            page.say(message_for(exc, page.lang), error=True)
        page.refresh()
    page.focus_scan()
