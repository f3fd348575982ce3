"""The audit chain's rules, shared by the till (which writes the chain) and the central (which
checks each upload): ``hash = sha256(prev_hash + canonical JSON of [at, staff_id, approved_by,
action, detail])``. Editing or removing any record breaks the chain from that point on.

Anyone with the database file can rewrite a record and compute the chain again, so the till also
keys it (issue 17): each record's ``mac`` is HMAC-SHA256 of its hash with the till's own secret
(:func:`mac`), and the till's head (the last record it wrote) is remembered outside the database
with a MAC of its own (:func:`head_mac`). Without the secret neither can be made again. The
central knows no secret: it checks the SHA-256 chain only.
"""

from __future__ import annotations

import hashlib
import hmac
import json

GENESIS = "0" * 64


def digest(prev: str, at: str, staff_id: int | None, approved_by: int | None, action: str,
           detail: str) -> str:
    """The hash of one record, chained to ``prev`` (the record before it, or GENESIS)."""
    body = json.dumps([at, staff_id, approved_by, action, detail], ensure_ascii=False,
                      separators=(",", ":"))
    return hashlib.sha256((prev + body).encode("utf-8")).hexdigest()


def mac(secret: bytes, record_hash: str) -> str:
    """A record's MAC: HMAC-SHA256 of its hash with the till's secret (hex)."""
    return hmac.new(secret, record_hash.encode("ascii"), hashlib.sha256).hexdigest()


def head_mac(secret: bytes, database_id: str, seq: int, record_hash: str,
             keyed_from: int) -> str:
    """The MAC of the till's head: which database, its last record (``seq``, its hash), and the
    first record that must carry the key (``keyed_from``). Prefixed, so that it can never be
    taken for a record's MAC."""
    text = f"audit-head|{database_id}|{seq}|{record_hash}|{keyed_from}"
    return hmac.new(secret, text.encode("utf-8"), hashlib.sha256).hexdigest()


def same(a: str, b: str) -> bool:
    """Two MACs are the same (in constant time)."""
    return hmac.compare_digest(a.encode("ascii", "replace"), b.encode("ascii", "replace"))
