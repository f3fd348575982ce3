"""Errors the central's services raise; the API maps each to an HTTP status and an ErrorBody."""

from __future__ import annotations

from pydantic import ValidationError


def first_error(exc: ValidationError) -> str:
    """The first validation problem as ``field.path: message``."""
    err = exc.errors()[0]
    where = ".".join(str(p) for p in err.get("loc", ()))
    msg = str(err.get("msg", "invalid"))
    return f"{where}: {msg}" if where else msg


class CentralError(Exception):
    """A request the central refuses. ``code`` is stable (ErrorBody.error); the message is for
    people (ErrorBody.detail) and never contains a secret."""

    status = 400
    code = "bad_request"

    def __init__(self, detail: str, *, code: str | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        if code:
            self.code = code


class InvalidRequest(CentralError):
    status = 422
    code = "invalid_request"


class NotFound(CentralError):
    status = 404
    code = "not_found"


class Conflict(CentralError):
    status = 409
    code = "conflict"


class Unauthorized(CentralError):
    status = 401
    code = "unauthorized"


class Forbidden(CentralError):
    status = 403
    code = "forbidden"


class TooManyAttempts(CentralError):
    status = 429
    code = "too_many_attempts"

    def __init__(self, detail: str, *, retry_after: int) -> None:
        super().__init__(detail)
        self.retry_after = retry_after


class FeedGone(CentralError):
    """The cursor is outside the feed the central still holds: take a snapshot."""

    status = 410
    code = "feed_gone"


class SchemaError(Exception):
    """The database cannot be used by this program (not initialised, newer, foreign)."""


class ConfigError(ValueError):
    """A setting the central cannot start with: a malformed database URL, a weak admin token."""
