"""A property-based client generated from docs/openapi.json (schemathesis) against the real
central under uvicorn on 127.0.0.1, holding a till's token (the terminal API) and the admin's
(the admin API and the web shop's): no answer is a 5xx, and every answer is as documented (a
documented status, its content type, its schema). Data inside the schema and outside it.

Bounded to stay near a minute: a few examples per operation, one central for the module (a
small shop, seeded once), SQLite and PostgreSQL.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import schemathesis
from central_kit import ADMIN_TOKEN, empty_database, seed_shop, serve_app
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from posclient.domain.clock import ManualClock
from sync.central import feed, identity, schema
from sync.central.api import create_app
from sync.central.db import make_engine
from sync.central.identity import EnrolLimits

pytestmark = pytest.mark.slow

DOC = json.loads((Path(__file__).resolve().parents[3] / "docs" / "openapi.json").read_text())
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance]
EXAMPLES = 6  # per operation and token: ~33 operations x 2 backends in about a minute

terminal_api = schemathesis.openapi.from_dict(DOC).exclude(path_regex=r"^/v1/admin/")
admin_api = schemathesis.openapi.from_dict(DOC).include(
    path_regex=r"^/v1/(admin/|price-basket|member-tokens|channel/|coupons/)")


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def live(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
         ) -> Iterator[dict[str, str]]:
    """One central for the module, with the kit's shop and an enrolled till of S1."""
    with empty_database(request.param, tmp_path_factory.mktemp("fuzz")) as url:
        engine = make_engine(url)
        clock = ManualClock()
        schema.init_schema(engine, clock.now())
        with feed.transaction(engine, clock.now()) as tx:
            identity.set_admin_token(tx, ADMIN_TOKEN)
            seed_shop(tx)
        app = create_app(engine, clock=clock, enrol_limits=EnrolLimits(max_failures=10**6))
        admin = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
        try:
            with serve_app(app) as base, httpx.Client(base_url=base) as http:
                code = http.post("/v1/admin/enrolment-codes", json={"store_id": "S1"},
                                 headers=admin).json()["code"]
                till = http.post("/v1/enrol", json={"code": code, "terminal_name": "fuzz"})
                yield {"base": base, "till": till.json()["token"], "admin": ADMIN_TOKEN}
        finally:
            engine.dispose()


_SETTINGS = settings(max_examples=EXAMPLES, deadline=None, derandomize=True,
                     suppress_health_check=list(HealthCheck))


@terminal_api.parametrize()
@_SETTINGS
def test_the_terminal_api_answers_a_till_as_documented(case: Any, live: dict[str, Any]) -> None:
    case.call_and_validate(base_url=live["base"], checks=CHECKS,
                           headers={"Authorization": f"Bearer {live['till']}"})


@admin_api.parametrize()
@_SETTINGS
def test_the_admin_api_answers_the_admin_as_documented(case: Any, live: dict[str, Any]) -> None:
    case.call_and_validate(base_url=live["base"], checks=CHECKS,
                           headers={"Authorization": f"Bearer {live['admin']}"})
