"""The oversell rule's admin routes and its settler thread (issue 18; the rule:
sync/central/oversell.py). :func:`install` adds them to the app (sync/central/api.py
``create_app``).

- ``GET /v1/admin/oversell-rule``, ``PUT /v1/admin/oversell-rule`` ``{"rule": "reroute" |
  "flag"}``: the chain's rule (also ``posclient-central oversell-rule``).
- The settler: a thread of every serving process (the app's lifespan, ``posclient-central
  serve``) that settles the queued shortfalls every second; several processes share the
  queue (each shortfall is claimed with ``SKIP LOCKED`` on PostgreSQL).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Literal

from fastapi import APIRouter, Depends, FastAPI
from pydantic import BaseModel, ConfigDict

from sync.central import background, oversell
from sync.central.admin_api import StrictJsonRoute, admin
from sync.central.api import Central, CentralDep
from sync.protocol import ErrorBody

log = logging.getLogger(__name__)

SETTLE_EVERY_S = 1.0

router = APIRouter(prefix="/v1/admin", tags=["admin"], dependencies=[Depends(admin)],
                   route_class=StrictJsonRoute,
                   responses={403: {"model": ErrorBody}, 422: {"model": ErrorBody}})


class OversellRule(BaseModel):
    """The chain's rule for an offline oversell: ``reroute`` the store's pick-ups and
    reservations of the product to a store of its group that has it free (else flag them for
    the manager), or only ``flag`` them."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    rule: Literal["reroute", "flag"]


def install(app: FastAPI) -> None:
    """Add the routes to ``app`` and the settler, which runs while the app does."""
    app.include_router(router)
    background.while_serving(app, "oversell-settler", SETTLE_EVERY_S, _settle_for)


def _settle_for(c: Central) -> Callable[[], None]:
    """The settler's tick: settle the queued shortfalls (oversell.settle)."""

    def settle() -> None:
        for s in oversell.settle(c.engine, c.clock.now()):
            log.info("oversell of product %d at %s settled: %d re-routed, %d flagged",
                     s.product_id, s.store_id, sum(a.action == "rerouted" for a in s.actions),
                     sum(a.action == "flagged" for a in s.actions))

    return settle


@router.get("/oversell-rule", response_model=OversellRule)
def get_oversell_rule(c: CentralDep) -> OversellRule:
    """The chain's rule for an offline oversell (``reroute`` until set)."""
    with c.engine.connect() as conn:
        return OversellRule(rule=oversell.rule(conn))  # type: ignore[arg-type]


@router.put("/oversell-rule", response_model=OversellRule)
def put_oversell_rule(body: OversellRule, c: CentralDep) -> OversellRule:
    """Set the chain's rule for an offline oversell: ``reroute`` or ``flag``."""
    return OversellRule(rule=oversell.set_rule(c.engine, body.rule))  # type: ignore[arg-type]
