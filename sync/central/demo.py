"""``demo-data``: the terminal's demo supermarket, loaded into the central as one store.

The rows come from the generator ``posclient demo-data`` uses (posclient/domain/demo_data.py,
with the vocabulary of the till's ``resources/demo/*.json``), so a till enrolled in the demo
store gets the same kind of catalogue: bilingual names, EAN-13/UPC-A/EAN-8 barcodes, weighed
items with PLUs, future prices, members. A seed gives the same rows as on a till.

The generator yields each product chunk's EAN-13 barcodes right after the chunk, but the UPC-A
and EAN-8 barcodes of all products only at the very end. A product record carries all of its
barcodes, so a first pass over the (seeded, so repeatable) generator collects those late
barcodes, and the second pass writes each product once, complete. Generation is cheap
(about 5 s per million products); writing a product twice would cost a feed change each.

The chain gets the tills' built-in reason codes and the store quick keys for loose fruit and
vegetables, bread and bags (posclient/domain/reasons.py), as ``posclient demo-data`` gives a
till.

Every product chunk is one transaction: products, prices and stock levels (as ledger movements,
reason ``demo``). Price ids are numbered in order (the terminal's generator leaves them to its
database).
"""

from __future__ import annotations

import json
import random
import secrets
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from datetime import datetime
from functools import cache
from importlib import resources
from typing import Any

from sqlalchemy import Engine, func, select

from posclient.domain.barcode import gtin_display
from posclient.domain.demo_data import DEMO_STAFF, Chunk, demo_rows
from posclient.domain.demo_vocabulary import PLANS_SEED, Vocabulary, parse_vocabulary
from posclient.domain.reasons import DEFAULTS, DEMO_TILES, demo_tile
from posclient.domain.settings import StoreSettings
from sync.central import entities, feed, identity, ledger
from sync.central.db import analyze
from sync.central.errors import Conflict
from sync.central.schema import BULK_TABLES, stores
from sync.central.schema import entities as entity_table

Progress = Callable[[str, int, int], None]
CHUNK = 5_000
_EAN13_MIN = 10**11  # GTINs below this are UPC-A (12 digits) or EAN-8


@dataclass(frozen=True)
class DemoStaffPin:
    staff_id: int
    name: str
    role: str
    pin: str  # shown once, stored only as an argon2id hash


@dataclass(frozen=True)
class DemoSummary:
    store_id: str
    products: int
    prices: int
    members: int
    staff: tuple[DemoStaffPin, ...]
    seed: int
    rejected: int  # rows the central refused (none expected: the generator is consistent)


def _no_search_text(*fields: str) -> str:
    """The central keeps no product search index (each till makes its own from the names)."""
    return ""


@cache
def vocabulary() -> Vocabulary:
    """The demo vocabulary of the till's ``resources/demo/*.json`` (installed with the
    ``posclient.resources`` package), read once per process."""
    folder = resources.files("posclient.resources").joinpath("demo")
    catalogue, people = (json.loads(folder.joinpath(name).read_text(encoding="utf-8"))
                         for name in ("catalogue.json", "people.json"))
    return parse_vocabulary(catalogue, people, _no_search_text, random.Random(PLANS_SEED))


def load_demo(engine: Engine, *, products: int, members: int, now: Callable[[], datetime],
              store_id: str = "S001", seed: int | None = None,
              progress: Progress | None = None) -> DemoSummary:
    """Load the demo store into an empty catalogue (refused if it already has products)."""
    tick = progress or (lambda stage, done, total: None)
    has_store = _refuse_unless_empty(engine, store_id)
    seed = secrets.randbits(32) if seed is None else seed
    at = now()

    def rows(chunk_size: int) -> Iterator[Chunk]:
        return demo_rows(vocabulary(), random.Random(seed), products, members, at,
                         chunk_size=chunk_size)

    late: dict[int, list[str]] = defaultdict(list)
    for table, _cols, chunk in rows(50_000):
        if table == "barcodes":
            for gtin, pid in chunk:
                if gtin < _EAN13_MIN:
                    late[pid].append(gtin_display(gtin))
    tick("preparing", 1, 1)

    pins = tuple(DemoStaffPin(sid, name, role, _new_pin()) for sid, name, role in DEMO_STAFF)
    _create_store_and_staff(engine, now(), store_id, has_store, pins)
    counts = {"products": 0, "prices": 0, "members": 0, "rejected": 0}
    loader = _Loader(engine, now, store_id, late, counts)
    for table, _cols, chunk in rows(CHUNK):
        loader.add(table, chunk)
        if table == "product_search":  # the last table of a product chunk
            tick("products", counts["products"], products)
        elif table == "members":
            tick("members", counts["members"], members)
    loader.finish()
    analyze(engine, BULK_TABLES)
    return DemoSummary(store_id, counts["products"], counts["prices"], counts["members"], pins,
                       seed, counts["rejected"])


def _refuse_unless_empty(engine: Engine, store_id: str) -> bool:
    """Whether the store exists; :class:`Conflict` if the central has products."""
    with engine.connect() as conn:
        if conn.scalar(select(func.count()).select_from(entity_table)
                       .where(entity_table.c.entity == "product")):
            raise Conflict("The central already has products: demo data goes into an empty "
                           "catalogue only. Nothing was changed.", code="demo_needs_empty")
        return bool(conn.scalar(select(stores.c.store_id).where(stores.c.store_id == store_id)))


