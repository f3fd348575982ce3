-- Promotions (issue 6), from the central's feed: one row per promotion, its record as
-- JSON (sync.protocol PromotionData) with the columns a look-up filters on. Every store's
-- till gets every promotion; the engine (posclient/domain/promotions/) skips other stores'.
CREATE TABLE promotions (
    id          TEXT PRIMARY KEY,
    data        TEXT NOT NULL,             -- JSON: the PromotionData record
    valid_from  INTEGER NOT NULL DEFAULT 0,  -- unix seconds
    valid_to    INTEGER,                   -- exclusive; NULL: no end
    coupon_code TEXT                       -- upper case, no spaces; NULL: no coupon needed
) WITHOUT ROWID;
CREATE INDEX promotions_coupon ON promotions (coupon_code) WHERE coupon_code IS NOT NULL;

-- Bumped by every change to promotions, so a reader's cache knows when to load them again.
CREATE TABLE promotions_version (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    version INTEGER NOT NULL
);
INSERT INTO promotions_version (id, version) VALUES (1, 0);
CREATE TRIGGER promotions_ins AFTER INSERT ON promotions
    BEGIN UPDATE promotions_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER promotions_upd AFTER UPDATE ON promotions
    BEGIN UPDATE promotions_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER promotions_del AFTER DELETE ON promotions
    BEGIN UPDATE promotions_version SET version = version + 1 WHERE id = 1; END;
