"""What a network fault or an HTTP answer's status means for the till's sync: the
:class:`sync.errors.SyncError` it becomes (transient or not, with its refusal code)."""

from __future__ import annotations

import httpx

from .errors import SyncError
from .http import AnswerTooLarge, DeadlineExceeded


def network_error(exc: httpx.HTTPError) -> SyncError:
    """What a network fault, a deadline or an answer over its bound means for a cycle."""
    if isinstance(exc, DeadlineExceeded):
        return SyncError(f"the central did not finish answering within {exc.seconds:g} s "
                         "(deadline)", transient=True, code="deadline",
                         seconds=f"{exc.seconds:g}")
    if isinstance(exc, AnswerTooLarge):
        return SyncError(f"the central's answer was over {exc.limit // 2**20} MB decoded: "
                         "refused", transient=False, code="answer_too_large",
                         limit_mb=exc.limit // 2**20)
    if isinstance(exc, httpx.TimeoutException):
        return SyncError(f"the central did not answer in time ({type(exc).__name__})",
                         transient=True)
    if isinstance(exc, httpx.DecodingError):
        return SyncError(f"the central's answer could not be decoded ({exc})", transient=True,
                         code="answer_malformed")
    return SyncError(f"the central cannot be reached ({exc})", transient=True)


def raise_for(resp: httpx.Response) -> None:
    """Raise the :class:`SyncError` an HTTP status means (``410 Gone`` is left to the caller)."""
    code = resp.status_code
    if code < 400 or code == 410:
        return
    if code == 401:
        raise SyncError("the central refused this till's token (revoked or unknown): enrol "
                        "this till again with a code made for it (Settings, or posclient enrol "
                        "--again)", transient=False)
    if code == 403:
        raise SyncError("the central refused access to this store's data (403)",
                        transient=False)
    if code == 429:
        retry = resp.headers.get("Retry-After")
        raise SyncError("the central asked the till to slow down (429)", transient=True,
                        retry_after=float(retry) if retry and retry.isdigit() else None)
    if code >= 500:
        raise SyncError(f"the central had an error ({code})", transient=True)
    raise SyncError(f"the central refused the request ({code})", transient=False)


def never_back(cursor: int, next_after: int, first_seq: int | None) -> None:
    """A page may not move the till's cursor back, nor hold changes it already has."""
    if next_after < cursor or (first_seq is not None and first_seq <= cursor):
        raise SyncError(f"the central sent a page that would move the till's cursor back "
                        f"(from {cursor} to {min(next_after, first_seq or next_after)}): "
                        "refused; the cursor was left unchanged", transient=False,
                        code="cursor_back", cursor=cursor,
                        next_after=min(next_after, first_seq or next_after))


