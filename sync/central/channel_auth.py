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

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from sync.central import identity
from sync.central.api import BearerDep, CentralDep
from sync.central.errors import Forbidden, Unauthorized

# The scopes a channel key may hold.
PRICE = "price"  # POST /v1/price-basket
AVAILABILITY = "availability"  # POST /v1/availability
RESERVE = "reserve"  # reservations: hold, confirm, release, read
ORDERS = "orders"  # create and read its own orders
COUPONS = "coupons"  # check and redeem coupons
POINTS = "points"  # members' points: read and redeem
MEMBERS = "members"  # member QR tokens and consents
SCOPES = (PRICE, AVAILABILITY, RESERVE, ORDERS, COUPONS, POINTS, MEMBERS)


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


def caller_with(scope: str, *, terminals: bool = False) -> Callable[..., Caller]:
    """A FastAPI dependency: the caller, if its token has ``scope`` (401 without a known token,
    403 ``scope_missing`` or ``terminal_not_allowed`` otherwise)."""
    if scope not in SCOPES:
        raise ValueError(f"unknown scope {scope!r}")

    def dependency(c: CentralDep, credentials: BearerDep) -> Caller:
        if credentials is None:
            raise Unauthorized("This call needs `Authorization: Bearer <channel key>`.",
                               code="token_missing")
        token = credentials.credentials
        if identity.is_admin_token(c.engine, token, c.admin_token_hash):
            return Caller(kind="admin", name="admin")
        channel = _channel(c, token, scope)
        if channel is not None:
            return channel
        who = identity.authenticate(c.engine, token)  # 401 when it is no token at all
        if not terminals:
            raise Forbidden("A till's token cannot make this call.", code="terminal_not_allowed")
        return Caller(kind="terminal", name=f"till:{who.store_id}/{who.terminal_id}",
                      store_id=who.store_id, terminal_id=who.terminal_id)

    return dependency


def _channel(c: object, token: str, scope: str) -> Caller | None:
    """The channel whose key ``token`` is, if it is one (403 ``scope_missing`` when the key
    lacks ``scope``); None when it is not a channel key. Channel keys: to be built
    (sync/central/channels.py)."""
    return None
