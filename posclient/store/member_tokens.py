"""What the till keeps for member QR tokens (posclient/domain/member_token.py): the central's
public keys (``member_token_keys``, from the feed and the snapshot), and the points this till
redeemed for a member since a token about them was issued. Writers take the caller's write
transaction.
"""

from __future__ import annotations

import json
import sqlite3

from posclient.domain.member_token import TokenKey, from_b64url


def token_keys(conn: sqlite3.Connection) -> dict[str, TokenKey]:
    """The keys a scanned token may be signed with, by key id."""
    return {kid: TokenKey(kid, from_b64url(public_key), int(valid_from),
                          None if valid_to is None else int(valid_to))
            for kid, public_key, valid_from, valid_to in conn.execute(
                "SELECT kid, public_key, valid_from, valid_to FROM member_token_keys")}


def keep_key(conn: sqlite3.Connection, kid: str, public_key: str, valid_from: int,
             valid_to: int | None) -> None:
    conn.execute(
        "INSERT INTO member_token_keys (kid, public_key, valid_from, valid_to) "
        "VALUES (?, ?, ?, ?) ON CONFLICT (kid) DO UPDATE SET public_key = excluded.public_key, "
        "valid_from = excluded.valid_from, valid_to = excluded.valid_to",
        (kid, public_key, valid_from, valid_to))


def forget_key(conn: sqlite3.Connection, kid: str) -> bool:
    return conn.execute("DELETE FROM member_token_keys WHERE kid = ?", (kid,)).rowcount > 0


def forget_keys_except(conn: sqlite3.Connection, kids: list[str]) -> int:
    """Remove the keys a complete snapshot no longer holds; returns how many went."""
    return conn.execute("DELETE FROM member_token_keys WHERE kid NOT IN "
                        "(SELECT value FROM json_each(?))",
                        (json.dumps(kids),)).rowcount


def redeemed_since(conn: sqlite3.Connection, member_no: str, since: str) -> int:
    """This till's redemptions and take-backs for ``member_no`` (<= 0) that a token issued at
    ``since`` (the stored form of a time) cannot have counted: those the central has not
    acknowledged, and those made since, acknowledged or not."""
    row = conn.execute(
        "SELECT coalesce(sum(p.points), 0) FROM points_pending p "
        "LEFT JOIN outbox o ON o.event_id = p.event_id "
        "WHERE p.member_no = ? AND p.points < 0 AND (p.acked = 0 OR o.occurred_at >= ?)",
        (member_no, since)).fetchone()
    return int(row[0])