def _create_store_and_staff(engine: Engine, at: datetime, store_id: str, has_store: bool,
                            pins: tuple[DemoStaffPin, ...]) -> None:
    with feed.transaction(engine, at) as tx:
        if not has_store:
            settings = {k: v for k, v in asdict(StoreSettings(store_id=store_id)).items()
                        if k not in ("terminal_id", "store_name_zh", "store_name_en")}
            defaults = StoreSettings()
            identity.create_store(tx, store_id, defaults.store_name_zh,
                                  defaults.store_name_en, settings)
        for p in pins:
            identity.create_staff(tx, staff_id=p.staff_id, name=p.name, role=p.role, pin=p.pin,
                                  store_id=store_id)


class _Loader:
    """The generator's chunks as the central's records: a product chunk in one transaction
    once its last table has come, the store's quick keys and the chain's reasons at the end."""

    def __init__(self, engine: Engine, now: Callable[[], datetime], store_id: str,
                 late: dict[int, list[str]], counts: dict[str, int]) -> None:
        self.engine, self.now, self.store_id = engine, now, store_id
        self.late, self.counts = late, counts
        self.pending: dict[str, list[Any]] = {}
        self.tiles: list[list[int]] = [[] for _ in DEMO_TILES]  # the store's quick keys, by tab

    def add(self, table: str, rows: list[Any]) -> None:
        engine, now, counts = self.engine, self.now, self.counts
        if table in ("products", "barcodes", "prices", "stock_levels"):
            self.pending.setdefault(table, []).extend(rows)
        if table == "products":
            for pid, _sku, zh, _en, cat, _brand, measure, *_rest in rows:
                i = demo_tile(cat, measure, zh)
                if i is not None and len(self.tiles[i]) < DEMO_TILES[i][5]:
                    self.tiles[i].append(pid)
        elif table == "tax_rates":
            _write(engine, now, "tax_rate", [
                {"code": c, "rate_ppm": r, "name_zh": zh, "name_en": en}
                for c, r, zh, en in rows], counts)
        elif table == "product_search":  # the last table of a product chunk
            _write_products(engine, now, self.store_id, self.pending, self.late, counts)
            self.pending = {}
        elif table == "members":  # the demo store's members: on its tills
            _write(engine, now, "member", [
                {"id": i, "member_no": no, "name": name, "phone": phone, "tier": tier,
                 "points": points, "store_id": self.store_id}
                for i, no, name, phone, tier, points in rows], counts)

    def finish(self) -> None:
        """The chain's reasons (the tills' built-in ones) and the store's tiles (issue 15)."""
        engine, now, counts = self.engine, self.now, self.counts
        _write(engine, now, "reason_code", [
            {"code": r.code, "kind": r.kind, "name_zh": r.name_zh, "name_en": r.name_en,
             "sort": i}
            for reasons in DEFAULTS.values() for i, r in enumerate(reasons)], counts)
        _write(engine, now, "quick_key", [
            {"id": n, "store_id": self.store_id, "product_id": pid,
             "category_zh": DEMO_TILES[i][0], "category_en": DEMO_TILES[i][1], "position": n}
            for n, (i, pid) in enumerate(
                ((i, pid) for i, ids in enumerate(self.tiles) for pid in ids), start=1)],
            counts)


def _write(engine: Engine, now: Callable[[], datetime], entity: str,
           records: list[dict[str, Any]], counts: dict[str, int]) -> None:
    with feed.transaction(engine, now()) as tx:
        report = entities.upsert_records(tx, entity, enumerate(records))
    counts[entity + "s"] = counts.get(entity + "s", 0) + report.upserted
    counts["rejected"] += len(report.rejected)


def _write_products(engine: Engine, now: Callable[[], datetime], store_id: str,
                    pending: dict[str, list[Any]], late: dict[int, list[str]],
                    counts: dict[str, int]) -> None:
    barcodes: dict[int, list[str]] = defaultdict(list)
    for gtin, pid in pending.get("barcodes", []):
        barcodes[pid].append(gtin_display(gtin))
    products = [
        {"id": pid, "sku": sku, "name_zh": zh, "name_en": en, "category": cat, "brand": brand,
         "measure": measure, "tax_code": tax, "plu": plu, "discountable": discountable,
         "barcodes": barcodes.get(pid, []) + late.get(pid, [])}
        for pid, sku, zh, en, cat, brand, measure, tax, plu, discountable
        in pending.get("products", [])]
    first_price = counts["prices"] + 1
    prices = [
        {"id": first_price + i, "product_id": pid, "price_list": plist, "amount": amount,
         "valid_from": valid_from, "valid_to": valid_to}
        for i, (pid, plist, amount, valid_from, valid_to) in enumerate(pending.get("prices", []))]
    with feed.transaction(engine, now()) as tx:
        done = entities.upsert_records(tx, "product", ((p["id"], p) for p in products))
        priced = entities.upsert_records(tx, "price", enumerate(prices))
        ledger.set_levels(tx, store_id, pending.get("stock_levels", []), reason="demo")
    counts["products"] += done.upserted
    counts["prices"] += len(prices)
    counts["rejected"] += len(done.rejected) + len(priced.rejected)


def _new_pin() -> str:
    while True:
        pin = f"{secrets.randbelow(1_000_000):06d}"
        if len(set(pin)) > 2 and pin not in "0123456789" and pin not in "9876543210":
            return pin
