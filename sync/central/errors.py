"""Errors the central's services raise; the API maps each to an HTTP status and an ErrorBody."""

from __future__ import annotations

from pydantic import ValidationError

# Fields holding money, in minor units (fen) everywhere in the protocol and the admin API.
AMOUNT_FIELDS = frozenset({"amount", "unit_price", "discount", "bundle_price", "min_spend"})
_NOT_WHOLE = frozenset({"int_from_float", "int_parsing", "int_type"})


def error_parts(exc: ValidationError) -> tuple[str, str]:
    """The first validation problem as ``(field.path, message)``. An amount that is not a
    whole number is told so with its unit (fen), the usual mistake being a price in yuan."""
    err = exc.errors()[0]
    loc = [str(p) for p in err.get("loc", ())]
    msg = str(err.get("msg", "invalid"))
    if loc and loc[-1] in AMOUNT_FIELDS and err.get("type") in _NOT_WHOLE:
        msg = (f"{err.get('input')} is not in fen (amounts are whole numbers of fen: "
               "3.50 yuan is 350)")
    return ".".join(loc), msg


def first_error(exc: ValidationError) -> str:
    """The first validation problem as ``field.path: message``."""
    where, msg = error_parts(exc)
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


class RecordsRejected(InvalidRequest):
    """A bulk write with refused records: nothing was written. ``rejected``: ``(index,
    reason)`` of each, answered with the ErrorBody as ``rejected``."""

    code = "records_rejected"

    def __init__(self, detail: str, rejected: list[tuple[int, str]]) -> None:
        super().__init__(detail)
        self.rejected = rejected


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

    def __init__(self, detail: str, *, retry_after: int, code: str | None = None) -> None:
        super().__init__(detail, code=code)
        self.retry_after = retry_after


class FeedGone(CentralError):
    """The cursor is outside the feed the central still holds: take a snapshot."""

    status = 410
    code = "feed_gone"


class SchemaError(Exception):
    """The database cannot be used by this program (not initialised, newer, foreign)."""


class ConfigError(ValueError):
    """A setting the central cannot start with: a malformed database URL, a weak admin token."""


class EventRefused(Exception):
    """An event found wrong while its effects are applied (a sign-up's sealed data that does not
    open, or names another phone than its hash): rejected and quarantined with this reason,
    nothing of it kept (sync/central/ingest.py)."""
