"""A service's refusal in the till's language.

The services (posclient.app, .domain, .store, .devices) refuse with a :class:`PosError`. One made
from a catalogue message id (``NotFound.of(...)``) is rendered by its id in the UI's language
(posclient.domain.catalogue). A raise site that still words its own English message is matched
instead: among the catalogue's messages of its code, the one whose English text, filled with the
exception's details, is exactly the message. :data:`MATCHED_CODES` lists the codes still raised
that way; it shrinks as raise sites convert, and the matching goes with its last code. Nothing
is lost: English, an unknown code or missing details give ``str(exc)`` unchanged.
"""

from __future__ import annotations

from posclient.domain import catalogue
from posclient.domain.errors import PosError

# Codes some raise site still raises with its own English text (not by message id): only
# posclient/app/checkout.py's now; the matching goes when they convert.
MATCHED_CODES: frozenset[str] = frozenset({
    "below_paid", "card_declined", "card_timeout", "cart_empty", "cart_not_empty",
    "coupon_invalid", "credit_insufficient", "credit_unknown", "currency_mismatch",
    "exchange_open", "has_payments", "member_after_payment", "member_inactive", "not_paid",
    "order_cancelled", "order_currency", "order_not_pickup", "order_other_store",
    "parked_empty", "pickup_code_wrong", "pickup_locked", "points_disabled",
    "points_insufficient", "points_no_member", "price_missing", "product_inactive",
    "product_unknown", "reason_required", "reversal_failed", "shift_not_open",
    "suspended_shared", "suspended_unknown", "suspended_unreadable", "tax_missing",
})


def _matched_id(exc: PosError) -> str | None:
    """The catalogue message whose English text, filled with ``exc``'s details, is its message."""
    if exc.code not in MATCHED_CODES:
        return None
    message = str(exc)
    for message_id in catalogue.ERRORS:
        if catalogue.code_of(message_id) != exc.code:
            continue
        try:
            if catalogue.render(message_id, exc.details, "en") == message:
                return message_id
        except (KeyError, TypeError, ValueError):
            continue  # a detail is missing or not what the message expects
    return None


def message_id_for(exc: object) -> str | None:
    """The catalogue's message id for this refusal (its own, or the matched one), or None."""
    if not isinstance(exc, PosError):
        return None
    return exc.message_id or _matched_id(exc)


def message_for(exc: object, lang: str) -> str:
    """What the till shows for ``exc`` (usually a :class:`PosError`) in ``lang``."""
    if not catalogue.is_zh(lang) or not isinstance(exc, PosError):
        return str(exc)
    if exc.message_id:
        return catalogue.message_for(exc, lang)
    message_id = _matched_id(exc)
    if message_id is None:
        return str(exc)
    return catalogue.render(message_id, exc.details, lang)
