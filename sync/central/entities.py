"""Reference data (catalogue, prices, tax rates, members, staff, store settings): bulk writes.

Every record is validated with its protocol model (sync.protocol ``ENTITY_MODELS``), so the
central never publishes what a terminal would refuse. Beyond the model, a record must keep the
terminals' own constraints, or their change pages would fail:

- unique values: a product's ``sku``, ``plu`` and barcodes (as GTIN numbers: an UPC-A and its
  EAN-13 form are one barcode), a member's ``member_no`` and phone (its keyed hash), a
  promotion's ``coupon_code``;
- a product's barcodes keep their GS1 check digit (posclient/domain/barcode.py, the tills' own
  rule): a mistyped code could never be scanned at any till. Checked here, where records are
  written, not in the protocol model, so a till still reads what an older central stored;
- references: a product's ``tax_code`` is a tax rate; a price's or a quick key's
  ``product_id`` is a product.

A record that breaks a rule is rejected with a reason; the rest of the batch is written (the
callers decide whether a batch with rejections is committed at all: by default the admin API
and the importer roll it back, sync/central/importers.py). A key given twice in one call is
refused, however far apart (``seen`` carries keys across a caller's chunks). An
unchanged record (same canonical JSON, same scope) writes nothing and appends no change, so
re-importing a catalogue is cheap and quiet.

Members are written by sync/central/members.py (through :func:`upsert_records`): their personal
data is kept apart, and each goes to the tills of its stores only.

Scopes: products, prices, tax rates, reason codes and promotions are global (a
promotion's ``store_ids`` are applied by the engine, so every till has every promotion); store
settings, quick keys and deliveries (sync/central/deliveries.py) belong to their store;
staff are global or belong to one store. A record that moves to another store's scope is first
deleted for the stores that no longer see it.

Stock levels are not written here: they are a ledger (sync/central/ledger.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError
from sqlalchemy import delete, select

from posclient.domain.barcode import gtin_check_digit, is_valid_gtin
from sync.central import ledger
from sync.central.db import among, bulk_insert, chunks
from sync.central.errors import error_parts
from sync.central.feed import PendingChange, Tx
from sync.central.schema import GLOBAL, dump_json, entities, entity_uniques, stores
from sync.protocol import ENTITY_MODELS, MAX_STOCK, StockLevelData, entity_key

CHUNK = 5_000

# Written here (stock_level goes through the ledger). Also the snapshot's order: what a record
# refers to comes before it.
REFERENCE_ENTITIES = ("store_settings", "tax_rate", "product", "price", "member", "staff",
                      "promotion", "delivery", "reason_code", "quick_key")
# Written by the central itself, never here, by the admin API or an import: the public keys of
# member QR tokens (sync/central/member_tokens.py). The chain's: in every snapshot, after these.
CENTRAL_ENTITIES = ("member_token_key",)
SNAPSHOT_ENTITIES = (*REFERENCE_ENTITIES, *CENTRAL_ENTITIES)
_KEY_FIELDS = {"tax_rate": "code", "reason_code": "code",
               "store_settings": "store_id"}  # else "id"
_REFERS: dict[str, tuple[str, str]] = {  # entity -> (field, entity it names)
    "product": ("tax_code", "tax_rate"),
    "price": ("product_id", "product"),
    "quick_key": ("product_id", "product"),
}
_STORE_SCOPED = ("store_settings", "delivery", "quick_key")  # their store's tills only


@dataclass(frozen=True, slots=True)
class RowError:
    ref: int  # the caller's row reference: a line number, a list index
    reason: str
    field: str = ""  # the field (a file's column) at fault, when one is

    def text(self) -> str:
        """``field: reason`` (or the reason alone)."""
        return f"{self.field}: {self.reason}" if self.field else self.reason


def validation_error(ref: int, exc: ValidationError) -> RowError:
    where, msg = error_parts(exc)
    return RowError(ref, msg, where)


@dataclass
class WriteReport:
    upserted: int = 0
    unchanged: int = 0
    deleted: int = 0
    rejected: list[RowError] = field(default_factory=list)

    def add(self, other: WriteReport) -> None:
        self.upserted += other.upserted
        self.unchanged += other.unchanged
        self.deleted += other.deleted
        self.rejected.extend(other.rejected)


@dataclass(frozen=True, slots=True)
class _Row:
    ref: int
    key: str
    scope: str
    parent: str | None
    data: str  # canonical JSON
    uniques: tuple[str, ...]  # "sku:A1", "gtin:6901234567892" (the number), ...
    shown: dict[str, str]  # unique value -> how the record wrote it, for messages
    refers_to: str | None


def upsert_records(tx: Tx, entity: str, rows: Iterable[tuple[int, Mapping[str, Any]]], *,
                   store_id: str | None = None, ref_name: str = "row",
                   seen: dict[str, int] | None = None) -> WriteReport:
    """Validate and write ``(ref, record)`` rows of one entity.

    ``store_id`` scopes staff to one store (None: every store). ``ref_name`` names refs in
    messages ("line", "record"). ``seen``: the keys already given (key -> ref) by earlier
    calls for the same file, so a key given twice is refused across them.
    """
    if entity not in REFERENCE_ENTITIES:
        raise ValueError(f"{entity!r} is not reference data written here")
    if entity == "member":  # personal data apart, members per store
        from sync.central.members import upsert_members

        return upsert_members(tx, rows, ref_name=ref_name, seen=seen)
    report = WriteReport()
    seen = {} if seen is None else seen
    batch: list[tuple[int, Mapping[str, Any]]] = []
    for item in rows:
        batch.append(item)
        if len(batch) >= CHUNK:
            report.add(_upsert_chunk(tx, entity, batch, store_id, ref_name, seen))
            batch = []
    if batch:
        report.add(_upsert_chunk(tx, entity, batch, store_id, ref_name, seen))
    report.rejected.sort(key=lambda e: e.ref)
    return report


def _upsert_chunk(tx: Tx, entity: str, batch: list[tuple[int, Mapping[str, Any]]],
                  store_id: str | None, ref_name: str, seen: dict[str, int]) -> WriteReport:
    report = WriteReport()
    valid = _validate(entity, batch, store_id, ref_name, report, seen)
    valid = _check_scopes(tx, entity, valid, report)
    valid = _check_references(tx, entity, valid, report)
    existing = _existing(tx, entity, [r.key for r in valid])
    if entity == "delivery":
        valid = _keep_received(valid, existing, report)
    changed = [r for r in valid
               if existing.get(r.key) != (r.scope, r.data)]
    report.unchanged += len(valid) - len(changed)
    changed = _check_uniques(tx, entity, changed, ref_name, report)
    if not changed:
        return report
    _write(tx, entity, changed)
    new_products: list[int] = []
    for r in changed:
        old = existing.get(r.key)
        if old is not None and old[0] != r.scope and r.scope != GLOBAL:
            tx.emit(PendingChange.delete(entity, r.key, old[0] or None))
        tx.emit(PendingChange.upsert(entity, r.key, r.scope or None, r.data))
        if old is None and entity == "product":
            new_products.append(int(r.key))
    if new_products:
        ledger.publish_levels(tx, new_products)
    report.upserted += len(changed)
    return report


def _validate(entity: str, batch: list[tuple[int, Mapping[str, Any]]], store_id: str | None,
              ref_name: str, report: WriteReport, seen: dict[str, int]) -> list[_Row]:
    model = ENTITY_MODELS[entity]
    out = []
    for ref, raw in batch:
        try:
            data = model.model_validate(raw).model_dump(mode="json")
        except ValidationError as exc:
            report.rejected.append(validation_error(ref, exc))
            continue
        if entity == "product":
            wrong = next((c for c in data["barcodes"] if not is_valid_gtin(c)), None)
            if wrong is not None:
                report.rejected.append(RowError(
                    ref, f"{wrong} fails its check digit (the last digit would be "
                         f"{gtin_check_digit(wrong[:-1])}): mistyped? A till could never "
                         "scan it", "barcodes"))
                continue
        key = entity_key(entity, data)
        if key in seen:
            report.rejected.append(RowError(
                ref, f"{entity} {key} is given twice (first at {ref_name} {seen[key]})",
                _KEY_FIELDS.get(entity, "id")))
            continue
        seen[key] = ref
        if entity in _STORE_SCOPED:
            scope = data["store_id"]
        elif entity == "staff":
            scope = store_id or GLOBAL
        else:
            scope = GLOBAL
        refer = _REFERS.get(entity)
        shown = _unique_values(entity, data)
        out.append(_Row(ref, key, scope,
                        str(data["product_id"]) if entity in ("price", "quick_key") else None,
                        dump_json(data), tuple(shown), shown,
                        str(data[refer[0]]) if refer else None))
    return out


def _keep_received(rows: list[_Row], existing: dict[str, tuple[str, str]],
                   report: WriteReport) -> list[_Row]:
    """A delivery a till has received stays as the till's event left it (sync/central/
    deliveries.py): a re-sent delivery note cannot reopen it."""
    from sync.central.deliveries import is_received

    ok = []
    for r in rows:
        old = existing.get(r.key)
        if old is not None and is_received(old[1]) and old[1] != r.data:
            report.rejected.append(RowError(r.ref, f"delivery {r.key} was already received at "
                                                   "the store: it can no longer change"))
        else:
            ok.append(r)
    return ok


def _unique_values(entity: str, data: dict[str, Any]) -> dict[str, str]:
    """The record's values that must be unique, each with a description for messages."""
    if entity == "product":
        values = {f"sku:{data['sku']}": f"SKU {data['sku']!r}"}
        if data.get("plu"):
            values[f"plu:{data['plu']}"] = f"PLU {data['plu']!r}"
        for code in data.get("barcodes") or ():  # a barcode listed twice is one barcode
            values.setdefault(f"gtin:{int(code)}", f"barcode {code}")
        return values
    if entity == "promotion" and data.get("coupon_code"):  # single use: one promotion a code
        return {f"coupon:{data['coupon_code']}": f"coupon code {data['coupon_code']!r}"}
    return {}


