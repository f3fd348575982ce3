-- The chain's stock as this till last heard it (issue 18, F12): the central's availability of
-- a product at the other stores (POST /v1/availability), one row per (product, store), the last
-- answer only. Shown offline with its age; never a promise (posclient/store/chain_stock.py).
-- Bounded: the oldest answers beyond a cap are pruned when a new one is kept.
CREATE TABLE chain_stock (
    product_id     INTEGER NOT NULL,
    store_id       TEXT NOT NULL,
    name_zh        TEXT NOT NULL DEFAULT '',
    name_en        TEXT NOT NULL DEFAULT '',
    available      INTEGER NOT NULL,       -- on_hand - held - safety at the central, >= 0
    on_hand        INTEGER NOT NULL,
    distance_km    REAL,                   -- from this store (NULL: not known)
    upload_age_s   INTEGER,                -- the store's last upload, seconds before the answer
    answered_at    TEXT NOT NULL,          -- the central's time of the answer
    received_at    TEXT NOT NULL,          -- this till's time when it got the answer
    PRIMARY KEY (product_id, store_id)
);

CREATE INDEX chain_stock_received ON chain_stock (received_at);
