-- Orders placed at this till for another store (issue 18, endless aisle): the item is held at
-- the store that has it (a reservation at the central), the customer pays here in full or a
-- deposit, and collects it there. One row per order, written with the sale that took its money
-- (posclient/app/aisle.py, posclient/app/sale_completion.py); the sale's ``total`` includes the
-- orders' ``paid_now`` (sync/protocol/events.py SalePayload), its lines are this store's goods.
-- The customer only as the till shows them: the masked name and the phone's last four digits
-- (the name and the phone went to the central sealed, in the sale's event). ``pickup_code``:
-- for the customer's receipt, blanked once it has printed (posclient/store/aisle.py
-- forget_codes): a reprint does not show it; the central keeps only its hash.
CREATE TABLE aisle_orders (
    order_no        TEXT PRIMARY KEY,
    sale_id         INTEGER NOT NULL REFERENCES sales (id),
    position        INTEGER NOT NULL,      -- 1.. within the sale
    reservation_id  TEXT NOT NULL,
    store_id        TEXT NOT NULL,         -- the store that fulfils it (pick-up there)
    store_name_zh   TEXT NOT NULL DEFAULT '',
    store_name_en   TEXT NOT NULL DEFAULT '',
    product_id      INTEGER NOT NULL,
    sku             TEXT NOT NULL,
    name_zh         TEXT NOT NULL DEFAULT '',
    name_en         TEXT NOT NULL DEFAULT '',
    qty             INTEGER NOT NULL CHECK (qty > 0),
    unit_price      INTEGER NOT NULL CHECK (unit_price >= 0),
    total           INTEGER NOT NULL CHECK (total >= 0),
    paid_now        INTEGER NOT NULL CHECK (paid_now > 0 AND paid_now <= total),
    pickup_code     TEXT NOT NULL,
    customer_name   TEXT NOT NULL DEFAULT '',   -- masked (陈**)
    phone_last4     TEXT,
    UNIQUE (sale_id, position)
) WITHOUT ROWID;
