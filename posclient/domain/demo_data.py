"""The demo store's rows: a realistic Chinese supermarket, the same for the till and the central.

One source of rows: :func:`demo_rows` yields ``(table, columns, rows)`` chunks of plain tuples.
The till inserts exactly those into a new database (posclient/store/demo.py, through
posclient/app/demo_data.py; the benchmark inserts the same tuples as its raw baseline), and the
central's ``demo-data`` turns them into its records (sync/central/demo.py).

Pure: the caller gives the vocabulary (:func:`parse_vocabulary` of ``resources/demo/*.json``,
with the till's search text function) and the randomness (a seeded ``random.Random``), so a
seed gives the same rows everywhere.

Names: ``brand + type + size`` in Chinese and English ("伊利 纯牛奶 250ml" /
"Yili Pure Milk 250ml"). Products walk every brand/type/size combination of the non-fixed
categories once in a seeded order (an affine permutation), so names repeat only once all
combinations are used (about 355,000; a million-product store repeats each name 2-3 times).
Variety comes from counts (brands, types, package sizes), not from long adjectives: every byte
of a name is paid twice in a million-row database (the table and the search index).

Speed: rows are built from precomputed strings with cheap integer arithmetic (one
``getrandbits`` per product, table look-up check digits).
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from typing import Any, Protocol

from posclient.domain.demo_vocabulary import Vocabulary
from posclient.domain.errors import InvalidInput
from posclient.domain.privacy import MemberKeys, mask_name, phone_last4

Row = tuple[Any, ...]
Chunk = tuple[str, tuple[str, ...], list[Row]]

CHUNK_SIZE = 50_000

# The README's example: `posclient lookup 6901234567892` finds this milk.
SAMPLE_EAN13 = "6901234567892"

# staff_id, name, role. The ids are part of the API (README, CLI hints, tests).
DEMO_STAFF: tuple[tuple[int, str, str], ...] = (
    (1001, "李娜", "cashier"),
    (1002, "王芳", "cashier"),
    (2001, "张伟", "supervisor"),
    (3001, "刘洋", "manager"),
)

COLUMNS: dict[str, tuple[str, ...]] = {
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
_LISTED_PLAN: tuple[int, ...] = (0,)  # services and gift cards: one EAN-13


class Randomness(Protocol):
    """What the generator draws from: a ``random.Random`` the caller seeds."""

    def getrandbits(self, k: int, /) -> int: ...

    def randrange(self, start: int, stop: int | None = None, step: int = 1, /) -> int: ...


def _coprime_step(rng: Randomness, modulus: int) -> int:
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


def _first_gap(rng: Randomness, space: int, count: int, bits: int) -> int:
    """A random start that leaves room for ``count`` gaps of up to ``2**bits``."""
    return rng.randrange(max(1, space - (count << bits) + 1))


def _utc(now: datetime) -> datetime:
    return now.replace(tzinfo=UTC) if now.tzinfo is None else now.astimezone(UTC)


class _Barcodes:
    """The barcode sequences: increasing, with random gaps, never colliding (disjoint key
    ranges). EAN-13 keys go with their product chunk; UPC-A and EAN-8 wait in ``late`` (so each
    kind's keys arrive in increasing order)."""

    def __init__(self, rng: Randomness, products: int) -> None:
        self.getrandbits = rng.getrandbits
        self.gb13 = _gap_bits(_EAN13_SPACE - _EAN13_FIRST, 3 * products)
        self.gbupc = _gap_bits(_UPC_SPACE - _UPC_FIRST, 3 * products)
        self.gb8 = _gap_bits(_EAN8_SPACE * 3 // 4, products // 25 + 1)
        self.v13 = _EAN13_FIRST + _first_gap(rng, _EAN13_SPACE - _EAN13_FIRST, 3 * products,
                                             self.gb13)
        self.vupc = _UPC_FIRST + _first_gap(rng, _UPC_SPACE - _UPC_FIRST, 3 * products,
                                            self.gbupc)
        self.v8 = rng.randrange(_EAN8_SPACE // 4)  # when the EAN-8 range is used up: EAN-13
        self.late: list[Row] = []

    def add(self, plan: tuple[int, ...], pid: int, bars: list[Row]) -> None:
        """The product's barcodes of ``plan`` (0 EAN-13, 1 UPC-A, 2 EAN-8)."""
        w4 = _W4
        for kind in plan:
            if kind == 2 and self.v8 < _EAN8_SPACE:
                body = _EAN8_BASE + self.v8
                self.v8 += 1 + self.getrandbits(self.gb8)
                self.late.append(
                    (body * 10 + (-(w4[body // 10_000] + w4[body % 10_000])) % 10, pid))
                continue
            if kind == 1:
                body = self.vupc
                self.vupc += 1 + self.getrandbits(self.gbupc)
            else:
                body = _EAN13_BASE + self.v13
                self.v13 += 1 + self.getrandbits(self.gb13)
            key = body * 10 + (-(w4[body // 100_000_000] + w4[body // 10_000 % 10_000]
                                 + w4[body % 10_000])) % 10
            (self.late if kind == 1 else bars).append((key, pid))


class _Products:
    """The product walk: the fixed products once each, then the combinations c over
    ``range(total)`` in a seeded affine order."""

    def __init__(self, vocab: Vocabulary, rng: Randomness, products: int, now: datetime) -> None:
        self.vocab = vocab
        self.getrandbits = rng.getrandbits
        self.total = vocab.total
        self.step = _coprime_step(rng, self.total)
        self.c = rng.randrange(self.total)
        self.cats = [(cat.code, cat.brands, cat.combos, len(cat.combos))
                     for cat in vocab.categories]
        self.walk_from = 2 + len(vocab.fixed)  # product 1 is the sample milk, then the fixed
        self.barcodes = _Barcodes(rng, products)
        self.day0 = int(_utc(now).timestamp()) // 86_400
        self.plu_next = 1

    def chunk(self, first: int, end: int, tables: dict[str, list[Row]]) -> None:
        """Products ``first`` to ``end - 1``, appended to ``tables``' rows."""
        getrandbits, add_barcodes, jitter = self.getrandbits, self.barcodes.add, _JITTER
        prod, bars, prices = tables["products"], tables["barcodes"], tables["prices"]
        stock, search = tables["stock_levels"], tables["product_search"]
        c, step, total, cats = self.c, self.step, self.total, self.cats
        starts, fixed, plans = self.vocab.starts, self.vocab.fixed, self.vocab.plans
        walk_from, plu_next = self.walk_from, self.plu_next
        for pid in range(first, end):
            r = getrandbits(48)
            if pid < walk_from:  # services and gift cards, once each, at their list price
                code, brand, combo = fixed[pid - 2]
                plan, listed = _LISTED_PLAN, True
            else:
                ci = bisect_right(starts, c) - 1
                code, brands, combos, ncombos = cats[ci]
                b, t = divmod(c - starts[ci], ncombos)
                brand, combo = brands[b], combos[t]
                c += step
                if c >= total:
                    c -= total
                plan, listed = plans[r & 1023], False
            bz, be, bcol, sbz, sbe, stail, bpct = brand
            cz, ce, scz, sce, base, weighed, tax, disc = combo
            if listed:
                amount = base
            else:  # shelf prices end in .x0, from 10 yuan up in .90
                amount = base * bpct * jitter[(r >> 10) & 15] // 10_000
                amount = (amount // 100 * 100 - 10 if amount >= 1_000
                          else max(10, amount - amount % 10))
            if weighed and plu_next <= _PLU_MAX:
                prod.append((pid, str(pid), bz + cz, be + ce, code, bcol, "g", tax,
                             f"{plu_next:05d}", disc))
                plu_next += 1
                stock.append((pid, ((r >> 14) & 255) * 200))
            else:
                prod.append((pid, str(pid), bz + cz, be + ce, code, bcol, "each", tax, None,
                             disc))
                stock.append((pid, (r >> 14) & 255))
                add_barcodes(plan, pid, bars)
            prices.append((pid, "retail", amount, 0, None))
            if (r >> 22) & 1023 < 10 and not listed:  # ~1%: a price from 1-28 days ahead
                prices.append(self._future_price(pid, amount, r))
            search.append((pid, sbz + scz + " " + sbe + sce + stail))
        self.c, self.plu_next = c, plu_next

    def _future_price(self, pid: int, amount: int, r: int) -> Row:
        start = (self.day0 + 1 + ((r >> 32) & 31) % 28) * 86_400
        later = amount * _FUTURE_PCT[(r >> 38) & 7] // 100
        later = max(10, later - later % 10)
        until = start + 7 * 86_400 if (r >> 41) & 1 else None  # a one-week offer
        return (pid, "retail", later, start, until)


def _sample_product_rows(vocab: Vocabulary) -> dict[str, list[Row]]:
    zh, en, cat, brand, tax, price = vocab.sample
    return {
        "products": [(1, "1", zh, en, cat, brand, "each", tax, None, True)],
        "barcodes": [(int(SAMPLE_EAN13), 1)],
        "prices": [(1, "retail", price, 0, None)],
        "stock_levels": [(1, 240)],
        "product_search": [(1, vocab.sample_search)],
    }


_PRODUCT_TABLES = ("products", "barcodes", "prices", "stock_levels", "product_search")


def demo_rows(vocab: Vocabulary, rng: Randomness, products: int, members: int, now: datetime,
              *, chunk_size: int = CHUNK_SIZE) -> Iterator[Chunk]:
    """Yield the demo store's rows as ``(table, columns, rows)`` chunks of plain tuples.

    Order: tax rates, categories; then per chunk of products their products, barcodes, prices,
    stock levels and search rows (``product_search``: rowid = product id); then the UPC-A and
    EAN-8 barcodes (kept apart so each kind's keys arrive in increasing order); then members.
    Staff and settings are not here (PIN hashes are random and slow on purpose).
    """
    if products < 1 or members < 0:
        raise InvalidInput("The demo store needs at least one product and no negative members.")
    yield "tax_rates", COLUMNS["tax_rates"], list(vocab.tax_rows)
    yield "categories", COLUMNS["categories"], list(vocab.category_rows)

    walk = _Products(vocab, rng, products, now)
    next_pid = 1
    while next_pid <= products:
        # The first chunk starts with product 1, the sample milk.
        end = min(products + 1, next_pid + chunk_size)
        if next_pid == 1:
            tables = _sample_product_rows(vocab)
            next_pid = 2
        else:
            tables = {table: [] for table in _PRODUCT_TABLES}
        walk.chunk(next_pid, end, tables)
        next_pid = end
        for table in _PRODUCT_TABLES:
            yield table, COLUMNS[table], tables[table]

    late = sorted(walk.barcodes.late)
    for i in range(0, len(late), chunk_size):
        yield "barcodes", COLUMNS["barcodes"], late[i:i + chunk_size]

    yield from _member_rows(vocab, rng, members, chunk_size)


# What a till keeps of a member (issue 17): no phone, no whole name.
TILL_MEMBER_COLUMNS = ("id", "member_no", "name_masked", "phone_hash", "phone_last4", "tier",
                       "points")


def for_till(chunks: Iterator[Chunk], keys: MemberKeys) -> Iterator[Chunk]:
    """:func:`demo_rows` as a till keeps them: each member with its masked name, its phone's
    keyed hash (with ``keys``, the demo keys on a till) and last four digits."""
    for table, columns, rows in chunks:
        if table == "members":
            rows = [(mid, no, mask_name(name), keys.digest(phone), phone_last4(phone), tier,
                     points)
                    for mid, no, name, phone, tier, points in rows]
            columns = TILL_MEMBER_COLUMNS
        yield table, columns, rows


def _member_rows(vocab: Vocabulary, rng: Randomness, members: int,
                 chunk_size: int) -> Iterator[Chunk]:
    surnames, given, tiers = vocab.surnames, vocab.given, vocab.tiers
    prefixes: Sequence[str] = vocab.phone_prefixes
    ns, ng, npre = len(surnames), len(given), len(prefixes)
    getrandbits = rng.getrandbits
    phone_step = _coprime_step(rng, 100_000_000)  # phone suffixes: a permutation, no repeats
    phone = rng.randrange(100_000_000)
    cols = COLUMNS["members"]
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
