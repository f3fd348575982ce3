"""Terminal routes for members' personal data (issue 17): the chain's member keys and the
online look-up of a member a till does not hold. Both answer ``Cache-Control: no-store``: a
key or a member's data is never kept by a proxy or a cache on the way."""

from __future__ import annotations

from fastapi import APIRouter, Response

from sync.central import feed, keys, lookup_limits, members
from sync.central.api import CentralDep, OnceRoute, TerminalDep
from sync.central.db import write_tx
from sync.central.errors import NotFound
from sync.protocol import ErrorBody, MemberLookup, MemberLookupRequest, TillKeys
from sync.protocol.members import b64

router = APIRouter(prefix="/v1", tags=["terminal"], route_class=OnceRoute,
                   responses={401: {"model": ErrorBody}})

NO_STORE = "no-store"


@router.get("/keys", response_model=TillKeys)
def till_keys(who: TerminalDep, c: CentralDep, response: Response) -> TillKeys:
    """The chain's member keys, made on first need (sync/central/keys.py): the phone key of
    the phones' keyed hashes and the public key sign-ups are sealed to. A till keeps them in
    its OS keyring, never in its database."""
    with write_tx(c.engine) as conn:
        made = keys.central_keys(conn)
    response.headers["Cache-Control"] = NO_STORE
    return TillKeys(phone_key=b64(made.phone_key), seal_public_key=b64(made.seal_public_key),
                    key_id=made.key_id)


@router.post("/members/lookup", response_model=MemberLookup,
             responses={404: {"model": ErrorBody}, 429: {"model": ErrorBody}})
def lookup_member(req: MemberLookupRequest, who: TerminalDep, c: CentralDep,
                  response: Response) -> MemberLookup:
    """A member this till does not hold, by the phone's keyed hash (the phone itself never
    leaves the till) or by member number: masked, with its tier and points. The member is on
    the tills of this terminal's store from now on (their feed), for the chain's window.

    Each terminal's look-ups are limited per minute and per day (the chain's limits,
    sync/central/lookup_limits.py): past one, ``429`` with ``Retry-After`` and the code
    ``member_lookup_rate`` or ``member_lookup_cap``."""
    now = c.clock.now()
    lookup_limits.admit(c.engine, who, now)
    with feed.transaction(c.engine, now) as tx:
        found = members.lookup(tx, who.store_id, phone_hash=req.phone_hash,
                               member_no=req.member_no)
    if found is None:
        raise NotFound("No member with this phone or number.", code="member_unknown")
    response.headers["Cache-Control"] = NO_STORE
    return MemberLookup(member=found)
