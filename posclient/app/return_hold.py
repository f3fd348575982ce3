"""A return's hold at the central (``POST /v1/returns/reserve``): what the till asks for before it
refunds goods bought elsewhere or online, so the same goods are never refunded twice."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from .returns import ReturnDraft

if TYPE_CHECKING:
    from sync.protocol import ReserveRequest


def reserve_request(draft: ReturnDraft) -> ReserveRequest:
    """The hold for an online return's lines (``draft.purchase`` is the central's copy)."""
    # The wire models (pydantic) load at first use, not at the till's start
    # (startup_rss_mb, docs/performance.md); import-linter checks this import too.
    from sync.protocol import ReserveLine, ReserveRequest

    p = draft.purchase
    assert p is not None
    return ReserveRequest(reservation_id=uuid.UUID(draft.reservation_id),
                          **{f"{p.kind}_no": p.ref},
                          lines=[ReserveLine(line_id=k, qty=v)
                                 for k, v in draft.reserve_lines().items()])
