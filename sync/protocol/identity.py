"""Enrolment and identity: how a till gets its token and checks whose it is; error bodies."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from pydantic import (
    Field,
)

from sync.protocol.bounds import ProtocolModel, StoreId, TerminalId


class EnrolRequest(ProtocolModel):
    code: str = Field(min_length=4, max_length=64)
    terminal_name: str = Field(min_length=1, max_length=64)
    # A till enrolling again (a code made for it): its own store and id, which it keeps.
    store_id: str | None = Field(default=None, min_length=1, max_length=32)
    terminal_id: str | None = Field(default=None, min_length=1, max_length=32)
    # Written to the till's database before the request is sent: the same till retrying the
    # same code (its answer was lost) gets the same terminal and a fresh token, as long as the
    # token of the first answer was never used.
    request_id: UUID | None = None


class EnrolResponse(ProtocolModel):
    store_id: StoreId
    terminal_id: TerminalId
    token: str = Field(max_length=128)
    server_time: datetime
    central_id: str | None = None  # the central's own id (whoever its address): see WhoAmI


class WhoAmI(ProtocolModel):
    """``GET /v1/whoami``: whose token this is, at which central. A till checks it against its
    own store and terminal before it uploads or takes in anything (sync/till_identity.py)."""

    store_id: str
    terminal_id: str
    central_id: str


class ErrorBody(ProtocolModel):
    error: str = Field(max_length=64)
    detail: str = Field(default="", max_length=2_000)
