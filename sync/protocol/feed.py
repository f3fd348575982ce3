"""The change feed and the snapshot (down): pages of changes, validated as a whole."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import (
    Field,
    ValidationError,
)

from sync.protocol.bounds import MAX_PAGE, Count, ProtocolModel, Seq
from sync.protocol.records import ENTITY_MODELS, Entity


class Change(ProtocolModel):
    seq: Seq
    entity: Entity
    op: Literal["upsert", "delete"]
    key: str = Field(min_length=1, max_length=128)
    data: dict[str, Any] | None = None

    def parsed(self) -> ProtocolModel | None:
        """The validated record (None for a delete). Raises ValidationError."""
        if self.op == "delete":
            return None
        if self.data is None:
            raise ValueError(f"change {self.seq}: an upsert needs data")
        return ENTITY_MODELS[self.entity].model_validate(self.data)


class ChangesPage(ProtocolModel):
    changes: list[Change] = Field(max_length=MAX_PAGE)
    next_after: Count
    has_more: bool
    server_time: datetime


def validate_page(raw: Any) -> tuple[ChangesPage, list[tuple[Change, ProtocolModel | None]]]:
    """Parse a page and every record in it; any error rejects the whole page.

    Raises :class:`PageError` with a message saying what was wrong and where.
    """
    try:
        page = ChangesPage.model_validate(raw)
    except ValidationError as exc:
        raise PageError(f"malformed change page: {_first_error(exc)}") from None
    records = []
    last = 0
    for change in page.changes:
        if change.seq <= last:
            raise PageError(f"change page out of order at seq {change.seq}")
        last = change.seq
        try:
            records.append((change, change.parsed()))
        except ValidationError as exc:
            raise PageError(f"change {change.seq} ({change.entity} {change.key}): "
                            f"{_first_error(exc)}") from None
        except ValueError as exc:
            raise PageError(str(exc)) from None
    if page.changes and page.next_after < last:
        raise PageError(f"next_after {page.next_after} is behind the page's last seq {last}")
    return page, records


class PageError(ValueError):
    """A change page (or snapshot) the terminal refuses to apply."""


def _first_error(exc: ValidationError) -> str:
    err = exc.errors()[0]
    where = ".".join(str(p) for p in err.get("loc", ()))
    return f"{where}: {err.get('msg')}" if where else str(err.get("msg"))


class SnapshotHeader(ProtocolModel):
    """The first line of ``GET /v1/snapshot``: the feed position the snapshot is as of.

    ``records`` (added) is the number of record lines that follow: a client can tell a
    complete snapshot from a cut-off one.
    """

    seq: Count
    records: Count | None = None


class SnapshotRecord(ProtocolModel):
    """Every later line of ``GET /v1/snapshot``: one record of the store's current state."""

    entity: Entity
    key: str = Field(min_length=1, max_length=128)
    data: dict[str, Any]
