"""The snapshot's trailer: how a till knows it holds the whole snapshot the central sent.

``GET /v1/snapshot?trailer=sha256`` ends the NDJSON body with one more line, the trailer
``{"records": N, "sha256": "<hex>"}``: N is the number of record lines (the lines between the
header and the trailer), and the digest is SHA-256 over every line before the trailer, the
header's included, each with its ``\\n``, exactly as sent (decompressed). Both ends use this
module. A central that does not know the parameter ignores it and sends no trailer; a till
refuses such a snapshot (docs/sync-protocol.md, "Snapshot").
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

TRAILER_PARAM = "trailer"
TRAILER_KIND = "sha256"


class SnapshotTrailer(BaseModel):
    """The last line of a snapshot asked for with ``trailer=sha256``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    records: int = Field(ge=0)
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
