-- A web order's customer on the till (issue 17, docs/sync-protocol.md "Web orders"): what the
-- hand-over needs and no more. The copy of an order keeps the masked name (the first character
-- and **), the phone's last four digits and its keyed hash (HMAC-SHA256 with the chain's phone
-- key, which the till keeps in its OS keyring): a cashier who types the customer's phone finds
-- the orders through the index on web_orders.phone_hash. No phone number stays in the file.
--
-- The hash cannot be computed here (the key is not in the database): the orders the till held
-- keep their masked name and last four digits, without a hash, and the till takes a new
-- snapshot at its next sync (the cursor is dropped), which brings its store's orders with their
-- hashes and removes the copies of other stores' orders a look-up once fetched. Pick-ups waiting
-- for the central (sales, outbox) name the order by number only and are untouched.
CREATE TABLE web_orders_v21 (
    order_no   TEXT PRIMARY KEY,
    store_id   TEXT,                 -- the pick-up store
    status     TEXT NOT NULL,
    phone_hash TEXT,                 -- 64 hex digits (posclient/domain/privacy.py)
    data       TEXT NOT NULL,        -- sync.protocol.OrderData as the central sent it (JSON)
    fetched_at TEXT NOT NULL
) WITHOUT ROWID;
INSERT INTO web_orders_v21 (order_no, store_id, status, phone_hash, data, fetched_at)
    SELECT order_no, store_id, status, NULL,
           json_set(json_remove(data, '$.customer_phone'),
                    '$.customer_name',
                    CASE WHEN trim(coalesce(data ->> '$.customer_name', '')) = '' THEN ''
                         ELSE substr(trim(data ->> '$.customer_name'), 1, 1) || '**' END,
                    '$.customer_phone_last4',
                    CASE WHEN phone GLOB '*[0-9][0-9][0-9][0-9]' THEN substr(phone, -4) END),
           fetched_at
    FROM web_orders;
DROP TABLE web_orders;
ALTER TABLE web_orders_v21 RENAME TO web_orders;
CREATE INDEX web_orders_phone_hash ON web_orders (phone_hash) WHERE phone_hash IS NOT NULL;
DELETE FROM sync_state WHERE key = 'cursor';
