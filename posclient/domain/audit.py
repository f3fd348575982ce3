"""The audit chain's rule, shared by the till (which writes the chain) and the central (which
checks each upload): ``hash = sha256(prev_hash + canonical JSON of [at, staff_id, approved_by,
action, detail])``. Editing or removing any record breaks the chain from that point on."""

from __future__ import annotations

import hashlib
import json

GENESIS = "0" * 64


def digest(prev: str, at: str, staff_id: int | None, approved_by: int | None, action: str,
           detail: str) -> str:
    """The hash of one record, chained to ``prev`` (the record before it, or GENESIS)."""
    body = json.dumps([at, staff_id, approved_by, action, detail], ensure_ascii=False,
                      separators=(",", ":"))
    return hashlib.sha256((prev + body).encode("utf-8")).hexdigest()
