-- A product may be marked not discountable (issue 15, item 11): a gift card is sold at the value
-- it carries, so no sale discount, line discount, price override, promotion or member price
-- ever reduces it (posclient/domain/cart.py). Set at the central (ProductData.discountable),
-- written by the feed and the snapshot (sync/apply.py); every product is discountable until
-- its central says otherwise.
ALTER TABLE products ADD COLUMN discountable INTEGER NOT NULL DEFAULT 1;