def _unique_field(value: str) -> str:
    """The field of a unique value (``"gtin:690..."`` -> ``barcodes``)."""
    kind = value.split(":", 1)[0]
    return {"gtin": "barcodes", "coupon": "coupon_code"}.get(kind, kind)


def _check_scopes(tx: Tx, entity: str, rows: list[_Row], report: WriteReport) -> list[_Row]:
    scopes = {r.scope for r in rows} - {GLOBAL}
    if not scopes:
        return rows
    known = set(tx.conn.scalars(select(stores.c.store_id).where(stores.c.store_id.in_(scopes))))
    ok = []
    for r in rows:
        if r.scope != GLOBAL and r.scope not in known:
            report.rejected.append(RowError(r.ref, f"no store {r.scope!r}: create it first",
                                            "store_id"))
        else:
            ok.append(r)
    return ok


def _check_references(tx: Tx, entity: str, rows: list[_Row], report: WriteReport) -> list[_Row]:
    refer = _REFERS.get(entity)
    if refer is None or not rows:
        return rows
    field_name, target = refer
    present = set(_existing(tx, target, sorted({r.refers_to for r in rows if r.refers_to})))
    ok = []
    for r in rows:
        if r.refers_to not in present:
            report.rejected.append(RowError(
                r.ref, f"{r.refers_to!r}: no such {target.replace('_', ' ')}", field_name))
        else:
            ok.append(r)
    return ok


