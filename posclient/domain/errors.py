"""Errors the till shows to a person.

Every error carries a stable ``code`` (for tests, logs and translations) and a message in plain
words. Raising one of these must leave the state unchanged: validate first, then mutate.

An error is made from its message id and parameters (``NotFound.of("staff_unknown",
staff_id=7)``): the catalogue (posclient.domain.catalogue) words it in English for ``str`` and in
the till's language for a person. A raise site not converted yet still passes its English
message (``NotFound("...", code="...", **details)``).
"""

from __future__ import annotations

from typing import Any, Self

from .catalogue import code_of, render


class PosError(Exception):
    """A refusal the user must understand; nothing was changed."""

    code: str = "error"
    message_id: str | None = None  # the catalogue's message, when made by :meth:`of`

    def __init__(self, message: str | None = None, *, code: str | None = None,
                 message_id: str | None = None, **details: Any) -> None:
        if message_id is not None:
            message = render(message_id, details, "en")
            self.message_id = message_id
            code = code or code_of(message_id)
        if message is None:
            raise TypeError("a PosError needs its message or its message id")
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        self.details = details

    @classmethod
    def of(cls, message_id: str, /, **params: Any) -> Self:
        """The error the catalogue's ``message_id`` words, with its parameters (which are also
        its ``details``); its code is the id's (``barcode_unknown`` for
        ``barcode_unknown.scanned``)."""
        return cls(message_id=message_id, **params)

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

    def __init__(self, message: str | None = None, *, action: str, min_role: str,
                 message_id: str | None = None) -> None:
        super().__init__(message, message_id=message_id, action=action, min_role=min_role)
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
