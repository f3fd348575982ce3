"""Who calls the central's channel routes (issue 18): the admin token, a channel's key with the
route's scope, or (where a route allows it) a till's terminal token.

A route names the one scope it needs::

    @router.post("/availability")
    def availability(req: ..., who: Annotated[Caller, Depends(caller_with(AVAILABILITY,
                                                                         terminals=True))]):

The admin token has every scope. A channel key has the scopes it was created with
(``posclient-central channel create``; sync/central/channels.py). A terminal token passes only
where ``terminals=True``, as the store it belongs to.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Literal

from starlette.concurrency import run_in_threadpool

from sync.central import channels, identity
from sync.central.api import BearerDep, Central, CentralDep
from sync.central.channels import (  # the scopes a channel key may hold (defined with the keys)
    AVAILABILITY,
    COUPONS,
    MEMBERS,
    ORDERS,
    POINTS,
    PRICE,
    RESERVE,
    SCOPES,
)
from sync.central.errors import Forbidden, Unauthorized

__all__ = ["AVAILABILITY", "COUPONS", "MEMBERS", "ORDERS", "POINTS", "PRICE", "RESERVE",
           "SCOPES", "Caller", "caller_with"]


@dataclass(frozen=True, slots=True)
class Caller:
    """The caller of a channel route.

    ``name``: the channel's name, ``admin``, or ``till:<store>/<terminal>``; it is who holds a
    reservation and whose orders a channel reads. ``store_id``: a terminal's store (None for a
    channel or the admin)."""

    kind: Literal["admin", "channel", "terminal"]
    name: str
    channel_id: str | None = None
    store_id: str | None = None
    terminal_id: str | None = None


def caller_with(scope: str, *, terminals: bool = False) -> Callable[..., Awaitable[Caller]]:
    """A FastAPI dependency: the caller, if its token has ``scope`` (401 without a known token,
    403 ``scope_missing`` or ``terminal_not_allowed`` otherwise)."""
    if scope not in SCOPES:
        raise ValueError(f"unknown scope {scope!r}")

    async def dependency(c: CentralDep, credentials: BearerDep) -> Caller:
        if credentials is None:
            raise Unauthorized("This call needs `Authorization: Bearer <channel key>`.",
                               code="token_missing")
        token = credentials.credentials
        if c.admin_token_hash is not None and identity.is_admin_token_given(
                token, c.admin_token_hash):  # a hash, no query: on the event loop
            return ADMIN_CALLER
        return await run_in_threadpool(_looked_up, c, token, scope, terminals)

    return dependency


ADMIN_CALLER = Caller(kind="admin", name="admin")


def _looked_up(c: Central, token: str, scope: str, terminals: bool) -> Caller:
    """The caller whose token the database knows (the thread pool: it queries)."""
    if identity.is_admin_token(c.engine, token, c.admin_token_hash):
        return ADMIN_CALLER
    channel = _channel(c, token, scope)
    if channel is not None:
        return channel
    who = identity.authenticate(c.engine, token)  # 401 when it is no token at all
    if not terminals:
        raise Forbidden("A till's token cannot make this call.", code="terminal_not_allowed")
    return Caller(kind="terminal", name=f"till:{who.store_id}/{who.terminal_id}",
                  store_id=who.store_id, terminal_id=who.terminal_id)


def _channel(c: Central, token: str, scope: str) -> Caller | None:
    """The channel whose key ``token`` is, if it is one (403 ``scope_missing`` when the key
    lacks ``scope``; 401 ``channel_key_unknown`` or ``channel_key_revoked``); None when it is
    not of a channel key's form (sync/central/channels.py)."""
    if not channels.is_key_form(token):
        return None
    key = channels.authenticate(c.engine, token, c.clock.now())
    if scope not in key.scopes:
        raise Forbidden(f"This channel key ({key.name}) does not have the scope {scope!r} this "
                        f"call needs (it has: {', '.join(key.scopes)}). Ask IT for a key with "
                        "it.", code="scope_missing")
    return Caller(kind="channel", name=key.name, channel_id=key.id)
