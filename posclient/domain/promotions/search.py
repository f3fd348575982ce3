"""The search for the best combination: the candidates, their clusters, and an exhaustive
or a greedy search per cluster."""

from __future__ import annotations

import math
from bisect import bisect_right

from posclient.domain.cart import Measure
from posclient.domain.promotions.book import AMOUNT, BXGY, SPEND, PromotionBook
from posclient.domain.promotions.kernels import KERNELS, Candidate, half_up
from posclient.domain.promotions.model import BP, BasketLine, PricingContext, Promotion

EXHAUSTIVE_MAX = 8  # candidates in one cluster searched exhaustively (2**8 combinations)


def candidates(book: PromotionBook, canon: list[BasketLine], base: list[int],
               ctx: PricingContext) -> list[Candidate]:
    """The promotions that hold for this basket and save something alone, with their lines
    (in application order)."""
    basket = _Basket(canon, base)
    eligible = _eligible(book, basket, ctx)
    promos, codes = book.promotions, book.codes
    out = []
    for order, k in enumerate(sorted(eligible, key=book.rank.__getitem__)):
        lines = eligible[k]
        if lines:
            c = _candidate(promos[k], codes[k], order, lines, basket)
            if c is not None:
                out.append(c)
    return out


class _Basket:
    """The canonical lines as the candidates need them: which count units, and what a kernel
    needs of each line (any line without a positive qty: the reference, not a kernel)."""

    __slots__ = ("all_lines", "all_mask", "all_spend", "base", "canon", "grams", "qty",
                 "regular", "unit_lines", "unit_mask", "units_ok")

    def __init__(self, canon: list[BasketLine], base: list[int]) -> None:
        each, gram = Measure.EACH, Measure.GRAM
        n = len(canon)
        self.canon = canon
        self.base = base
        self.units_ok = [ln.measure is each and ln.fixed_amount is None for ln in canon]
        self.all_lines = list(range(n))
        self.unit_lines = [i for i in self.all_lines if self.units_ok[i]]
        self.regular = all(ln.qty >= 1 for ln in canon)
        self.qty = [ln.qty for ln in canon]
        self.grams = [ln.measure is gram for ln in canon]
        self.all_mask = (1 << n) - 1
        self.unit_mask = self.mask(self.unit_lines)
        self.all_spend = sum(base)

    @staticmethod
    def mask(lines: list[int]) -> int:
        mask = 0
        for li in lines:
            mask |= 1 << li
        return mask

    def mask_of(self, lines: list[int]) -> int:
        if lines is self.all_lines:
            return self.all_mask
        if lines is self.unit_lines:
            return self.unit_mask
        return self.mask(lines)


def _eligible(book: PromotionBook, basket: _Basket, ctx: PricingContext
              ) -> dict[int, list[int]]:
    """Each promotion that holds (by index) with the lines it may claim (canonical indexes):
    a whole-basket one shares the basket's list of all (or unit) lines."""
    promos = book.promotions
    counts_units = book.counts_units
    all_lines, unit_lines, units_ok = basket.all_lines, basket.unit_lines, basket.units_ok
    eligible: dict[int, list[int]] = {k: unit_lines if counts_units[k] else all_lines
                                      for k in book.everywhere if promos[k].holds(ctx)}
    holds: dict[int, bool] = dict.fromkeys(book.everywhere, False)
    by_product, by_category, by_brand = book.by_product, book.by_category, book.by_brand
    for i, line in enumerate(basket.canon):
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
    return eligible


def _candidate(p: Promotion, code: int, order: int, lines: list[int], basket: _Basket
               ) -> Candidate | None:
    """``p`` (of kind ``code``) as a candidate on ``lines`` (some), or None if it saves
    nothing alone."""
    alone = 0
    if code == SPEND:  # alone: without spreading it over the lines
        alone = _spend_alone(p, lines, basket)
        if alone <= 0:
            return None
    c = Candidate(p, order, lines, basket.mask_of(lines), basket.canon)
    if basket.regular:
        _use_kernel(c, code, basket)
    if code == SPEND:
        c.alone = alone
    else:
        c.first = c.kernel(c, basket.base)
        c.alone = sum(c.first)
        if c.alone <= 0:
            return None
    return c


