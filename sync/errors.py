"""Why a sync cycle stopped: :class:`SyncError`, with a code a person's screen can name."""

from __future__ import annotations

from typing import Any


class SyncError(Exception):
    """A cycle could not finish; ``transient`` says whether retrying later may help.

    ``code`` (with ``details``) names a refusal the till shows in its user's language
    (posclient/app/refusals.py): an answer over its deadline or its size, a snapshot cut off or
    not verified, a page that would move the cursor back. The message is the English words for
    the log and ``posclient status``.
    """

    def __init__(self, message: str, *, transient: bool, retry_after: float | None = None,
                 code: str | None = None, **details: Any) -> None:
        super().__init__(message)
        self.transient = transient
        self.retry_after = retry_after
        self.code = code
        self.details = details
