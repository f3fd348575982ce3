"""The central's tables of the channels (issue 18, schema v15): their API keys, the orders each
created and the points each redeemed (sync/central/channels.py). Defined on the central's
``MetaData`` by :func:`define` (sync/central/schema.py calls it), apart from schema.py only to keep
that file readable.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, Index, MetaData, String, Table, Uuid

from sync.central.schema_history.types import UtcDateTime


def define(metadata: MetaData) -> tuple[Table, Table, Table]:
    """``channel_keys``, ``channel_orders`` and ``channel_points`` on ``metadata``."""
    channel_keys = Table(  # v15: a channel's API key, ck_<id>_<secret>: the secret's hash only
        "channel_keys", metadata,
        Column("id", String(16), primary_key=True),  # the key's public part
        Column("name", String(32), nullable=False),  # webshop, miniapp: unique
        Column("key_hash", String(64), nullable=False),  # SHA-256 hex of the secret part
        Column("scopes", String(200), nullable=False),  # comma-separated (channel_auth.SCOPES)
        Column("created_at", UtcDateTime, nullable=False),
        Column("revoked_at", UtcDateTime),
        Column("last_used_at", UtcDateTime),  # written at most once a minute
        Index("channel_keys_name", "name", unique=True),
    )

    channel_orders = Table(  # v15: the orders a channel's key created (only it reads or changes)
        "channel_orders", metadata,
        Column("order_no", String(64), primary_key=True),
        Column("channel_id", String(16), nullable=False),
    )

    channel_points = Table(  # v15: points a channel redeemed, once per (holder, request_id)
        "channel_points", metadata,
        Column("holder", String(64), primary_key=True),  # the channel's name, or admin
        Column("request_id", Uuid, primary_key=True),
        Column("member_id", BigInteger, nullable=False),
        Column("points", BigInteger, nullable=False),
        Column("order_no", String(64)),
        Column("balance", BigInteger, nullable=False),  # after it: the answer to a repeat
        Column("created_at", UtcDateTime, nullable=False),
    )
    return channel_keys, channel_orders, channel_points
