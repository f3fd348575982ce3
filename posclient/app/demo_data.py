"""The demo store: a realistic Chinese supermarket generated into a new, empty till database.

One source of rows: :func:`demo_rows` yields ``(table, columns, rows)`` chunks of plain tuples and
:func:`build_demo_store` inserts exactly those (the benchmark inserts the same tuples as its raw
baseline). The vocabulary (brands, product types, sizes, names) lives in
``resources/demo/*.json``.

Names: ``brand + type + size`` in Chinese and English ("伊利 纯牛奶 250ml" /
"Yili Pure Milk 250ml"). Products walk every brand/type/size combination of the non-fixed
categories once in a seeded order (an affine permutation), so names repeat only once all
combinations are used (about 355,000; a million-product store repeats each name 2-3 times).
Variety comes from counts (brands, types, package sizes), not from long adjectives: every byte
of a name is paid twice in a million-row database (the table and the search index).

Speed: rows are built from precomputed strings with cheap integer arithmetic (one
``getrandbits`` per product, table look-up check digits). The load runs in one transaction with
``synchronous=OFF``, foreign-key checks off (the rows are consistent by construction; a test
runs ``foreign_key_check``), the bulk tables' secondary indexes dropped and recreated from
their own ``sqlite_master`` definitions, and a larger FTS5 in-memory buffer. Every setting is
restored afterwards.
"""

from __future__ import annotations

import contextlib
import json
import math
import random
import secrets
import sqlite3
from bisect import bisect_right
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from typing import Any

from posclient.assets import resource_path
from posclient.domain.barcode import MeasureKind
from posclient.domain.errors import InvalidInput
from posclient.domain.pins import hash_pin
from posclient.domain.policy import is_pin_shaped
from posclient.domain.settings import StoreSettings
from posclient.store.db import Store
from posclient.store.search import search_text
from posclient.store.settings import save_settings

Row = tuple[Any, ...]
Chunk = tuple[str, tuple[str, ...], list[Row]]
Progress = Callable[[str, int, int], None]

CHUNK_SIZE = 50_000

# The README's example: `posclient lookup 6901234567892` finds this milk.
SAMPLE_EAN13 = "6901234567892"
_SAMPLE_PRODUCT = ("伊利 纯牛奶 250ml", "Yili Pure Milk 250ml", "DA", "伊利", "VAT9", 350)

# staff_id, name, role. The ids are part of the API (README, CLI hints, tests).
DEMO_STAFF: tuple[tuple[int, str, str], ...] = (
    (1001, "李娜", "cashier"),
    (1002, "王芳", "cashier"),
    (2001, "张伟", "supervisor"),
    (3001, "刘洋", "manager"),
)

# Secondary indexes dropped for the bulk load and recreated from their own definitions after.
BULK_INDEXES = ("products_sku", "products_plu", "barcodes_product", "prices_lookup",
                "members_no", "members_phone")

# Tables demo data goes into: any row in one of them means the database is not new.
_MUST_BE_EMPTY = ("products", "barcodes", "prices", "stock_levels", "members", "staff",
                  "categories", "tax_rates", "sales", "outbox", "stock_movements")

# FTS5 tuning during the load (restored to the FTS5 defaults after).
_FTS_LOAD = (("hashsize", 64 * 1024 * 1024), ("automerge", 8), ("crisismerge", 64))
_FTS_DEFAULTS = (("hashsize", 1024 * 1024), ("automerge", 4), ("crisismerge", 16))

_COLUMNS: dict[str, tuple[str, ...]] = {
    "tax_rates": ("code", "rate_ppm", "name_zh", "name_en"),
    "categories": ("code", "name_zh", "name_en", "parent"),
    "products": ("id", "sku", "name_zh", "name_en", "category", "brand", "measure", "tax_code",
                 "plu", "discountable"),
    "barcodes": ("gtin", "product_id"),
    "prices": ("product_id", "price_list", "amount", "valid_from", "valid_to"),
    "stock_levels": ("product_id", "qty"),  # as_of NULL: an initial level, not from a sync
    "product_search": ("rowid", "text"),
    "members": ("id", "member_no", "name", "phone", "tier", "points"),
}

