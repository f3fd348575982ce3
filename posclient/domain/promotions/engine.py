"""The engine's entry: :func:`price_basket`, and the tax summary of its result."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from posclient.domain.money import Rounding
from posclient.domain.promotions.book import PromotionBook
from posclient.domain.promotions.kernels import Candidate
from posclient.domain.promotions.model import (
    AppliedPromotion,
    BasketLine,
    LinePrice,
    PricingContext,
    PricingResult,
    Promotion,
)
from posclient.domain.promotions.search import (
    EXHAUSTIVE_MAX,
    candidates,
    clusters,
    exhaustive,
    greedy,
)
from posclient.domain.tax import TaxLine, summarize


def price_basket(promotions: PromotionBook | Iterable[Promotion],
                 lines: Sequence[BasketLine], ctx: PricingContext) -> PricingResult:
    """Price ``lines`` with the best combination of ``promotions`` (see the module docstring).

    A pure function of its arguments: the same basket, promotions and context always give the
    same result, on the till and on the central.
    """
    book = promotions if isinstance(promotions, PromotionBook) else PromotionBook(promotions)
    if len({ln.line_id for ln in lines}) != len(lines):
        raise ValueError("line ids must be unique")
    if not all(ln.discountable for ln in lines):
        return _with_full_price(lines, price_basket(
            book, [ln for ln in lines if ln.discountable], ctx))
    canon = sorted(lines, key=BasketLine.sort_key)
    gross = [ln.gross for ln in canon]
    manual = [min(max(ln.manual_discount, 0), g) for ln, g in zip(canon, gross, strict=True)]
    base = [g - m for g, m in zip(gross, manual, strict=True)]

    chosen = _best(candidates(book, canon, base, ctx), base)
    chosen.sort(key=lambda cd: cd[0].order)
    per_line, per_promo = _tally(chosen, len(canon))
    return _result(lines, canon, gross, manual, [c for c, _ in chosen], per_line, per_promo)


def _best(cands: list[Candidate], base: list[int]) -> list[tuple[Candidate, list[int]]]:
    """The best combination of the candidates, each with what it takes off its lines: the
    best of each cluster of the shared ones, or the best exclusive one alone if it saves
    strictly more."""
    exclusive = [c for c in cands if c.promo.exclusive]
    shared = [c for c in cands if not c.promo.exclusive]
    # (candidate, what it takes off each of its lines): the searches give what each chosen
    # promotion takes in their combination, which is what it takes in the basket, since
    # clusters share no line.
    chosen: list[tuple[Candidate, list[int]]] = []
    saving = 0
    for cluster in clusters(shared):
        search = exhaustive if len(cluster) <= EXHAUSTIVE_MAX else greedy
        best, value = search(cluster, base)
        chosen += best
        saving += value
    best_ex = max(exclusive, key=lambda c: (c.alone, -c.order), default=None)
    if best_ex is not None and best_ex.alone > saving:
        chosen = [(best_ex, best_ex.first if best_ex.first is not None
                   else best_ex.kernel(best_ex, base))]
    return chosen


def _tally(chosen: list[tuple[Candidate, list[int]]], n: int
           ) -> tuple[list[list[tuple[str, int]]], dict[str, int]]:
    """Each line's discounts (in application order) and each promotion's sum, from the chosen
    (in application order) and what each takes off its lines."""
    per_line: list[list[tuple[str, int]]] = [[] for _ in range(n)]
    per_promo: dict[str, int] = {}
    for c, ds in chosen:
        pid = c.promo.id
        saved = 0
        for li, d in zip(c.lines, ds, strict=True):
            if d:
                per_line[li].append((pid, d))
                saved += d
        if saved:
            per_promo[pid] = saved
    return per_line, per_promo


def _result(lines: Sequence[BasketLine], canon: list[BasketLine], gross: list[int],
            manual: list[int], chosen: list[Candidate],
            per_line: list[list[tuple[str, int]]], per_promo: dict[str, int]) -> PricingResult:
    priced: dict[int, LinePrice] = {}
    touched: dict[str, list[int]] = {}
    for i, ln in enumerate(canon):
        got = per_line[i]
        lid = ln.line_id
        promo = 0
        for pid, d in got:
            promo += d
            touched.setdefault(pid, []).append(lid)
        priced[lid] = LinePrice(lid, gross[i], manual[i], promo, gross[i] - manual[i] - promo,
                                tuple(got))
    applied = tuple(
        AppliedPromotion(c.promo.id, c.promo.name_zh, c.promo.name_en, c.promo.kind,
                         per_promo[c.promo.id], tuple(sorted(touched[c.promo.id])),
                         c.promo.coupon_code)
        for c in chosen if per_promo.get(c.promo.id))
    discount = sum(per_promo.values())
    subtotal, manual_sum = sum(gross), sum(manual)
    return PricingResult(lines=tuple([priced[ln.line_id] for ln in lines]), applied=applied,
                         subtotal=subtotal, manual_discount=manual_sum,
                         promotion_discount=discount, total=subtotal - manual_sum - discount)


def _with_full_price(lines: Sequence[BasketLine], priced: PricingResult) -> PricingResult:
    """``priced`` (the discountable lines) with the other lines added at their gross."""
    by_id = {lp.line_id: lp for lp in priced.lines}
    full = {ln.line_id: LinePrice(ln.line_id, ln.gross, 0, 0, ln.gross)
            for ln in lines if not ln.discountable}
    by_id.update(full)
    added = sum(lp.gross for lp in full.values())
    return PricingResult(
        lines=tuple([by_id[ln.line_id] for ln in lines]),
        applied=priced.applied, subtotal=priced.subtotal + added,
        manual_discount=priced.manual_discount,
        promotion_discount=priced.promotion_discount, total=priced.total + added)


def line_taxes(result: PricingResult, lines: Sequence[BasketLine], *, inclusive: bool,
               mode: Rounding = Rounding.HALF_UP) -> list[TaxLine]:
    """The tax summary of a priced basket: per rate, on the discounted line totals (the
    lines' ``tax_code``/``tax_rate_ppm``), as :func:`posclient.domain.tax.summarize` does."""
    rates = {ln.line_id: (ln.tax_code, ln.tax_rate_ppm) for ln in lines}
    return summarize(((*rates[lp.line_id], lp.total) for lp in result.lines),
                     inclusive=inclusive, mode=mode)
