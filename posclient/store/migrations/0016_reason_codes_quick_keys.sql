-- Reason codes and quick keys (issue 15, item 4), as the central sends them (sync/protocol/records.py
-- ReasonCodeData, QuickKeyData). Reason codes are the chain's; quick keys are this store's
-- touch tiles for items without a barcode. A tile whose product this till does not have (yet)
-- is not shown: no foreign key, so a snapshot may bring them in any order.
CREATE TABLE reason_codes (
    code    TEXT PRIMARY KEY,
    kind    TEXT NOT NULL,            -- discount | price_override | void | no_sale | return
    name_zh TEXT NOT NULL,
    name_en TEXT NOT NULL DEFAULT '',
    active  INTEGER NOT NULL DEFAULT 1,
    sort    INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE quick_keys (
    id          INTEGER PRIMARY KEY,
    product_id  INTEGER NOT NULL,
    category_zh TEXT NOT NULL,
    category_en TEXT NOT NULL DEFAULT '',
    label_zh    TEXT NOT NULL DEFAULT '',
    label_en    TEXT NOT NULL DEFAULT '',
    position    INTEGER NOT NULL DEFAULT 0
);
-- The reason picked from the list for a return (NULL: typed, or before this version).
ALTER TABLE returns ADD COLUMN reason_code TEXT;
