"""Fixtures for the sync tests: the real central service, served by uvicorn on 127.0.0.1.

``database_url`` is parametrized over SQLite (a file in tmp_path) and PostgreSQL
(``POSCLIENT_PG_URL``, default ``postgresql://postgres@127.0.0.1:5432/test``), where each test
gets its own schema, dropped afterwards. When PostgreSQL does not answer, its tests are skipped,
or fail when ``CI`` is set: CI must test both databases.

- ``central_engine``: an initialised central database (admin token :data:`ADMIN_TOKEN`);
- ``serve``: ``with serve(asgi_app) as url:`` runs any app under uvicorn on a free port;
- ``central``: the central app served, with an HTTP client (:class:`LiveCentral`);
- ``shop``: ``central`` with two stores and a small catalogue (tests/sync/central/central_kit.py,
  importable from every sync test as ``central_kit``).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import Engine

from posclient.domain.clock import ManualClock
from sync.central import feed, identity, schema
from sync.central.api import create_app
from sync.central.db import make_engine
from sync.central.identity import EnrolLimits

sys.path.insert(0, str(Path(__file__).with_name("central")))  # central_kit, for every sync test
from central_kit import ADMIN_TOKEN, empty_database, seed_shop, serve_app


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Any) -> Iterator[str]:
    """An empty database: a SQLite file, or a fresh PostgreSQL schema (dropped after)."""
    with empty_database(request.param, tmp_path) as url:
        yield url


@dataclass
class LiveCentral:
    """A running central: its URL, an HTTP client, the engine, the clock it runs on."""

    url: str
    http: httpx.Client
    engine: Engine
    clock: ManualClock
    backend: str
    admin: dict[str, str] = field(default_factory=lambda: {
        "Authorization": f"Bearer {ADMIN_TOKEN}"})

    def admin_post(self, path: str, body: Any, expect: int | None = 200) -> Any:
        r = self.http.post(f"/v1/admin{path}", json=body, headers=self.admin)
        if expect is not None:
            assert r.status_code == expect, r.text
        return r.json()

    def create_store(self, store_id: str, **settings: Any) -> None:
        """A store; selling there needs no open shift unless ``require_shift=True``."""
        self.admin_post("/stores", {"store_id": store_id, "name_zh": f"{store_id}店",
                                    "name_en": f"Store {store_id}",
                                    "settings": {"require_shift": False, **settings}},
                        expect=201)

    def enrolment_code(self, store_id: str, ttl_hours: float = 24) -> str:
        return self.admin_post("/enrolment-codes", {"store_id": store_id,
                                                    "ttl_hours": ttl_hours}, expect=201)["code"]

    def enrol(self, store_id: str, name: str = "till") -> Terminal:
        r = self.http.post("/v1/enrol", json={"code": self.enrolment_code(store_id),
                                              "terminal_name": name})
        assert r.status_code == 200, r.text
        body = r.json()
        return Terminal(self, body["store_id"], body["terminal_id"], body["token"])

    def put(self, entity: str, records: list[dict[str, Any]], **extra: Any) -> Any:
        return self.admin_post(f"/entities/{entity}", {"records": records, **extra})


@dataclass
class Terminal:
    central: LiveCentral
    store_id: str
    terminal_id: str
    token: str

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    def get(self, path: str, **params: Any) -> httpx.Response:
        return self.central.http.get(path, params=params, headers=self.auth)

    def send(self, events: list[dict[str, Any]]) -> httpx.Response:
        return self.central.http.post("/v1/events", json={"events": events},
                                      headers=self.auth)


@pytest.fixture
def central_engine(database_url: str) -> Iterator[Engine]:
    """An initialised central database with the test admin token."""
    engine = make_engine(database_url)
    clock = ManualClock()
    schema.init_schema(engine, clock.now())
    with feed.transaction(engine, clock.now()) as tx:
        identity.set_admin_token(tx, ADMIN_TOKEN)
    yield engine
    engine.dispose()


Serve = Callable[[Any], AbstractContextManager[str]]


@pytest.fixture
def serve() -> Serve:
    """``with serve(app) as url:``: an ASGI app under uvicorn in a background thread, on a free
    port of 127.0.0.1, stopped when the block ends (central_kit.serve_app)."""
    return serve_app


@pytest.fixture
def central(central_engine: Engine, database_url: str, serve: Serve) -> Iterator[LiveCentral]:
    """The real central app, served (see :func:`serve`), with an HTTP client."""
    clock = ManualClock()
    app = create_app(central_engine, clock=clock, enrol_limits=EnrolLimits(max_failures=3))
    backend = "sqlite" if database_url.startswith("sqlite") else "postgresql"
    with serve(app) as url, httpx.Client(base_url=url, timeout=60) as http:
        yield LiveCentral(url, http, central_engine, clock, backend)


@pytest.fixture
def shop(central: LiveCentral) -> LiveCentral:
    """Stores S1 and S2, tax rates, five products with prices, stock in both stores.

    Written through the services in one transaction (the admin API has its own tests).
    """
    with feed.transaction(central.engine, central.clock.now()) as tx:
        seed_shop(tx)
    return central
