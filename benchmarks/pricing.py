"""Pricing at scale: the promotion engine on a 50-line basket with 1,000 active promotions, and
a member look-up by phone among 1,000,000 members, against a bare SQLite query in the same run.

    python -m benchmarks pricing --json out.json

Keys:
- price_basket_p50_ms / price_basket_p99_ms / price_basket_max_ms: ``price_basket``, ``--runs``
  calls (wall clock) over ``--baskets`` generated 50-line baskets (some weighed), with and
  without a member, against ``--promotions`` active promotions of every kind (targets: product
  lists, categories, brands, the whole basket; some stackable, exclusive, member-only), the book
  built once as the till caches it (book_build_ms). As the till does after start-up
  (posclient/ui/app.py), what was built before the timing is frozen out of the garbage
  collector's way (``gc.freeze()``): otherwise each full collection walks the whole heap;
  price_basket_cpu_p50_ms / price_basket_cpu_p99_ms: the same calls in CPU time (this thread's),
  which a busy machine's preemption does not inflate; price_basket_discount_sum: the sum of the
  promotion discounts over all the calls (equal across versions that price alike);
- member_lookup_p50_ms / member_lookup_p99_ms: a member by phone in a real till database
  (migrations, the ``members`` table and its ``members_phone_hash`` index) through the till's
  own path (posclient/app/members.py ``Members.find_local``: the typed number normalised, its
  keyed hash (HMAC-SHA256, issue 17), one index probe, the member's pending points), with
  ``--members`` members; raw_member_lookup_p99_ms: a bare ``sqlite3`` query of the same file
  by the same hashes; member_lookup_ratio = member / raw.
"""

from __future__ import annotations

import argparse
import gc
import json
import random
import sqlite3
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

from benchmarks.checkout import log, median_ms, p99
from posclient.app.members import Members
from posclient.domain.cart import Measure
from posclient.domain.privacy import MemberKeys
from posclient.domain.promotions import (
    BasketLine,
    Kind,
    PricingContext,
    Promotion,
    PromotionBook,
    price_basket,
)
from posclient.domain.settings import StoreSettings
from posclient.store.db import Store
from sync.protocol.clock import SystemClock

AT = datetime(2026, 11, 23, 12, 0, tzinfo=timezone(timedelta(hours=8)))
PRODUCTS = 20_000
CATEGORIES = 60
BRANDS = 300


def product(pid: int) -> tuple[str, str, bool]:
    """(category, brand, weighed) of a product: fixed by its id."""
    return f"C{pid % CATEGORIES:02d}", f"B{(pid * 7) % BRANDS:03d}", pid % 25 == 0


def make_promotions(n: int, rng: random.Random) -> list[Promotion]:
    out = []
    for i in range(n):
        r = rng.random()
        kw: dict[str, object] = {}
        if r < 0.5:
            kw["product_ids"] = frozenset(rng.randrange(1, PRODUCTS)
                                          for _ in range(rng.randint(1, 20)))
        elif r < 0.75:
            kw["categories"] = frozenset([f"C{rng.randrange(CATEGORIES):02d}"])
        elif r < 0.95:
            kw["brands"] = frozenset([f"B{rng.randrange(BRANDS):03d}"])
        kind = rng.choice(list(Kind)) if kw else Kind.SPEND_GET_OFF
        if kind is Kind.MIX_AND_MATCH and not kw:
            kind = Kind.PERCENT_OFF
        if kind is Kind.PERCENT_OFF:
            kw["percent_bp"] = rng.choice([500, 1000, 1500, 2000, 3000])
        elif kind is Kind.AMOUNT_OFF:
            kw["amount"] = rng.choice([50, 100, 200, 500])
        elif kind is Kind.BUY_X_GET_Y:
            kw.update(buy_qty=rng.randint(1, 3), get_qty=1,
                      get_percent_bp=rng.choice([10_000, 5_000]))
        elif kind is Kind.MIX_AND_MATCH:
            kw.update(bundle_qty=rng.randint(2, 4), bundle_price=rng.randint(500, 3000))
        else:
            kw.update(min_spend=rng.choice([5000, 10_000, 20_000]),
                      amount=rng.choice([500, 1000, 2000]))
        out.append(Promotion(
            id=f"P{i:05d}", kind=kind, priority=rng.randint(0, 3),
            stackable=rng.random() < 0.2, exclusive=rng.random() < 0.03,
            member_only=rng.random() < 0.1, **kw))  # type: ignore[arg-type]
    return out


def make_basket(rng: random.Random, lines: int) -> list[BasketLine]:
    out = []
    for i in range(1, lines + 1):
        pid = rng.randrange(1, PRODUCTS)
        cat, brand, weighed = product(pid)
        out.append(BasketLine(
            line_id=i, product_id=pid, unit_price=rng.randint(100, 5000),
            qty=rng.randint(100, 2000) if weighed else rng.randint(1, 4),
            measure=Measure.GRAM if weighed else Measure.EACH, category=cat, brand=brand))
    return out


