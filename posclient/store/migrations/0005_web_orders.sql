-- Web orders at the till (issue 5): the till's copy of orders it hands over, and pick-ups
-- recorded as sales of kind 'pickup' (their lines name the order's line).
CREATE TABLE web_orders (
    order_no   TEXT PRIMARY KEY,
    store_id   TEXT,                 -- the pick-up store
    status     TEXT NOT NULL,
    phone      TEXT,
    data       TEXT NOT NULL,        -- sync.protocol.OrderData as the central sent it (JSON)
    fetched_at TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX web_orders_phone ON web_orders (phone) WHERE phone IS NOT NULL;

ALTER TABLE sales ADD COLUMN kind TEXT NOT NULL DEFAULT 'sale' CHECK (kind IN ('sale', 'pickup'));
ALTER TABLE sales ADD COLUMN order_no TEXT;
CREATE INDEX sales_order ON sales (order_no) WHERE order_no IS NOT NULL;
ALTER TABLE sale_lines ADD COLUMN order_line_no INTEGER;