# Price jitter (percent) drawn per product, so one combination is not one price everywhere.
_JITTER = (88, 90, 92, 94, 95, 96, 98, 100, 100, 102, 104, 105, 106, 108, 110, 112)
_FUTURE_PCT = (85, 88, 90, 92, 95, 105, 108, 110)

# GS1 check digit by table: _W4[x] is the weighted digit sum (weights 1,3,1,3) of the 4-digit x.
# A 12-digit body's weights from the left are 1,3,...,1,3, so three look-ups give its sum; a
# shorter body padded with leading zeros keeps its weights (they count from the right).
_W4 = [
    (x // 1000) + 3 * (x // 100 % 10) + (x // 10 % 10) + 3 * (x % 10) for x in range(10_000)
]
_EAN13_BASE = 690_000_000_000  # "69" + 10 digits: GS1 China, prefixes 690-699
_EAN13_FIRST = 200_000_000  # the 10-digit part starts above 0123456789 (the sample code)
_EAN13_SPACE = 10_000_000_000
_UPC_FIRST = 1_000_000_000  # an 11-digit body "0" + a manufacturer not starting with 0
_UPC_SPACE = 10_000_000_000
_EAN8_BASE = 6_900_000  # "69" + 5 digits
_EAN8_SPACE = 100_000
_PLU_MAX = 99_999


@dataclass(frozen=True)
class DemoStaff:
    staff_id: int
    name: str
    role: str
    pin: str  # the PIN in clear: shown once, never stored


@dataclass(frozen=True)
class DemoResult:
    products: int
    barcodes: int
    members: int
    weighed: int
    staff: tuple[DemoStaff, ...]
    sample_barcodes: tuple[str, ...]  # EAN-13, UPC-A, EAN-8, a scale label: for README/CLI hints


# -- vocabulary ---------------------------------------------------------------------------------
def _load_json(name: str) -> dict[str, Any]:
    return json.loads(resource_path("demo", name).read_text(encoding="utf-8"))


@dataclass(frozen=True)
class _Category:
    code: str
    # (name_zh prefix, name_en prefix, brand column, search(zh prefix), search(en prefix),
    #  search(" " + brand column), price percent)
    brands: tuple[tuple[str, str, str, str, str, str, int], ...]
    # (name_zh rest, name_en rest, search(zh rest), search(en rest), price, weighed, tax code,
    #  discountable)
    combos: tuple[tuple[str, str, str, str, int, bool, str, bool], ...]


@dataclass(frozen=True)
class _Vocabulary:
    tax_rows: tuple[Row, ...]
    category_rows: tuple[Row, ...]
    categories: tuple[_Category, ...]
    fixed: tuple[tuple[str, tuple[Any, ...], tuple[Any, ...]], ...]  # (category, brand, combo)
    starts: tuple[int, ...]  # first combination number of each walked category
    total: int  # number of brand/type/size combinations walked
    surnames: tuple[str, ...]
    given: tuple[str, ...]
    phone_prefixes: tuple[str, ...]
    tiers: tuple[tuple[str, int], ...]  # 100 entries: (tier, max points), drawn uniformly


def _amount_label(amount: int, unit: str | list[str]) -> tuple[str, str]:
    """``(zh, en)`` label of an amount: 250ml, 1.5L, 500g, 2.5kg, or with a counted unit."""
    if isinstance(unit, list):
        return f"{amount}{unit[0]}", f"{amount}{unit[1]}"
    if amount < 1000:
        label = f"{amount}{unit}"
    else:
        whole, frac = divmod(amount, 1000)
        label = f"{whole}" + (f".{frac:03d}".rstrip("0") if frac else "")
        label += "L" if unit == "ml" else "kg"
    return label, label


def _sizes(group: list[Any] | dict[str, Any]) -> list[tuple[str, str, int, bool]]:
    """``(zh, en, price_pct, weighed)`` for every size of a size group (see catalogue.json)."""
    explicit = group if isinstance(group, list) else group.get("extra", [])
    out = []
    if isinstance(group, dict):
        base = int(group["base"])
        for amount in group["amounts"]:
            zh, en = _amount_label(int(amount), group["unit"])
            # Linear up to the base amount, 15% cheaper per unit beyond it.
            pct = max(1, 100 * amount // base) if amount <= base else (
                100 + (100 * (amount - base) // base) * 85 // 100)
            for pack in group.get("packs", [1]):
                if pack == 1:
                    out.append((zh, en, pct, False))
                else:
                    out.append((f"{zh}×{pack}", f"{en} x{pack}", pct * pack * 95 // 100, False))
    for s in explicit:
        if len(s) == 2:
            out.append((s[0], s[0].replace("×", " x"), int(s[1]), False))
        else:
            out.append((s[0], s[1], int(s[2]), len(s) > 3 and s[3] == "w"))
    return out


@cache
def vocabulary() -> _Vocabulary:
    """The parsed and precomputed vocabulary (loaded once per process)."""
    cat_doc = _load_json("catalogue.json")
    people = _load_json("people.json")
    tax_rows = tuple((c, int(ppm), zh, en) for c, ppm, zh, en in cat_doc["tax_rates"])
    tax_codes = {r[0] for r in tax_rows}
    categories = []
    category_rows = []
    fixed = []
    starts = []
    total = 0
    for cat in cat_doc["categories"]:
        category_rows.append((cat["code"], cat["name_zh"], cat["name_en"], None))
        origin = bool(cat.get("origin"))
        brands = []
        for b in cat["brands"]:
            zh, en = b[0], b[1]
            col = "" if origin else zh
            pz = f"{zh} " if zh else ""
            pe = f"{en} " if en else ""
            brands.append((pz, pe, col, search_text(pz), search_text(pe),
                           search_text(" " + col) if col else "", int(b[2]) if len(b) > 2 else 100))
        sizes = {name: _sizes(group) for name, group in cat["sizes"].items()}
        combos = []
        for t in cat["types"]:
            tzh, ten, sgroup, price = t[:4]
            tax = t[4] if len(t) > 4 else cat["tax"]
            discountable = not (len(t) > 5 and t[5] == "not_discountable")  # a gift card
            if tax not in tax_codes:
                raise ValueError(f"demo catalogue: unknown tax code {tax!r} for {tzh}")
            for szh, sen, spct, weighed in sizes[sgroup]:
                rest_zh = f"{tzh} {szh}" if szh else tzh
                rest_en = f"{ten} {sen}" if sen else ten
                amount = max(1, int(price) * spct // 100)
                combos.append((rest_zh, rest_en, search_text(rest_zh), search_text(rest_en),
                               amount, weighed, tax, discountable))
        if cat.get("fixed"):
            fixed.extend((cat["code"], b, c) for b in brands for c in combos)
            continue
        categories.append(_Category(cat["code"], tuple(brands), tuple(combos)))
        starts.append(total)
        total += len(brands) * len(combos)
    tiers: list[tuple[str, int]] = []
    for name, weight, max_points in people["tiers"]:
        tiers.extend([(name, int(max_points))] * int(weight))
    if len(tiers) != 100:
        raise ValueError("demo people.json: tier weights must add up to 100")
    return _Vocabulary(
        tax_rows=tax_rows, category_rows=tuple(category_rows), categories=tuple(categories),
        fixed=tuple(fixed), starts=tuple(starts), total=total,
        surnames=tuple(people["surnames"]), given=tuple(people["given"]),
        phone_prefixes=tuple(people["phone_prefixes"]), tiers=tuple(tiers),
    )


# -- rows ---------------------------------------------------------------------------------------
def _coprime_step(rng: random.Random, modulus: int) -> int:
    """A step for an affine permutation of ``range(modulus)`` (any start, then += step)."""
    if modulus <= 2:
        return 1
    while True:
        step = rng.randrange(modulus // 3 + 1, modulus)
        if math.gcd(step, modulus) == 1:
            return step


def _gap_bits(space: int, count: int) -> int:
    """Random gaps of up to ``2**bits`` keep ``count`` increasing codes inside ``space``."""
    return max(0, min(30, int(math.log2(max(1, space // max(1, count))))))


def _first_gap(rng: random.Random, space: int, count: int, bits: int) -> int:
    """A random start that leaves room for ``count`` gaps of up to ``2**bits``."""
    return rng.randrange(max(1, space - (count << bits) + 1))


def _barcode_plans() -> tuple[tuple[int, ...], ...]:
    """1024 plans, drawn by 10 random bits: barcode kinds per item (0 EAN-13, 1 UPC-A, 2 EAN-8).

    About 70% of items have one barcode, 26% two and 4% three.
    """
    rng = random.Random(1024)
    plans = []
    for x in range(1024):
        n = 1 if x < 717 else 2 if x < 983 else 3
        kinds = [rng.choices((0, 1, 2), (93, 5, 2))[0]]
        kinds += [rng.choices((0, 1, 2), (85, 10, 5))[0] for _ in range(n - 1)]
        plans.append(tuple(kinds))
    return tuple(plans)


_PLANS = _barcode_plans()
_LISTED_PLAN = (0,)  # services and gift cards: one EAN-13


def _utc(now: datetime) -> datetime:
    return now.replace(tzinfo=UTC) if now.tzinfo is None else now.astimezone(UTC)


def _sample_product_rows() -> dict[str, list[Row]]:
    zh, en, cat, brand, tax, price = _SAMPLE_PRODUCT
    return {
        "products": [(1, "1", zh, en, cat, brand, "each", tax, None, True)],
        "barcodes": [(int(SAMPLE_EAN13), 1)],
        "prices": [(1, "retail", price, 0, None)],
        "stock_levels": [(1, 240)],
        "product_search": [(1, search_text(zh, en, brand))],
    }


def demo_rows(products: int, members: int, seed: int | None, now: datetime, *,
              chunk_size: int = CHUNK_SIZE) -> Iterator[Chunk]:
    """Yield the demo store's rows as ``(table, columns, rows)`` chunks of plain tuples.

    Order: tax rates, categories; then per chunk of products their products, barcodes, prices,
    stock levels and search rows (``product_search``: rowid = product id); then the UPC-A and
    EAN-8 barcodes (kept apart so each kind's keys arrive in increasing order); then members.
    Staff and settings are not here (PIN hashes are random and slow on purpose).
    """
    if products < 1 or members < 0:
        raise InvalidInput("The demo store needs at least one product and no negative members.")
    vocab = vocabulary()
    rng = random.Random(secrets.randbits(64) if seed is None else seed)
    getrandbits = rng.getrandbits
    now_utc = _utc(now)
    day0 = int(now_utc.timestamp()) // 86_400

    yield "tax_rates", _COLUMNS["tax_rates"], list(vocab.tax_rows)
    yield "categories", _COLUMNS["categories"], list(vocab.category_rows)

    # The combination walk: c runs over range(total) in a seeded affine order.
    total = vocab.total
    step = _coprime_step(rng, total)
    c = rng.randrange(total)
    starts = vocab.starts
    cats = [(cat.code, cat.brands, cat.combos, len(cat.combos)) for cat in vocab.categories]
    fixed = vocab.fixed
    walk_from = 2 + len(fixed)  # product 1 is the sample milk, then the fixed products

    # Barcode sequences: increasing, with random gaps, never colliding (disjoint key ranges).
    gb13 = _gap_bits(_EAN13_SPACE - _EAN13_FIRST, 3 * products)
    gbupc = _gap_bits(_UPC_SPACE - _UPC_FIRST, 3 * products)
    gb8 = _gap_bits(_EAN8_SPACE * 3 // 4, products // 25 + 1)
    v13 = _EAN13_FIRST + _first_gap(rng, _EAN13_SPACE - _EAN13_FIRST, 3 * products, gb13)
    vupc = _UPC_FIRST + _first_gap(rng, _UPC_SPACE - _UPC_FIRST, 3 * products, gbupc)
    v8 = rng.randrange(_EAN8_SPACE // 4)  # when the EAN-8 range is used up: EAN-13 instead
    late_barcodes: list[Row] = []  # UPC-A and EAN-8, inserted after the EAN-13 stream
    w4 = _W4
    plans = _PLANS
    jitter = _JITTER
    future_pct = _FUTURE_PCT
    plu_next = 1

    cols = _COLUMNS
    next_pid = 2
    first_chunk = True
    while first_chunk or next_pid <= products:
        # The first chunk starts with product 1, the sample milk.
        end = min(products + 1, next_pid + chunk_size - (1 if first_chunk else 0))
        sample = _sample_product_rows() if first_chunk else {}
        first_chunk = False
        prod = sample.get("products", [])
        bars = sample.get("barcodes", [])
        prices = sample.get("prices", [])
        stock = sample.get("stock_levels", [])
        search = sample.get("product_search", [])
        for pid in range(next_pid, end):
            r = getrandbits(48)
            if pid < walk_from:  # services and gift cards, once each, at their list price
                code, brand, combo = fixed[pid - 2]
                plan = _LISTED_PLAN
                listed = True
            else:
                ci = bisect_right(starts, c) - 1
                code, brands, combos, ncombos = cats[ci]
                b, t = divmod(c - starts[ci], ncombos)
                brand = brands[b]
                combo = combos[t]
                c += step
                if c >= total:
                    c -= total
                plan = plans[r & 1023]
                listed = False
            bz, be, bcol, sbz, sbe, stail, bpct = brand
            cz, ce, scz, sce, base, weighed, tax, disc = combo
            name_zh = bz + cz
            name_en = be + ce
            text = sbz + scz + " " + sbe + sce + stail

            if listed:
                amount = base
            else:  # shelf prices end in .x0, from 10 yuan up in .90
                amount = base * bpct * jitter[(r >> 10) & 15] // 10_000
                amount = (amount // 100 * 100 - 10 if amount >= 1_000
                          else max(10, amount - amount % 10))
            if weighed and plu_next <= _PLU_MAX:
                prod.append((pid, str(pid), name_zh, name_en, code, bcol, "g", tax,
                             f"{plu_next:05d}", disc))
                plu_next += 1
                stock.append((pid, ((r >> 14) & 255) * 200))
            else:
                prod.append((pid, str(pid), name_zh, name_en, code, bcol, "each", tax, None,
                             disc))
                stock.append((pid, (r >> 14) & 255))
                for kind in plan:
                    if kind == 2 and v8 < _EAN8_SPACE:
                        body = _EAN8_BASE + v8
                        v8 += 1 + getrandbits(gb8)
                        late_barcodes.append(
                            (body * 10 + (-(w4[body // 10_000] + w4[body % 10_000])) % 10, pid))
                        continue
                    if kind == 1:
                        body = vupc
                        vupc += 1 + getrandbits(gbupc)
                    else:
                        body = _EAN13_BASE + v13
                        v13 += 1 + getrandbits(gb13)
                    key = body * 10 + (-(w4[body // 100_000_000] + w4[body // 10_000 % 10_000]
                                         + w4[body % 10_000])) % 10
                    if kind == 1:
                        late_barcodes.append((key, pid))
                    else:
                        bars.append((key, pid))
            prices.append((pid, "retail", amount, 0, None))
            if (r >> 22) & 1023 < 10 and not listed:  # ~1%: a price from 1-28 days ahead
                start = (day0 + 1 + ((r >> 32) & 31) % 28) * 86_400
                later = amount * future_pct[(r >> 38) & 7] // 100
                later = max(10, later - later % 10)
                until = start + 7 * 86_400 if (r >> 41) & 1 else None  # a one-week offer
                prices.append((pid, "retail", later, start, until))
            search.append((pid, text))
        next_pid = end
        yield "products", cols["products"], prod
        yield "barcodes", cols["barcodes"], bars
        yield "prices", cols["prices"], prices
        yield "stock_levels", cols["stock_levels"], stock
        yield "product_search", cols["product_search"], search

    late_barcodes.sort()
    for i in range(0, len(late_barcodes), chunk_size):
        yield "barcodes", cols["barcodes"], late_barcodes[i:i + chunk_size]

    yield from _member_rows(vocab, rng, members, chunk_size)


def _member_rows(vocab: _Vocabulary, rng: random.Random, members: int,
                 chunk_size: int) -> Iterator[Chunk]:
    surnames, given, tiers = vocab.surnames, vocab.given, vocab.tiers
    prefixes = vocab.phone_prefixes
    ns, ng, npre = len(surnames), len(given), len(prefixes)
    getrandbits = rng.getrandbits
    phone_step = _coprime_step(rng, 100_000_000)  # phone suffixes: a permutation, no repeats
    phone = rng.randrange(100_000_000)
    cols = _COLUMNS["members"]
    for start in range(1, members + 1, chunk_size):
        rows: list[Row] = []
        for mid in range(start, min(members + 1, start + chunk_size)):
            r = getrandbits(60)
            name = surnames[r % ns] + given[(r >> 8) % ng]
            if r & (1 << 16):
                name += given[(r >> 17) % ng]
            tier, max_points = tiers[(r >> 24) % 100]
            phone = (phone + phone_step) % 100_000_000
            rows.append((mid, f"88{mid:08d}", name, f"{prefixes[(r >> 31) % npre]}{phone:08d}",
                         tier, (r >> 40) % max_points))
        yield "members", cols, rows


# -- loading ------------------------------------------------------------------------------------
def _refuse_unless_empty(conn: sqlite3.Connection) -> None:
    found = [t for t in _MUST_BE_EMPTY
             if conn.execute(f"SELECT EXISTS (SELECT 1 FROM {t})").fetchone()[0]]
    if found:
        raise InvalidInput(
            "Demo data goes into a new, empty database only, and this one already holds data "
            f"({', '.join(found)}). Nothing was changed: choose a new database file "
            "(posclient --db NEW.db demo-data).",
            code="demo_needs_empty_database", tables=found,
        )


def _new_pin() -> str:
    while True:
        pin = f"{secrets.randbelow(1_000_000):06d}"
        if len(set(pin)) > 2 and pin not in "0123456789" and pin not in "9876543210":
            return pin


def _staff_pins(pins: dict[int, str] | None) -> dict[int, str]:
    known = {sid for sid, _, _ in DEMO_STAFF}
    pins = dict(pins or {})
    unknown = sorted(set(pins) - known)
    if unknown:
        raise InvalidInput(f"No demo staff member has the number {unknown[0]} "
                           f"(demo staff: {', '.join(str(s) for s in sorted(known))}).")
    for sid, pin in pins.items():
        if not (isinstance(pin, str) and is_pin_shaped(pin)):
            raise InvalidInput(f"The PIN for staff {sid} must be 4 to 6 digits.")
    return {sid: pins.get(sid) or _new_pin() for sid, _, _ in DEMO_STAFF}


def _fts_config(conn: sqlite3.Connection, values: tuple[tuple[str, int], ...]) -> None:
    for key, value in values:
        conn.execute("INSERT INTO product_search (product_search, rank) VALUES (?, ?)",
                     (key, value))


@contextlib.contextmanager
def _bulk_pragmas(conn: sqlite3.Connection) -> Iterator[None]:
    """``synchronous=OFF``, no foreign-key checks and a bigger page cache, restored after."""
    saved = {name: conn.execute(f"PRAGMA {name}").fetchone()[0]
             for name in ("synchronous", "foreign_keys", "cache_size")}
    conn.execute("PRAGMA synchronous = OFF")
    conn.execute("PRAGMA foreign_keys = OFF")
    conn.execute("PRAGMA cache_size = -65536")  # 64 MiB
    try:
        yield
    finally:
        for name, value in saved.items():
            conn.execute(f"PRAGMA {name} = {int(value)}")


def build_demo_store(store: Store, *, products: int, members: int, seed: int | None = None,
                     now: datetime, progress: Progress | None = None,
                     pins: dict[int, str] | None = None) -> DemoResult:
    """Fill a new, empty till database with a demo supermarket, in one transaction.

    ``store`` is a :class:`posclient.store.db.Store`. Raises :class:`InvalidInput` (nothing
    changed) if the database already holds products, sales or other data. PINs are random unless
    ``pins`` maps staff ids to PINs; the result carries them in clear, to be shown once.
    """
    conn = store.conn
    if products < 1 or members < 0:
        raise InvalidInput("The demo store needs at least one product and no negative members.")
    if conn.in_transaction:
        raise InvalidInput("Build the demo store outside any open transaction.")
    _refuse_unless_empty(conn)
    staff_pins = _staff_pins(pins)
    staff_rows = [(sid, name, role, hash_pin(staff_pins[sid])) for sid, name, role in DEMO_STAFF]
    report = progress or (lambda stage, done, total: None)
    settings = StoreSettings()
    counts = {"products": 0, "barcodes": 0, "members": 0}
    weighed = 0
    samples: dict[str, str] = {"ean13": SAMPLE_EAN13}
    first_plu: str | None = None

    with _bulk_pragmas(conn):
        conn.execute("BEGIN IMMEDIATE")
        try:
            _refuse_unless_empty(conn)  # again, now that we hold the write lock
            index_sql = conn.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND name IN "
                f"({', '.join('?' * len(BULK_INDEXES))}) ORDER BY name", BULK_INDEXES,
            ).fetchall()
            for name, _ in index_sql:
                conn.execute(f"DROP INDEX {name}")
            _fts_config(conn, _FTS_LOAD)
            save_settings(conn, settings)
            conn.executemany("INSERT INTO staff (id, name, role, pin_hash) VALUES (?, ?, ?, ?)",
                             staff_rows)
            report("products", 0, products)
            statements: dict[str, str] = {}
            for table, columns, rows in demo_rows(products, members, seed, now):
                sql = statements.get(table)
                if sql is None:
                    sql = statements[table] = (
                        f"INSERT INTO {table} ({', '.join(columns)}) "
                        f"VALUES ({', '.join('?' * len(columns))})"
                    )
                conn.executemany(sql, rows)
                if table == "products":
                    counts["products"] += len(rows)
                    weighed += sum(1 for row in rows if row[6] == "g")
                    if first_plu is None:
                        first_plu = next((row[8] for row in rows if row[8] is not None), None)
                    report("products", counts["products"], products)
                elif table == "barcodes":
                    counts["barcodes"] += len(rows)
                    if "upc" not in samples or "ean8" not in samples:
                        _find_samples(rows, samples)
                elif table == "members":
                    counts["members"] += len(rows)
                    report("members", counts["members"], members)
            for done, (_name, sql) in enumerate(index_sql):
                report("indexes", done, len(index_sql))
                conn.execute(sql)
            report("indexes", len(index_sql), len(index_sql))
            _fts_config(conn, _FTS_DEFAULTS)
            report("saving", 0, 1)
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # the WAL holds the whole store now
    report("saving", 1, 1)

    sample_codes = [samples[k] for k in ("ean13", "upc", "ean8") if k in samples]
    if first_plu is not None:
        rule = next(r for r in settings.rules if r.kind is MeasureKind.WEIGHT_G)
        sample_codes.append(rule.encode(rule.prefixes[0], first_plu, 856))
    return DemoResult(
        products=counts["products"], barcodes=counts["barcodes"], members=counts["members"],
        weighed=weighed,
        staff=tuple(DemoStaff(sid, name, role, staff_pins[sid]) for sid, name, role in DEMO_STAFF),
        sample_barcodes=tuple(sample_codes),
    )


def _find_samples(rows: list[Row], samples: dict[str, str]) -> None:
    for gtin, _ in rows:
        if gtin < 100_000_000:
            samples.setdefault("ean8", f"{gtin:08d}")
        elif gtin < 100_000_000_000:
            samples.setdefault("upc", f"{gtin:012d}")
        if "upc" in samples and "ean8" in samples:
            return