def bench_pricing(promotions: int, runs: int, lines: int, baskets: int,
                  seed: int) -> dict[str, float]:
    rng = random.Random(seed)
    promos = make_promotions(promotions, rng)
    t0 = time.perf_counter()
    book = PromotionBook(promos)
    build = time.perf_counter() - t0
    carts = [make_basket(rng, lines) for _ in range(baskets)]
    ctxs = [PricingContext(at=AT, store_id="S1", member_tier=tier)
            for tier in (None, "standard")]
    for b in carts[:5]:
        price_basket(book, b, ctxs[0])  # warm up
    gc.collect()
    gc.freeze()
    samples = []
    cpu = []
    applied = 0
    discount = 0
    try:
        for i in range(runs):
            b = carts[i % len(carts)]
            c0 = time.thread_time()
            t0 = time.perf_counter()
            result = price_basket(book, b, ctxs[(i // len(carts)) % 2])
            samples.append(time.perf_counter() - t0)
            cpu.append(time.thread_time() - c0)
            applied += len(result.applied)
            discount += result.promotion_discount
    finally:
        gc.unfreeze()
    return {"price_basket_p50_ms": median_ms(samples), "price_basket_p99_ms": p99(samples),
            "price_basket_max_ms": round(max(samples) * 1000, 2),
            "price_basket_cpu_p50_ms": median_ms(cpu), "price_basket_cpu_p99_ms": p99(cpu),
            "price_basket_discount_sum": discount,
            "book_build_ms": round(build * 1000, 2), "promotions": promotions,
            "basket_lines": lines, "baskets": baskets,
            "applied_per_basket": round(applied / runs, 2)}


class _Keys:
    """The chain's member keys as the till's keyring would give them (MemberKeysPort)."""

    def __init__(self, seed: int) -> None:
        rng = random.Random(seed)
        self.keys = MemberKeys(rng.randbytes(32), rng.randbytes(32), "bench")

    def member_keys(self) -> MemberKeys:
        return self.keys


def build_members(path: Path, members: int, seed: int, keys: MemberKeys) -> list[str]:
    """A till database with ``members`` members as a till keeps them (masked name, the phone's
    keyed hash, its last four digits); returns their phones (for look-ups)."""
    Store.open(path).close()  # the till's schema: members and its members_phone_hash index
    rng = random.Random(seed)
    step = 7_919  # coprime with 10**8: distinct suffixes
    start = rng.randrange(100_000_000)
    phones = [f"13{(start + i * step) % 100_000_000:09d}" for i in range(members)]
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA synchronous = OFF")
    conn.execute("BEGIN")
    conn.executemany("INSERT INTO members (id, member_no, name_masked, phone_hash, phone_last4, "
                     "tier, points) VALUES (?, ?, ?, ?, ?, ?, ?)",
                     ((i + 1, f"88{i + 1:08d}", "会**", keys.digest(phones[i]), phones[i][-4:],
                       ("standard", "silver", "gold")[i % 3], i % 5000)
                      for i in range(members)))
    conn.execute("COMMIT")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return phones


def bench_members(workdir: Path, members: int, lookups: int, seed: int) -> dict[str, float]:
    path = workdir / "members.db"
    keys = _Keys(seed)
    t0 = time.perf_counter()
    phones = build_members(path, members, seed, keys.keys)
    built = time.perf_counter() - t0
    rng = random.Random(seed + 1)
    wanted = [rng.choice(phones) for _ in range(lookups)]
    store = Store.open(path)
    service = Members(store, SystemClock(), StoreSettings(), keys=keys)
    samples = []
    for phone in wanted:
        t0 = time.perf_counter()
        found = service.find_local(phone)
        samples.append(time.perf_counter() - t0)
        assert found.phone_last4 == phone[-4:]
    store.close()
    raw = sqlite3.connect(path)
    digests = [keys.keys.digest(phone) for phone in wanted]
    raw_samples = []
    for digest in digests:
        t0 = time.perf_counter()
        raw.execute("SELECT id FROM members WHERE phone_hash = ?", (digest,)).fetchone()
        raw_samples.append(time.perf_counter() - t0)
    raw.close()
    mine, bare = p99(samples), p99(raw_samples)
    return {"member_lookup_p50_ms": median_ms(samples), "member_lookup_p99_ms": mine,
            "raw_member_lookup_p99_ms": bare,
            "member_lookup_ratio": round(mine / bare, 2) if bare else 0.0,
            "members": members, "members_build_s": round(built, 1)}


def run(argv: list[str]) -> dict[str, float]:
    ap = argparse.ArgumentParser(prog="python -m benchmarks pricing")
    ap.add_argument("--promotions", type=int, default=1_000)
    ap.add_argument("--lines", type=int, default=50)
    ap.add_argument("--runs", type=int, default=2_000, help="pricing calls timed")
    ap.add_argument("--baskets", type=int, default=200,
                    help="distinct generated baskets the calls cycle through")
    ap.add_argument("--members", type=int, default=1_000_000)
    ap.add_argument("--lookups", type=int, default=5_000)
    ap.add_argument("--seed", type=int, default=6)
    ap.add_argument("--json", type=Path)
    ap.add_argument("--workdir", type=Path)
    args = ap.parse_args(argv)
    results: dict[str, float] = {}
    log(f"pricing: {args.runs} calls over {args.baskets} baskets of {args.lines} lines, "
        f"{args.promotions} promotions")
    results.update(bench_pricing(args.promotions, args.runs, args.lines, args.baskets,
                                 args.seed))
    with tempfile.TemporaryDirectory() as tmp:
        work = args.workdir or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        log(f"members: {args.members} members, {args.lookups} look-ups by phone")
        results.update(bench_members(work, args.members, args.lookups, args.seed))
    text = json.dumps(results, indent=2)
    print(text)
    if args.json:
        args.json.write_text(text + "\n", encoding="utf-8")
    return results
