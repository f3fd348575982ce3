"""The central's tables of the oversell rule (issue 18, schema v17): the shortfalls waiting for
the settler and the record of what the rule did. Defined on the central's ``MetaData`` by
:func:`define` (sync/central/schema.py calls it); the rule itself is sync/central/oversell.py.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, CheckConstraint, Column, Index, MetaData, String, Table

from sync.central.schema_history.types import BigId, UtcDateTime

HOLD_KINDS = ("order", "reservation")
ACTIONS = ("rerouted", "flagged")


def define(metadata: MetaData) -> tuple[Table, Table]:
    """``oversell_queue`` and ``oversell_actions`` on ``metadata``."""
    queue = Table(  # v17: a (store, product) whose level fell below what is held there
        "oversell_queue", metadata,
        Column("store_id", String(32), primary_key=True),
        Column("product_id", BigInteger, primary_key=True, autoincrement=False),
        Column("queued_at", UtcDateTime, nullable=False),
        Index("oversell_queue_due", "queued_at"),
    )
    actions = Table(  # v17: each hold the rule re-routed or flagged (who, from, to, when)
        "oversell_actions", metadata,
        Column("id", BigId, primary_key=True, autoincrement=True),
        Column("store_id", String(32), nullable=False),  # where the hold was (from)
        Column("product_id", BigInteger, nullable=False),  # the product short there
        Column("hold_kind", String(12), nullable=False),  # order | reservation
        Column("hold_ref", String(64), nullable=False),  # the order_no, the reservation_id
        Column("holder", String(200), nullable=False),  # the order's channel, the holder
        Column("action", String(10), nullable=False),  # rerouted | flagged
        Column("to_store", String(32)),  # rerouted: where the hold is now
        Column("units", BigInteger, nullable=False),  # the hold's units of the product
        Column("reason", String(32), nullable=False),  # why (oversell.py: REASONS)
        Column("rule", String(8), nullable=False),  # the chain's rule that decided it
        Column("at", UtcDateTime, nullable=False),
        Column("exception_id", BigInteger),  # the manager's exception that lists it
        CheckConstraint("hold_kind IN ('order', 'reservation')", name="oversell_actions_kind"),
        CheckConstraint("action IN ('rerouted', 'flagged')", name="oversell_actions_action"),
        Index("oversell_actions_hold", "hold_kind", "hold_ref"),
        Index("oversell_actions_exception", "exception_id"),
    )
    return queue, actions
