"""``POST /v1/member-consents``: a member gives or withdraws a consent in the web shop or the
app (their server calls with a channel key of scope ``members``, or the admin token, as for
``POST /v1/member-tokens``). The consents and what a withdrawal does: sync/central/consents.py,
docs/privacy.md."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from sync.central import consents
from sync.central.api import CentralDep, OnceRoute
from sync.central.channel_auth import MEMBERS, caller_with
from sync.protocol import ErrorBody, MemberConsentRequest, MemberConsents

router = APIRouter(prefix="/v1", route_class=OnceRoute,
                   dependencies=[Depends(caller_with(MEMBERS))],
                   responses={401: {"model": ErrorBody}, 403: {"model": ErrorBody}})


@router.post("/member-consents", response_model=MemberConsents, tags=["web shop"],
             responses={404: {"model": ErrorBody, "description": "member_unknown"}})
def change_consent(req: MemberConsentRequest, c: CentralDep) -> MemberConsents:
    """The member gave or withdrew ``purpose`` (``marketing``; ``membership`` can only be
    withdrawn: that ends the membership and erases the member's personal data at the central
    and, through the feed, at every till). Answers the consents in force after it. Giving a
    consent in force, or withdrawing one that is not, changes nothing; a number already
    erased answers ``erased``."""
    where = consents.Where(req.channel, req.store_id, via=req.channel)
    return consents.change_now(c.engine, c.clock.now(), req.member_no, req.purpose, req.action,
                               req.text_version, where, req.at)
