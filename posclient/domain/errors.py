"""Errors the till shows to a person.

Every error carries a stable ``code`` (for tests, logs and translations) and a message in plain
words. Raising one of these must leave the state unchanged: validate first, then mutate.
"""

from __future__ import annotations


class PosError(Exception):
    """A refusal the user must understand; nothing was changed."""

    code: str = "error"

    def __init__(self, message: str, *, code: str | None = None, **details: object) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        self.details = details

    def __str__(self) -> str:
        return self.message


class InvalidInput(PosError):
    code = "invalid_input"


class NotFound(PosError):
    code = "not_found"


class PermissionDenied(PosError):
    """The current staff member may not do this (possibly: not without a supervisor)."""

    code = "permission_denied"


class ApprovalRequired(PermissionDenied):
    """The action is allowed with a supervisor's (or manager's) PIN."""

    code = "approval_required"

    def __init__(self, message: str, *, action: str, min_role: str) -> None:
        super().__init__(message, action=action, min_role=min_role)
        self.action = action
        self.min_role = min_role


class AuthError(PosError):
    code = "auth_failed"


class PaymentError(PosError):
    code = "payment_failed"


class Unavailable(PosError):
    """Something the till needs for this action cannot be reached now (the central); the till
    itself keeps working."""

    code = "unavailable"
