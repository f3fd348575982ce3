"""Schema v18: orders placed at a till for delivery to the customer (issue 18, frozen).

- ``order_personal.address``: the delivery address, opened from the order's sealed box, kept
  here only (never in the order's record the tills get). Empty for every order before.

No recount of ``stock_levels.held``: a delivery shipped from a store (``fulfilment``
``delivery`` with a ``store_id``) holds its units there from this version on, and no such order
exists before it (a till could only place pick-up orders; the web shop's deliveries have no
store and hold nothing, as before).
"""

from __future__ import annotations

from sqlalchemy import Connection, text


def upgrade(conn: Connection) -> None:
    """v18 (module docstring)."""
    conn.execute(text("ALTER TABLE order_personal ADD COLUMN address VARCHAR(200) "
                      "NOT NULL DEFAULT ''"))
