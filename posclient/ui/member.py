"""The member of the sale (Ctrl+K): scan the member's card or the app's QR code, or type a
phone number; the dialog shows the member masked (陈** ****1234), the tier and the points
this till may spend, and attaches the member to the sale (its lines take the tier's prices).
A member this till does not hold is asked of the central on a worker thread (the phone's hash,
never the phone). A new customer signs up here with a phone number, a name if they like, and
their consent (marketing too only if they say so: the box is off). A member found may withdraw
a consent here: marketing, or membership (asked again first; the member is taken off the sale
and forgotten, and the customer buys as a guest: docs/privacy.md).

Everything goes through the services (posclient/app/members.py, Checkout.attach_member); a
refusal shows in red in the dialog and changes nothing. The app's signed member QR token may
also be scanned straight into the sell page's field (:func:`attach_scanned`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from posclient.app.checkout import Checkout
from posclient.app.members import Members, MemberView
from posclient.domain.catalogue import message_for
from posclient.domain.errors import NotFound, PosError

from . import a11y, widgets
from .workers import Background


def attach_scanned(co: Checkout, code: str, lang: str) -> str | None:
    """Find the member a code scanned at the sell page names and attach them; the refusal's
    message in ``lang`` (nothing changed), or None."""
    try:
        co.attach_member(Members(co.store, co.clock, co.settings).find(code))
    except PosError as exc:
        return message_for(exc, lang)
    return None


def member_text(tr_points: str, m: MemberView) -> str:
    """``陈** ****1234 · gold · 300 points`` (``tr_points``: the translated "%1 points")."""
    return f"{m.label} · {m.tier} · {tr_points.replace('%1', str(m.available))}"


class MemberDialog(QDialog):
    """``accept()`` = the member found or signed up is attached to the sale (or detached)."""

    def __init__(self, checkout: Checkout, members: Members, lang: str,
                 parent: QWidget | None = None, background: Background | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("memberDialog")
        self.setWindowTitle(self.tr("Member"))
        self.co, self.members, self.lang = checkout, members, lang
        self.background = background
        self.found: MemberView | None = None
        layout = QVBoxLayout(self)
        self.code = QLineEdit()
        self.code.setObjectName("memberCode")
        self.code.setPlaceholderText(self.tr("Scan the member card or app code, or type a phone "
                                             "number"))
        self.code.returnPressed.connect(self.find_member)
        layout.addWidget(self.code)
        self.shown = a11y.LiveLabel(self.tr("Member"), self.tr("No member chosen"))
        self.shown.setObjectName("memberFound")
        self.shown.setWordWrap(True)
        layout.addWidget(self.shown)
        row = QHBoxLayout()
        self.attach_button = QPushButton(self.tr("Attach to the sale"))
        self.attach_button.setObjectName("memberAttach")
        self.attach_button.setEnabled(False)
        self.attach_button.clicked.connect(self.attach)
        self.detach_button = QPushButton(self.tr("Remove the member"))
        self.detach_button.setObjectName("memberDetach")
        self.detach_button.setEnabled(checkout.member is not None)
        self.detach_button.clicked.connect(self.detach)
        for b in (self.attach_button, self.detach_button):
            b.setMinimumHeight(56)
            # Tab reaches them (a tap leaves the focus in the code field)
            b.setFocusPolicy(Qt.FocusPolicy.TabFocus)
            row.addWidget(b)
        layout.addLayout(row)

        box = QGroupBox(self.tr("Sign up a new member"))
        form = QFormLayout(box)
        self.phone = QLineEdit()
        self.phone.setObjectName("signupPhone")
        self.name = QLineEdit()
        self.name.setObjectName("signupName")
        self.consent = QCheckBox(self.tr("The customer agrees to the member terms and the "
                                         "privacy notice (version %1)")
                                 .replace("%1", checkout.settings.member_consent_version))
        self.consent.setObjectName("signupConsent")
        self.marketing = QCheckBox(self.tr("The customer also agrees to receive marketing "
                                           "(optional)"))
        self.marketing.setObjectName("signupMarketing")
        self.signup_button = QPushButton(self.tr("Sign up"))
        self.signup_button.setObjectName("signup")
        self.signup_button.clicked.connect(self.sign_up)
        form.addRow(self.tr("Phone"), self.phone)
        form.addRow(self.tr("Name (optional)"), self.name)
        form.addRow(self.consent)
        form.addRow(self.marketing)
        form.addRow(self.signup_button)
        layout.addWidget(box)
        layout.addLayout(self._withdrawals())
        for b in (self.attach_button, self.detach_button, self.signup_button,
                  self.no_marketing_button, self.end_button):
            b.setAutoDefault(False)  # Enter in a field is that field's (find), never a button's

        self.message = QLabel()
        self.message.setObjectName("memberMessage")
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        self.resize(620, 460)
        a11y.name(self.code, self.tr("Member code or phone"), self.code.placeholderText())
        a11y.spoken(self.message, self.tr("Message"))
        a11y.complete(self)
        self.code.setFocus()

    def _withdrawals(self) -> QHBoxLayout:
        """The found member's consents: stop marketing, end the membership."""
        self.confirm: Callable[[QWidget, str, str], bool] = widgets.ask_yes_no
        row = QHBoxLayout()
        self.no_marketing_button = QPushButton(self.tr("No more marketing"))
        self.no_marketing_button.setObjectName("memberNoMarketing")
        self.no_marketing_button.clicked.connect(lambda: self.withdraw("marketing"))
        self.end_button = QPushButton(self.tr("End the membership…"))
        self.end_button.setObjectName("memberEnd")
        self.end_button.clicked.connect(lambda: self.withdraw("membership"))
        for b in (self.no_marketing_button, self.end_button):
            b.setEnabled(False)
            b.setFocusPolicy(Qt.FocusPolicy.TabFocus)
            row.addWidget(b)
        return row

    def say(self, text: str, error: bool = False) -> None:
        widgets.show_message(self.message, text, error=error)

    def _show(self, member: MemberView | None) -> None:
        self.found = member
        self.shown.setText(self.tr("No member chosen") if member is None
                           else member_text(self.tr("%1 points"), member))
        for b in (self.attach_button, self.no_marketing_button, self.end_button):
            b.setEnabled(member is not None)

    def find_member(self) -> None:
        text = self.code.text().strip()
        self.code.clear()
        try:
            member = self.members.find_local(text)
        except NotFound as exc:
            self._ask_central(text, exc)
            return
        except PosError as exc:
            self.say(message_for(exc, self.lang), error=True)
            return
        self.say("")
        self._show(member)

    def _ask_central(self, text: str, unknown: PosError) -> None:
        """Not on this till: the central, on a worker thread (offline: ``member_unknown``)."""
        members = self.members
        if members.directory is None or self.background is None:
            self.say(message_for(unknown, self.lang), error=True)
            return
        try:
            query = members.central_query(text)
        except PosError as exc:
            self.say(message_for(exc, self.lang), error=True)
            return
        self.say(self.tr("Asking the central for this member…"))
        self.background.run(lambda: members.ask_central(query), self._answered,
                            self._not_answered)

    def _answered(self, found: Any) -> None:
        if not shiboken6.isValid(self):
            return
        try:
            member = self.members.keep_found(found)
        except PosError as exc:
            self.say(message_for(exc, self.lang), error=True)
            return
        self.say("")
        self._show(member)

    def _not_answered(self, exc: object) -> None:
        if shiboken6.isValid(self):
            self.say(message_for(exc, self.lang) if isinstance(exc, PosError) else str(exc),
                     error=True)

    def sign_up(self) -> None:
        try:
            member = self.members.sign_up(self.co.staff, self.co.session,
                                          phone=self.phone.text(), name=self.name.text(),
                                          consent=self.consent.isChecked(),
                                          marketing=self.marketing.isChecked())
        except PosError as exc:
            self.say(message_for(exc, self.lang), error=True)
            return
        self.phone.clear()
        self.name.clear()
        self.consent.setChecked(False)
        self.marketing.setChecked(False)
        self.say(self.tr("Member %1 signed up").replace("%1", member.member_no))
        self._show(member)

    def attach(self) -> None:
        if self.found is None:
            return
        try:
            self.co.attach_member(self.found)
        except PosError as exc:
            self.say(message_for(exc, self.lang), error=True)
            return
        self.accept()

    def detach(self) -> None:
        try:
            self.co.detach_member()
        except PosError as exc:
            self.say(message_for(exc, self.lang), error=True)
            return
        self.accept()

    def withdraw(self, purpose: str) -> None:
        """The member found withdraws ``purpose``; ending the membership is asked again, and
        takes the member off this sale first (refused once money was taken)."""
        member = self.found
        if member is None:
            return
        if purpose == "membership":
            if not self.confirm(self, self.tr("End the membership"), self.tr(
                    "End %1's membership? Their personal data is erased everywhere; their "
                    "points are lost. They can still buy as a guest.").replace(
                    "%1", member.label)):
                return
            if self.co.member is not None and self.co.member.member_no == member.member_no:
                try:
                    self.co.detach_member()
                except PosError as exc:
                    self.say(message_for(exc, self.lang), error=True)
                    return
        try:
            self.members.withdraw(self.co.staff, self.co.session, member, purpose)
        except PosError as exc:
            self.say(message_for(exc, self.lang), error=True)
            return
        if purpose == "membership":
            self._show(None)
            self.detach_button.setEnabled(self.co.member is not None)
            self.say(self.tr("The membership has ended: the customer buys as a guest"))
        else:
            self.say(self.tr("%1 receives no more marketing").replace("%1", member.label))
