"""From what a file holds to the records the services validate: cells to fields, amounts to
fen, CSV order lines to orders. Pure: no database.

**Amounts** (a price's ``amount``; a promotion's ``amount``, ``bundle_price``, ``min_spend``;
an order line's ``unit_price`` and ``discount``, a payment's ``amount``) are read in one unit
for the whole file, ``--amounts``:

- ``fen`` (the default): whole numbers of minor units, as the API, the feed and every export
  of the central write them, so a file the central or the web shop made loads unchanged; a
  value with decimals (``3.50``) is refused, saying the unit and the option for yuan;
- ``yuan``: at most two decimals (``3.5``, ``3.50``, ``12``), converted exactly (no float).

The default is fen rather than yuan because a yuan file read as fen fails loudly at its first
price with decimals, while a fen file read as yuan would load every price 100 times too high
without a word.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation
from typing import Any

from sync.central.entities import RowError
from sync.central.import_read import MAX_CELL, ReadFile
from sync.protocol import ENTITY_MODELS

UNITS = ("fen", "yuan")
# CSV cells holding lists, split on ``;`` or ``|`` (names may hold spaces and commas).
LIST_COLUMNS = {"promotion": frozenset({"product_ids", "categories", "brands", "tiers", "days",
                                        "store_ids"})}
# Web orders in CSV: one row per order line; the order's own columns are read from its first
# row, and the rows of one order follow each other. A row may also carry one payment.
ORDER_COLUMNS = ("order_no", "channel", "status", "fulfilment", "store_id", "pickup_code",
                 "customer_name", "customer_phone", "currency", "created_at", "member_no")
ORDER_LINE_COLUMNS = ("sku", "qty", "unit_price", "discount")
ORDER_PAYMENT_COLUMNS = ("payment_kind", "payment_amount", "payment_method", "payment_reference")
# entity -> amount fields of a record (CSV columns for orders)
AMOUNTS = {"price": ("amount",), "promotion": ("amount", "bundle_price", "min_spend"),
           "order": ("unit_price", "discount", "payment_amount")}
_SPLIT_LIST = re.compile(r"\s*[;|]\s*")
_SPLIT_CODES = re.compile(r"[;|,\s]+")
_FEN = re.compile(r"^[+-]?\d+$")
_YUAN = re.compile(r"^[+-]?\d+(\.\d{1,2})?$")
_HUNDRED = Decimal(100)
_FIELDS: dict[str, frozenset[str]] = {}  # entity -> fields(entity), computed once


def fields(entity: str) -> set[str]:
    """The columns a CSV of ``entity`` may have."""
    if entity == "stock_level":
        return {"product_id", "qty", "store_id"}
    if entity == "order":
        return {*ORDER_COLUMNS, *ORDER_LINE_COLUMNS, *ORDER_PAYMENT_COLUMNS}
    return set(ENTITY_MODELS[entity].model_fields)


def to_fen(value: Any, unit: str) -> Any:
    """``value`` (text or a JSON number) in ``unit`` as whole fen; raises ValueError saying
    what is wrong. Other types pass through for the model to refuse."""
    if isinstance(value, bool) or not isinstance(value, str | int | Decimal):
        return value
    text = value.strip() if isinstance(value, str) else str(value)
    if unit == "fen":
        if isinstance(value, Decimal) and value == value.to_integral_value():
            return int(value)
        if not _FEN.match(text):
            hint = f"; use --amounts yuan for prices like {text}" if _YUAN.match(text) else ""
            raise ValueError(f"{text} is not in fen (whole numbers){hint}")
        return int(text)
    if isinstance(value, Decimal) and value == value.quantize(Decimal("0.01")):
        return int(value * _HUNDRED)
    if not _YUAN.match(text):
        raise ValueError(f"{text} is not in yuan with at most two decimals (e.g. 3.50)")
    try:
        return int(Decimal(text) * _HUNDRED)
    except InvalidOperation:  # the pattern keeps this out; kept for safety
        raise ValueError(f"{text} is not an amount") from None


def prepare(entity: str, read: ReadFile, unit: str, csv: bool) -> list[tuple[int, dict[str, Any]]]:
    """The file's records ready for the services; refused rows go to ``read.rejected``."""
    if csv and entity == "order":
        return _orders(read, unit)
    out: list[tuple[int, dict[str, Any]]] = []
    for line, raw in read.records:
        try:
            record = _from_cells(entity, raw, unit) if csv else _json_record(entity, raw, unit)
            _check_lengths(record)
        except _CellError as exc:
            read.rejected.append(RowError(line, exc.reason, exc.field))
            continue
        out.append((line, record))
    return out


