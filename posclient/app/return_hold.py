"""A return's hold at the central (``POST /v1/returns/reserve``): what the till asks for before it
refunds goods bought elsewhere or online, so the same goods are never refunded twice."""

from __future__ import annotations

import uuid

from sync.protocol import ReserveLine, ReserveRequest

from .returns import ReturnDraft


def reserve_request(draft: ReturnDraft) -> ReserveRequest:
    """The hold for an online return's lines (``draft.purchase`` is the central's copy)."""
    p = draft.purchase
    assert p is not None
    return ReserveRequest(reservation_id=uuid.UUID(draft.reservation_id),
                          **{f"{p.kind}_no": p.ref},
                          lines=[ReserveLine(line_id=k, qty=v)
                                 for k, v in draft.reserve_lines().items()])
