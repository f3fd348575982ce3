"""The search for the best combination: the candidates, their clusters, and an exhaustive
or a greedy search per cluster."""

from __future__ import annotations

import math
from bisect import bisect_right

from posclient.domain.cart import Measure
from posclient.domain.promotions.book import AMOUNT, BXGY, SPEND, PromotionBook
from posclient.domain.promotions.kernels import KERNELS, Candidate, half_up
from posclient.domain.promotions.model import BP, BasketLine, PricingContext

EXHAUSTIVE_MAX = 8  # candidates in one cluster searched exhaustively (2**8 combinations)


def candidates(book: PromotionBook, canon: list[BasketLine], base: list[int],
                ctx: PricingContext) -> list[Candidate]:
    """The promotions that hold for this basket and save something alone, with their lines
    (in application order)."""
    promos = book.promotions
    counts_units = book.counts_units
    n = len(canon)
    each = Measure.EACH
    units_ok = [ln.measure is each and ln.fixed_amount is None for ln in canon]
    all_lines = list(range(n))
    unit_lines = [i for i in all_lines if units_ok[i]]
    eligible: dict[int, list[int]] = {k: unit_lines if counts_units[k] else all_lines
                                      for k in book.everywhere if promos[k].holds(ctx)}
    holds: dict[int, bool] = dict.fromkeys(book.everywhere, False)
    by_product, by_category, by_brand = book.by_product, book.by_category, book.by_brand
    for i, line in enumerate(canon):
        found = set(by_product.get(line.product_id, ()))
        if line.category:
            found.update(by_category.get(line.category, ()))
        if line.brand:
            found.update(by_brand.get(line.brand, ()))
        units = units_ok[i]
        for k in found:
            ok = holds.get(k)
            if ok is None:
                ok = holds[k] = promos[k].holds(ctx)
            if ok and (units or not counts_units[k]):
                eligible.setdefault(k, []).append(i)

    # What a kernel needs of each line; any line without a positive qty: the reference.
    regular = all(ln.qty >= 1 for ln in canon)
    qty = [ln.qty for ln in canon]
    gram = Measure.GRAM
    grams = [ln.measure is gram for ln in canon]
    all_mask = (1 << n) - 1
    unit_mask = 0
    for li in unit_lines:
        unit_mask |= 1 << li
    all_spend = sum(base)
    codes = book.codes
    out = []
    for order, k in enumerate(sorted(eligible, key=book.rank.__getitem__)):
        lines = eligible[k]
        if not lines:
            continue
        p = promos[k]
        code = codes[k]
        if code == SPEND:  # alone: without spreading it over the lines
            spend = all_spend if lines is all_lines else sum([base[li] for li in lines])
            if spend <= 0 or spend < p.min_spend:
                continue
            alone = min(p.amount or half_up(spend * p.percent_bp, BP), spend)
            if alone <= 0:
                continue
        if lines is all_lines:
            mask = all_mask
        elif lines is unit_lines:
            mask = unit_mask
        else:
            mask = 0
            for li in lines:
                mask |= 1 << li
        c = Candidate(p, order, lines, mask, canon)
        if regular:
            c.kernel = KERNELS[code]
            if code == AMOUNT:
                amount = p.amount
                c.per_line = [half_up(amount * qty[li], 1000) if grams[li]
                              else amount * qty[li] for li in lines]
            elif code >= BXGY:
                c.qty = q = [qty[li] for li in lines]
                lcm = math.lcm(*q)
                c.per_line = [lcm // x for x in q]
                units = sum(q)
                c.count = (units // (p.buy_qty + p.get_qty) * p.get_qty if code == BXGY
                           else units // p.bundle_qty)
        if code == SPEND:
            c.alone = alone
        else:
            c.first = c.kernel(c, base)
            c.alone = sum(c.first)
            if c.alone <= 0:
                continue
        out.append(c)
    return out


def clusters(cands: list[Candidate]) -> list[list[Candidate]]:
    """Candidates (given in application order) that share lines, transitively, each cluster in
    application order. The lines' components first, from each distinct line set (bit masks,
    widest first: a whole-basket offer joins everything at once), then each candidate to the
    component of its lowest line."""
    comps: list[int] = []
    for mask in sorted({c.mask for c in cands}, key=int.bit_count, reverse=True):
        keep = []
        for other in comps:
            if other & mask:
                mask |= other
            else:
                keep.append(other)
        keep.append(mask)
        comps = keep
    groups: dict[int, list[Candidate]] = {}
    for c in cands:
        low = c.mask & -c.mask
        for comp in comps:
            if comp & low:
                groups.setdefault(comp, []).append(c)
                break
    return sorted(groups.values(), key=lambda g: g[0].order)


def exhaustive(cluster: list[Candidate], base: list[int]
                ) -> tuple[list[tuple[Candidate, list[int]]], int]:
    """Every allowed combination, depth first in application order (including before
    excluding, so the first best found is the tie-break's choice). ``taken``: the lines some
    chosen promotion claims; ``alone``: those a non-stackable one claims (bit masks). The
    best, each with what it takes, and its saving."""
    best: tuple[int, list[tuple[Candidate, list[int]]]] = (0, [])
    n = len(cluster)

    def dfs(i: int, rem: list[int], taken: int, alone: int,
            chosen: list[tuple[Candidate, list[int]]], total: int) -> None:
        nonlocal best
        if i == n:
            if total > best[0]:
                best = (total, list(chosen))
            return
        c = cluster[i]
        if not c.mask & (alone if c.stackable else taken):
            ds = c.kernel(c, rem)
            d = sum(ds)
            if d > 0:
                after = list(rem)
                for li, x in zip(c.lines, ds, strict=True):
                    after[li] -= x
                chosen.append((c, ds))
                dfs(i + 1, after, taken | c.mask, alone if c.stackable else alone | c.mask,
                    chosen, total + d)
                chosen.pop()
        dfs(i + 1, rem, taken, alone, chosen, total)

    dfs(0, list(base), 0, 0, [], 0)
    return best[1], best[0]


def greedy(cluster: list[Candidate], base: list[int]
            ) -> tuple[list[tuple[Candidate, list[int]]], int]:
    """Best single saving first; each next one added if allowed and the saving grows.

    Exact and incremental: the chosen are kept in application order with what each takes off
    its lines, and ``rem`` is what they all leave. A candidate applied after all of them, or
    on lines none of them claims, is tried on ``rem``. Otherwise it goes in the middle of the
    order: from what the lines had before it (``rem`` plus what the later ones took), it is
    applied, and then each later one either re-evaluated (if a line it claims now holds a
    different amount) or given what it took before (its lines are as they were). The
    chosen, each with what it takes, and their saving.
    """
    chosen: list[Candidate] = []  # in application order
    took: list[list[int]] = []  # what each chosen takes off its lines
    orders: list[int] = []
    taken = alone = 0  # lines claimed; lines claimed by a non-stackable promotion
    rem = list(base)
    total = 0
    for c in sorted(cluster, key=lambda c: (-c.alone, c.order)):
        mask = c.mask
        if mask & (alone if c.stackable else taken):
            continue
        pos = bisect_right(orders, c.order)
        changed: list[tuple[int, list[int]]] = []
        if not mask & taken:  # its lines are as they were: what it took alone
            ds = c.first if c.first is not None else c.kernel(c, rem)
            gain = sum(ds)
            if gain <= 0:
                continue
            trial = rem
        elif pos == len(orders):
            ds = c.kernel(c, rem)
            gain = sum(ds)
            if gain <= 0:
                continue
            trial = rem
        else:
            trial = list(rem)
            for j in range(pos, len(chosen)):
                for li, x in zip(chosen[j].lines, took[j], strict=True):
                    trial[li] += x
            ds = c.kernel(c, trial)
            gain = sum(ds)
            dirty = 0  # lines whose amount now differs from before at this point of the order
            for li, x in zip(c.lines, ds, strict=True):
                if x:
                    trial[li] -= x
                    dirty |= 1 << li
            for j in range(pos, len(chosen)):
                later = chosen[j]
                if later.mask & dirty:
                    now = later.kernel(later, trial)
                    for li, x, was in zip(later.lines, now, took[j], strict=True):
                        trial[li] -= x
                        if x != was:
                            dirty |= 1 << li
                    gain += sum(now) - sum(took[j])
                    changed.append((j, now))
                else:
                    for li, x in zip(later.lines, took[j], strict=True):
                        trial[li] -= x
            if gain <= 0:
                continue
        for j, now in changed:
            took[j] = now
        if trial is rem:
            for li, x in zip(c.lines, ds, strict=True):
                rem[li] -= x
        else:
            rem = trial
        chosen.insert(pos, c)
        took.insert(pos, ds)
        orders.insert(pos, c.order)
        taken |= mask
        if not c.stackable:
            alone |= mask
        total += gain
    return list(zip(chosen, took, strict=True)), total