def _orders(read: ReadFile, unit: str) -> list[tuple[int, dict[str, Any]]]:
    """CSV orders; an order with a refused row is refused whole (never loaded without it)."""
    out = []
    for first, rows in _group_orders([(line, _from_cells("order", raw, None))
                                      for line, raw in read.records]):
        bad: tuple[int, _CellError] | None = None
        for line, row in rows:
            try:
                for name in AMOUNTS["order"]:
                    if name in row:
                        row[name] = _amount(row[name], unit, name)
                _check_lengths(row)
            except _CellError as exc:
                bad = bad or (line, exc)
        if bad is not None:
            line, cell = bad
            order_no = rows[0][1].get("order_no")
            read.rejected.append(RowError(line, f"{cell.reason} (order {order_no} is not loaded)",
                                          cell.field))
            continue
        out.append((first, _order(rows)))
    return out


class _CellError(ValueError):
    def __init__(self, field: str, reason: str) -> None:
        super().__init__(reason)
        self.field = field
        self.reason = reason


def _amount(value: Any, unit: str, name: str) -> Any:
    try:
        return to_fen(value, unit)
    except ValueError as exc:
        raise _CellError(name, str(exc)) from None


def _from_cells(entity: str, row: dict[str, str], unit: str | None) -> dict[str, Any]:
    """A CSV row's known, non-empty cells as fields (lists split, amounts in ``unit`` to fen;
    None: left as text)."""
    known = _FIELDS.get(entity) or _FIELDS.setdefault(entity, frozenset(fields(entity)))
    lists = LIST_COLUMNS.get(entity, frozenset())
    record: dict[str, Any] = {}
    for name, value in row.items():
        if name not in known or not value.strip():
            continue
        value = value.strip()
        if name == "barcodes":
            record[name] = [c for c in _SPLIT_CODES.split(value) if c]
        elif name in lists:
            record[name] = [c for c in _SPLIT_LIST.split(value) if c]
        else:
            record[name] = value
    if unit is not None:
        for name in AMOUNTS.get(entity, ()):
            if name in record:
                record[name] = _amount(record[name], unit, name)
    return record


def _json_record(entity: str, raw: dict[str, Any], unit: str) -> dict[str, Any]:
    record = dict(raw)
    if entity == "order":
        for part, names in (("lines", ("unit_price", "discount")), ("payments", ("amount",))):
            items = record.get(part)
            if not isinstance(items, list):
                continue
            fixed = []
            for i, item in enumerate(items):
                if isinstance(item, dict):
                    item = dict(item)
                    for name in names:
                        if name in item:
                            item[name] = _amount(item[name], unit, f"{part}.{i}.{name}")
                fixed.append(item)
            record[part] = fixed
        return record
    for name in AMOUNTS.get(entity, ()):
        if name in record:
            record[name] = _amount(record[name], unit, name)
    return record


def _check_lengths(record: dict[str, Any]) -> None:
    for name, value in record.items():
        if isinstance(value, str) and len(value) > MAX_CELL:
            raise _CellError(name, f"{len(value):,} characters, at most {MAX_CELL:,}")


def _group_orders(rows: list[tuple[int, dict[str, Any]]]
                  ) -> Iterator[tuple[int, list[tuple[int, dict[str, Any]]]]]:
    """CSV rows (one per order line; an order's rows follow each other) grouped by order,
    each group with its first row's line."""
    group: list[tuple[int, dict[str, Any]]] = []
    for line, row in rows:
        if group and row.get("order_no") != group[0][1].get("order_no"):
            yield group[0][0], group
            group = []
        group.append((line, row))
    if group:
        yield group[0][0], group


def _order(rows: list[tuple[int, dict[str, Any]]]) -> dict[str, Any]:
    """One order from its rows: its own columns from the first row, a line per row, and a
    payment from each row that carries one."""
    order: dict[str, Any] = {k: rows[0][1][k] for k in ORDER_COLUMNS if k in rows[0][1]}
    order["lines"], order["payments"] = [], []
    for _, row in rows:
        if any(k in row for k in ORDER_LINE_COLUMNS):
            order["lines"].append({k: row[k] for k in ORDER_LINE_COLUMNS if k in row})
        if "payment_kind" in row or "payment_amount" in row:
            order["payments"].append({k.removeprefix("payment_"): row[k]
                                      for k in ORDER_PAYMENT_COLUMNS if k in row})
    return order