def _existing(tx: Tx, entity: str, keys: Sequence[str]) -> dict[str, tuple[str, str]]:
    """``key -> (scope, data)`` of the stored records among ``keys``."""
    out: dict[str, tuple[str, str]] = {}
    for part in chunks(list(keys), CHUNK):
        for key, scope, data in tx.conn.execute(
                select(entities.c.key, entities.c.scope, entities.c.data)
                .where(entities.c.entity == entity, among(tx.conn, entities.c.key, part))):
            out[key] = (scope, data)
    return out


def _check_uniques(tx: Tx, entity: str, rows: list[_Row], ref_name: str,
                   report: WriteReport) -> list[_Row]:
    values = sorted({v for r in rows for v in r.uniques})
    if not values:
        return rows
    owners: dict[str, str] = {}
    for part in chunks(values, CHUNK):
        owners.update(tx.conn.execute(
            select(entity_uniques.c.value, entity_uniques.c.key)
            .where(entity_uniques.c.entity == entity,
                   among(tx.conn, entity_uniques.c.value, part))).all())
    claimed: dict[str, _Row] = {}
    ok = []
    for r in rows:
        clash = next((v for v in r.uniques if owners.get(v, r.key) != r.key), None)
        if clash is not None:
            report.rejected.append(RowError(
                r.ref, f"{r.shown[clash]} already belongs to {entity} {owners[clash]}",
                _unique_field(clash)))
            continue
        twice = next((v for v in r.uniques if v in claimed), None)
        if twice is not None:
            report.rejected.append(RowError(
                r.ref, f"{r.shown[twice]} is also given to {entity} {claimed[twice].key} "
                       f"({ref_name} {claimed[twice].ref})", _unique_field(twice)))
            continue
        for v in r.uniques:
            claimed[v] = r
        ok.append(r)
    return ok


def _write(tx: Tx, entity: str, rows: list[_Row]) -> None:
    conn = tx.conn
    rows = sorted(rows, key=lambda r: r.key)  # one lock order for concurrent writers
    keys = [r.key for r in rows]
    if entity in ("product", "member", "promotion"):  # the entities with unique values
        for part in chunks(keys, CHUNK):
            conn.execute(delete(entity_uniques).where(
                entity_uniques.c.entity == entity, among(conn, entity_uniques.c.key, part)))
        uniq = [{"entity": entity, "value": v, "key": r.key} for r in rows for v in r.uniques]
        for upart in chunks(uniq, CHUNK):
            bulk_insert(conn, entity_uniques, upart)
    params = [{"entity": entity, "key": r.key, "scope": r.scope, "parent": r.parent,
               "data": r.data, "updated_at": tx.now} for r in rows]
    for ppart in chunks(params, CHUNK):
        bulk_insert(conn, entities, ppart, conflict=("entity", "key"), update={
            c: f"excluded.{c}" for c in ("scope", "parent", "data", "updated_at")})


