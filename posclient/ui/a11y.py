"""Accessibility: every control named for a screen reader, every screen usable by keyboard.

A screen names the controls whose purpose no visible text gives (the scan field, the cart, a
list, the total) with :func:`name`, in the screen's language (``self.tr``). :func:`complete`,
called at the end of a screen's construction, names the rest from what the cashier sees: a
form row's label names its field, a button its own text (the key printed under it becomes its
description), a line edit its placeholder. It also keeps Tab a way *out* of lists and tables
(arrow keys move inside them): Qt's views take Tab for moving between cells, a trap for anyone
without a mouse.
"""

from __future__ import annotations

import re

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHeaderView,
    QLabel,
    QLayout,
    QLineEdit,
    QPlainTextEdit,
    QTabBar,
    QTabWidget,
    QTextEdit,
    QWidget,
)

# What the tests (and a screen reader) treat as a control a person operates.
INTERACTIVE: tuple[type[QWidget], ...] = (QAbstractButton, QLineEdit, QComboBox,
                                          QAbstractSpinBox, QAbstractItemView, QTabWidget,
                                          QPlainTextEdit, QTextEdit)


def name(widget: QWidget, text: str, description: str = "") -> QWidget:
    """The widget's accessible name (and description, when the name is not enough)."""
    widget.setAccessibleName(text)
    if description:
        widget.setAccessibleDescription(description)
    return widget


def spoken(label: QLabel, purpose: str) -> QLabel:
    """A label whose text changes (the total, a message line): its name is ``purpose`` and
    what it shows now, kept up to date by :func:`say` and :class:`LiveLabel`."""
    label.setProperty("a11yPurpose", purpose)
    say(label)
    return label


def say(label: QLabel, text: str | None = None) -> None:
    """The label's name from its purpose and its (whole) text: a screen reader hears the
    change due, not "label"."""
    purpose = str(label.property("a11yPurpose") or "")
    shown = plain(_strip_tags(label.text() if text is None else text))
    label.setAccessibleName(f"{purpose}: {shown}" if purpose and shown else purpose or shown)


def _strip_tags(text: str) -> str:
    return re.sub(r"<[^>]+>", " ", text) if "<" in text else text


class LiveLabel(QLabel):
    """A label named by its purpose and its current text (see :func:`spoken`)."""

    def __init__(self, purpose: str, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        spoken(self, purpose)

    def setText(self, text: str) -> None:
        super().setText(text)
        say(self)

    def clear(self) -> None:
        super().clear()
        say(self)


def plain(text: str) -> str:
    """A label's or button's text as a name: no mnemonic ampersand, no rich text, one line."""
    return " ".join(text.replace("&&", "\0").replace("&", "").replace("\0", "&").split())


def is_control(widget: QWidget) -> bool:
    """A control a person operates, not a part of another one (a spin box's or combo box's
    own line edit, a table's header or corner button, a tab bar's scroll arrows)."""
    if not isinstance(widget, INTERACTIVE) or isinstance(widget, QHeaderView):
        return False
    parent = widget.parentWidget()
    if isinstance(widget, QAbstractButton) and isinstance(parent, QAbstractItemView):
        return False  # a table's corner button
    while parent is not None:
        if isinstance(parent, QAbstractSpinBox | QComboBox | QTabBar):
            return False
        parent = parent.parentWidget()
    return True


def _form_labels(layout: QLayout) -> None:
    """Each form row's label text as its field's name; nested layouts too."""
    if isinstance(layout, QFormLayout):
        for row in range(layout.rowCount()):
            label = layout.itemAt(row, QFormLayout.ItemRole.LabelRole)
            field = layout.itemAt(row, QFormLayout.ItemRole.FieldRole)
            label_w = label.widget() if label is not None else None
            field_w = field.widget() if field is not None else None
            if isinstance(label_w, QLabel) and field_w is not None \
                    and not field_w.accessibleName():
                field_w.setAccessibleName(plain(label_w.text()))
    for i in range(layout.count()):
        item = layout.itemAt(i)
        child = item.layout() if item is not None else None
        if child is not None:
            _form_labels(child)


def complete(root: QWidget) -> None:
    """Names every control of ``root`` that has none yet, from its visible text; Tab leaves
    lists and tables. Call it once a screen is built (and for controls added later)."""
    layouts = [root.layout()] + [w.layout() for w in root.findChildren(QWidget)]
    for layout in layouts:
        if layout is not None:
            _form_labels(layout)
    for label in root.findChildren(QLabel):
        buddy = label.buddy()
        if buddy is not None and not buddy.accessibleName():
            buddy.setAccessibleName(plain(label.text()))
    for widget in [root, *root.findChildren(QWidget)]:
        if isinstance(widget, QAbstractItemView):
            widget.setTabKeyNavigation(False)
        if isinstance(widget, QPlainTextEdit | QTextEdit):
            widget.setTabChangesFocus(True)
        if widget.accessibleName() or not is_control(widget):
            continue
        if isinstance(widget, QAbstractButton) and widget.text().strip():
            first, _, rest = widget.text().partition("\n")
            widget.setAccessibleName(plain(first))
            if rest.strip() and not widget.accessibleDescription():
                widget.setAccessibleDescription(plain(rest))
        elif isinstance(widget, QLineEdit) and widget.placeholderText():
            widget.setAccessibleName(plain(widget.placeholderText()))
        elif isinstance(widget, QGroupBox):
            widget.setAccessibleName(plain(widget.title()))


def controls(root: QWidget) -> list[QWidget]:
    """The visible controls of ``root`` (the tests' list to check names and Tab against)."""
    return [w for w in root.findChildren(QWidget)
            if is_control(w) and w.isVisibleTo(root) and w.isVisible()]


def tab_reachable(widget: QWidget) -> bool:
    """Whether Tab can stop on the widget (visible, enabled, Tab focus)."""
    return (widget.isVisible() and widget.isEnabled()
            and bool(widget.focusPolicy() & Qt.FocusPolicy.TabFocus))
