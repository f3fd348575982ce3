"""The promotion engine: one pure, deterministic function from a basket to its promotion prices.

Used by the till (the lead wires it into the cart) and by the central's ``POST
/v1/price-basket``, so the web shop prices a basket exactly as the till does. No I/O, no clock:
the time, the store, the member's tier and the coupon codes come in a :class:`PricingContext`.

Kinds (:class:`Kind`; a promotion's *targets* are product ids, categories and brands, and a
line matches if any one matches; no targets at all means every line):

- ``percent_off``: ``percent_bp`` basis points (10% = 1000) off each matching line, rounded
  half up per line;
- ``amount_off``: ``amount`` minor units off each unit (a weighed item: off each kilogram,
  ``amount * grams / 1000`` half up), never more than the line;
- ``buy_x_get_y``: for every ``buy_qty + get_qty`` units of the matching unit-priced lines,
  the ``get_qty`` cheapest units of the whole pool are ``get_percent_bp`` off (10000: free);
- ``mix_and_match``: any ``bundle_qty`` units of the group for ``bundle_price``: as many
  bundles as the units make, filled with the dearest units (best for the customer); the saving
  (value of those units minus the bundles' price, if positive) is spread over them;
- ``spend_get_off``: when the matching lines come to at least ``min_spend`` (after the
  discounts applied before this promotion), ``amount`` off (or ``percent_bp`` of it).

A line that is not ``discountable`` (a gift card) is priced at its gross and nothing else: no
promotion discounts it, claims it or counts it (toward a spend threshold, a bundle or a
"buy x"), and its manual discount is ignored; the other lines are priced exactly as if it
were not in the basket.

Weighed lines (``measure`` g) never count as units: ``buy_x_get_y`` and ``mix_and_match`` skip
them. A scale-label line (``fixed_amount``) is discounted on its label's amount.

Who may have it (all must hold, else the promotion does not exist for this basket):
``store_ids`` (empty: every store; every store's till gets every promotion in its feed and the
engine filters here), ``valid_from <= at < valid_to`` (unix seconds), ``days`` (ISO weekdays,
1 = Monday; empty: every day) and ``minute_from``/``minute_to`` (minutes after local midnight,
end excluded; an end before the start wraps past midnight) read on ``at`` **in the time zone
of the datetime given**, so callers pass the store's local time; ``member_only`` (any member)
and ``tiers`` (the member's tier must be listed); ``coupon_code`` (the code must be among the
basket's coupons; compared without case or spaces, see :func:`normalize_code`).

Amounts. Each line's base is its gross minus the manual line discount already given (never
below 0). Promotions are applied one after another in **application order**: ``priority``
descending, then ``id`` ascending; each sees what the earlier ones left of each line, so a
stacked percentage takes a share of the already reduced line, and a spend threshold counts the
earlier discounts. No promotion takes a line below zero. A discount spread over several lines
(``spend_get_off``, ``mix_and_match``) is split in proportion to what the lines had left, by
largest remainder (:func:`posclient.domain.money.allocate`) over the lines in canonical order,
so the parts add up exactly and tax, computed per rate on the discounted line amounts
(:func:`line_taxes`, :mod:`posclient.domain.tax`), stays right.

Which promotions apply together:

- A promotion *claims* every line it matches (its eligible lines), whether or not it
  discounts each of them.
- Two promotions may share a line only if **both** are ``stackable``. So a non-stackable
  promotion competes with every other promotion on its lines.
- An ``exclusive`` promotion applies alone: nothing else in the basket. It is chosen only when
  it saves strictly more than the best combination of the others.
- Among the valid combinations the customer gets the one that saves the most. Ties go to the
  combination that includes the promotion earliest in application order (higher priority,
  then lower id). A promotion that saves nothing in the chosen combination is not listed.

The bounded search. Candidates (promotions that hold for this basket and save something on
their own) are grouped into independent *clusters*: promotions that share a line are in one
cluster. A cluster of at most :data:`EXHAUSTIVE_MAX` candidates is searched exhaustively
(depth first in application order, each promotion in or out); a larger one greedily: the
candidates in order of what each saves alone (then application order), each added when it is
allowed with those already taken and makes the cluster's saving grow. Clusters' savings add
up, so the result is at least what any single promotion saves alone (the greedy's first pick is
the best single one) and never more than the undiscounted sum.

How it is computed (none of this changes a result): each kind has a kernel in integers only
(half up as integer arithmetic; lines ordered by price per unit through multiples of the lcm
of their quantities, not fractions), the same as the readable reference
(:func:`~posclient.domain.promotions.kernels.reference_discounts`), which still prices any
basket with a line whose qty is below 1. The greedy is incremental and exact: it
keeps what each chosen promotion takes, tries a candidate applied after all of them (or on
lines none of them claims) on what they left, and one that lands in the middle of the order
by re-applying only the later promotions whose lines it changed. What the searches found each
promotion takes is what the basket gets (clusters share no line).

Determinism: lines are put in a canonical order (product, measure, quantity, price, manual
discount, category, brand, then line id) before anything is computed, so the order of scanning
changes nothing but which of two identical lines takes a tied fen; promotions are ordered by
id; no sets are iterated where order matters.

The package's modules: ``model`` (the values), ``book`` (promotions indexed), ``kernels`` (each
kind's discounts and their reference), ``search`` (candidates, clusters, exhaustive and greedy
searches), ``engine`` (:func:`price_basket`). This module re-exports the public names.
"""

from __future__ import annotations

from posclient.domain.promotions.book import PromotionBook
from posclient.domain.promotions.engine import line_taxes, price_basket
from posclient.domain.promotions.model import (
    BP,
    AppliedPromotion,
    BasketLine,
    Kind,
    LinePrice,
    PricingContext,
    PricingResult,
    Promotion,
    normalize_code,
    promotion_from_dict,
    promotion_to_dict,
)
from posclient.domain.promotions.search import EXHAUSTIVE_MAX

__all__ = [
    "BP",
    "EXHAUSTIVE_MAX",
    "AppliedPromotion",
    "BasketLine",
    "Kind",
    "LinePrice",
    "PricingContext",
    "PricingResult",
    "Promotion",
    "PromotionBook",
    "line_taxes",
    "normalize_code",
    "price_basket",
    "promotion_from_dict",
    "promotion_to_dict",
]
