"""``POST /v1/member-tokens``: a signed member QR token for the app or the web shop (a channel
key with the scope ``members``, or the admin token). The token is made by
sync/central/member_tokens.py; any till verifies it offline (posclient/domain/member_token.py)."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter, Depends

from posclient.domain.member_token import DEFAULT_TTL_S
from sync.central import member_tokens
from sync.central.api import CentralDep, OnceRoute
from sync.central.channel_auth import MEMBERS, caller_with
from sync.protocol import ErrorBody, MemberToken, MemberTokenRequest

router = APIRouter(prefix="/v1", route_class=OnceRoute,
                   dependencies=[Depends(caller_with(MEMBERS))],
                   responses={401: {"model": ErrorBody}, 403: {"model": ErrorBody}})


@router.post("/member-tokens", response_model=MemberToken, tags=["web shop"],
             responses={404: {"model": ErrorBody, "description": "member_unknown"},
                        409: {"model": ErrorBody, "description": "member_inactive"}})
def issue_member_token(req: MemberTokenRequest, c: CentralDep) -> MemberToken:
    """A member QR token for an active member: their number, tier, masked name and points,
    signed by the central, valid ``ttl_seconds`` (default 600). The app shows it as a QR code;
    every till verifies it offline with the central's public key (the entity
    ``member_token_key`` in the feed)."""
    issued = member_tokens.issue(c.engine, req.member_no, c.clock.now(),
                                 req.ttl_seconds or DEFAULT_TTL_S)
    claims = issued.claims
    return MemberToken(token=issued.token, kid=claims.kid, member_no=claims.member_no,
                       tier=claims.tier, masked_name=claims.masked_name, points=claims.points,
                       issued_at=_time(claims.issued_at), expires_at=_time(claims.expires_at))


def _time(unix: int) -> datetime:
    return datetime.fromtimestamp(unix, UTC)
