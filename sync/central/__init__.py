"""The central inventory service: FastAPI over SQLAlchemy Core, SQLite or PostgreSQL.

Modules (dependencies point down):

- ``cli``: the ``posclient-central`` command; ``api``/``admin_api``: the HTTP routes;
  ``models``: admin request and response bodies (the terminal's are in sync/protocol/).
- ``ingest``: events in, one transaction each; ``snapshot``: a store's state streamed;
  ``importers``/``demo``: bulk loads from files and from the terminal's demo generator.
- ``identity``: stores, staff, enrolment, tokens; ``entities``: reference data writes;
  ``ledger``: stock movements and levels; ``feed``: the change feed and its ordering rule.
- ``schema``: the tables and the schema version; ``db``: engines and transactions.
"""

from __future__ import annotations

from typing import Any

__all__ = ["create_app"]


def __getattr__(name: str) -> Any:  # the web stack loads only when the app is wanted
    if name == "create_app":
        from sync.central.api import create_app

        return create_app
    raise AttributeError(name)
