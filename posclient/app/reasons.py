"""Reason codes: why a discount was given, a price changed, a line or a sale voided, the drawer
opened without a sale, goods taken back.

The chain sets them at the central (entity ``reason_code``, sync.protocol ReasonCodeData);
every till keeps them in ``reason_codes``. Where the central sent none of a kind (a till not
yet synced, a chain that never set any), the till offers the built-in :data:`DEFAULTS`.

A cashier picks a code; the audit record of the action gets ``reason_code`` (and the reason's
name as ``reason``), a return's event gets ``reason_code`` next to its ``reason``. A reason
typed instead ("Other…") has no code: it is allowed unless the store's setting
``reason_free_text`` is off (then a code from the list is required). :func:`reason_counts`
gives the X/Z report its counts and amounts per reason.
"""

from __future__ import annotations

import sqlite3

from posclient.domain.errors import InvalidInput
from posclient.domain.reasons import DEFAULTS, KINDS, ReasonCode
from posclient.store.audit import records_between
from posclient.store.reasons import reason_codes

__all__ = ["DEFAULTS", "KINDS", "ReasonCode", "reason_counts", "reasons_for", "resolve"]


def reasons_for(conn: sqlite3.Connection, kind: str) -> list[ReasonCode]:
    """The active reasons of ``kind``, in the chain's order; the built-in ones when the central
    sent none of that kind."""
    return reason_codes(conn, kind) or list(DEFAULTS[kind])


def resolve(conn: sqlite3.Connection, kind: str, code: str | None, text: str = "", *,
            free_text: bool = True) -> tuple[str | None, str]:
    """``(code, reason text)`` for an action of ``kind``: a code must be one of
    :func:`reasons_for` (its name becomes the text when none is given); no code means a typed
    reason, refused when the store does not allow free text. Raises InvalidInput."""
    text = text.strip()
    if code:
        found = next((r for r in reasons_for(conn, kind) if r.code == code), None)
        if found is None:
            raise InvalidInput.of("reason_unknown", reason_code=code)
        return code, text or found.name_en or found.name_zh
    if text and not free_text:
        raise InvalidInput.of("reason_from_list")
    return None, text


# audit action -> reason kind, for the reports
ACTION_KINDS = {"line_discount": "discount", "basket_discount": "discount",
                "price_override": "price_override", "void_line": "void", "void_sale": "void",
                "no_sale": "no_sale", "refund": "return"}
_AMOUNT_KEYS = ("amount", "total")  # what the action moved, where its audit record says


def reason_counts(conn: sqlite3.Connection, since: str, to_at: str) -> list[dict[str, object]]:
    """Per kind and reason code, the actions of the period (audit records with ``at`` in
    ``(since, to_at]``) that gave a reason: ``{kind, reason_code, count, amount}``, amounts in
    minor units where the record has one. A typed reason counts under ``reason_code`` None."""
    totals: dict[tuple[str, str], list[int]] = {}
    for record in records_between(conn, since, to_at, tuple(ACTION_KINDS)):
        action, d = record.action, record.detail
        code = d.get("reason_code")
        if not code and not d.get("reason"):
            continue  # a discount taken off, an older record without a reason
        amount = next((d[k] for k in _AMOUNT_KEYS if isinstance(d.get(k), int)), 0)
        entry = totals.setdefault((ACTION_KINDS[action], code or ""), [0, 0])
        entry[0] += 1
        entry[1] += amount
    return [{"kind": kind, "reason_code": code or None, "count": n, "amount": amount}
            for (kind, code), (n, amount) in sorted(
                totals.items(), key=lambda kv: (KINDS.index(kv[0][0]), kv[0][1]))]