def delete_records(tx: Tx, entity: str, keys: Iterable[tuple[int, str]]) -> WriteReport:
    """Delete ``(ref, key)`` records. A missing record counts as unchanged (already gone).

    Deleting a product deletes its prices and quick keys too (the terminals do the same by
    cascade); a tax rate still named by a product is refused.
    """
    if entity not in REFERENCE_ENTITIES:
        raise ValueError(f"{entity!r} is not reference data written here")
    report = WriteReport()
    wanted = list(keys)
    existing = _existing(tx, entity, [k for _, k in wanted])
    for ref, key in wanted:
        if key not in existing:
            report.unchanged += 1
            continue
        if entity == "member":
            from sync.central.members import delete_member

            delete_member(tx, key)
            report.deleted += 1
            continue
        if entity == "tax_rate" and _tax_rate_in_use(tx, key):
            report.rejected.append(RowError(ref, f"tax rate {key!r} is still used by products"))
            continue
        if entity == "product":
            prices = list(tx.conn.scalars(select(entities.c.key).where(
                entities.c.entity == "price", entities.c.parent == key)))
            _delete(tx, "price", [(p, GLOBAL) for p in prices])
            _delete(tx, "quick_key", [(k, scope) for k, scope in tx.conn.execute(
                select(entities.c.key, entities.c.scope).where(
                    entities.c.entity == "quick_key", entities.c.parent == key))])
        _delete(tx, entity, [(key, existing.pop(key)[0])])
        report.deleted += 1
    return report


def _delete(tx: Tx, entity: str, keyed: list[tuple[str, str]]) -> None:
    for key, scope in keyed:
        tx.conn.execute(delete(entities).where(entities.c.entity == entity, entities.c.key == key))
        tx.conn.execute(delete(entity_uniques).where(entity_uniques.c.entity == entity,
                                                     entity_uniques.c.key == key))
        tx.emit(PendingChange.delete(entity, key, scope or None))


def _tax_rate_in_use(tx: Tx, code: str) -> bool:
    needle = f'"tax_code":{dump_json(code)}'  # as it reads in a product's canonical JSON
    return tx.conn.execute(select(entities.c.key).where(
        entities.c.entity == "product", entities.c.data.contains(needle, autoescape=True))
        .limit(1)).first() is not None


def set_stock_records(tx: Tx, rows: Iterable[tuple[int, Mapping[str, Any]]], *,
                      store_id: str | None = None, reason: str = "count",
                      ref_name: str = "row",
                      seen: dict[tuple[str, int], int] | None = None) -> WriteReport:
    """Set stock levels from ``{product_id, qty, store_id?}`` records (a count, an import).

    Each level is brought to its count by a ledger movement of the difference. ``store_id``
    is the store of records that do not name one. ``seen``: as for :func:`upsert_records`.
    """
    report = WriteReport()
    per_store: dict[str, list[tuple[int, int, int]]] = {}
    seen = {} if seen is None else seen
    for ref, raw in rows:
        record = dict(raw)
        if not record.get("store_id") and store_id:
            record["store_id"] = store_id
        try:
            level = StockLevelData.model_validate(record)
        except ValidationError as exc:
            report.rejected.append(validation_error(ref, exc))
            continue
        if abs(level.qty) > MAX_STOCK:
            report.rejected.append(RowError(ref, f"qty: a stock level is within ±{MAX_STOCK}"))
            continue
        where = (level.store_id, level.product_id)
        if where in seen:
            report.rejected.append(RowError(
                ref, f"product {level.product_id} at {level.store_id} is given twice "
                     f"(first at {ref_name} {seen[where]})", "product_id"))
            continue
        seen[where] = ref
        per_store.setdefault(level.store_id, []).append((ref, level.product_id, level.qty))
    known_stores = set(tx.conn.scalars(select(stores.c.store_id)
                                       .where(stores.c.store_id.in_(list(per_store)))))
    for store, items in per_store.items():
        if store not in known_stores:
            report.rejected.extend(RowError(ref, f"no store {store!r}: create it first",
                                            "store_id") for ref, _, _ in items)
            continue
        for part in chunks(items, CHUNK):
            known = ledger.known_products(tx, (pid for _, pid, _ in part))
            ok = []
            for ref, pid, qty in part:
                if pid in known:
                    ok.append((pid, qty))
                else:
                    report.rejected.append(RowError(ref, f"{pid}: no such product",
                                                    "product_id"))
            moved = ledger.set_levels(tx, store, ok, reason=reason)
            report.upserted += len(moved)
            report.unchanged += len(ok) - len(moved)
    return report
