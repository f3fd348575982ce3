-- Promotions at the till (issue 6): each sale line's promotion discount, and what applied to
-- the sale (for its receipt and reports).
ALTER TABLE sale_lines ADD COLUMN promo_discount INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sales ADD COLUMN promotions TEXT;  -- JSON [{id, name_zh, name_en, saved}]
ALTER TABLE sales ADD COLUMN coupons TEXT;     -- JSON [code, ...] the sale used
