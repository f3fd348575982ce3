"""Safety stock (issue 18): units a store keeps back from what the channels may promise.

A rule names a product, a category, or neither (the store's default), for one store or for
every store (``store_id`` :data:`CHAIN`). The most specific rule wins, whatever its number:

    product@store > product > category@store > category > store default > chain default > 0

Rules are few (a table of hundreds or thousands of rows): one indexed query reads the rules
that can apply to a basket (:func:`safety_for`), so every worker process sees a write at once.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import Connection, and_, bindparam, delete, or_, select

from sync.central.db import bulk_insert
from sync.central.errors import InvalidRequest
from sync.central.feed import Tx
from sync.central.schema import safety_stock, stores
from sync.central.schema_stock import CHAIN
from sync.protocol import MAX_STOCK, Id, StoreId, Word

MAX_RULES = 10_000  # rules in one admin batch


class SafetyRule(BaseModel):
    """One rule: ``product_id`` or ``category`` (or neither: the store's default), at
    ``store_id`` (None: every store); ``qty`` None removes the rule."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    product_id: Id | None = None
    category: Word | None = Field(default=None, min_length=1)
    store_id: StoreId | None = None
    qty: int | None = Field(ge=0, le=MAX_STOCK)

    def key(self) -> tuple[str, str, str]:
        if self.product_id is not None:
            return "product", str(self.product_id), self.store_id or CHAIN
        if self.category is not None:
            return "category", self.category, self.store_id or CHAIN
        return "store", "", self.store_id or CHAIN


class SafetyBatch(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    rules: list[SafetyRule] = Field(min_length=1, max_length=MAX_RULES)


class SafetyReport(BaseModel):
    written: int
    removed: int


def write_rules(tx: Tx, rules: Sequence[SafetyRule]) -> SafetyReport:
    """Write (or remove) the rules, all or none: a rule with a product id and a category, a
    store the central does not know, or the same rule twice refuses the batch."""
    keys = [r.key() for r in rules]
    for n, r in enumerate(rules):
        if r.product_id is not None and r.category is not None:
            raise InvalidRequest(f"rules[{n}]: a rule names a product_id or a category, not "
                                 "both.", code="invalid_rule")
    if len(set(keys)) != len(keys):
        raise InvalidRequest("The same rule (product or category, and store) is given twice.",
                             code="invalid_rule")
    named = sorted({r.store_id for r in rules if r.store_id is not None})
    known = set(tx.conn.scalars(select(stores.c.store_id).where(stores.c.store_id.in_(named))))
    if set(named) - known:
        raise InvalidRequest(f"No store {sorted(set(named) - known)[0]!r}.",
                             code="store_unknown")
    gone = [k for r, k in zip(rules, keys, strict=True) if r.qty is None]
    removed = 0
    for kind, ref, store_id in gone:
        removed += tx.conn.execute(delete(safety_stock).where(
            safety_stock.c.kind == kind, safety_stock.c.ref == ref,
            safety_stock.c.store_id == store_id)).rowcount
    rows = [{"kind": k[0], "ref": k[1], "store_id": k[2], "qty": r.qty, "updated_at": tx.now}
            for r, k in zip(rules, keys, strict=True) if r.qty is not None]
    if rows:
        bulk_insert(tx.conn, safety_stock, rows, conflict=("kind", "ref", "store_id"),
                    update={"qty": "excluded.qty", "updated_at": "excluded.updated_at"})
    return SafetyReport(written=len(rows), removed=removed)


_RULES = (select(safety_stock.c.kind, safety_stock.c.ref, safety_stock.c.store_id,
                 safety_stock.c.qty)
          .where(safety_stock.c.store_id.in_(bindparam("stores", expanding=True)),
                 or_(and_(safety_stock.c.kind == "product",
                          safety_stock.c.ref.in_(bindparam("products", expanding=True))),
                     safety_stock.c.kind == "store",
                     and_(safety_stock.c.kind == "category",
                          safety_stock.c.ref.in_(bindparam("categories", expanding=True))))))
# built once: SQLAlchemy compiles it once (an empty list matches nothing)


def safety_for(conn: Connection, store_ids: Iterable[str],
               categories: Mapping[int, str]) -> dict[tuple[str, int], int]:
    """The safety stock of each (store, product): ``categories`` maps each product id to its
    category ('' none). One query."""
    places = sorted(set(store_ids))
    cats = sorted({c for c in categories.values() if c})
    rules = {(kind, ref, store): int(qty) for kind, ref, store, qty in conn.execute(_RULES, {
        "stores": [*places, CHAIN], "products": [str(p) for p in sorted(categories)],
        "categories": cats})}
    if not rules:
        return {}
    out = {}
    for store in places:
        for product_id, category in categories.items():
            for key in (("product", str(product_id), store), ("product", str(product_id), CHAIN),
                        ("category", category, store), ("category", category, CHAIN),
                        ("store", "", store), ("store", "", CHAIN)):
                if key in rules and (key[0] != "category" or category):
                    out[(store, product_id)] = rules[key]
                    break
    return out