def _spend_alone(p: Promotion, lines: list[int], basket: _Basket) -> int:
    """What a spend_get_off saves alone (0: its threshold is not reached)."""
    base = basket.base
    spend = basket.all_spend if lines is basket.all_lines else sum([base[li] for li in lines])
    if spend <= 0 or spend < p.min_spend:
        return 0
    return min(p.amount or half_up(spend * p.percent_bp, BP), spend)


def _use_kernel(c: Candidate, code: int, basket: _Basket) -> None:
    """Give the candidate its kind's kernel and what the kernel needs precomputed."""
    p, lines, qty = c.promo, c.lines, basket.qty
    c.kernel = KERNELS[code]
    if code == AMOUNT:
        amount, grams = p.amount, basket.grams
        c.per_line = [half_up(amount * qty[li], 1000) if grams[li]
                      else amount * qty[li] for li in lines]
    elif code >= BXGY:
        c.qty = q = [qty[li] for li in lines]
        lcm = math.lcm(*q)
        c.per_line = [lcm // x for x in q]
        units = sum(q)
        c.count = (units // (p.buy_qty + p.get_qty) * p.get_qty if code == BXGY
                   else units // p.bundle_qty)


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
    state = _Greedy(base)
    for c in sorted(cluster, key=lambda c: (-c.alone, c.order)):
        if not c.mask & (state.alone if c.stackable else state.taken):
            state.try_add(c)
    return list(zip(state.chosen, state.took, strict=True)), state.total


class _Greedy:
    """The greedy's state: the chosen (in application order), what each takes off its lines,
    their orders, the lines claimed (by any, by a non-stackable one), what the lines have
    left, and the saving."""

    __slots__ = ("alone", "chosen", "orders", "rem", "taken", "took", "total")

    def __init__(self, base: list[int]) -> None:
        self.chosen: list[Candidate] = []
        self.took: list[list[int]] = []
        self.orders: list[int] = []
        self.taken = 0
        self.alone = 0
        self.rem = list(base)
        self.total = 0

    def try_add(self, c: Candidate) -> None:
        """Add ``c`` where it goes in the order, if the saving grows."""
        pos = bisect_right(self.orders, c.order)
        rem = self.rem
        changed: list[tuple[int, list[int]]] = []
        if not c.mask & self.taken:  # its lines are as they were: what it took alone
            ds = c.first if c.first is not None else c.kernel(c, rem)
            gain, trial = sum(ds), rem
        elif pos == len(self.orders):
            ds = c.kernel(c, rem)
            gain, trial = sum(ds), rem
        else:
            ds, gain, trial, changed = self._in_the_middle(c, pos)
        if gain <= 0:
            return
        for j, now in changed:
            self.took[j] = now
        if trial is rem:
            for li, x in zip(c.lines, ds, strict=True):
                rem[li] -= x
        else:
            self.rem = trial
        self.chosen.insert(pos, c)
        self.took.insert(pos, ds)
        self.orders.insert(pos, c.order)
        self.taken |= c.mask
        if not c.stackable:
            self.alone |= c.mask
        self.total += gain

    def _in_the_middle(self, c: Candidate, pos: int
                       ) -> tuple[list[int], int, list[int], list[tuple[int, list[int]]]]:
        """``c`` applied at ``pos`` of the order: what it takes, the saving it adds, what the
        lines would then have left, and the later ones' new takes (index, takes)."""
        chosen, took = self.chosen, self.took
        trial = list(self.rem)
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
        changed: list[tuple[int, list[int]]] = []
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
        return ds, gain, trial, changed
